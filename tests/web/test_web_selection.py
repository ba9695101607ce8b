"""An organiser's selection in a real Chromium: editing a shared list, and taking it away
as a collection file or a spreadsheet.

Before: on ``/selectie?s=A&s=B&s=C`` "Omhoog" on C left one case and "Verwijderen" on A
left none, because the post edited the visitor's own (empty) cookie list.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from playwright.sync_api import Browser, Page, expect

from kennisbank.content.loading import load_content

from .helpers import CONTENT, ROADSHOW, TAXONOMY, case_slugs, collection_entries, front_matter
from .live import new_context

pytestmark = pytest.mark.browser

A, B, C, D = case_slugs()[:4]


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    context = new_context(browser, java_script_enabled=request.param)
    page = context.new_page()
    yield page
    context.close()


def listed(page: Page) -> list[str]:
    links = page.locator("ol.collection-list > li h2.result-title a")
    return [str(href).rsplit("/", 1)[1] for href in links.evaluate_all("l => l.map(a => a.href)")]


def item_button(page: Page, slug: str, name: str) -> None:
    page.locator(f"#r-{slug}").get_by_role("button", name=re.compile(f"^{name}")).click()


# --- Item 1: editing a shared selection -----------------------------------------------------


def test_moving_a_case_up_in_a_shared_list_keeps_the_whole_list(page: Page, live_url: str) -> None:
    page.goto(f"{live_url}/selectie?s={A}&s={B}&s={C}")
    assert listed(page) == [A, B, C]
    item_button(page, C, "Omhoog")
    page.wait_for_url(re.compile(r"/selectie(#.*)?$"))
    assert listed(page) == [A, C, B]
    expect(page.locator("header .badge")).to_have_text("3")
    # and it is kept: the menu's "Mijn selectie" shows the same list
    page.get_by_role("link", name=re.compile("Mijn selectie")).click()
    page.wait_for_url(re.compile(r"/selectie$"))
    assert listed(page) == [A, C, B]


def test_removing_from_a_shared_list_removes_only_that_case(page: Page, live_url: str) -> None:
    page.goto(f"{live_url}/selectie?s={A}&s={B}&s={C}")
    item_button(page, A, "Verwijderen")
    page.wait_for_url(re.compile(r"/selectie(#.*)?$"))
    assert listed(page) == [B, C]
    expect(page.locator("header .badge")).to_have_text("2")


def test_editing_a_shared_list_offers_the_own_list_back(page: Page, live_url: str) -> None:
    page.goto(f"{live_url}/voorbeelden/{D}")
    page.locator(".case-actions").get_by_role("button", name=re.compile("toevoegen")).click()
    expect(page.locator("header .badge")).to_have_text("1")
    page.goto(f"{live_url}/selectie?s={A}&s={B}")
    expect(page.locator("main")).to_contain_text("gedeelde selectie")
    item_button(page, B, "Omhoog")
    page.wait_for_url(re.compile(r"/selectie(#.*)?$"))
    assert listed(page) == [B, A]
    expect(page.locator("#melding")).to_contain_text("vorige selectie is vervangen")
    page.get_by_role("button", name="Ongedaan maken").click()
    page.wait_for_url(re.compile(r"/selectie(#.*)?$"))
    assert listed(page) == [D]


def test_removing_from_a_shared_list_can_be_undone(page: Page, live_url: str) -> None:
    """Round 2, item 2: "Verwijderen" on a shared list replaced the visitor's own selection
    with no way back (only "Omhoog" offered one), and the badge showed the shared count."""
    page.goto(f"{live_url}/voorbeelden/{D}")
    page.locator(".case-actions").get_by_role("button", name=re.compile("toevoegen")).click()
    expect(page.locator("header .badge")).to_have_text("1")
    page.goto(f"{live_url}/selectie?s={A}&s={B}&s={C}")
    expect(page.locator("header .badge")).to_have_text("1")  # still the visitor's own count
    item_button(page, A, "Verwijderen")
    page.wait_for_url(re.compile(r"/selectie(#.*)?$"))
    assert listed(page) == [B, C]
    expect(page.locator("#melding")).to_contain_text("vorige selectie is vervangen")
    expect(page.locator("header .badge")).to_have_text("2")
    page.get_by_role("button", name="Ongedaan maken").click()
    page.wait_for_url(re.compile(r"/selectie(#.*)?$"))
    assert listed(page) == [D]


def test_editing_a_shared_list_without_an_own_list_can_be_undone(page: Page, live_url: str) -> None:
    page.goto(f"{live_url}/selectie?s={A}&s={B}")
    expect(page.locator("header .badge")).to_have_text("0")
    item_button(page, B, "Verwijderen")
    page.wait_for_url(re.compile(r"/selectie(#.*)?$"))
    assert listed(page) == [A]
    expect(page.locator("#melding")).to_contain_text("gedeelde selectie is nu je eigen selectie")
    page.get_by_role("button", name="Ongedaan maken").click()
    page.wait_for_url(re.compile(r"/selectie(#.*)?$"))
    expect(page.locator("main")).to_contain_text("Je selectie is leeg")


# --- Item 5: the collection file from "Mijn selectie" -------------------------------------


def test_the_download_form_asks_for_what_a_collection_has(
    page: Page, live_url: str, content_copy: Path
) -> None:
    page.goto(f"{live_url}/selectie?s={A}&s={B}")
    form = page.locator("form.download-form")
    form.get_by_label("Titel van de collectie").fill("Roadshow Zuid: wonen")
    form.get_by_label("Beschrijving (optioneel)").fill("Twee voorbeelden voor de avond.")
    form.get_by_label("Datum van de bijeenkomst (optioneel)").fill("2026-03-12")
    form.get_by_label("Plaats (optioneel)").fill("Eindhoven, Wijkhuis ‘t Hofke")
    form.get_by_label("Samengesteld door (optioneel)").fill("Coalitie, regio Zuid")
    form.get_by_label("Inleiding (optioneel, Markdown)").fill("We beginnen om **19.00 uur**.")
    title_b = page.locator(f"#r-{B} h2").inner_text()
    form.get_by_label(title_b, exact=True).fill("Vraag aan de zaal: wie doet dit al?")
    with page.expect_download() as download:
        form.get_by_role("button", name="Collectiebestand downloaden").click()
    name = download.value.suggested_filename
    assert name == "roadshow-zuid-wonen.md"
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Samengesteld via" not in text
    (content_copy / "collections" / name).write_text(text, encoding="utf-8")
    tree = load_content(content_copy)
    assert tree.errors == [], [p.format() for p in tree.errors]
    collection = tree.collections["roadshow-zuid-wonen"]
    assert collection.date == dt.date(2026, 3, 12)  # the event, not the download day
    assert collection.location == "Eindhoven, Wijkhuis ‘t Hofke"
    assert collection.curator == "Coalitie, regio Zuid"
    assert collection.description == "Twee voorbeelden voor de avond."
    assert [(e.slug, e.note) for e in collection.cases] == [
        (A, ""),
        (B, "Vraag aan de zaal: wie doet dit al?"),
    ]
    assert collection.body.strip() == "We beginnen om **19.00 uur**."


def test_a_download_without_a_date_has_no_date(page: Page, live_url: str) -> None:
    page.goto(f"{live_url}/selectie?s={A}")
    page.get_by_label("Titel van de collectie").fill("Zonder datum")
    with page.expect_download() as download:
        page.get_by_role("button", name="Collectiebestand downloaden").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "\ndate:" not in text and "Samengesteld via" not in text


# --- Item 7: spreadsheets -----------------------------------------------------------------


def download(page: Page, link: str) -> Path:
    with page.expect_download() as started:
        page.locator("footer, main").get_by_role("link", name=link, exact=True).first.click()
    return Path(started.value.path())


def test_the_csv_is_utf8_for_excel_and_names_labels(page: Page, live_url: str) -> None:
    page.goto(f"{live_url}/zoeken")
    data = download(page, "CSV").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    by_slug = {row["slug"]: row for row in rows}
    case, _ = front_matter(CONTENT / "cases" / "budgetcoach-jonge-gezinnen.md")
    assert by_slug["budgetcoach-jonge-gezinnen"]["costs"] == case["costs"]  # € and ö intact
    assert "€" in case["costs"] or "ö" in case["summary"] + case["costs"]
    labels = yaml.safe_load(TAXONOMY.read_text(encoding="utf-8"))
    for row in rows:
        assert row["regions_label"] == "; ".join(
            label_of(labels["regions"][r]) for r in row["regions"].split("; ")
        )
        assert "-" not in row["principles_label"]  # labels, not ids like veilig-opgroeien


def label_of(entry: Any) -> str:
    return str(entry["label"] if isinstance(entry, dict) else entry)


def test_all_cases_and_a_collection_download_as_excel(page: Page, live_url: str) -> None:
    page.goto(f"{live_url}/zoeken")
    book = openpyxl.load_workbook(io.BytesIO(download(page, "Excel").read_bytes()))
    rows = list(book.active.iter_rows(values_only=True))
    header = list(rows[0])
    assert {"slug", "principles_label", "regions_label", "partners_label", "licence"} <= set(header)
    assert sorted(r[header.index("slug")] for r in rows[1:]) == case_slugs()

    page.goto(f"{live_url}/collecties/{ROADSHOW}")
    book = openpyxl.load_workbook(io.BytesIO(download(page, "Excel").read_bytes()))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:4] == ("positie", "slug", "titel", "notitie")
    assert [(r[1], r[3] or "") for r in rows[1:]] == collection_entries(ROADSHOW)


# --- Round 2, item 3: what an organiser types is kept and printed --------------------------


def fill_details(page: Page) -> None:
    form = page.locator("form.download-form")
    form.get_by_label("Titel van de collectie").fill("Roadshow Oost: samen wonen")
    form.get_by_label("Datum van de bijeenkomst (optioneel)").fill("2027-04-06")
    form.get_by_label("Plaats (optioneel)").fill("Ede, De Reehorst")
    form.get_by_label("Inleiding (optioneel, Markdown)").fill("We beginnen om **19.00 uur**.")
    title_b = page.locator(f"#r-{B} h2").inner_text()
    form.get_by_label(title_b, exact=True).fill("Vraag aan de zaal: wie doet dit al?")


def test_the_organisers_details_survive_a_reload_and_reach_the_handout(
    page: Page, live_url: str
) -> None:
    """Before: the form promised notes in the handout, but "Afdrukversie" printed "Mijn
    selectie" without title, introduction or notes, and a reload lost what was typed."""
    for count, slug in enumerate((A, B), start=1):
        page.goto(f"{live_url}/voorbeelden/{slug}")
        page.locator(".case-actions").get_by_role("button", name=re.compile("toevoegen")).click()
        # with JavaScript the add is a fetch: leaving the page before it answers drops it
        expect(page.locator("header .badge")).to_have_text(str(count))
    page.goto(f"{live_url}/selectie")
    fill_details(page)
    page.get_by_role("button", name="Bewaren", exact=True).click()
    page.wait_for_url(re.compile(r"/selectie#gegevens$"))
    expect(page.locator("#melding")).to_contain_text("Bewaard")
    page.reload()
    form = page.locator("form.download-form")
    expect(form.get_by_label("Titel van de collectie")).to_have_value("Roadshow Oost: samen wonen")
    expect(form.get_by_label("Plaats (optioneel)")).to_have_value("Ede, De Reehorst")
    title_b = page.locator(f"#r-{B} h2").inner_text()
    expect(form.get_by_label(title_b, exact=True)).to_have_value(
        "Vraag aan de zaal: wie doet dit al?"
    )
    page.get_by_role("link", name="Afdrukversie (hand-out)").click()
    page.wait_for_url(re.compile(r"/selectie/afdrukken"))
    cover = page.locator(".cover")
    expect(cover.locator("h1")).to_have_text("Roadshow Oost: samen wonen")
    expect(cover).to_contain_text("6 april 2027")
    expect(cover).to_contain_text("Ede, De Reehorst")
    expect(cover.locator(".intro strong")).to_have_text("19.00 uur")
    expect(page.locator("article.handout-case").nth(1).locator(".note")).to_contain_text(
        "wie doet dit al?"
    )


def test_details_too_long_for_the_browser_are_refused_and_kept_on_the_page(
    page: Page, live_url: str
) -> None:
    page.goto(f"{live_url}/selectie?s={A}")
    page.get_by_label("Titel van de collectie").fill("Te veel tekst")
    # hex digests hardly compress: 8,100 characters are far beyond one cookie
    words = " ".join(hashlib.sha256(str(i).encode()).hexdigest()[:8] for i in range(900))
    page.get_by_label("Inleiding (optioneel, Markdown)").fill(words)
    page.get_by_role("button", name="Bewaren", exact=True).click()
    expect(page.locator("#gegevens-fout")).to_contain_text("te veel tekst")
    kept = page.get_by_label("Inleiding (optioneel, Markdown)").input_value()
    assert kept == words, (len(kept), len(words))


# --- Round 2, item 7: a downloaded collection never overwrites a published one -------------


def test_a_download_named_like_a_published_collection_gets_a_free_name(
    page: Page, live_url: str, content_copy: Path
) -> None:
    taken = ROADSHOW.replace("-", " ").capitalize()  # a title whose slug is the file's
    page.goto(f"{live_url}/selectie?s={A}")
    page.get_by_label("Titel van de collectie").fill(taken)
    with page.expect_download() as download:
        page.get_by_role("button", name="Collectiebestand downloaden").click()
    name = download.value.suggested_filename
    assert name == f"{ROADSHOW}-2.md"
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert f"Er bestaat al een collectie '{ROADSHOW}'" in text
    (content_copy / "collections" / name).write_text(text, encoding="utf-8")
    tree = load_content(content_copy)
    assert tree.errors == [], [p.format() for p in tree.errors]
    # saved, the page says so before anyone downloads
    page.get_by_role("button", name="Bewaren", exact=True).click()
    expect(page.locator("#bestandsnaam")).to_contain_text(f"{ROADSHOW}-2.md")


# --- Round 2, item 10: a selection downloads as a spreadsheet; the share link is whole ------


def test_a_selection_downloads_as_excel_and_csv_and_shows_a_whole_share_link(
    page: Page, live_url: str
) -> None:
    for slug in (A, B):
        page.goto(f"{live_url}/voorbeelden/{slug}")
        page.locator(".case-actions").get_by_role("button", name=re.compile("toevoegen")).click()
    page.goto(f"{live_url}/selectie")
    expect(page.locator("a.share-link")).to_have_text(f"{live_url}/selectie?s={A}&s={B}")
    book = openpyxl.load_workbook(io.BytesIO(download(page, "Excel").read_bytes()))
    rows = list(book.active.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == [A, B]
    data = download(page, "CSV").read_bytes().decode("utf-8-sig")
    assert [row["slug"] for row in csv.DictReader(io.StringIO(data))] == [A, B]

"""Words people type, searched in a real Chromium (issue 14, item 3).

Before: "Utrecht", "Drenthe", "Limburg", "Fryslân", "Friesland" and single words such as
"buurman" gave 0 results, although cases are tagged with those provinces. Now taxonomy
labels and synonyms count as words of the cases they tag, a query that names a filter
offers it as a chip, and a query no case matches shows its closest cases by meaning.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import yaml
from playwright.sync_api import Browser, Page, expect

from .helpers import CONTENT, TAXONOMY, front_matter
from .live import new_context

pytestmark = pytest.mark.browser

REGIONS = yaml.safe_load(TAXONOMY.read_text(encoding="utf-8"))["regions"]


def tagged(region: str) -> set[str]:
    """Slugs of the cases whose front matter names ``region`` (read with plain YAML)."""
    return {
        path.stem
        for path in (CONTENT / "cases").glob("*.md")
        if region in front_matter(path)[0]["regions"]
    }


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = new_context(browser)
    page = context.new_page()
    yield page
    context.close()


def result_slugs(page: Page) -> list[str]:
    hrefs = page.locator("ol.result-list h2.result-title a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    return [str(h).rsplit("/", 1)[1] for h in hrefs]


@pytest.mark.parametrize(
    ("typed", "region"),
    [
        ("Utrecht", "utrecht"),
        ("Drenthe", "drenthe"),
        ("Limburg", "limburg"),
        ("Fryslân", "fryslan"),
        ("Friesland", "fryslan"),  # a synonym in the taxonomy
    ],
)
def test_a_province_name_finds_its_cases_and_offers_its_filter(
    page: Page, live_url: str, typed: str, region: str
) -> None:
    expected = tagged(region)
    assert expected, region
    page.goto(f"{live_url}/zoeken")
    page.get_by_label("Zoek een praktijkvoorbeeld").fill(typed)
    page.get_by_role("button", name="Zoeken", exact=True).click()
    page.wait_for_url(re.compile(r"/zoeken\?q="))
    found = set(result_slugs(page))
    assert expected <= found, (typed, expected - found)
    label = REGIONS[region]["label"] if isinstance(REGIONS[region], dict) else REGIONS[region]
    chip = page.locator(".suggested-filters a.chip", has_text=f"Regio: {label}")
    expect(chip).to_have_count(1)
    chip.click()
    page.wait_for_url(re.compile(rf"regio={region}"))
    expect(page.locator(".active-filters a.chip", has_text=label)).to_have_count(1)
    assert set(result_slugs(page)) == expected


# ("isolement" was one; the thesaurus now reads it as eenzaamheid: tests/test_thesaurus.py)
@pytest.mark.parametrize("typed", ["buurman", "zorgmijding"])
def test_a_word_no_case_uses_shows_the_closest_cases_and_says_so(
    page: Page, live_url: str, typed: str
) -> None:
    page.goto(f"{live_url}/zoeken?q={typed}")
    expect(page.locator("h1")).to_have_text(f"Geen voorbeeld gaat over ‘{typed}’")
    notice = page.locator("p.by-meaning")
    expect(notice).to_contain_text("Dit komt het dichtst in de buurt")
    assert 1 <= len(result_slugs(page)) <= 5
    labels = page.locator("ol.result-list .snippet-label").all_inner_texts()
    assert labels and all(label.startswith("Gevonden op betekenis") for label in labels)
    # the notice comes before the results it introduces
    assert notice.evaluate(
        "n => !!(n.compareDocumentPosition(document.querySelector('.result-list')) & 4)"
    )


def test_a_strong_search_counts_only_the_cases_about_it(page: Page, live_url: str) -> None:
    """The count is the set about the query, not the whole collection; cases outside it
    are offered below under their own heading and not counted."""
    page.goto(f"{live_url}/zoeken?q=huiselijk+geweld")
    shown = result_slugs(page)
    expect(page.locator("h1")).to_have_text(
        f"{len(shown)} {'voorbeeld' if len(shown) == 1 else 'voorbeelden'} voor ‘huiselijk geweld’"
    )
    assert 1 <= len(shown) < 5
    expect(page.locator("p.by-meaning")).to_have_count(0)
    related = page.locator(".related-results")
    expect(related.get_by_role("heading", name="Verwante voorbeelden")).to_have_count(1)
    expect(related).to_contain_text("tellen niet mee in het aantal")
    ids = related.locator("li").evaluate_all("items => items.map(item => item.id)")
    assert not set(shown) & {item.removeprefix("v-") for item in ids}


def test_gibberish_still_finds_nothing(page: Page, live_url: str) -> None:
    page.goto(f"{live_url}/zoeken?q=xyzzy")
    expect(page.locator("h1")).to_contain_text("0 voorbeelden")
    expect(page.locator("p.by-meaning")).to_have_count(0)
    expect(page.locator(".suggested-filters")).to_have_count(0)


def test_a_municipality_without_a_case_says_so_and_offers_its_province(
    page: Page, live_url: str
) -> None:
    assert not any("Zwolle" in path.read_text("utf-8") for path in (CONTENT / "cases").glob("*.md"))
    page.goto(f"{live_url}/zoeken?q=Zwolle")
    expect(page.locator("p.place-note")).to_have_text(
        "Geen voorbeeld uit Zwolle; wel uit Overijssel:"
    )
    expect(page.locator(".suggested-filters a.chip", has_text="Regio: Overijssel")).to_have_count(1)
    assert set(result_slugs(page)) == tagged("overijssel")
    expect(page.locator("p.by-meaning")).to_have_count(0)

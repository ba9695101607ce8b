"""Search-page flows in a real Chromium: filters reachable and applied without hunting for a
button, and adding a result to the selection without losing one's place.

Before: ticking a filter did nothing until "Filters toepassen" (y=1454 in an 800 px window,
23 Tabs from the search box to the first filter); adding a result reloaded the page at the
top with focus on the body, no confirmation and a history entry per add.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from .live import new_context

pytestmark = pytest.mark.browser

QUERY_URL = "/zoeken?q=hulp+bij+schulden"
ACTIVE = "() => document.activeElement"


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def js(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


@pytest.fixture
def page(js: bool, browser: Browser) -> Iterator[Page]:
    context = new_context(browser, java_script_enabled=js, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    yield page
    context.close()


def active(page: Page, what: str) -> str:
    """A property of the focused element (``id``, ``tagName``, ``type``, ``textContent``)."""
    return str(page.evaluate(f"() => document.activeElement.{what}") or "")


# --- Item 6: filters -----------------------------------------------------------------------


@pytest.mark.parametrize("width", [1280, 375])
def test_filters_are_a_few_tabs_from_the_search_box(
    width: int, browser: Browser, live_url: str
) -> None:
    context = new_context(browser, viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(live_url + QUERY_URL)
    page.locator("#q").focus()
    presses = 0
    while active(page, "textContent").strip() != "Naar de filters":
        page.keyboard.press("Tab")
        presses += 1
        assert presses <= 3, f"no 'Naar de filters' within 3 Tabs (at {active(page, 'outerHTML')})"
    expect(page.get_by_role("link", name="Naar de filters")).to_be_visible()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert active(page, "type") == "checkbox", active(page, "outerHTML")
    assert page.evaluate(ACTIVE + ".closest('form.facet-form') !== null")
    context.close()


def in_view(page: Page, selector: str) -> bool:
    return bool(
        page.evaluate(
            f"() => {{ const r = document.querySelector({selector!r}).getBoundingClientRect();"
            " return r.top >= -1 && r.bottom <= window.innerHeight + 1; }"
        )
    )


@pytest.mark.parametrize("width", [1280, 375])
def test_an_applied_filter_takes_the_reader_to_the_new_count(
    width: int, js: bool, browser: Browser, live_url: str
) -> None:
    """Round 2, item 5: at 375 px the filters sit below the results; ticking one reloaded
    the page and left the reader in the filter panel, the new count off-screen and silent."""
    context = new_context(browser, java_script_enabled=js, viewport={"width": width, "height": 700})
    page = context.new_page()
    page.goto(live_url + QUERY_URL)
    box = page.locator('fieldset:has(legend:text-is("Regio")) input[type="checkbox"]').first
    region = box.get_attribute("value")
    box.scroll_into_view_if_needed()
    if js:
        expect(page.get_by_role("button", name="Filters toepassen")).to_be_hidden()
        box.focus()
        page.keyboard.press("Space")  # applies at once, no button
    else:
        box.check()
        page.get_by_role("button", name="Filters toepassen").click()
    page.wait_for_url(re.compile(rf"regio={region}.*#aantal$"))
    expect(page.locator(".active-filters a.chip")).to_have_count(1)
    count = page.locator("#aantal").inner_text()
    assert re.match(r"^\d+ voorbeeld", count), count
    box_of = page.evaluate(
        "() => JSON.stringify(document.querySelector('#aantal').getBoundingClientRect())"
    )
    assert in_view(page, "#aantal"), f"the new count is off-screen: {box_of}"
    if js:
        page.wait_for_function("() => document.activeElement.id === 'aantal'")
        expect(page.locator("#filter-status")).to_have_text(f"Filter toegepast: {count}")
        assert page.locator("#filter-status").get_attribute("role") == "status"
    context.close()


# --- Item 4: adding from the results -------------------------------------------------------


def test_adding_a_result_keeps_the_place_and_confirms(page: Page, js: bool, live_url: str) -> None:
    page.goto(f"{live_url}/collecties")
    page.goto(live_url + QUERY_URL)
    result = page.locator("ol.result-list > li.result").nth(4)
    slug = result.locator("h2 a").get_attribute("href").rsplit("/", 1)[1]
    button = result.get_by_role("button", name=re.compile("Aan selectie toevoegen"))
    button.focus()
    page.keyboard.press("Enter")
    confirm = result.locator(".confirm")
    expect(confirm).to_contain_text("Toegevoegd aan je selectie")
    expect(page.locator("header .badge")).to_have_text("1")
    expect(result.get_by_role("button", name=re.compile("Uit selectie"))).to_be_visible()
    assert page.evaluate("() => window.scrollY") > 300  # not back at the top
    if js:
        assert page.url == live_url + QUERY_URL  # no navigation at all
        assert "Uit selectie" in active(page, "textContent")  # focus stays on the button
        page.go_back()  # and no history entry per add
        page.wait_for_url(re.compile(r"/collecties$"))
    else:
        assert page.url == f"{live_url}{QUERY_URL}#r-{slug}"
        assert active(page, "id") == f"r-{slug}"  # focus on the result, which confirms it
        page.reload()  # the confirmation is shown once
        expect(page.locator(f"#r-{slug} .confirm")).to_have_text("")


def test_the_case_page_confirms_too(page: Page, live_url: str) -> None:
    page.goto(f"{live_url}/voorbeelden/welzijn-op-recept")
    page.locator(".case-actions").get_by_role("button", name=re.compile("toevoegen")).click()
    expect(page.locator(".case-actions .confirm")).to_contain_text("Toegevoegd")
    page.locator(".case-actions").get_by_role("button", name=re.compile("Uit selectie")).click()
    expect(page.locator(".case-actions .confirm")).to_contain_text("Verwijderd")
    expect(page.locator("header .badge")).to_have_text("0")

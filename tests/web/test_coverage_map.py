"""The tile-grid map on /overzicht, checked against the content files as the oracle."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from fastapi.testclient import TestClient

from kennisbank.webapp.pages.coverage_map import SHADES, TILE_GRID, legend, shade

from .helpers import CONTENT, TAXONOMY, front_matter, soup


def expected_counts(principle: str | None) -> dict[str, int]:
    regions = yaml.safe_load(TAXONOMY.read_text("utf-8"))["regions"]
    counts = dict.fromkeys(regions, 0)
    for path in (CONTENT / "cases").glob("*.md"):
        data, _ = front_matter(path)
        if principle is None or principle in data["principles"]:
            for region in data["regions"]:
                counts[region] += 1
    return counts


def tiles(client: TestClient, url: str) -> dict[str, tuple[int, str, list[str]]]:
    """region label -> (count shown, href, classes) for every tile on the page."""
    page = soup(client.get(url))
    found = {}
    for item in page.select(".coverage-map li.tile"):
        link = item.select_one("a")
        assert link is not None
        name = link.select_one(".tile-name")
        count = link.select_one(".tile-count")
        assert name is not None and count is not None
        found[name.get_text(strip=True)] = (
            int(count.get_text(" ", strip=True).split()[0]),
            str(link["href"]),
            list(item.get("class") or []),
        )
    return found


@pytest.mark.parametrize("principle", [None, "bestaanszekerheid", "meedoen"])
def test_every_tile_shows_its_count_and_links_to_that_search(
    client: TestClient, principle: str | None
) -> None:
    raw = yaml.safe_load(TAXONOMY.read_text("utf-8"))["regions"]
    # a label is written as a string or as a mapping with label (and synonyms)
    labels = {r: v["label"] if isinstance(v, dict) else v for r, v in raw.items()}
    url = "/overzicht" + (f"?principe={principle}" if principle else "")
    shown = tiles(client, url)
    expected = expected_counts(principle)
    assert {labels[r]: n for r, n in expected.items()} == {k: v[0] for k, v in shown.items()}
    for region, label in labels.items():
        count, href, classes = shown[label]
        query = parse_qs(urlsplit(href).query)
        assert urlsplit(href).path == "/zoeken"
        assert query["regio"] == [region]
        assert query.get("principe") == ([principle] if principle else None)
        total = client.get(
            "/api/search",
            params={"region": region, **({"principle": principle} if principle else {})},
        ).json()["total"]
        assert total == count, f"{label}: tile {count}, search {total}"
        assert f"shade-{shade(count, max(expected.values()))}" in classes


def test_the_grid_holds_the_twelve_provinces_and_the_rest_beside_it(client: TestClient) -> None:
    page = soup(client.get("/overzicht"))
    on_grid = page.select("ul.tile-map > li")
    assert len(on_grid) == 12 == len(TILE_GRID)
    beside = [li.select_one(".tile-name").get_text() for li in page.select("ul.tile-list > li")]
    assert beside == ["Landelijk"]
    positions = [next(c for c in li["class"] if c.startswith("tile-row-")) for li in on_grid]
    assert positions == sorted(positions)  # reading order: the tab order follows the map
    assert page.select("table.matrix"), "the tables stay for exact numbers"


def test_the_control_is_a_get_form_and_unknown_ids_show_everything(client: TestClient) -> None:
    page = soup(client.get("/overzicht?principe=meedoen"))
    form = page.select_one("form.map-control")
    assert form is not None and form["method"] == "get" and form["action"] == "/overzicht"
    selected = form.select_one("select[name=principe] option[selected]")
    assert selected is not None and selected["value"] == "meedoen"
    unknown = client.get("/overzicht", params={"principe": "<script>bestaat-niet"})
    assert unknown.status_code == 200
    assert {k: v[0] for k, v in tiles(client, "/overzicht").items()} == {
        k: v[0] for k, v in tiles(client, "/overzicht?principe=%3Cscript%3Ebestaat-niet").items()
    }
    assert "<script>bestaat-niet" not in unknown.text


def test_shades_and_legend_cover_the_counts() -> None:
    assert shade(0, 5) == 0 and shade(5, 5) == SHADES and shade(1, 100) == 1
    assert [s.text for s in legend(8)] == ["geen", "1–2", "3–4", "5–6", "7–8"]
    assert [s.text for s in legend(2)] == ["geen", "1", "2"]
    assert [s.text for s in legend(0)] == ["geen"]

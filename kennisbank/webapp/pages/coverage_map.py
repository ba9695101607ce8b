"""The map on ``/overzicht``: the twelve provinces as a tile grid, shaded by case count.

A tile grid (every province the same square, placed roughly where it lies) rather than a
drawn map: every province is equally easy to see, read and click, it is plain HTML and
CSS (no script, no map tiles from elsewhere), and it reflows to a phone. Each tile is a
link to the search it counts, and shows its count as text; colour only repeats it.
Counts come from the searcher's facet table, so a tile's number is exactly the total of
the search it links to.

Regions the grid has no place for (``landelijk``, or an id an editor adds to the
taxonomy) are shown beside the map as tiles of their own.
"""

from __future__ import annotations

import math

import numpy as np
from pydantic import BaseModel

from kennisbank.search.searcher import Searcher, SearchParams
from kennisbank.webapp.pages.contexts import search_url

# region id -> (row, column) on a 5 x 3 grid, north at the top.
TILE_GRID: dict[str, tuple[int, int]] = {
    "fryslan": (1, 2),
    "groningen": (1, 3),
    "noord-holland": (2, 1),
    "flevoland": (2, 2),
    "drenthe": (2, 3),
    "zuid-holland": (3, 1),
    "utrecht": (3, 2),
    "overijssel": (3, 3),
    "zeeland": (4, 1),
    "noord-brabant": (4, 2),
    "gelderland": (4, 3),
    "limburg": (5, 3),
}
SHADES = 4  # shade 0 is "no case"; 1..SHADES split the counts up to the largest


class MapTile(BaseModel):
    id: str
    label: str
    count: int
    shade: int
    url: str
    row: int = 0
    column: int = 0


class LegendStep(BaseModel):
    shade: int
    text: str


class CoverageMap(BaseModel):
    """Context of the map: the chosen principle (None: all), tiles and legend."""

    principle: str | None
    principle_label: str
    principles: list[tuple[str, str]]
    tiles: list[MapTile]  # on the grid, in reading order (row, then column)
    others: list[MapTile]  # regions without a place on the grid
    legend: list[LegendStep]


def shade(count: int, largest: int) -> int:
    """0 for no case, else 1..SHADES by the share of the largest count (rounded up)."""
    if count <= 0 or largest <= 0:
        return 0
    return min(SHADES, max(1, math.ceil(SHADES * count / largest)))


def legend(largest: int) -> list[LegendStep]:
    """The count range of each shade in use, e.g. ``1-2``, ``3``, ``4-5``."""
    steps = [LegendStep(shade=0, text="geen")]
    for step in range(1, SHADES + 1):
        low = math.floor((step - 1) * largest / SHADES) + 1
        high = math.floor(step * largest / SHADES)
        if low <= high:
            steps.append(LegendStep(shade=step, text=str(low) if low == high else f"{low}–{high}"))
    return steps


def coverage_map(searcher: Searcher, principle: str = "") -> CoverageMap:
    """The map for one principle (an unknown or empty id means all principles)."""
    principles = searcher.taxonomy.labels("principles")
    chosen = principle if principle in principles else None
    facets = searcher.facets
    base = (
        facets.values["principle"][chosen]
        if chosen is not None and chosen in facets.values.get("principle", {})
        else np.ones(facets.size, dtype=bool)
    )
    regions = searcher.taxonomy.labels("regions")
    counts = {
        region: int(np.count_nonzero(base & facets.mask("region", [region]))) for region in regions
    }
    largest = max(counts.values(), default=0)
    tiles: list[MapTile] = []
    for region, label in regions.items():
        params = SearchParams(principle=[chosen] if chosen else [], region=[region])
        row, column = TILE_GRID.get(region, (0, 0))
        tiles.append(
            MapTile(
                id=region,
                label=label,
                count=counts[region],
                shade=shade(counts[region], largest),
                url=search_url(params),
                row=row,
                column=column,
            )
        )
    return CoverageMap(
        principle=chosen,
        principle_label=principles[chosen] if chosen else "alle uitgangspunten",
        principles=list(principles.items()),
        tiles=sorted((t for t in tiles if t.row), key=lambda t: (t.row, t.column)),
        others=[t for t in tiles if not t.row],
        legend=legend(largest),
    )

"""The data a search takes and returns, as the CLI, the API and the HTML pages share it.

Kept apart from the searcher so modules that only read results (the web pages, exports,
the search log) need not import the machinery that produces them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from kennisbank.search.snippets import Snippet
from kennisbank.search.timing import SearchTiming

Mode = Literal["hybrid", "lexical", "semantic"]
# "relevance" is the ranking (newest first without a query); "newest" by `updated` (else
# `year`); "title" alphabetically. Ties always go by title, so equal dates read in order.
Sort = Literal["relevance", "newest", "title"]
# "strong": some case is about the query; "weak": none is, the results are the closest cases
# by meaning (at most a few); "none": nothing is close.
Match = Literal["strong", "weak", "none"]
MAX_QUERY_CHARS = 500
# Filter parameter -> case field; the parameter names are the CLI and API's. `evidence` is
# one id per case (how well its results are known), the others lists.
FILTERS: dict[str, str] = {
    "principle": "principles",
    "region": "regions",
    "partner": "partners",
    "evidence": "evidence",
}


class SearchParams(BaseModel):
    """A search request, as the CLI, the API and the HTML form all express it."""

    query: str = ""
    principle: list[str] = []
    region: list[str] = []
    partner: list[str] = []
    evidence: list[str] = []
    k: int = Field(default=10, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=10_000)
    mode: Mode = "hybrid"
    sort: Sort = "relevance"
    snippets: bool = True  # the JSON contract has no snippets: the API skips their cost

    def filters(self) -> dict[str, list[str]]:
        return {name: list(getattr(self, name)) for name in FILTERS}


class SearchHit(BaseModel):
    slug: str
    title: str
    score: float
    principles: list[str]
    regions: list[str]
    partners: list[str]
    summary: str
    updated: str | None = None
    snippet: Snippet | None = None


class PlaceNote(BaseModel):
    """A place the query names (search.places), its province, and whether any case is
    from the place itself (else the page says so and offers the province)."""

    name: str
    province: str
    province_label: str
    found: bool
    in_province: int = 0  # results (all pages) tagged with the province


class SearchResult(BaseModel):
    query: str
    total: int
    results: list[SearchHit]
    # Allowed cases outside the result set, best first, filling the page on which the set
    # ends: related to the query, not about it; never counted in ``total``.
    related: list[SearchHit] = []
    facets: dict[str, dict[str, int]]
    offset: int = 0
    k: int = 10
    index: str = ""
    took_ms: float = 0.0
    timing: SearchTiming = SearchTiming()
    # Cosine of the closest passage of any case the filters allow (None without a semantic
    # side): the raw semantic score, on the scale of ``RankingConfig.semantic_floor``.
    best_similarity: float | None = None
    # True when no case matched the query's words and the results are the closest cases
    # by meaning instead (the page says so); not part of the JSON contract.
    by_meaning: bool = False
    match: Match = "none"
    places: list[PlaceNote] = []


def clean_query(text: str) -> str:
    """Drop control characters and cap the length: any string is a safe query."""
    printable = "".join(ch if ch.isprintable() else " " for ch in text[: MAX_QUERY_CHARS * 4])
    return " ".join(printable.split())[:MAX_QUERY_CHARS]

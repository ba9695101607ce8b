"""Typed page contexts: each HTML page is rendered from one, and the API serialises the same.

Because a page and its JSON come from one object, the site and the API cannot disagree
about what a search returned or what a case says.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import quote_plus

from pydantic import BaseModel

from kennisbank.content.taxonomy import Taxonomy
from kennisbank.search.catalog import CaseRecord, CollectionRecord
from kennisbank.search.output import search_json
from kennisbank.search.searcher import FILTERS, Searcher, SearchHit, SearchParams, SearchResult
from kennisbank.search.suggest import named_filters

# HTML query parameters are Dutch; the API's are the English contract names.
HTML_PARAMS: dict[str, str] = {
    "principle": "principe",
    "region": "regio",
    "partner": "partner",
    "evidence": "onderbouwing",
}
FACET_TITLES: dict[str, str] = {
    "principle": "Uitgangspunt",
    "region": "Regio",
    "partner": "Partners",
    "evidence": "Onderbouwing",
}
# The page's sort parameter (``sorteer=``) and its Dutch labels, by the API's names.
SORT_PARAMS: dict[str, str] = {"relevance": "relevantie", "newest": "nieuwste", "title": "titel"}
SORT_LABELS: dict[str, str] = {"relevance": "Relevantie", "newest": "Nieuwste", "title": "Titel"}


class FacetValue(BaseModel):
    id: str
    label: str
    count: int
    selected: bool
    url: str  # the search with this value toggled
    dom_id: str  # the checkbox's id: f-<filter>-<value>


class FacetGroup(BaseModel):
    name: str  # principle | region | partner
    param: str  # HTML parameter name
    title: str
    values: list[FacetValue]


class ActiveFilter(BaseModel):
    facet: str
    id: str
    label: str
    remove_url: str


class SuggestedFilter(BaseModel):
    """A filter the query names ("Utrecht"), offered as a one-click chip."""

    facet: str
    id: str
    label: str
    url: str  # the search with this filter added


class PageLink(BaseModel):
    number: int | None  # None: the gap ("…") between distant page numbers
    url: str = ""
    current: bool = False


class Pagination(BaseModel):
    page: int
    pages: int
    previous_url: str | None = None
    next_url: str | None = None
    links: list[PageLink] = []


class SortOption(BaseModel):
    id: str  # relevance | newest | title
    label: str
    url: str
    selected: bool


class SearchPage(BaseModel):
    """The search page and ``/api/search``."""

    params: SearchParams
    result: SearchResult
    groups: list[FacetGroup]
    active: list[ActiveFilter]
    pagination: Pagination
    clear_filters_url: str
    labels: dict[str, dict[str, str]]
    suggested: list[SuggestedFilter] = []
    sorts: list[SortOption] = []

    def api_json(self) -> dict[str, Any]:
        """The contract's JSON: ``search --json`` plus facets, and the index version."""
        return search_api_json(self.result)


def search_api_json(result: SearchResult) -> dict[str, Any]:
    """``/api/search``'s answer: only the result, so the API skips the page's links."""
    payload = search_json(result, with_facets=True)
    payload["index"] = result.index
    return payload


class CasePage(BaseModel):
    """A case page and ``/api/cases/{slug}``."""

    case: CaseRecord
    html: str
    url: str
    labels: dict[str, dict[str, str]]
    related: list[SearchHit]
    elsewhere: list[SearchHit]


class CollectionPage(BaseModel):
    """A collection page, its print view, its exports and ``/api/collections/{slug}``."""

    collection: CollectionRecord
    intro_html: str
    url: str
    labels: dict[str, dict[str, str]]


def search_url(
    params: SearchParams, page: int = 1, replace: dict[str, list[str]] | None = None
) -> str:
    """``/zoeken?...`` for these params with some facets replaced (Dutch parameter names)."""
    return SearchUrls(params).url(page, replace)


class SearchUrls:
    """The ``/zoeken`` links of one page (a facet toggle each, pages, clear): ~40 links that
    differ in one parameter, so each parameter is encoded once, not once per link. The
    links are exactly ``urlencode``'s."""

    def __init__(self, params: SearchParams) -> None:
        self.query = f"q={quote_plus(params.query)}" if params.query else ""
        self.sort = params.sort
        self.filters = {
            name: [_pair(name, v) for v in values] for name, values in params.filters().items()
        }

    def url(
        self, page: int = 1, replace: dict[str, list[str]] | None = None, sort: str | None = None
    ) -> str:
        pairs = [self.query] if self.query else []
        for name, encoded in self.filters.items():
            if replace is not None and name in replace:
                pairs += [_pair(name, value) for value in replace[name]]
            else:
                pairs += encoded
        sort = sort or self.sort
        if sort != "relevance":
            pairs.append(f"sorteer={SORT_PARAMS[sort]}")
        if page > 1:
            pairs.append(f"pagina={page}")
        return "/zoeken?" + "&".join(pairs) if pairs else "/zoeken"


@lru_cache(maxsize=4096)
def _pair(name: str, value: str) -> str:
    """``principe=...``: filter values are taxonomy ids, a few hundred at most."""
    return f"{HTML_PARAMS[name]}={quote_plus(value)}"


def taxonomy_labels(taxonomy: Taxonomy) -> dict[str, dict[str, str]]:
    """Labels per filter name and per case field name, for templates and exports."""
    labels: dict[str, dict[str, str]] = {}
    for name, field in FILTERS.items():
        labels[name] = labels[field] = taxonomy.labels(field)
    labels["evidence"] = taxonomy.labels("evidence")
    return labels


def search_page(searcher: Searcher, params: SearchParams) -> SearchPage:
    """Run a search and build the page around it: one object for the HTML and the API."""
    result = searcher.search(params)
    labels = taxonomy_labels(searcher.taxonomy)
    urls = SearchUrls(params)
    filters = params.filters()
    groups: list[FacetGroup] = []
    active: list[ActiveFilter] = []
    for name in FILTERS:
        selected = filters[name]
        values = []
        for value, count in result.facets.get(name, {}).items():
            is_on = value in selected
            toggled = [v for v in selected if v != value] if is_on else [*selected, value]
            values.append(
                FacetValue(
                    id=value,
                    label=labels[name].get(value, value),
                    count=count,
                    selected=is_on,
                    url=urls.url(replace={name: toggled}),
                    dom_id=f"f-{name}-{value}",
                )
            )
        groups.append(
            FacetGroup(name=name, param=HTML_PARAMS[name], title=FACET_TITLES[name], values=values)
        )
        for value in selected:
            active.append(
                ActiveFilter(
                    facet=FACET_TITLES[name],
                    id=value,
                    label=labels[name].get(value, value),
                    remove_url=urls.url(replace={name: [v for v in selected if v != value]}),
                )
            )
    page = params.offset // params.k + 1
    pages = max(1, -(-result.total // params.k))
    pagination = Pagination(
        page=page,
        pages=pages,
        previous_url=urls.url(page - 1) if page > 1 else None,
        next_url=urls.url(page + 1) if page < pages else None,
        links=page_links(page, pages, urls),
    )
    sorts = [
        SortOption(id=s, label=SORT_LABELS[s], url=urls.url(sort=s), selected=s == params.sort)
        for s in SORT_PARAMS
    ]
    suggested = [
        SuggestedFilter(
            facet=FACET_TITLES[name],
            id=value,
            label=labels[name].get(value, value),
            url=search_url(params, replace={name: [*filters[name], value]}),
        )
        for name, values in named_filters(searcher.taxonomy, params.query).items()
        for value in values
        if value not in filters[name]
    ]
    return SearchPage(
        suggested=suggested,
        params=params,
        result=result,
        groups=groups,
        active=active,
        pagination=pagination,
        clear_filters_url=urls.url(replace={name: [] for name in FILTERS}),
        labels=labels,
        sorts=sorts,
    )


def page_links(page: int, pages: int, urls: SearchUrls) -> list[PageLink]:
    """Numbered pages: the first, the last and two either side of this one, with gaps."""
    if pages <= 1:
        return []
    shown = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    links: list[PageLink] = []
    for number in shown:
        if links and links[-1].number is not None and number - links[-1].number > 1:
            links.append(PageLink(number=None))
        links.append(PageLink(number=number, url=urls.url(number), current=number == page))
    return links

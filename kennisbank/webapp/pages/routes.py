"""HTML pages: search, case, collections, selection, overview and the Atom feed."""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import (
    FileResponse,
    HTMLResponse,
    RedirectResponse,
    Response,
)

from kennisbank.search.catalog import list_cases, list_collections
from kennisbank.search.searcher import FILTERS, SearchParams, clean_query
from kennisbank.webapp.deps import SearcherDep, SettingsDep
from kennisbank.webapp.exports import collections as exports
from kennisbank.webapp.operations.observe import record_search
from kennisbank.webapp.pages import params
from kennisbank.webapp.pages.builders import (
    case_page,
    collection_page,
    overview,
)
from kennisbank.webapp.pages.contexts import search_page, search_url
from kennisbank.webapp.pages.coverage_map import coverage_map
from kennisbank.webapp.pages.handout import handout_response
from kennisbank.webapp.pages.navigation import breadcrumb, unknown_filters
from kennisbank.webapp.templating import render, web_root

router = APIRouter(include_in_schema=False)
Many = Annotated[list[str], Query()]


@router.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse)
@router.api_route("/zoeken", methods=["GET", "HEAD"], response_class=HTMLResponse)
def search(
    request: Request,
    searcher: SearcherDep,
    settings: SettingsDep,
    q: str = "",
    principe: Many = [],
    regio: Many = [],
    partner: Many = [],
    onderbouwing: Many = [],
    sorteer: str = "relevantie",
    pagina: str = "1",
) -> Response:
    chosen = {
        "principle": principe,
        "region": regio,
        "partner": partner,
        "evidence": onderbouwing,
    }
    filters = {
        name: params.known_ids(values, searcher.taxonomy.ids(FILTERS[name]))
        for name, values in chosen.items()
    }
    ignored = unknown_filters(chosen, filters)
    page = params.page_number(pagina)
    search_params = SearchParams(
        query=clean_query(q),
        k=settings.page_size,
        offset=(page - 1) * settings.page_size,
        sort=params.sort_choice(sorteer),
        **filters,
    )
    started = time.perf_counter()
    context = search_page(searcher, search_params)
    if context.pagination.page > context.pagination.pages:
        # pagina=99 of 2: the last page, not "Pagina 99 van 2" above no results
        last = search_url(search_params, context.pagination.pages)
        return RedirectResponse(last, status_code=302)
    start = not search_params.query and not any(filters.values()) and page == 1
    response = render(
        request,
        "search.html",
        {
            "page": context,
            "title": _search_title(context),
            "ignored": ignored,
            "recent": recent_cases(searcher) if start else [],
        },
    )
    record_search(request, search_params, context.result, "html", started)
    return response


RECENT = 5


def recent_cases(searcher: SearcherDep) -> list[Any]:
    """The start page's "Recent toegevoegd": the cases most recently added or revised."""
    params = SearchParams(k=RECENT, sort="newest", snippets=False)
    return searcher.search(params).results


def _search_title(page: Any) -> str:
    if page.params.query:
        return f"{page.result.total} resultaten voor ‘{page.params.query}’"
    return "Praktijkvoorbeelden zoeken"


@router.api_route("/voorbeelden/{slug}", methods=["GET", "HEAD"], response_class=HTMLResponse)
def case(request: Request, slug: str, searcher: SearcherDep, settings: SettingsDep) -> HTMLResponse:
    page = case_page(searcher, slug, settings)
    titles = {c.slug: c.title for c in list_collections(searcher.conn)}
    label, link = breadcrumb(request, titles)
    return render(
        request,
        "case.html",
        {"page": page, "title": page.case.title, "back_label": label, "back_url": link},
    )


@router.api_route("/collecties", methods=["GET", "HEAD"], response_class=HTMLResponse)
def collections(request: Request, searcher: SearcherDep) -> HTMLResponse:
    return render(
        request,
        "collections.html",
        {"collections": list_collections(searcher.conn), "title": "Collecties"},
    )


@router.api_route("/collecties/{slug}", methods=["GET", "HEAD"], response_class=HTMLResponse)
def collection(
    request: Request, slug: str, searcher: SearcherDep, settings: SettingsDep
) -> HTMLResponse:
    page = collection_page(searcher, slug, settings)
    return render(
        request,
        "collection.html",
        {"page": page, "title": page.collection.title, "base": f"/collecties/{slug}"},
    )


@router.api_route(
    "/collecties/{slug}/afdrukken", methods=["GET", "HEAD"], response_class=HTMLResponse
)
def collection_print(
    request: Request, slug: str, searcher: SearcherDep, settings: SettingsDep
) -> HTMLResponse:
    page = collection_page(searcher, slug, settings)
    return handout_response(request, page, settings)


@router.api_route("/collecties/{slug}/export.{fmt}", methods=["GET", "HEAD"])
def collection_export(
    slug: str, fmt: str, searcher: SearcherDep, settings: SettingsDep
) -> Response:
    page = collection_page(searcher, slug, settings)
    return exports.collection_response(page, fmt, settings)


@router.api_route("/overzicht", methods=["GET", "HEAD"], response_class=HTMLResponse)
def coverage_page(request: Request, searcher: SearcherDep, principe: str = "") -> HTMLResponse:
    return render(
        request,
        "overview.html",
        {
            "title": "Overzicht: waar zijn voorbeelden?",
            "map": coverage_map(searcher, principe[:100]),
            "matrices": [
                ("Uitgangspunt per regio", overview(searcher, "regions")),
                ("Uitgangspunt per soort partner", overview(searcher, "partners")),
            ],
        },
    )


@router.api_route("/favicon.ico", methods=["GET", "HEAD"])
def favicon() -> Response:
    """Browsers ask for /favicon.ico whatever the page links; answer with the site's icon."""
    icon = web_root() / "static" / "favicon.svg"
    return FileResponse(
        icon, media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"}
    )


@router.api_route("/feed.xml", methods=["GET", "HEAD"])
def feed(request: Request, searcher: SearcherDep, settings: SettingsDep) -> Response:
    cases = list_cases(searcher.conn, 0, 50)
    response: Response = request.app.state.templates.TemplateResponse(
        request, "feed.xml", {"cases": cases}, media_type="application/atom+xml"
    )
    return response

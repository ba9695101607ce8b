"""HTML pages: search, case, collections, selection, overview and the Atom feed."""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
)

from kennisbank.content.slugs import is_valid_slug
from kennisbank.search.catalog import list_cases, list_collections
from kennisbank.search.searcher import FILTERS, SearchParams, clean_query
from kennisbank.webapp import exports, params
from kennisbank.webapp.collection_download import MAX_INTRO, collection_download
from kennisbank.webapp.contexts import search_page, search_url
from kennisbank.webapp.coverage_map import coverage_map
from kennisbank.webapp.deps import SearcherDep, SettingsDep
from kennisbank.webapp.flash import set_notice
from kennisbank.webapp.navigation import search_referrer, unknown_filters
from kennisbank.webapp.observe import record_search
from kennisbank.webapp.pages import (
    case_page,
    collection_page,
    key_sections,
    overview,
    selection_page,
)
from kennisbank.webapp.qr import qr_svg
from kennisbank.webapp.security import serves_https
from kennisbank.webapp.selection import COOKIE, change_selection, read_selection
from kennisbank.webapp.selection_edit import is_shared, own_selection, restore
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
    pagina: str = "1",
) -> Response:
    chosen = {"principle": principe, "region": regio, "partner": partner}
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
        **filters,
    )
    started = time.perf_counter()
    context = search_page(searcher, search_params)
    if context.pagination.page > context.pagination.pages:
        # pagina=99 of 2: the last page, not "Pagina 99 van 2" above no results
        last = search_url(search_params, context.pagination.pages)
        return RedirectResponse(last, status_code=302)
    response = render(
        request,
        "search.html",
        {"page": context, "title": _search_title(context), "ignored": ignored},
    )
    record_search(request, search_params, context.result, "html", started)
    return response


def _search_title(page: Any) -> str:
    if page.params.query:
        return f"{page.result.total} resultaten voor ‘{page.params.query}’"
    return "Praktijkvoorbeelden zoeken"


@router.api_route("/voorbeelden/{slug}", methods=["GET", "HEAD"], response_class=HTMLResponse)
def case(request: Request, slug: str, searcher: SearcherDep, settings: SettingsDep) -> HTMLResponse:
    page = case_page(searcher, slug, settings)
    return render(
        request,
        "case.html",
        {"page": page, "title": page.case.title, "search_back": search_referrer(request)},
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
    return _print(request, page, settings)


@router.api_route("/collecties/{slug}/export.{fmt}", methods=["GET", "HEAD"])
def collection_export(
    slug: str, fmt: str, searcher: SearcherDep, settings: SettingsDep
) -> Response:
    page = collection_page(searcher, slug, settings)
    return exports.collection_response(page, fmt, settings)


@router.api_route("/selectie", methods=["GET", "HEAD"], response_class=HTMLResponse)
def selection(request: Request, searcher: SearcherDep, settings: SettingsDep) -> HTMLResponse:
    slugs = read_selection(request)
    page = selection_page(searcher, slugs, settings)
    query = "&".join(f"s={s}" for s in slugs)
    share = f"/selectie?{query}" if slugs else ""
    shared = is_shared(request)
    return render(
        request,
        "selection.html",
        {
            "page": page,
            "title": "Gedeelde selectie" if shared else "Mijn selectie",
            "share_url": share,
            "shared": shared,
            # an edit of a shared list posts to that list's own address
            "action": share if shared else "/selectie",
            # the print view of a shared link prints that link's cases (rebuilt from the
            # parsed slugs: the raw query string could be 64 KB of anything)
            "print_url": "/selectie/afdrukken" + (f"?{query}" if shared and slugs else ""),
        },
    )


@router.post("/selectie")
def change(
    request: Request,
    settings: SettingsDep,
    actie: Annotated[str, Form()] = "toevoegen",
    slug: Annotated[str, Form()] = "",
    terug: Annotated[str, Form()] = "/selectie",
    vorige: Annotated[list[str], Form()] = [],
) -> Response:
    # On a shared link (``POST /selectie?s=A&s=B``) the edit applies to that list, which
    # then becomes the visitor's own selection; "herstellen" undoes emptying or replacing.
    before = read_selection(request)
    own = own_selection(request)
    slugs = restore(vorige) if actie == "herstellen" else change_selection(before, actie, slug)
    if "application/json" in request.headers.get("accept", ""):
        # the page's script (static/selection.js) changes the selection in place
        response: Response = JSONResponse(
            {"slug": slug, "selected": slug in slugs, "count": len(slugs)}
        )
    else:
        target = params.safe_back_target(terug)
        response = RedirectResponse(_back_to_result(target, slug), status_code=303)
        secure = serves_https(request, settings)
        if actie in KINDS_BY_ACTION and (slug in before) != (slug in slugs):
            set_notice(response, KINDS_BY_ACTION[actie], [slug], secure)
        elif actie == "leegmaken" and before:
            set_notice(response, "leeggemaakt", before, secure)
        elif is_shared(request) and own and own != slugs:
            set_notice(response, "vervangen", own, secure)
    response.set_cookie(
        COOKIE,
        ",".join(slugs),
        max_age=180 * 24 * 3600,
        httponly=True,
        samesite="lax",
        secure=serves_https(request, settings),
    )
    return response


KINDS_BY_ACTION = {"toevoegen": "toegevoegd", "verwijderen": "verwijderd"}


def _back_to_result(target: str, slug: str) -> str:
    """The page the form came from, at the changed case (``#r-<slug>``), not at its top."""
    target = target.split("#", 1)[0]
    return f"{target}#r-{slug}" if is_valid_slug(slug) else target


@router.api_route("/selectie/afdrukken", methods=["GET", "HEAD"], response_class=HTMLResponse)
def selection_print(request: Request, searcher: SearcherDep, settings: SettingsDep) -> HTMLResponse:
    return _print(request, selection_page(searcher, read_selection(request), settings), settings)


@router.api_route("/selectie/collectie.md", methods=["GET", "HEAD"])
def selection_download(request: Request, searcher: SearcherDep, settings: SettingsDep) -> Response:
    page = selection_page(searcher, read_selection(request), settings)
    form = {key: value[:MAX_INTRO] for key, value in request.query_params.items()}
    text, name = collection_download(page.collection, form)
    return Response(
        text,
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


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


def _print(request: Request, page: Any, settings: SettingsDep) -> HTMLResponse:
    items = [
        {
            "item": item,
            "sections": key_sections(item.case),
            "qr": qr_svg(f"{settings.base_url.rstrip('/')}/voorbeelden/{item.slug}"),
        }
        for item in page.collection.items
        if item.case is not None
    ]
    return render(
        request, "print.html", {"page": page, "items": items, "title": page.collection.title}
    )

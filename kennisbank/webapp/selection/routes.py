"""The visitor's selection ("Mijn selectie"): its page, edits, handout and downloads."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from kennisbank.content.slugs import is_valid_slug
from kennisbank.search.catalog import list_collections
from kennisbank.webapp.deps import SearcherDep, SettingsDep
from kennisbank.webapp.exports import collections as exports
from kennisbank.webapp.exports.collection_download import (
    MAX_INTRO,
    collection_download,
    download_name,
)
from kennisbank.webapp.operations.transport import serves_https
from kennisbank.webapp.pages import params
from kennisbank.webapp.pages.builders import selection_page
from kennisbank.webapp.pages.contexts import CollectionPage
from kennisbank.webapp.pages.handout import handout_response
from kennisbank.webapp.selection.cookie import COOKIE, change_selection, read_selection
from kennisbank.webapp.selection.details import (
    COOKIE as DETAILS_COOKIE,
)
from kennisbank.webapp.selection.details import (
    SelectionDetails,
    details_from_form,
    encode_details,
    read_details,
)
from kennisbank.webapp.selection.edit import is_shared, own_selection, restore
from kennisbank.webapp.selection.notices import set_notice
from kennisbank.webapp.templating import render

router = APIRouter(include_in_schema=False)
KEEP = 180 * 24 * 3600  # how long the browser keeps the selection and its details


def _shared_query(slugs: list[str]) -> str:
    return "&".join(f"s={s}" for s in slugs)


@router.api_route("/selectie", methods=["GET", "HEAD"], response_class=HTMLResponse)
def selection(request: Request, searcher: SearcherDep, settings: SettingsDep) -> HTMLResponse:
    return _selection(request, searcher, settings, read_details(request))


def _selection(
    request: Request,
    searcher: SearcherDep,
    settings: SettingsDep,
    details: SelectionDetails,
    error: str = "",
    status: int = 200,
) -> HTMLResponse:
    slugs = read_selection(request)
    page = selection_page(searcher, slugs, settings, details)
    query = _shared_query(slugs)
    share = f"/selectie?{query}" if slugs else ""
    shared = is_shared(request)
    suffix = f"?{query}" if shared and slugs else ""
    return render(
        request,
        "selection.html",
        {
            "page": page,
            "title": "Gedeelde selectie" if shared else "Mijn selectie",
            "share_url": share,
            "share_link": f"{settings.base_url.rstrip('/')}{share}" if share else "",
            "shared": shared,
            # an edit of a shared list posts to that list's own address
            "action": share if shared else "/selectie",
            # the print view of a shared link prints that link's cases (rebuilt from the
            # parsed slugs: the raw query string could be 64 KB of anything)
            "print_url": "/selectie/afdrukken" + suffix,
            "details_action": "/selectie/gegevens" + suffix,
            "export_suffix": suffix,
            "details": details.form(),
            "file_name": download_name(details.titel, _taken(searcher)) if details.titel else None,
            "details_error": error,
        },
        status=status,
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
        if is_shared(request) and actie != "herstellen" and own != slugs:
            # any edit of a shared list replaces the visitor's own: always offer the way back
            set_notice(response, "vervangen" if own else "overgenomen", own, secure)
        elif actie in KINDS_BY_ACTION and (slug in before) != (slug in slugs):
            set_notice(response, KINDS_BY_ACTION[actie], [slug], secure)
        elif actie == "leegmaken" and before:
            set_notice(response, "leeggemaakt", before, secure)
    response.set_cookie(
        COOKIE,
        ",".join(slugs),
        max_age=KEEP,
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


@router.post("/selectie/gegevens")
async def save_details(request: Request, searcher: SearcherDep, settings: SettingsDep) -> Response:
    """Keep what the organiser typed (and download the collection file when asked)."""
    form = await request.form()
    fields = {key: value for key, value in form.items() if isinstance(value, str)}
    details = details_from_form(fields)
    value = encode_details(details)
    if value is None:
        error = (
            "Dit is te veel tekst om in deze browser te bewaren. Maak de inleiding of de "
            "notities korter, of download het collectiebestand: daarin staat alles."
        )
        return _selection(request, searcher, settings, details, error, status=422)
    if fields.get("actie") == "downloaden":
        slugs = read_selection(request)
        page = selection_page(searcher, slugs, settings, details)
        response = _download(page, details, _taken(searcher))
    else:
        suffix = f"?{_shared_query(read_selection(request))}" if is_shared(request) else ""
        response = RedirectResponse(f"/selectie{suffix}#gegevens", status_code=303)
        set_notice(response, "bewaard", [], serves_https(request, settings))
    if details.is_empty():
        response.delete_cookie(DETAILS_COOKIE, httponly=True, samesite="lax")
    else:
        response.set_cookie(
            DETAILS_COOKIE,
            value,
            max_age=KEEP,
            httponly=True,
            samesite="lax",
            secure=serves_https(request, settings),
        )
    return response


@router.api_route("/selectie/afdrukken", methods=["GET", "HEAD"], response_class=HTMLResponse)
def selection_print(request: Request, searcher: SearcherDep, settings: SettingsDep) -> HTMLResponse:
    slugs = read_selection(request)
    page = selection_page(searcher, slugs, settings, read_details(request))
    online = f"{settings.base_url.rstrip('/')}/selectie?{_shared_query(slugs)}" if slugs else ""
    return handout_response(request, page, settings, online)


@router.api_route("/selectie/collectie.md", methods=["GET", "HEAD"])
def selection_download(request: Request, searcher: SearcherDep, settings: SettingsDep) -> Response:
    asked = {k: v[:MAX_INTRO] for k, v in request.query_params.items() if k != "s"}
    details = details_from_form(asked) if asked else read_details(request)
    page = selection_page(searcher, read_selection(request), settings, details)
    return _download(page, details, _taken(searcher))


def _taken(searcher: SearcherDep) -> set[str]:
    """Slugs of the published collections: a downloaded file must not overwrite one."""
    return {c.slug for c in list_collections(searcher.conn)}


def _download(page: CollectionPage, details: SelectionDetails, taken: set[str]) -> Response:
    text, name = collection_download(page.collection, details.form(), taken)
    return Response(
        text,
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.api_route("/selectie/export.{fmt}", methods=["GET", "HEAD"])
def selection_export(
    request: Request, fmt: str, searcher: SearcherDep, settings: SettingsDep
) -> Response:
    """The selection as a spreadsheet (csv, xlsx) or JSON, like a collection's exports."""
    page = selection_page(searcher, read_selection(request), settings, read_details(request))
    return exports.collection_response(page, fmt, settings)

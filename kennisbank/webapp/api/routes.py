"""JSON API, health check and bulk exports (the contract in the content-format document)."""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from kennisbank.search.catalog import count_cases, list_cases, list_collections
from kennisbank.search.models import Sort
from kennisbank.search.searcher import FILTERS, MAX_QUERY_CHARS, Searcher, SearchParams
from kennisbank.webapp.api.models import (
    CaseDetail,
    CasesExport,
    CasesPage,
    CollectionOut,
    CollectionsList,
    Health,
    SearchResponse,
)
from kennisbank.webapp.deps import SearcherDep, SettingsDep
from kennisbank.webapp.exports import spreadsheet
from kennisbank.webapp.exports.case_records import case_json
from kennisbank.webapp.exports.collections import collection_json
from kennisbank.webapp.operations.observe import record_search
from kennisbank.webapp.pages.builders import case_page, collection_page
from kennisbank.webapp.pages.contexts import search_api_json, taxonomy_labels
from kennisbank.webapp.settings import Settings


class Problem(BaseModel):
    """An error answer: a Dutch message for people and scripts."""

    detail: str


UNAVAILABLE: dict[int | str, dict[str, Any]] = {
    503: {"model": Problem, "description": "Er is (nog) geen bruikbare index."}
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "Geen voorbeeld of collectie met deze slug."}
}
router = APIRouter(responses=UNAVAILABLE)

IdList = Annotated[list[str], Query(max_length=50)]


def check_ids(searcher: Searcher, **selected: list[str]) -> None:
    """422 for an id the taxonomy does not know, naming the valid ones."""
    for name, values in selected.items():
        valid = searcher.taxonomy.ids(FILTERS[name])
        unknown = [v for v in values if v not in valid]
        if unknown:
            raise HTTPException(
                422,
                [
                    {
                        "loc": ["query", name],
                        "type": "value_error",
                        "msg": f"onbekende {name}: {', '.join(unknown)[:200]}; geldig: "
                        f"{', '.join(valid)}",
                    }
                ],
            )


@router.get("/api/search", tags=["zoeken"], response_model=SearchResponse, summary="Zoeken")
def api_search(
    request: Request,
    searcher: SearcherDep,
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS, description="Zoekvraag")] = "",
    principle: IdList = [],
    region: IdList = [],
    partner: IdList = [],
    evidence: IdList = [],
    sort: Annotated[Sort, Query(description="relevance, newest of title")] = "relevance",
    k: Annotated[int, Query(ge=1, le=100)] = 10,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> dict[str, Any]:
    """Zoek: dezelfde JSON als `kennisbank search --json`, plus facetten en de indexversie."""
    check_ids(searcher, principle=principle, region=region, partner=partner, evidence=evidence)
    params = SearchParams(
        query=q,
        principle=principle,
        region=region,
        partner=partner,
        evidence=evidence,
        sort=sort,
        k=k,
        offset=offset,
        snippets=False,
    )
    started = time.perf_counter()
    result = searcher.search(params)
    record_search(request, params, result, "api", started)
    return search_api_json(result)


@router.get(
    "/api/cases", tags=["voorbeelden"], response_model=CasesPage, summary="Alle voorbeelden"
)
def api_cases(
    searcher: SearcherDep,
    settings: SettingsDep,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> dict[str, Any]:
    """Alle voorbeelden, nieuwste eerst, per pagina."""
    cases = list_cases(searcher.conn, offset, limit)
    return {
        "total": count_cases(searcher.conn),
        "offset": offset,
        "limit": limit,
        "licence": settings.licence,
        "index": searcher.version,
        "cases": [case_json(c, settings.base_url) for c in cases],
    }


@router.get(
    "/api/cases/{slug}",
    tags=["voorbeelden"],
    responses=NOT_FOUND,
    response_model=CaseDetail,
    summary="Eén voorbeeld",
)
def api_case(slug: str, searcher: SearcherDep, settings: SettingsDep) -> dict[str, Any]:
    """Eén voorbeeld: alle velden, de tekst als HTML en de URL."""
    page = case_page(searcher, slug, settings)
    data = page.case.model_dump(exclude={"path"})
    data |= {"html": page.html, "url": page.url, "index": searcher.version}
    return data


@router.get(
    "/api/collections",
    tags=["collecties"],
    response_model=CollectionsList,
    summary="Alle collecties",
)
def api_collections(searcher: SearcherDep, settings: SettingsDep) -> dict[str, Any]:
    """Alle collecties (zonder hun voorbeelden; die geeft `/api/collections/{slug}`)."""
    base = settings.base_url.rstrip("/")
    collections = list_collections(searcher.conn)
    return {
        "total": len(collections),
        "index": searcher.version,
        "collections": [
            {
                "slug": c.slug,
                "title": c.title,
                "description": c.description,
                "date": c.date,
                "location": c.location,
                "curator": c.curator,
                "url": f"{base}/collecties/{c.slug}",
                "cases": len(c.items),
            }
            for c in collections
        ],
    }


@router.get(
    "/api/collections/{slug}",
    tags=["collecties"],
    responses=NOT_FOUND,
    response_model=CollectionOut,
    summary="Eén collectie",
)
def api_collection(slug: str, searcher: SearcherDep, settings: SettingsDep) -> dict[str, Any]:
    """Een collectie met haar voorbeelden in volgorde, elk met de notitie."""
    return collection_json(collection_page(searcher, slug, settings), settings)


@router.get("/healthz", tags=["beheer"], summary="Gezondheid en indexversie")
@router.head("/healthz", include_in_schema=False)
def healthz(searcher: SearcherDep) -> Health:
    """200 zolang er een index is; `index` is de versie die antwoordt."""
    return Health(status="ok", cases=len(searcher.slugs), index=searcher.version)


@router.get(
    "/export/cases.json",
    tags=["export"],
    response_class=JSONResponse,
    responses={200: {"model": CasesExport, "description": "Alle voorbeelden met licentieveld."}},
    summary="Export: JSON",
)
def export_json(searcher: SearcherDep, settings: SettingsDep) -> Response:
    """Alle voorbeelden in één JSON-bestand (download)."""
    cases = list_cases(searcher.conn, 0, len(searcher.slugs) or 1)
    body = CasesExport.model_validate(
        {
            "licence": settings.licence,
            "source": settings.base_url,
            "index": searcher.version,
            "cases": [case_json(c, settings.base_url) for c in cases],
        }
    )
    return JSONResponse(
        body.model_dump(mode="json"),
        headers={"Content-Disposition": 'attachment; filename="kennisbank-voorbeelden.json"'},
    )


@router.get(
    "/export/cases.csv",
    tags=["export"],
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "CSV met licentieveld."}},
    summary="Export: CSV",
)
def export_csv(searcher: SearcherDep, settings: SettingsDep) -> Response:
    """Alle voorbeelden als CSV (download, UTF-8 met BOM); lijsten gescheiden door '; ',
    naast elke id-kolom de labels."""
    return Response(
        spreadsheet.csv_text(_case_rows(searcher, settings)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="kennisbank-voorbeelden.csv"'},
    )


@router.get(
    "/export/cases.xlsx",
    tags=["export"],
    response_class=Response,
    responses={200: {"content": {spreadsheet.XLSX_TYPE: {}}, "description": "Excel-bestand."}},
    summary="Export: Excel",
)
def export_xlsx(searcher: SearcherDep, settings: SettingsDep) -> Response:
    """Alle voorbeelden als Excel-werkmap (download), met dezelfde kolommen als de CSV."""
    return Response(
        spreadsheet.xlsx_bytes(_case_rows(searcher, settings), "Voorbeelden"),
        media_type=spreadsheet.XLSX_TYPE,
        headers={"Content-Disposition": 'attachment; filename="kennisbank-voorbeelden.xlsx"'},
    )


def _case_rows(searcher: Searcher, settings: Settings) -> list[list[str]]:
    cases = list_cases(searcher.conn, 0, len(searcher.slugs) or 1)
    labels = taxonomy_labels(searcher.taxonomy)
    return spreadsheet.case_rows(cases, labels, settings.base_url, settings.licence)

"""Build the page contexts from an open index; shared by the HTML routes and the API."""

from __future__ import annotations

import datetime as dt

from fastapi import HTTPException

from kennisbank.content.slugs import is_valid_slug
from kennisbank.search.catalog import (
    CollectionRecord,
    coverage,
    get_case,
    get_collection,
)
from kennisbank.search.searcher import FILTERS, Searcher
from kennisbank.webapp.pages.contexts import CasePage, CollectionPage, taxonomy_labels
from kennisbank.webapp.rendering import render_markdown
from kennisbank.webapp.selection.details import SelectionDetails
from kennisbank.webapp.settings import Settings

RELATED = 4


def case_page(searcher: Searcher, slug: str, settings: Settings) -> CasePage:
    case = get_case(searcher.conn, slug) if is_valid_slug(slug) else None
    if case is None:
        raise HTTPException(404, f"Voorbeeld '{slug[:80]}' bestaat niet.")
    related = searcher.related(slug, RELATED)
    shown = {hit.slug for hit in related}
    elsewhere = searcher.related(slug, RELATED + len(shown), other_region=True)
    return CasePage(
        case=case,
        html=render_markdown(case.body),
        url=case_url(settings, slug),
        labels=taxonomy_labels(searcher.taxonomy),
        related=related,
        # "elsewhere" adds what "related" does not list already (they shared 54 of 80)
        elsewhere=[h for h in elsewhere if h.slug not in shown][:RELATED],
    )


def collection_page(searcher: Searcher, slug: str, settings: Settings) -> CollectionPage:
    collection = get_collection(searcher.conn, slug) if is_valid_slug(slug) else None
    if collection is None:
        raise HTTPException(404, f"Collectie '{slug[:80]}' bestaat niet.")
    return CollectionPage(
        collection=collection,
        intro_html=render_markdown(collection.body),
        url=f"{settings.base_url.rstrip('/')}/collecties/{slug}",
        labels=taxonomy_labels(searcher.taxonomy),
    )


def selection_page(
    searcher: Searcher,
    slugs: list[str],
    settings: Settings,
    details: SelectionDetails | None = None,
) -> CollectionPage:
    """A selection shown (and printed) exactly like a collection, with what the organiser
    typed about it (title, date, place, introduction, a note per case) where they did."""
    from kennisbank.search.catalog import CollectionItem, get_cases

    details = details or SelectionDetails()
    cases = get_cases(searcher.conn, slugs)
    items = [
        CollectionItem(slug=s, case=cases[s], note=details.notities.get(s, ""))
        for s in slugs
        if s in cases
    ]
    collection = CollectionRecord(
        slug="selectie",
        title=details.titel or "Mijn selectie",
        items=items,
        description=details.beschrijving or f"{len(items)} geselecteerde voorbeelden",
        date=details.datum if _is_date(details.datum) else None,
        location=details.plaats or None,
        curator=details.samensteller or None,
        body=details.inleiding,
    )
    return CollectionPage(
        collection=collection,
        intro_html=render_markdown(details.inleiding) if details.inleiding else "",
        url=f"{settings.base_url.rstrip('/')}/selectie",
        labels=taxonomy_labels(searcher.taxonomy),
    )


def _is_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def case_url(settings: Settings, slug: str) -> str:
    return f"{settings.base_url.rstrip('/')}/voorbeelden/{slug}"


def overview(searcher: Searcher, columns: str) -> dict[str, object]:
    """Coverage matrix principles x ``columns`` (regions or partners) with row/column ids."""
    counts = coverage(searcher.conn, "principles", columns)
    return {
        "rows": searcher.taxonomy.vocabularies.get("principles", []),
        "columns": searcher.taxonomy.vocabularies.get(columns, []),
        "counts": {f"{r}|{c}": n for (r, c), n in counts.items()},
        "param": {v: k for k, v in FILTERS.items()}[columns],
    }

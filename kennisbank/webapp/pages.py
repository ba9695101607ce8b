"""Build the page contexts from an open index; shared by the HTML routes and the API."""

from __future__ import annotations

from fastapi import HTTPException

from kennisbank.content.slugs import is_valid_slug
from kennisbank.search.catalog import (
    CaseRecord,
    CollectionRecord,
    coverage,
    get_case,
    get_collection,
)
from kennisbank.search.searcher import FILTERS, Searcher
from kennisbank.webapp.contexts import CasePage, CollectionPage, taxonomy_labels
from kennisbank.webapp.rendering import render_markdown
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


def selection_page(searcher: Searcher, slugs: list[str], settings: Settings) -> CollectionPage:
    """A selection shown (and printed) exactly like a collection."""
    from kennisbank.search.catalog import CollectionItem, get_cases

    cases = get_cases(searcher.conn, slugs)
    items = [CollectionItem(slug=s, case=cases[s]) for s in slugs if s in cases]
    collection = CollectionRecord(
        slug="selectie",
        title="Mijn selectie",
        items=items,
        description=f"{len(items)} geselecteerde voorbeelden",
    )
    return CollectionPage(
        collection=collection,
        intro_html="",
        url=f"{settings.base_url.rstrip('/')}/selectie",
        labels=taxonomy_labels(searcher.taxonomy),
    )


def case_url(settings: Settings, slug: str) -> str:
    return f"{settings.base_url.rstrip('/')}/voorbeelden/{slug}"


def key_sections(case: CaseRecord) -> list[tuple[str, str]]:
    """(heading, html) of the Aanpak and Lessen sections: what a printed handout needs."""
    from kennisbank.content.sections import split_sections

    wanted = {"aanpak", "lessen"}
    return [
        (s.heading, render_markdown(s.markdown))
        for s in split_sections(case.body)
        if s.heading.lower() in wanted
    ]


def overview(searcher: Searcher, columns: str) -> dict[str, object]:
    """Coverage matrix principles x ``columns`` (regions or partners) with row/column ids."""
    counts = coverage(searcher.conn, "principles", columns)
    return {
        "rows": searcher.taxonomy.vocabularies.get("principles", []),
        "columns": searcher.taxonomy.vocabularies.get(columns, []),
        "counts": {f"{r}|{c}": n for (r, c), n in counts.items()},
        "param": {v: k for k, v in FILTERS.items()}[columns],
    }

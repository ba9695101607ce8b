"""Small helpers that keep a visitor oriented: the way back to their search, and which
filters in the address were not understood."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request

from kennisbank.webapp.pages.contexts import FACET_TITLES, HTML_PARAMS


def breadcrumb(request: Request, collection_titles: dict[str, str]) -> tuple[str, str]:
    """(label, link) of the page a case was opened from: the visitor's search with its
    query and filters, a collection, their selection, or else all cases.

    Before, every case page said "Zoeken" and, opened from a collection, the selection or a
    related case, led to an empty search that looked like the visitor's own.
    """
    referer = urlsplit(request.headers.get("referer", "")[:2000])
    if referer.netloc and referer.netloc == request.headers.get("host", ""):
        if referer.path in ("/", "/zoeken") and referer.query:
            return "Zoekresultaten", search_referrer(request)
        slug = referer.path.removeprefix("/collecties/")
        if referer.path.startswith("/collecties/") and slug in collection_titles:
            return collection_titles[slug], f"/collecties/{slug}"
        if referer.path == "/selectie":
            return "Mijn selectie", "/selectie"
    return "Alle voorbeelden", "/zoeken"


def search_referrer(request: Request) -> str:
    """The search (query and filters) the visitor came from on this site, else ``/zoeken``.

    The case page's "Zoeken" breadcrumb links back to it. The Referer is only trusted when
    it names this host and a search page, and only its path and query are used.
    """
    referer = urlsplit(request.headers.get("referer", "")[:2000])
    host = request.headers.get("host", "")
    if referer.netloc and referer.netloc == host and referer.path in ("/", "/zoeken"):
        return "/zoeken" + (f"?{referer.query}" if referer.query else "")
    return "/zoeken"


def unknown_filters(
    chosen: dict[str, list[str]], kept: dict[str, list[str]]
) -> list[tuple[str, str]]:
    """(facet title, value) of each filter value in the address that names no taxonomy id."""
    return [
        (FACET_TITLES[name], value[:60])
        for name, values in chosen.items()
        for value in dict.fromkeys(values[:20])
        if value not in kept.get(name, []) and name in HTML_PARAMS
    ]

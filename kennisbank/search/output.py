"""The public JSON shapes of a search, fixed by the content-format contract."""

from __future__ import annotations

from typing import Any

from kennisbank.search.searcher import SearchResult

RESULT_KEYS = ("slug", "title", "score", "principles", "regions", "partners")


def search_json(result: SearchResult, with_facets: bool = False) -> dict[str, Any]:
    """``{"query", "match", "total", "results": [...]}`` (plus ``"facets"`` for the HTTP API).

    ``match`` says whether some case is about the query ("strong"), the results are only
    the closest cases by meaning ("weak"), or nothing is close ("none").
    """
    payload: dict[str, Any] = {
        "query": result.query,
        "match": result.match,
        "total": result.total,
        "results": [{key: getattr(hit, key) for key in RESULT_KEYS} for hit in result.results],
    }
    if with_facets:
        payload["facets"] = result.facets
    return payload

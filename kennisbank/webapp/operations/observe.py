"""After a search has been answered: tell the search log and the metrics, if they are on."""

from __future__ import annotations

import time

from fastapi import Request

from kennisbank.search.searcher import SearchParams, SearchResult


def record_search(
    request: Request, params: SearchParams, result: SearchResult, source: str, started: float
) -> None:
    """Log and measure one search; ``started`` is the ``perf_counter`` before it began.

    Rendering is what the request spent beyond the searcher itself: the page context and
    the template, or the JSON. HEAD requests (health checks, link checkers) are not logged.
    """
    metrics = request.app.state.metrics
    if metrics is not None:
        render = max(0.0, time.perf_counter() - started - result.took_ms / 1000)
        metrics.search_done(
            source,
            result.timing.encode_ms / 1000,
            result.timing.rank_ms / 1000,
            render,
            result.timing.cache_hit,
        )
    search_log = request.app.state.search_log
    if search_log is not None and request.method == "GET":
        search_log.record(params, result, source)

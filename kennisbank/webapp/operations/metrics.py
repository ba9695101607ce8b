"""``/metrics`` in the Prometheus text format (prometheus-client), for whoever runs the site.

What is measured: requests and their latency by route *template* (``/voorbeelden/{slug}``,
never the raw URL) and by method, where any method but GET, HEAD and POST is counted as
``OTHER`` and any path outside every route as ``(geen route)``: a visitor who sends
made-up methods to made-up paths cannot add series, so their number stays fixed. Also
searches by source, the time of
a search split into query encoding, ranking and rendering, the served index version and
its case count, and index swaps.

Several uvicorn workers are separate processes. With ``PROMETHEUS_MULTIPROC_DIR`` set
(``kennisbank serve --workers N`` prepares it), prometheus-client keeps each process's
values in a file there and ``/metrics`` adds them up across processes, whichever worker
answers the scrape. Without it, the values live in this app's own registry.
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

from fastapi import FastAPI
from fastapi.responses import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.routing import Mount

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from kennisbank.search.searcher import Searcher

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
UNMATCHED = "(geen route)"
OTHER_METHOD = "OTHER"
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST"})  # all this site answers; the rest 405
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
STAGE_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0)


class Metrics:
    """The app's metrics, in a registry of its own (every app in a test has its own)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        reg = self.registry
        self.requests = Counter(
            "kennisbank_http_requests",
            "HTTP requests by method, route template and status code.",
            ["method", "route", "status"],
            registry=reg,
        )
        self.latency = Histogram(
            "kennisbank_http_request_duration_seconds",
            "Time from request to the end of the response, by method and route template.",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=reg,
        )
        self.searches = Counter(
            "kennisbank_searches",
            "Searches answered, by source (html or api).",
            ["source"],
            registry=reg,
        )
        self.search_stage = Histogram(
            "kennisbank_search_stage_seconds",
            "Time of one search by stage: encode (query vector), rank (everything else the "
            "searcher does), render (page or JSON built from the result).",
            ["stage"],
            buckets=STAGE_BUCKETS,
            registry=reg,
        )
        self.query_cache = Counter(
            "kennisbank_query_vector_cache",
            "Query vectors looked up in the process's cache, by result (hit or miss).",
            ["result"],
            registry=reg,
        )
        self.index_cases = Gauge(
            "kennisbank_index_cases",
            "Cases in the served index version.",
            multiprocess_mode="mostrecent",
            registry=reg,
        )
        self.index_info = Gauge(
            "kennisbank_index_info",
            "The served index version (1) and earlier ones (0).",
            ["version"],
            multiprocess_mode="mostrecent",
            registry=reg,
        )
        self.swaps = Counter(
            "kennisbank_index_swaps",
            "Index versions swapped in without a restart.",
            registry=reg,
        )

    def index_loaded(self, searcher: Searcher, previous: str | None) -> None:
        """Called by the index holder whenever it starts serving a version."""
        if previous is not None:
            if os.environ.get(MULTIPROC_ENV):
                # another worker may still serve it; per-process files cannot forget a label
                self.index_info.labels(version=previous).set(0)
            else:
                self.index_info.remove(previous)  # one series per build would pile up
            self.swaps.inc()
        self.index_info.labels(version=searcher.version).set(1)
        self.index_cases.set(len(searcher.slugs))

    def search_done(
        self,
        source: str,
        encode: float,
        rank: float,
        render: float,
        cache_hit: bool | None = None,
    ) -> None:
        """One search answered: its count, the time of each stage in seconds, and whether
        its query vector came from the cache (None: it needed none)."""
        self.searches.labels(source=source).inc()
        if cache_hit is not None:
            self.query_cache.labels(result="hit" if cache_hit else "miss").inc()
        self.search_stage.labels(stage="encode").observe(encode)
        self.search_stage.labels(stage="rank").observe(rank)
        self.search_stage.labels(stage="render").observe(render)

    def exposition(self) -> tuple[bytes, str]:
        """The text to answer a scrape with, summed over worker processes when there are several."""
        if os.environ.get(MULTIPROC_ENV):
            registry = CollectorRegistry()
            MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
            return generate_latest(registry), CONTENT_TYPE_LATEST
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


class MetricsMiddleware:
    """Counts and times every HTTP request by its route template (pure ASGI: no extra task)."""

    def __init__(self, app: ASGIApp, metrics: Metrics, mounts: tuple[str, ...] = ()) -> None:
        self.app = app
        self.metrics = metrics
        self.mounts = mounts  # FastAPI names no route for a mounted app: label it by prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client gets when the app raises before answering

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            route = getattr(scope.get("route"), "path", None) or self._mount(scope["path"])
            method = method_label(str(scope.get("method", "GET")))
            self.metrics.requests.labels(method=method, route=route, status=str(status)).inc()
            self.metrics.latency.labels(method=method, route=route).observe(
                time.perf_counter() - started
            )

    def _mount(self, path: str) -> str:
        for prefix in self.mounts:
            if path == prefix or path.startswith(prefix + "/"):
                return prefix
        return UNMATCHED


def method_label(method: str) -> str:
    """The method as a label value: GET, HEAD or POST (all this site answers), else OTHER."""
    return method if method in KNOWN_METHODS else OTHER_METHOD


def install_metrics(app: FastAPI, metrics: Metrics) -> None:
    """Count every request and answer ``GET /metrics`` (left out of the OpenAPI schema).

    Call it after the routes and mounts are in place: mounted apps are labelled by prefix.
    """
    mounts = tuple(route.path for route in app.routes if isinstance(route, Mount))
    app.add_middleware(MetricsMiddleware, metrics=metrics, mounts=mounts)

    def scrape() -> Response:
        body, content_type = metrics.exposition()
        return Response(body, media_type=content_type, headers={"Cache-Control": "no-store"})

    app.add_api_route("/metrics", scrape, methods=["GET"], include_in_schema=False)

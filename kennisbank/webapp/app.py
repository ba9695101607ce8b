"""``create_app(settings)``: the FastAPI app factory (no app object exists at import time)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

import anyio
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from kennisbank import __version__
from kennisbank.indexing.manifest import IndexUnavailable
from kennisbank.webapp.api import docs as api_docs
from kennisbank.webapp.api import routes as routes_api
from kennisbank.webapp.messages import http_detail, validation_message
from kennisbank.webapp.operations.headers import HeadersMiddleware
from kennisbank.webapp.operations.metrics import Metrics, install_metrics
from kennisbank.webapp.operations.search_log import SearchLog
from kennisbank.webapp.operations.security import add_security_headers, slash_redirect
from kennisbank.webapp.operations.server import raise_file_limit
from kennisbank.webapp.pages import routes as routes_pages
from kennisbank.webapp.selection import routes as routes_selection
from kennisbank.webapp.settings import Settings
from kennisbank.webapp.state import IndexHolder, query_cache_for
from kennisbank.webapp.templating import make_templates, render, web_root

INDEX_HEADER = "X-Kennisbank-Index"

log = logging.getLogger("kennisbank")


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for one content/index pair; every test can make its own."""
    settings = settings or Settings()
    app = FastAPI(
        lifespan=partial(lifespan, settings=settings),
        title="Kennisbank API",
        version=__version__,
        description="Praktijkvoorbeelden uit het sociaal domein: zoeken, voorbeelden en "
        "collecties als JSON.",
        docs_url=None,  # served by api_docs, without a CDN
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.settings = settings
    # Starlette's trailing-slash redirect is absolute, built from the Host header;
    # security.slash_redirect answers the same requests with a relative one.
    app.router.redirect_slashes = False
    metrics = Metrics() if settings.metrics else None
    app.state.metrics = metrics
    app.state.search_log = SearchLog(settings.search_log) if settings.search_log else None
    app.state.holder = IndexHolder(
        settings.index,
        settings.reload_interval,
        metrics.index_loaded if metrics else None,
        encode_threads=settings.encode_threads,
        query_cache=query_cache_for(settings.query_cache_size),
    )
    app.state.templates = make_templates(settings)
    app.mount("/static", StaticFiles(directory=web_root() / "static"), name="static")
    api_docs.install(app)
    app.include_router(routes_api.router)
    app.include_router(routes_pages.router)
    app.include_router(routes_selection.router)
    _install_handlers(app)
    if metrics is not None:
        install_metrics(app, metrics)
    app.add_middleware(HeadersMiddleware, settings=settings, index_header=INDEX_HEADER)
    if settings.watch:
        from kennisbank.webapp.operations import preview
        from kennisbank.webapp.operations.watch import start_watcher

        app.include_router(preview.router)
        start_watcher(app, settings)
    return app


@asynccontextmanager
async def lifespan(app: FastAPI, settings: Settings) -> AsyncIterator[None]:
    """Bound the threads that answer requests (FastAPI runs sync endpoints in threads).

    A search is CPU work under one GIL: 40 threads (anyio's default) on one core only
    contend. Measured at 10k cases, one worker, 32 connections: see docs/benchmarks.md.
    A small pool also lets the background thread that opens a new index version get its
    share of the CPU; with 40 busy threads it waited more than a minute.
    """
    anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
    raise_file_limit()  # idle sockets must not use up a 1,024-descriptor default
    yield
    if app.state.search_log is not None:
        app.state.search_log.close()  # write what is still queued


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404 and (redirect := slash_redirect(request)) is not None:
            return redirect
        if _wants_json(request):
            return JSONResponse(
                {"detail": http_detail(exc.detail)},
                status_code=exc.status_code,
                headers=getattr(exc, "headers", None),
            )
        return _error_page(request, exc.status_code, str(http_detail(exc.detail)))

    @app.exception_handler(IndexUnavailable)
    async def index_unavailable(request: Request, exc: IndexUnavailable) -> Response:
        log.error("index onbruikbaar: %s", exc)
        detail = "De index is tijdelijk niet beschikbaar. Probeer het later opnieuw."
        if _wants_json(request):
            return JSONResponse({"detail": detail}, status_code=503)
        return _error_page(request, 503, detail)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        """A Dutch 500 that, unlike Starlette's own, carries the security headers (it is
        answered outside the middleware)."""
        log.exception("onverwachte fout bij %s", request.url.path, exc_info=exc)
        detail = "Er ging iets mis aan onze kant. Probeer het later opnieuw."
        if _wants_json(request):
            return add_security_headers(JSONResponse({"detail": detail}, status_code=500))
        try:
            response = _error_page(request, 500, detail)
        except Exception:
            response = PlainTextResponse(detail, status_code=500)
        return add_security_headers(response)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": validation_message(e), "type": e.get("type")}
            for e in exc.errors()
        ]
        if _wants_json(request):
            return JSONResponse({"detail": errors}, status_code=422)
        return _error_page(request, 400, "De zoekopdracht bevat een ongeldige waarde.")


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith(("/api/", "/export/")) or path in ("/healthz", "/openapi.json")


def _error_page(request: Request, status: int, detail: str) -> Response:
    template = "404.html" if status == 404 else "error.html"
    title = "Pagina niet gevonden" if status == 404 else "Er ging iets mis"
    return render(request, template, {"status": status, "detail": detail, "title": title}, status)

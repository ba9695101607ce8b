"""``create_app(settings)``: the FastAPI app factory (no app object exists at import time)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from functools import partial

import anyio
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from kennisbank import __version__
from kennisbank.indexing.manifest import IndexUnavailable
from kennisbank.webapp import api_docs, routes_api, routes_pages
from kennisbank.webapp.messages import http_detail, validation_message
from kennisbank.webapp.settings import Settings
from kennisbank.webapp.state import IndexHolder
from kennisbank.webapp.templating import make_templates, render, web_root

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
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
    app.state.holder = IndexHolder(settings.index, settings.reload_interval)
    app.state.templates = make_templates(settings)
    app.mount("/static", StaticFiles(directory=web_root() / "static"), name="static")
    api_docs.install(app)
    app.include_router(routes_api.router)
    app.include_router(routes_pages.router)
    _install_handlers(app)
    if settings.watch:
        from kennisbank.webapp.watch import start_watcher

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
    yield


def _install_handlers(app: FastAPI) -> None:
    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        version = getattr(request.state, "index_version", None)
        if version is not None:
            response.headers[INDEX_HEADER] = version
        if request.url.path == api_docs.DOCS_PATH:
            response.headers["Content-Security-Policy"] = api_docs.DOCS_CSP
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
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

"""``/api/docs``: the OpenAPI viewer, served entirely from this site.

FastAPI's default page loads Swagger UI from a CDN, names a favicon on another site and
starts the viewer with an inline script. For a public-sector site that means a third
party sees every visitor, an air-gapped deployment shows a blank page, and the page needs
a weaker CSP than the rest. Here the viewer's files come from the ``fastapi-offline``
package, the start-up script is a static file, and the page keeps ``script-src 'self'``.
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

# Swagger UI 5 (OpenAPI 3.1, which FastAPI writes), as files only: the package's FastAPI
# subclass is not used.
ASSETS_DIR = Path(fastapi_offline.__file__).parent / "static"
DOCS_PATH = "/api/docs"
ASSETS_PATH = "/api/docs/static"
# Swagger UI sets style attributes from its scripts; everything else stays 'self'.
DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)

router = APIRouter(include_in_schema=False)


@router.get(DOCS_PATH, response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request,
        "api_docs.html",
        {"assets": ASSETS_PATH, "openapi_url": request.app.openapi_url},
    )
    return response


def install(app: FastAPI) -> None:
    app.mount(ASSETS_PATH, StaticFiles(directory=ASSETS_DIR), name="api-docs-static")
    app.include_router(router)

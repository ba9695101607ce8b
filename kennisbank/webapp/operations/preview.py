"""Editors' preview under ``serve --watch``: open pages reload when the index changes.

An editor saves a case and looks at the browser; the page should show the new text (or the
validation errors) without a manual reload. Each page carries a stamp of the index version
it was rendered from and the number of build problems; a small script polls
``/redactie/status`` and reloads when the stamp changes. The route and the script exist only
with ``--watch``: a public site never polls.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from kennisbank.webapp.state import IndexHolder

router = APIRouter(include_in_schema=False)


def preview_stamp(holder: IndexHolder) -> str:
    """``<index version>:<number of build problems>``, or ``-`` before any index opened."""
    searcher = holder.current()
    version = searcher.version if searcher is not None else "-"
    return f"{version}:{len(holder.problems)}"


@router.get("/redactie/status")
def status(request: Request) -> JSONResponse:
    return JSONResponse(
        {"stamp": preview_stamp(request.app.state.holder)},
        headers={"Cache-Control": "no-store"},
    )

"""Jinja2 setup: templates and static files from the package (wheel) or the repo (editable)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from kennisbank.webapp.pages.params import back_link
from kennisbank.webapp.settings import Settings


def web_root() -> Path:
    """``kennisbank/web`` inside an installed wheel, else the repository's ``web/``."""
    packaged = Path(__file__).resolve().parent.parent / "web"
    if (packaged / "templates").is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "web"


def snippet_html(snippet: Any) -> Markup:
    """A snippet's segments as escaped text with ``<mark>`` around matched words."""
    if snippet is None:
        return Markup("")
    parts = [
        f"<mark>{escape(s.text)}</mark>" if s.mark else str(escape(s.text))
        for s in snippet.segments
    ]
    return Markup("".join(parts))  # noqa: S704 - every segment is escaped above


def make_templates(settings: Settings) -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(web_root() / "templates"))
    env = templates.env
    # Checking every template file's mtime on each render cost ~4% of a search page's CPU
    # (py-spy under wrk); templates change with a deploy, except while someone edits
    # locally with --watch, who wants to see the change.
    env.auto_reload = settings.watch
    env.globals["site_name"] = settings.site_name
    env.globals["base_url"] = settings.base_url.rstrip("/")
    env.filters["snippet"] = snippet_html
    env.filters["nl_date"] = nl_date
    env.globals["back_link"] = back_link
    env.globals["watch"] = settings.watch
    from kennisbank.webapp.pages.contexts import HTML_PARAMS, SORT_PARAMS

    env.globals["html_params"] = HTML_PARAMS
    env.globals["sort_params"] = SORT_PARAMS
    return templates


MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def nl_date(value: str | None) -> str:
    """``2026-03-12`` -> ``12 maart 2026``; anything else unchanged."""
    if not value or len(value) < 10:
        return value or ""
    try:
        year, month, day = int(value[:4]), int(value[5:7]), int(value[8:10])
        return f"{day} {MONTHS[month - 1]} {year}"
    except (ValueError, IndexError):
        return value


def render(
    request: Request, template: str, context: dict[str, Any], status: int = 200
) -> HTMLResponse:
    """Render a page with what the layout needs on every page (selection, build problems)."""
    from kennisbank.webapp.operations.transport import serves_https
    from kennisbank.webapp.selection.cookie import read_selection
    from kennisbank.webapp.selection.edit import is_shared, own_selection
    from kennisbank.webapp.selection.notices import COOKIE, read_notice

    holder = request.app.state.holder
    notice = read_notice(request)
    selection = read_selection(request)
    context = {
        "selection": selection,
        # the header badge counts the visitor's own list, also while a shared one is shown
        "own_count": len(own_selection(request)) if is_shared(request) else len(selection),
        "build_problems": holder.problems,
        "path": request.url.path,
        "title": "",
        "notice": notice,
        **_preview(request),
        **context,
    }
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request, template, context, status_code=status
    )
    if COOKIE in request.cookies:
        secure = serves_https(request, request.app.state.settings)
        response.delete_cookie(COOKIE, httponly=True, samesite="lax", secure=secure)  # shown once
    return response


def _preview(request: Request) -> dict[str, Any]:
    """The stamp the editors' preview script compares (``serve --watch`` only)."""
    if not request.app.state.templates.env.globals.get("watch"):
        return {}
    from kennisbank.webapp.operations.preview import preview_stamp

    return {"preview_stamp": preview_stamp(request.app.state.holder)}

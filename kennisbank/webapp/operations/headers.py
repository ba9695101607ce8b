"""Security rules and headers on every answer, as plain ASGI middleware.

``@app.middleware("http")`` (Starlette's ``BaseHTTPMiddleware``) runs the route in a
separate task and streams its answer through a memory channel: measured at a quarter of
what ``/healthz`` costs in all. None of that is needed here: the request rules look at the
request before the app runs (``security.refuse``: trusted hosts, cross-site forms), and the
headers only need a look at the ``http.response.start`` message on its way out.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kennisbank.webapp.api import docs as api_docs
from kennisbank.webapp.operations.security import (
    apply_cache_rules,
    limit_body,
    refuse,
    set_security_headers,
)
from kennisbank.webapp.settings import Settings


class HeadersMiddleware:
    """Refuses untrusted hosts and cross-site forms, then adds the security headers (a
    route's own value wins), the cache rules, and, as ``index_header``, the index version
    the request answered from (``request.state.index_version``, set by the searcher
    dependency)."""

    def __init__(self, app: ASGIApp, settings: Settings, index_header: str) -> None:
        self.app = app
        self.settings = settings
        self.index_header = index_header

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                set_security_headers(headers)
                apply_cache_rules(request, headers)
                version = scope.get("state", {}).get("index_version")
                if version is not None:
                    headers[self.index_header] = version
                if scope["path"] == api_docs.DOCS_PATH:
                    headers["Content-Security-Policy"] = api_docs.DOCS_CSP
            await send(message)

        refused = refuse(request, self.settings)
        if refused is not None:
            await refused(scope, receive, send_with_headers)
            return
        await self.app(scope, limit_body(receive, self.settings.max_body_bytes), send_with_headers)

"""Security headers and the index-version header on every answer, as plain ASGI middleware.

``@app.middleware("http")`` (Starlette's ``BaseHTTPMiddleware``) runs the route in a
separate task and streams its answer through a memory channel: measured at a quarter of
what ``/healthz`` costs in all. Adding headers needs none of that, only a look at the
``http.response.start`` message on its way out.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kennisbank.webapp import api_docs


class HeadersMiddleware:
    """Adds ``headers`` (a route's own value wins) and, as ``index_header``, the index
    version the request answered from (``request.state.index_version``, set by the
    searcher dependency)."""

    def __init__(self, app: ASGIApp, headers: dict[str, str], index_header: str) -> None:
        self.app = app
        self.headers = headers
        self.index_header = index_header

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
                version = scope.get("state", {}).get("index_version")
                if version is not None:
                    headers[self.index_header] = version
                if scope["path"] == api_docs.DOCS_PATH:
                    headers["Content-Security-Policy"] = api_docs.DOCS_CSP
            await send(message)

        await self.app(scope, receive, send_with_headers)

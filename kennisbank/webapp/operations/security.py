"""Request and response rules that keep a hostile visitor or another site out.

- **Headers** on every answer, error pages included (``SECURITY_HEADERS``).
- **Hosts:** with ``KENNISBANK_TRUSTED_HOSTS`` set, another ``Host`` gets a 400 (``/healthz``
  excepted, so a load balancer may ask by address).
- **Cross-site forms:** a POST (any unsafe method) that a browser says came from another
  site gets a 403, so a page elsewhere cannot clear or replace a visitor's selection.
- **Redirects** are relative: Starlette's own trailing-slash redirect wrote the request's
  ``Host`` header into ``Location`` (``Host: evil.example`` sent visitors there); it is off,
  and ``slash_redirect`` does the same job with a path.
- **Caching:** pages that show a visitor's selection vary on the cookie and are private.
- **Request bodies:** the only form posts a slug and an action; a body over
  ``KENNISBANK_MAX_BODY_BYTES`` is refused (413 when it says its length, else the read
  stops there), so a client cannot make a worker hold megabytes of form data.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import quote, urlsplit

from fastapi import Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.routing import Match
from starlette.types import Message, Receive

from kennisbank.webapp.settings import Settings

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
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PRIVATE_PREFIX = "/selectie"
SELECTION_COOKIE = "selectie"


def set_security_headers(headers: MutableHeaders) -> None:
    """The security headers, where an answer has not set its own value."""
    for name, value in SECURITY_HEADERS.items():
        headers.setdefault(name, value)


def add_security_headers(response: Response) -> Response:
    """For the answers made outside the middleware (the 500 handler)."""
    set_security_headers(response.headers)
    return response


def refuse(request: Request, settings: Settings) -> Response | None:
    """A 400 for an untrusted host, a 413 for a body said to be too large or a 403 for a
    cross-site form; None lets it through."""
    if not host_is_trusted(request, settings):
        return _problem(request, 400, "Onbekende host in het verzoek.")
    length = request.headers.get("content-length", "0").strip()
    if not length.isdigit() or int(length) > settings.max_body_bytes:
        return _problem(request, 413, "De aanvraag is te groot.")
    if request.method not in SAFE_METHODS and is_cross_site(request, settings):
        return _problem(
            request, 403, "Dit formulier komt van een andere website en is niet uitgevoerd."
        )
    return None


def limit_body(receive: Receive, limit: int) -> Receive:
    """``receive`` that stops a body (chunked, with no length said) past ``limit`` bytes."""
    seen = 0

    async def bounded() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise HTTPException(413, "De aanvraag is te groot.")
        return message

    return bounded


def host_is_trusted(request: Request, settings: Settings) -> bool:
    patterns = settings.trusted_host_list()
    if not patterns or request.url.path == "/healthz":
        return True
    host = host_name(request.headers.get("host", ""))
    if host is None:
        return False
    for pattern in patterns:
        if pattern == "*" or host == pattern:
            return True
        if pattern.startswith("*.") and host.endswith(pattern[1:]):
            return True
    return False


_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST_HEADER = re.compile(
    rf"(?P<name>{_LABEL}(?:\.{_LABEL})*\.?|\[(?P<ip6>[0-9a-f:.]+)\])(?::(?P<port>[0-9]{{1,5}}))?"
)


def host_name(header: str) -> str | None:
    """The host of a ``Host`` header, parsed strictly; None for anything else.

    ``Kennisbank.example.nl:8443`` -> ``kennisbank.example.nl``; ``[::1]:80`` -> ``::1``.
    Whatever a URL parser might read differently is refused rather than guessed at:
    userinfo (``a:80@evil.com``), a fragment or path (``evil.com#a``), an empty label
    (``.example.nl``), a bracketed name that is no IPv6 address, a port that is no number.
    """
    match = _HOST_HEADER.fullmatch(header.strip().lower())
    if match is None:
        return None
    if match["ip6"] is not None:
        try:
            return str(ipaddress.IPv6Address(match["ip6"]))
        except ValueError:
            return None
    name = match["name"].removesuffix(".")  # the root label of a fully qualified name
    return name if len(name) <= 253 else None


def is_cross_site(request: Request, settings: Settings) -> bool:
    """What the browser says about where a request came from: ``Sec-Fetch-Site``, else
    ``Origin``. With neither (curl, a script) there is no visitor's cookie to abuse."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site.lower() not in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin is None:
        return False
    own = {request.headers.get("host", "").lower(), urlsplit(settings.base_url).netloc.lower()}
    return origin == "null" or urlsplit(origin).netloc.lower() not in own


def slash_redirect(request: Request) -> Response | None:
    """``/voorbeelden/x/`` -> ``/voorbeelden/x`` as a relative redirect, if that path exists."""
    # The decoded path as routed: request.url drops "\r", "\t" and "\n" (urlsplit), so
    # "/api/cases/%0D" would look like "/api/cases/" there and be sent to the list.
    path: str = request.scope["path"]
    target = path.rstrip("/")
    if path == target or not target or target.startswith("//"):
        return None
    scope = {**request.scope, "path": target}
    if not any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes):
        return None
    location = quote(target, safe="/:@!$&'()*+,;=-._~%")
    if request.url.query:
        location += "?" + request.url.query
    return RedirectResponse(location, status_code=307)


def apply_cache_rules(request: Request, headers: MutableHeaders) -> None:
    """Selection pages are never stored; other pages vary on the cookie the badge reads."""
    if request.url.path.startswith(PRIVATE_PREFIX):
        headers["Cache-Control"] = "private, no-store"
        headers.setdefault("Vary", "Cookie")
        return
    if headers.get("content-type", "").startswith("text/html"):
        vary = headers.get("Vary")
        headers["Vary"] = f"{vary}, Cookie" if vary else "Cookie"
        if request.cookies.get(SELECTION_COOKIE):
            headers.setdefault("Cache-Control", "private, no-cache")


def _problem(request: Request, status: int, detail: str) -> Response:
    if request.url.path.startswith(("/api/", "/export/")):
        return JSONResponse({"detail": detail}, status_code=status)
    from kennisbank.webapp.templating import render

    return render(
        request, "error.html", {"status": status, "detail": detail, "title": "Geweigerd"}, status
    )

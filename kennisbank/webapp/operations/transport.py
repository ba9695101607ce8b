"""Whether a request came over https: one rule for every cookie the site sets.

Its own module so the page renderer and the security rules can both use it without
importing each other.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request

from kennisbank.webapp.settings import Settings

__all__ = ["serves_https"]


def serves_https(request: Request, settings: Settings) -> bool:
    """Whether the visitor reached this site over https, so its cookie gets ``Secure``.

    Either uvicorn saw https (``--proxy-headers`` behind a proxy that sets
    ``X-Forwarded-Proto``), or the request is for the host of an https
    ``KENNISBANK_BASE_URL`` (a proxy that only passes ``Host`` on).
    """
    if request.url.scheme == "https":
        return True
    public = urlsplit(settings.base_url)
    host = request.headers.get("host", "").lower()
    return public.scheme == "https" and host == public.netloc.lower()

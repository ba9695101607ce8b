"""A one-time notice after a form post ("Toegevoegd aan je selectie"), kept in a cookie.

The notice travels in a short-lived cookie rather than in the redirect's URL, so a page
address that is shared or bookmarked never carries a confirmation for something its
reader did not do. The next page shows it once and clears it.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request, Response

from kennisbank.content.slugs import is_valid_slug

COOKIE = "melding"
KINDS: dict[str, str] = {
    "toegevoegd": "Toegevoegd aan je selectie",
    "verwijderd": "Verwijderd uit je selectie",
}


@dataclass(frozen=True)
class Notice:
    kind: str  # a key of KINDS
    slug: str

    @property
    def text(self) -> str:
        return KINDS[self.kind]


def set_notice(response: Response, kind: str, slug: str) -> None:
    """Ask the next page to confirm ``kind`` for ``slug`` (lives a minute at most)."""
    response.set_cookie(COOKIE, f"{kind}:{slug}", max_age=60, httponly=True, samesite="lax")


def read_notice(request: Request) -> Notice | None:
    """The pending notice, if the cookie holds a well-formed one."""
    kind, _, slug = (request.cookies.get(COOKIE) or "").partition(":")
    if kind in KINDS and is_valid_slug(slug):
        return Notice(kind, slug)
    return None

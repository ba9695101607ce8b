"""A one-time notice after a form post ("Toegevoegd aan je selectie"), kept in a cookie.

The notice travels in a short-lived cookie rather than in the redirect's URL, so a page
address that is shared or bookmarked never carries a confirmation for something its
reader did not do. The next page shows it once and clears it. A notice about a selection
that was emptied or replaced carries the previous list, so the page can offer to undo it.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request, Response

from kennisbank.content.slugs import is_valid_slug

COOKIE = "melding"
MAX_SLUGS = 60
KINDS: dict[str, str] = {
    "toegevoegd": "Toegevoegd aan je selectie",
    "verwijderd": "Verwijderd uit je selectie",
    "leeggemaakt": "Je selectie is leeggemaakt",
    "vervangen": "De gedeelde selectie is nu je eigen selectie; je vorige selectie is vervangen",
    "overgenomen": "De gedeelde selectie is nu je eigen selectie",
    "bewaard": "Bewaard in deze browser; het staat op de afdrukversie",
}
# Notices about no case in particular ("overgenomen": the visitor had no selection of their
# own before editing a shared one, so undo restores an empty list; "bewaard": details kept).
WITHOUT_SLUGS = ("overgenomen", "bewaard")


@dataclass(frozen=True)
class Notice:
    kind: str  # a key of KINDS
    slugs: tuple[str, ...]  # the case it is about, or the list before it was emptied/replaced

    @property
    def text(self) -> str:
        return KINDS[self.kind]

    @property
    def slug(self) -> str:
        return self.slugs[0] if self.slugs else ""


def set_notice(response: Response, kind: str, slugs: list[str], secure: bool) -> None:
    """Ask the next page to say ``kind`` about ``slugs`` (lives a minute at most).

    ``secure`` as for the selection cookie: the notice carries the previous selection (for
    undo), so it is no less private than the selection itself.
    """
    value = f"{kind}:{','.join(slugs[:MAX_SLUGS])}"
    response.set_cookie(COOKIE, value, max_age=60, httponly=True, samesite="lax", secure=secure)


def read_notice(request: Request) -> Notice | None:
    """The pending notice, if the cookie holds a well-formed one."""
    kind, _, payload = (request.cookies.get(COOKIE) or "").partition(":")
    slugs = tuple(s for s in payload.split(",")[:MAX_SLUGS] if is_valid_slug(s))
    if kind in KINDS and (slugs or kind in WITHOUT_SLUGS):
        return Notice(kind, slugs)
    return None

"""Editing a selection beyond add/remove: a shared list (``?s=``) and undo.

Kept apart from ``selection.py`` (reading and changing the list itself): these decide
*which* list an edit applies to and what the visitor had before it, so nothing they
collected is lost without a way back.
"""

from __future__ import annotations

from fastapi import Request

from kennisbank.content.slugs import is_valid_slug
from kennisbank.webapp.selection.cookie import COOKIE, MAX_ITEMS


def is_shared(request: Request) -> bool:
    """The request names its list in the URL (a shared link), not in the cookie."""
    return bool(request.query_params.getlist("s"))


def own_selection(request: Request) -> list[str]:
    """The visitor's own list from the cookie, whatever the URL shows."""
    return restore((request.cookies.get(COOKIE) or "").split(",")[: MAX_ITEMS * 2])


def restore(slugs: list[str]) -> list[str]:
    """A list sent back by an "Ongedaan maken" form: valid slugs, once each, bounded."""
    kept: list[str] = []
    for slug in slugs[: MAX_ITEMS * 2]:
        slug = slug.strip()
        if is_valid_slug(slug) and slug not in kept:
            kept.append(slug)
    return kept[:MAX_ITEMS]

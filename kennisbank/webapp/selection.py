"""The selection: cases a visitor collects without an account, kept in a cookie or the URL."""

from __future__ import annotations

from fastapi import Request

from kennisbank.content.slugs import is_valid_slug

COOKIE = "selectie"
MAX_ITEMS = 60


def read_selection(request: Request) -> list[str]:
    """Slugs from ``?s=`` (a shared link) or else the cookie; invalid ones are dropped."""
    shared = request.query_params.getlist("s")
    raw = shared if shared else (request.cookies.get(COOKIE) or "").split(",")
    slugs: list[str] = []
    for slug in raw:
        slug = slug.strip()
        if is_valid_slug(slug) and slug not in slugs:
            slugs.append(slug)
    return slugs[:MAX_ITEMS]


def change_selection(current: list[str], action: str, slug: str) -> list[str]:
    if action == "leegmaken":
        return []
    if not is_valid_slug(slug):
        return current
    if action == "verwijderen":
        return [s for s in current if s != slug]
    if action == "omhoog" and slug in current:
        i = current.index(slug)
        if i > 0:
            current = [*current[: i - 1], slug, current[i - 1], *current[i + 1 :]]
        return current
    return current if slug in current else [*current, slug][:MAX_ITEMS]

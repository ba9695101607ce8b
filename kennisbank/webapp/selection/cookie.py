"""The selection: cases a visitor collects without an account, kept in a cookie or the URL."""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import Request

from kennisbank.content.slugs import MAX_SLUG_LENGTH, is_valid_slug

COOKIE = "selectie"
MAX_ITEMS = 60
# What a full selection can take: MAX_ITEMS slugs of the longest kind plus separators. Input
# beyond this is never looked at, so a hostile cookie or link costs no more than a full one.
MAX_RAW_CHARS = MAX_ITEMS * (MAX_SLUG_LENGTH + 1)


def parse_selection(values: Iterable[str]) -> list[str]:
    """The one selection parser: valid slugs in order, each once, at most ``MAX_ITEMS``.

    ``values`` may hold comma-separated lists (the cookie) or single slugs (``?s=``).
    Reading stops at the limit and after ``MAX_RAW_CHARS`` characters of input, and
    duplicates are found with a set: a 64 KB cookie of 16,000 slugs took seconds with the
    earlier list search (quadratic) and blocked every page, since every page reads it.
    """
    slugs: list[str] = []
    seen: set[str] = set()
    budget = MAX_RAW_CHARS
    for value in values:
        if budget <= 0 or len(slugs) >= MAX_ITEMS:
            break
        chunk = value[:budget]
        budget -= len(value) + 1
        for part in chunk.split(",", MAX_ITEMS * 2)[: MAX_ITEMS * 2]:
            slug = part.strip()
            if slug not in seen and is_valid_slug(slug):
                seen.add(slug)
                slugs.append(slug)
                if len(slugs) >= MAX_ITEMS:
                    break
    return slugs


def read_selection(request: Request) -> list[str]:
    """Slugs from ``?s=`` (a shared link) or else the cookie; read once per request."""
    cached: list[str] | None = getattr(request.state, "selection", None)
    if cached is not None:
        return cached
    shared = request.query_params.getlist("s")
    slugs = parse_selection(shared if shared else [request.cookies.get(COOKIE) or ""])
    request.state.selection = slugs
    request.state.selection_from_cookie = not shared and bool(slugs)
    return slugs


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

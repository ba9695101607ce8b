"""Request parameters of the HTML pages, parsed in one place and always within bounds.

Every value a visitor can type into a URL or a form passes through a function here, which
turns anything unexpected into a safe default instead of an exception: a page number such
as ``²`` (``str.isdigit`` says yes, ``int`` says no) or of 4,301 digits (over Python's
limit for ``int``) once gave a 500. The JSON API declares its bounds on the route (FastAPI
answers 422); the pages are forgiving, because a person typed or shared the link.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from fastapi import Request

from kennisbank.search.models import Sort

MAX_PAGE = 999
MAX_IDS_PER_FACET = 20
MAX_TITLE_CHARS = 200
MAX_DESCRIPTION_CHARS = 600
# A link back to the page a form was sent from; longer ones fall back to the path alone,
# so a 55 KB query string is not copied into every form of a page.
MAX_BACK_CHARS = 2000
_ASCII_NUMBER = re.compile(r"[0-9]{1,6}")


def page_number(value: str) -> int:
    """``pagina``: a whole number from 1 to ``MAX_PAGE`` in ASCII digits, else 1."""
    if not _ASCII_NUMBER.fullmatch(value):
        return 1
    number = int(value)
    return number if 1 <= number <= MAX_PAGE else 1


def known_ids(values: Iterable[str], valid: Iterable[str]) -> list[str]:
    """Filter ids a visitor chose: known ones only, each once, at most ``MAX_IDS_PER_FACET``."""
    allowed = set(valid)
    return [v for v in dict.fromkeys(values) if v in allowed][:MAX_IDS_PER_FACET]


def bounded_text(value: str, limit: int) -> str:
    """Free text from a form or URL (a title, a description), stripped and cut to ``limit``."""
    return value.strip()[:limit]


def back_link(request: Request) -> str:
    """Where a form on this page sends the visitor back to: this page, if the link is short."""
    path = request.url.path
    query = request.url.query
    if query and len(path) + len(query) + 1 <= MAX_BACK_CHARS:
        return f"{path}?{query}"
    return path


def safe_back_target(value: str, default: str = "/selectie") -> str:
    """A ``terug`` field as a redirect target: a short site-relative path, else ``default``.

    ``//host`` and ``/\\host`` are other sites to a browser, and control characters or
    spaces have no place in a link this site wrote itself.
    """
    if (
        not value.startswith("/")
        or value.startswith(("//", "/\\"))
        or len(value) > MAX_BACK_CHARS
        or any(ord(c) < 0x21 or ord(c) == 0x7F or c == "\\" for c in value)
    ):
        return default
    return value


SORTS_BY_PARAM: dict[str, Sort] = {
    "relevantie": "relevance",
    "nieuwste": "newest",
    "titel": "title",
}


def sort_choice(value: str) -> Sort:
    """``sorteer=nieuwste`` -> ``newest``; anything unknown sorts by relevance (a safe default)."""
    return SORTS_BY_PARAM.get(value[:20], "relevance")

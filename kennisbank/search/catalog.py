"""Read cases and collections from an open index version: the read model of the site.

Everything here reads the same immutable SQLite file the searcher ranks from, so a page
never mixes two index versions.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from pydantic import BaseModel

from kennisbank.content.models import Link


class CaseRecord(BaseModel):
    """A case as stored in the index: every front-matter field, the body and its slug."""

    slug: str
    title: str
    summary: str
    principles: list[str]
    regions: list[str]
    partners: list[str]
    places: list[str] = []
    themes: list[str] = []
    organisations: list[str] = []
    year: int | None = None
    contact: str | None = None
    links: list[Link] = []
    target_groups: list[str] = []
    evidence: str | None = None
    costs: str | None = None
    updated: str | None = None
    review_by: str | None = None
    status: str | None = None
    body: str
    path: str


class CollectionItem(BaseModel):
    """One case of a collection with the curator's note (None if the case is gone)."""

    slug: str
    note: str = ""
    case: CaseRecord | None = None


class CollectionRecord(BaseModel):
    slug: str
    title: str
    description: str = ""
    date: str | None = None
    location: str | None = None
    curator: str | None = None
    body: str = ""
    items: list[CollectionItem] = []


CASE_COLUMNS = "slug, path, body, data"


def _case(row: sqlite3.Row) -> CaseRecord:
    data: dict[str, Any] = json.loads(row["data"])
    return CaseRecord(slug=row["slug"], path=row["path"], body=row["body"], **data)


def get_case(conn: sqlite3.Connection, slug: str) -> CaseRecord | None:
    row = conn.execute(f"SELECT {CASE_COLUMNS} FROM cases WHERE slug = ?", (slug,)).fetchone()
    return _case(row) if row else None


def get_cases(conn: sqlite3.Connection, slugs: list[str]) -> dict[str, CaseRecord]:
    """Several cases by slug in one query (unknown slugs are simply absent)."""
    found: dict[str, CaseRecord] = {}
    for start in range(0, len(slugs), 500):
        chunk = slugs[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(f"SELECT {CASE_COLUMNS} FROM cases WHERE slug IN ({marks})", chunk):
            found[row["slug"]] = _case(row)
    return found


def count_cases(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM cases").fetchone()[0])


def list_cases(conn: sqlite3.Connection, offset: int = 0, limit: int = 50) -> list[CaseRecord]:
    """Cases newest first (by last update, then start year), a page at a time."""
    rows = conn.execute(
        f"SELECT {CASE_COLUMNS} FROM cases ORDER BY sort_date DESC, slug LIMIT ? OFFSET ?",
        (limit, offset),
    )
    return [_case(row) for row in rows]


def list_collections(conn: sqlite3.Connection) -> list[CollectionRecord]:
    rows = conn.execute("SELECT slug FROM collections").fetchall()
    found = [get_collection(conn, row["slug"], with_cases=False) for row in rows]
    collections = [c for c in found if c is not None]
    return sorted(collections, key=lambda c: (c.date or "", c.title), reverse=True)


def get_collection(
    conn: sqlite3.Connection, slug: str, with_cases: bool = True
) -> CollectionRecord | None:
    row = conn.execute(
        "SELECT slug, title, data, body FROM collections WHERE slug = ?", (slug,)
    ).fetchone()
    if row is None:
        return None
    data: dict[str, Any] = json.loads(row["data"])
    entries = data.pop("cases", [])
    cases = get_cases(conn, [e["slug"] for e in entries]) if with_cases else {}
    items = [
        CollectionItem(slug=e["slug"], note=e.get("note", ""), case=cases.get(e["slug"]))
        for e in entries
    ]
    return CollectionRecord(slug=row["slug"], body=row["body"], items=items, **data)


def coverage(conn: sqlite3.Connection, rows: str, columns: str) -> dict[tuple[str, str], int]:
    """Number of cases per (row value, column value) for two facet fields."""
    result = conn.execute(
        "SELECT a.value, b.value, count(DISTINCT a.case_id) FROM facets a "
        "JOIN facets b ON a.case_id = b.case_id AND a.facet = ? AND b.facet = ? "
        "GROUP BY a.value, b.value",
        (rows, columns),
    )
    return {(r[0], r[1]): int(r[2]) for r in result}

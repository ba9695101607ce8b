"""The fields a result shows of a case, read once per case and kept, a bounded number.

A result page reads ten cases' title, summary and tags; decoding their front matter JSON
again for every page was ~0.1 ms of a ~3 ms page. The same cases come back on every page
of a popular query, so a small cache per index version holds them (read-only data: an
index version never changes).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from typing import NamedTuple

MAX_CACHED = 4096  # ~2 MB of titles and summaries


class HitFields(NamedTuple):
    slug: str
    title: str
    summary: str
    principles: list[str]
    regions: list[str]
    partners: list[str]
    updated: str | None


class HitRows:
    """``fields(ids)``: the HitFields of cases by id, from SQLite on first use."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._cache: dict[int, HitFields] = {}
        self._lock = threading.Lock()

    def fields(self, ids: list[int]) -> dict[int, HitFields]:
        found = {case_id: hit for case_id in ids if (hit := self._cache.get(case_id))}
        missing = [case_id for case_id in ids if case_id not in found]
        if not missing:
            return found
        marks = ",".join("?" * len(missing))
        rows = self._conn.execute(
            f"SELECT id, slug, title, summary, data FROM cases WHERE id IN ({marks})", missing
        ).fetchall()
        fresh = {}
        for case_id, slug, title, summary, data in rows:
            meta = json.loads(data)
            fresh[case_id] = HitFields(
                slug,
                title,
                summary,
                meta["principles"],
                meta["regions"],
                meta["partners"],
                meta.get("updated"),
            )
        with self._lock:
            if len(self._cache) + len(fresh) > MAX_CACHED:
                self._cache.clear()  # rare, and cheaper than tracking recency per read
            self._cache.update(fresh)
        return {**found, **fresh}

"""What a result page reads of its cases, kept in memory for the cases seen lately.

A page shows ten cases: their title, summary and tags, and for each a snippet made from
one of its passages. Reading those from SQLite on every page (~70 rows) was a large part
of the page: the sqlite3 module releases the GIL for every row it steps, and with two
requests at once each release handed the GIL to the other thread. Reading them from
memory took a search page from 3.64 to 3.15 ms of server CPU at 16 connections (wrk, one
repeated query; docs/benchmarks-e5.md). An index version never changes, so what was read
once stays valid: a bounded read-through cache per version holds it, and a popular case
costs one read per server process.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Hashable
from typing import Generic, NamedTuple, TypeVar

Key = TypeVar("Key", bound=Hashable)
Value = TypeVar("Value")


class ReadThrough(Generic[Key, Value]):
    """``get(keys)``: values by key, fetched for the missing keys in one call and kept.

    At ``limit`` entries the cache starts over: simpler and cheaper per read than keeping
    a recency order, and the working set of a knowledge base's pages is small.
    """

    def __init__(self, fetch: Callable[[list[Key]], dict[Key, Value]], limit: int) -> None:
        self._fetch = fetch
        self._limit = limit
        self._items: dict[Key, Value] = {}
        self._lock = threading.Lock()

    def get(self, keys: list[Key]) -> dict[Key, Value]:
        items = self._items
        found = {key: items[key] for key in keys if key in items}
        missing = [key for key in keys if key not in found]
        if not missing:
            return found
        fresh = self._fetch(missing)
        with self._lock:
            if len(self._items) + len(fresh) > self._limit:
                self._items = {}
            self._items.update(fresh)
        return {**found, **fresh}


class HitFields(NamedTuple):
    slug: str
    title: str
    summary: str
    principles: list[str]
    regions: list[str]
    partners: list[str]
    updated: str | None


class PassageText(NamedTuple):
    heading: str
    text: str
    mark_stems: str
    mark_parts: str


# (passage id, its stored terms) in reading order, per case
CaseTerms = list[tuple[int, str]]


class PageRows:
    """The three reads of a result page, each cached: hit fields and passage terms per
    case, heading, text and marks per passage (~2 MB, ~14 MB and ~7 MB when full)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self.hits: ReadThrough[int, HitFields] = ReadThrough(self._hit_fields, 4096)
        self.terms: ReadThrough[int, CaseTerms] = ReadThrough(self._case_terms, 4096)
        self.texts: ReadThrough[int, PassageText] = ReadThrough(self._passage_texts, 4096)

    def _hit_fields(self, ids: list[int]) -> dict[int, HitFields]:
        fields = {}
        for case_id, slug, title, summary, data in self._conn.execute(
            f"SELECT id, slug, title, summary, data FROM cases WHERE id IN ({_marks(ids)})", ids
        ):
            meta = json.loads(data)
            fields[case_id] = HitFields(
                slug,
                title,
                summary,
                meta["principles"],
                meta["regions"],
                meta["partners"],
                meta.get("updated"),
            )
        return fields

    def _case_terms(self, ids: list[int]) -> dict[int, CaseTerms]:
        terms: dict[int, CaseTerms] = {case_id: [] for case_id in ids}
        for passage_id, case_id, stems in self._conn.execute(
            f"SELECT id, case_id, stems FROM passages WHERE case_id IN ({_marks(ids)}) "
            "ORDER BY case_id, ordinal",
            ids,
        ):
            terms[case_id].append((passage_id, stems))
        return terms

    def _passage_texts(self, ids: list[int]) -> dict[int, PassageText]:
        return {
            passage_id: PassageText(heading, text, stems, parts)
            for passage_id, heading, text, stems, parts in self._conn.execute(
                "SELECT id, heading, text, mark_stems, mark_parts FROM passages "
                f"WHERE id IN ({_marks(ids)})",
                ids,
            )
        }


def _marks(ids: list[int]) -> str:
    return ",".join("?" * len(ids))

"""The SQLite half of an index version: cases, facets, passages, files and the FTS5 table.

FTS5 holds text that the Dutch analyzer has already stemmed and decompounded, so it only
splits on spaces. Each passage also keeps its terms (``stems``: which passage a snippet
shows) and its word offsets per stem (``mark_stems``, ``mark_parts``: which words the
snippet marks), so a search never analyses passage text. Passage ids are AUTOINCREMENT
and never reused: they are the FAISS ids, and an incremental build must be able to remove
an old passage's vector by its id.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from kennisbank.content.models import Case, Collection
from kennisbank.content.taxonomy import FACET_FIELDS, Taxonomy
from kennisbank.indexing.passages import Passage
from kennisbank.text.analysis import analyze
from kennisbank.text.marks import passage_marks
from kennisbank.text.terms import FIELD_WEIGHTS, encode_terms

FTS_COLUMNS = ("title", "summary", "tags", "body", "parts")

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, kind TEXT NOT NULL, mtime_ns INTEGER NOT NULL,
    size INTEGER NOT NULL, sha256 TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cases (
    id INTEGER PRIMARY KEY AUTOINCREMENT, slug TEXT NOT NULL UNIQUE, path TEXT NOT NULL,
    title TEXT NOT NULL, summary TEXT NOT NULL, body TEXT NOT NULL, data TEXT NOT NULL,
    sort_date TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS facets (
    case_id INTEGER NOT NULL REFERENCES cases(id), facet TEXT NOT NULL, value TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS facets_by_value ON facets(facet, value);
CREATE INDEX IF NOT EXISTS facets_by_case ON facets(case_id);
CREATE TABLE IF NOT EXISTS passages (
    id INTEGER PRIMARY KEY AUTOINCREMENT, case_id INTEGER NOT NULL REFERENCES cases(id),
    ordinal INTEGER NOT NULL, heading TEXT NOT NULL, text TEXT NOT NULL,
    stems TEXT NOT NULL, mark_stems TEXT NOT NULL, mark_parts TEXT NOT NULL,
    text_hash TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS passages_by_case ON passages(case_id);
CREATE TABLE IF NOT EXISTS collections (
    slug TEXT PRIMARY KEY, path TEXT NOT NULL, title TEXT NOT NULL, data TEXT NOT NULL,
    body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS vocab (term TEXT PRIMARY KEY, id INTEGER NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS case_terms (
    case_id INTEGER PRIMARY KEY REFERENCES cases(id), length REAL NOT NULL,
    terms BLOB NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS cases_fts USING fts5(
    title, summary, tags, body, parts, tokenize = 'unicode61 remove_diacritics 0');
"""


@dataclass(frozen=True)
class FileState:
    """What a build knew about a content file, to tell later whether it changed."""

    path: str
    kind: str
    mtime_ns: int
    size: int
    sha256: str


def open_for_writing(path: Path) -> sqlite_utils.Database:
    """Open (or create) a version's database for a build."""
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA journal_mode = DELETE")
    db.execute("PRAGMA synchronous = NORMAL")
    db.conn.executescript(SCHEMA)
    return db


def open_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection a searcher may share across threads (no writes, no locks)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    return conn


def read_files(db: sqlite_utils.Database) -> dict[str, FileState]:
    return {row["path"]: FileState(**row) for row in db.table("files").rows}


def write_files(db: sqlite_utils.Database, states: Iterable[FileState]) -> None:
    db.execute("DELETE FROM files")
    db.table("files").insert_all([vars(state) for state in states])


def case_ids(db: sqlite_utils.Database) -> dict[str, int]:
    return {row["slug"]: row["id"] for row in db.query("SELECT slug, id FROM cases")}


def delete_case(db: sqlite_utils.Database, case_id: int) -> list[int]:
    """Remove a case and everything derived from it; returns its passage ids (FAISS ids)."""
    passage_ids = [
        row["id"] for row in db.query("SELECT id FROM passages WHERE case_id = ?", [case_id])
    ]
    for table, column in (
        ("passages", "case_id"),
        ("facets", "case_id"),
        ("cases_fts", "rowid"),
        ("case_terms", "case_id"),
        ("cases", "id"),
    ):
        db.execute(f"DELETE FROM {table} WHERE {column} = ?", [case_id])
    return passage_ids


def insert_cases(
    db: sqlite_utils.Database,
    items: list[tuple[Case, list[Passage]]],
    taxonomy: Taxonomy | None = None,
) -> list[tuple[int, list[int]]]:
    """Store cases with their facets, passages and FTS rows in a few bulk inserts.

    Ids are allocated here, continuing the AUTOINCREMENT sequences, so that one
    ``insert_all`` per table suffices (row-by-row inserts cost a commit each).
    Returns (case id, passage ids) per case, in input order.
    """
    next_case = _next_id(db, "cases")
    next_passage = _next_id(db, "passages")
    cases: list[dict[str, Any]] = []
    facets: list[dict[str, Any]] = []
    passage_rows: list[dict[str, Any]] = []
    fts_rows: list[tuple[Any, ...]] = []
    term_rows: list[tuple[int, float, bytes]] = []
    vocabulary = Vocabulary(db)
    allocated: list[tuple[int, list[int]]] = []
    for case, passages in items:
        case_id = next_case
        next_case += 1
        data = case.model_dump(mode="json", exclude={"body", "path", "slug"})
        sort_date = str(data.get("updated") or f"{data.get('year') or 0:04d}-01-01")
        cases.append(
            {
                "id": case_id,
                "slug": case.slug,
                "path": case.path,
                "title": case.title,
                "summary": case.summary,
                "body": case.body,
                "data": json.dumps(data, ensure_ascii=False),
                "sort_date": sort_date,
            }
        )
        facets += [
            {"case_id": case_id, "facet": field, "value": value}
            for field in FACET_FIELDS
            for value in getattr(case, field)
        ]
        columns = fts_columns(case, passages, taxonomy)
        fts_rows.append((case_id, *columns))
        term_rows.append((case_id, *vocabulary.weighted_terms(columns)))
        ids = list(range(next_passage, next_passage + len(passages)))
        next_passage += len(passages)
        marks = [passage_marks(passage.text) for passage in passages]
        passage_rows += [
            {
                "id": passage_id,
                "case_id": case_id,
                "ordinal": passage.ordinal,
                "heading": passage.heading,
                "text": passage.text,
                "stems": " ".join(sorted(passage_terms(passage))),
                "mark_stems": mark.stems,
                "mark_parts": mark.parts,
                "text_hash": passage.text_hash,
            }
            for passage_id, passage, mark in zip(ids, passages, marks, strict=True)
        ]
        allocated.append((case_id, ids))
    db.table("cases").insert_all(cases, batch_size=500)
    db.table("facets").insert_all(facets, batch_size=1000)
    db.table("passages").insert_all(passage_rows, batch_size=500)
    db.conn.executemany(
        "INSERT INTO cases_fts (rowid, title, summary, tags, body, parts) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        fts_rows,
    )
    db.conn.executemany("INSERT INTO case_terms VALUES (?, ?, ?)", term_rows)
    vocabulary.save()
    return allocated


class Vocabulary:
    """Stable term ids for the BM25F postings (new terms get new ids; none is reused)."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self.ids: dict[str, int] = dict(db.execute("SELECT term, id FROM vocab").fetchall())
        self.new: list[tuple[str, int]] = []

    def weighted_terms(self, columns: tuple[str, ...]) -> tuple[float, bytes]:
        """(weighted length, blob of term ids and field-weighted frequencies) of a case."""
        weights: dict[int, float] = {}
        length = 0.0
        for text, weight in zip(columns, FIELD_WEIGHTS, strict=True):
            for term in text.split():
                term_id = self.ids.get(term)
                if term_id is None:
                    term_id = self.ids[term] = len(self.ids)
                    self.new.append((term, term_id))
                weights[term_id] = weights.get(term_id, 0.0) + weight
                length += weight
        return length, encode_terms(list(weights), list(weights.values()))

    def save(self) -> None:
        self.db.conn.executemany("INSERT INTO vocab VALUES (?, ?)", self.new)
        self.new = []


def _next_id(db: sqlite_utils.Database, table: str) -> int:
    """The next AUTOINCREMENT id of a table: ids are never reused, even after deletes."""
    row = db.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", [table]).fetchone()
    highest = db.execute(f"SELECT max(id) FROM {table}").fetchone()[0]
    return max(row[0] if row else 0, highest or 0) + 1


def passage_terms(passage: Passage) -> set[str]:
    """Stems and compound parts of a passage: what a snippet's query overlap is measured on."""
    stems, parts = analyze(f"{passage.heading} {passage.text}")
    return {*stems, *parts}


def fts_columns(
    case: Case, passages: list[Passage], taxonomy: Taxonomy | None = None
) -> tuple[str, ...]:
    """Analysed text per FTS column; compound parts of every field go to ``parts``.

    The ``tags`` column also holds the labels and synonyms of the taxonomy ids a case is
    tagged with, so "Utrecht" or "Friesland" finds the cases of that province even when
    their text never names it.
    """
    words = [*case.themes, *case.target_groups, *case.places, *case.organisations]
    if taxonomy is not None:
        for field, vocabulary in FACET_FIELDS.items():
            for term_id in getattr(case, field):
                words += taxonomy.words(vocabulary, term_id)
    tags = " ".join(words)
    body = " ".join(p.text for p in passages[1:])
    columns: list[str] = []
    parts: list[str] = []
    for text in (case.title, case.summary, tags, body):
        stems, compound = analyze(text)
        columns.append(" ".join(stems))
        parts.extend(compound)
    return (*columns, " ".join(parts))


def replace_collections(db: sqlite_utils.Database, collections: Iterable[Collection]) -> None:
    db.execute("DELETE FROM collections")
    db.table("collections").insert_all(
        [
            {
                "slug": c.slug,
                "path": c.path,
                "title": c.title,
                "body": c.body,
                "data": json.dumps(
                    c.model_dump(mode="json", exclude={"body", "path", "slug"}), ensure_ascii=False
                ),
            }
            for c in collections
        ]
    )


def set_meta(db: sqlite_utils.Database, values: dict[str, Any]) -> None:
    db.table("meta").upsert_all(
        [{"key": key, "value": json.dumps(value)} for key, value in values.items()], pk="key"
    )

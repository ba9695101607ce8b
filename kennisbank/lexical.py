"""Keyword search over the FTS5 table of analysed text, with BM25 field weights.

Query terms come out of the same Dutch analyzer as the indexed text and are alphanumeric,
so each is quoted as an FTS5 string: no user input ever reaches FTS5's query syntax.

Terms that occur in more than ``max_term_share`` of all cases (and in at least MIN_COMMON
cases) are left out of the match (corpus-driven stop words). At a share of one half FTS5's BM25 gives such a term an IDF of
zero, so dropping it cannot change any score; it only stops "matches a word every case
contains" from making every case a result, and it spares computing BM25 for all of them,
which is most of the cost of a query at 10k cases.
"""

from __future__ import annotations

import sqlite3

import numpy as np
import numpy.typing as npt

from kennisbank.analysis import query_terms

# BM25 weights per column, in FTS column order: title, summary, tags, body, compound parts.
FIELD_WEIGHTS = (4.0, 2.0, 2.0, 1.0, 0.5)
VOCAB_TABLE = "temp.cases_fts_vocab"
# Only a term in this many cases or more can be left out: the point is the cost of scoring
# thousands of matches; in a small collection every match is cheap and stays a result.
MIN_COMMON = 500


def match_expression(terms: list[str]) -> str:
    """``"a" OR "b"``: any term matches; BM25 rewards cases that match more of them."""
    return " OR ".join(f'"{term}"' for term in terms)


def document_frequencies(conn: sqlite3.Connection) -> dict[str, int]:
    """Cases per indexed term, read once per index version from FTS5's own statistics."""
    conn.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {VOCAB_TABLE} USING fts5vocab(main, cases_fts, row)"
    )
    return dict(conn.execute(f"SELECT term, doc FROM {VOCAB_TABLE}").fetchall())


def informative_terms(
    terms: list[str], frequencies: dict[str, int], total: int, max_share: float
) -> list[str]:
    """Query terms that occur in the index, without the ones most cases contain.

    When every term is that common they are all kept: a query of common words still gets
    its keyword matches.
    """
    present = [term for term in terms if frequencies.get(term)]
    limit = max(max_share * total, MIN_COMMON)
    kept = [term for term in present if frequencies[term] <= limit]
    return kept or present


def lexical_scores(
    conn: sqlite3.Connection,
    query: str,
    frequencies: dict[str, int],
    total: int,
    weights: tuple[float, ...] = FIELD_WEIGHTS,
    max_term_share: float = 0.5,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Every case matching an informative query term: (case ids, BM25, higher is better)."""
    terms = informative_terms(query_terms(query), frequencies, total, max_term_share)
    if not terms:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    placeholders = ", ".join("?" * len(weights))
    rows = conn.execute(
        f"SELECT rowid, -bm25(cases_fts, {placeholders}) FROM cases_fts WHERE cases_fts MATCH ?",
        (*weights, match_expression(terms)),
    ).fetchall()
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    ids, scores = zip(*rows, strict=True)
    return np.asarray(ids, dtype=np.int64), np.asarray(scores, dtype=np.float64)

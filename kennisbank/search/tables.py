"""The per-case tables of one index version, read once from its SQLite database.

A search works on case *positions* (0..n-1, in case id order), never on ids: every score,
mask and facet array is indexed by position. These tables are what maps between the two
(ids, slugs, passages to their case) and what orders, filters and counts by position.
They are read when a ``Searcher`` opens a version and never change after that, so one
copy serves every thread; kept apart from the searcher so that loading them is one job.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from itertools import chain

import numpy as np
import numpy.typing as npt

from kennisbank.content.taxonomy import Taxonomy
from kennisbank.search.bm25 import TermIndex
from kennisbank.search.facets import FacetTable
from kennisbank.search.hits import PageRows
from kennisbank.search.models import FILTERS
from kennisbank.search.sorting import SortOrders

Positions = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False)  # arrays inside: identity is what compares
class Tables:
    """What a version's database says about its cases, arranged by case position."""

    case_ids: Positions  # the case id at each position, ascending
    slugs: list[str]
    position: dict[str, int]  # slug -> position
    orders: SortOrders
    slug_rank: Positions  # each position's rank by slug: the last tie-break
    taxonomy: Taxonomy
    facets: FacetTable
    terms: TermIndex  # the BM25F postings
    page_rows: PageRows
    passage_ids: Positions  # ascending
    passage_case: Positions  # the case position of each passage in ``passage_ids``

    @property
    def size(self) -> int:
        """The number of cases."""
        return len(self.slugs)


def load_tables(conn: sqlite3.Connection) -> Tables:
    """Read the tables of the version ``conn`` opens (read-only).

    A table that cannot be read raises here, while the searcher opens the version and can
    name it, rather than in the middle of a search.
    """
    rows = conn.execute(
        "SELECT id, slug, sort_date, title, json_extract(data, '$.evidence') AS evidence "
        "FROM cases ORDER BY id"
    ).fetchall()
    case_ids = np.asarray([row["id"] for row in rows], dtype=np.int64)
    slugs = [row["slug"] for row in rows]
    orders = SortOrders([r["sort_date"] for r in rows], [r["title"] for r in rows])
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    taxonomy = Taxonomy.model_validate(
        json.loads(meta.get("taxonomy", "{}")) or {"vocabularies": {}}
    )
    facet_rows = conn.execute("SELECT case_id, facet, value FROM facets").fetchall()
    positions = np.searchsorted(case_ids, [row[0] for row in facet_rows])
    field_to_param = {field: param for param, field in FILTERS.items()}
    facets = FacetTable(
        len(rows),
        chain(
            (
                (int(pos), field_to_param[row[1]], row[2])
                for pos, row in zip(positions, facet_rows, strict=True)
                if row[1] in field_to_param
            ),
            # one id per case, read from the case's data (no facet rows in the index)
            ((i, "evidence", r["evidence"]) for i, r in enumerate(rows) if r["evidence"]),
        ),
        {param: taxonomy.ids(field) for param, field in FILTERS.items()},
    )
    terms = TermIndex(conn, case_ids)
    page_rows = PageRows(conn)
    passages = conn.execute("SELECT id, case_id FROM passages ORDER BY id").fetchall()
    return Tables(
        case_ids=case_ids,
        slugs=slugs,
        position={slug: i for i, slug in enumerate(slugs)},
        orders=orders,
        slug_rank=np.argsort(np.argsort(np.asarray(slugs, dtype=object))),
        taxonomy=taxonomy,
        facets=facets,
        terms=terms,
        page_rows=page_rows,
        passage_ids=np.asarray([row[0] for row in passages], dtype=np.int64),
        passage_case=np.searchsorted(case_ids, [row[1] for row in passages]),
    )

"""Result orders other than relevance: newest first and by title, ties always by title.

A search's result set is ranked by relevance; a reader of a databank (Movisie, NJi) also
expects to sort it by date or alphabetically. Both orders are fixed per index version, so
they are computed once as ranks and applied to any result set with one stable argsort.
Ties go by title, not by slug: the bundled cases share one `updated` date, and reverse
slug order looked random.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import numpy.typing as npt

from kennisbank.search.models import Sort

Order = npt.NDArray[np.int64]
QUOTES = " '\"\u2018\u2019\u201c\u201d"  # a title may start with a quotation mark


def title_key(title: str) -> str:
    """Dutch alphabetical order: case and diacritics do not count ("Één" sorts as "een")."""
    folded = unicodedata.normalize("NFKD", title.casefold())
    return "".join(c for c in folded if not unicodedata.combining(c)).strip(QUOTES)


class SortOrders:
    """The ranks of every case by date (newest first) and by title, for one index version."""

    def __init__(self, sort_dates: list[str], titles: list[str]) -> None:
        by_title = sorted(range(len(titles)), key=lambda i: title_key(titles[i]))
        self.title_rank = _ranks(by_title)
        # newest first; equal dates by title (a stable sort of the title order)
        newest = sorted(by_title, key=lambda i: sort_dates[i], reverse=True)
        self.newest_first: Order = np.asarray(newest, dtype=np.int64)
        self.newest_rank = _ranks(newest)

    def apply(self, order: Order, sort: Sort) -> Order:
        """``order`` (positions, best first) re-sorted; relevance keeps it as it is."""
        if sort == "relevance" or len(order) == 0:
            return order
        rank = self.newest_rank if sort == "newest" else self.title_rank
        return order[np.argsort(rank[order], kind="stable")]


def _ranks(order: list[int]) -> npt.NDArray[np.int64]:
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[np.asarray(order, dtype=np.int64)] = np.arange(len(order), dtype=np.int64)
    return ranks

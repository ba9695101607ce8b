"""Facet membership as boolean arrays over case positions, and honest facet counts.

Counts for a facet are taken over the result set with every *other* facet's filter applied
(not its own): selecting a second value in a facet widens the results (OR), so its count
must say how many it would add. This is the multi-select convention of faceted search.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import numpy.typing as npt

Mask = npt.NDArray[np.bool_]


class FacetTable:
    """For each facet and value, which cases carry it (a boolean array over positions)."""

    def __init__(
        self, size: int, rows: Iterable[tuple[int, str, str]], vocabularies: Mapping[str, list[str]]
    ) -> None:
        self.size = size
        self.values: dict[str, dict[str, Mask]] = {
            facet: {value: np.zeros(size, dtype=bool) for value in ids}
            for facet, ids in vocabularies.items()
        }
        for position, facet, value in rows:
            masks = self.values.setdefault(facet, {})
            if value not in masks:
                masks[value] = np.zeros(size, dtype=bool)
            masks[value][position] = True

    def mask(self, facet: str, selected: Iterable[str]) -> Mask:
        """Cases with any of the selected values (OR within a facet)."""
        result = np.zeros(self.size, dtype=bool)
        for value in selected:
            if value in self.values.get(facet, {}):
                result |= self.values[facet][value]
        return result

    def filter_mask(self, filters: Mapping[str, list[str]], skip: str | None = None) -> Mask:
        """Cases passing every active facet filter (AND across facets), optionally one left out."""
        result = np.ones(self.size, dtype=bool)
        for facet, selected in filters.items():
            if selected and facet != skip:
                result &= self.mask(facet, selected)
        return result

    def counts(self, matched: Mask, filters: Mapping[str, list[str]]) -> dict[str, dict[str, int]]:
        """Per facet, per value: matching cases under all filters except that facet's own."""
        result: dict[str, dict[str, int]] = {}
        for facet, masks in self.values.items():
            base = matched & self.filter_mask(filters, skip=facet)
            result[facet] = {
                value: int(np.count_nonzero(base & mask)) for value, mask in masks.items()
            }
        return result

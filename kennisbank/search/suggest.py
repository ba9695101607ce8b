"""Filters a query names: "schuldhulp Utrecht" names the region Utrecht.

The search page offers each as a one-click filter chip. Matching is on whole words of the
folded, lowercased text, against each taxonomy term's label and synonyms (so "Friesland"
names ``fryslan``); the taxonomy is data, so no id is known here.
"""

from __future__ import annotations

import re

from kennisbank.content.taxonomy import Taxonomy
from kennisbank.search.searcher import FILTERS
from kennisbank.text.folding import fold_ascii

# (filter name, term id, the term's label and synonyms as padded folded words)
Names = list[tuple[str, str, tuple[str, ...]]]


def _words(text: str) -> str:
    """Folded lowercase words joined by single spaces, padded for whole-word tests."""
    return " " + " ".join(re.findall(r"[a-z0-9]+", fold_ascii(text).lower())) + " "


def filter_names(taxonomy: Taxonomy) -> Names:
    """Every filter value with the word forms a query may name it by."""
    names: Names = []
    for name, vocabulary in FILTERS.items():
        for term in taxonomy.vocabularies.get(vocabulary, []):
            forms = (_words(word) for word in (term.label, *term.synonyms))
            names.append((name, term.id, tuple(form for form in forms if form.strip())))
    return names


class _LastTaxonomy:
    """The names of the taxonomy seen last: a server has one per index version, and
    folding every label again cost ~0.1 ms a search page. One tuple, replaced whole, so
    threads never see half an entry."""

    def __init__(self) -> None:
        self._entry: tuple[Taxonomy, Names] | None = None

    def names(self, taxonomy: Taxonomy) -> Names:
        entry = self._entry
        if entry is None or entry[0] is not taxonomy:
            entry = self._entry = (taxonomy, filter_names(taxonomy))
        return entry[1]


_LAST = _LastTaxonomy()


def named_filters(taxonomy: Taxonomy, query: str) -> dict[str, list[str]]:
    """Per filter name, the ids whose label or synonym occurs as whole words in ``query``."""
    wanted = _words(query)
    found: dict[str, list[str]] = {}
    if not wanted.strip():
        return found
    for name, term_id, forms in _LAST.names(taxonomy):
        if any(form in wanted for form in forms):
            found.setdefault(name, []).append(term_id)
    return found

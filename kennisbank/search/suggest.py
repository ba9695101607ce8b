"""Filters a query names: "schuldhulp Utrecht" names the region Utrecht.

The search page offers each as a one-click filter chip. Matching is on whole words of the
folded, lowercased text, against each taxonomy term's label and synonyms (so "Friesland"
names ``fryslan``); the taxonomy is data, so no id is known here.
"""

from __future__ import annotations

import re

from kennisbank.content.taxonomy import Taxonomy
from kennisbank.search.models import FILTERS
from kennisbank.search.places import named_places
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
    """Per filter name, the ids whose label or synonym occurs as whole words in ``query``,
    and the province of every place it names ("Zwolle" names the region Overijssel)."""
    wanted = _words(query)
    found: dict[str, list[str]] = {}
    if not wanted.strip():
        return found
    names = _LAST.names(taxonomy)
    for name, term_id, forms in names:
        if any(form in wanted for form in forms):
            found.setdefault(name, []).append(term_id)
    regions = {term_id for name, term_id, _ in names if name == "region"}
    for place in named_places(query, province_words(names)):
        if place.province in regions and place.province not in found.get("region", []):
            found.setdefault("region", []).append(place.province)
    return found


def province_words(names: Names) -> frozenset[str]:
    """The region labels and synonyms as folded words ("utrecht", "friesland")."""
    return frozenset(form.strip() for name, _, forms in names if name == "region" for form in forms)


def place_words(taxonomy: Taxonomy) -> frozenset[str]:
    """``province_words`` of a taxonomy (cached with its names)."""
    return province_words(_LAST.names(taxonomy))

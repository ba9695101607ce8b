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


def _words(text: str) -> str:
    """Folded lowercase words joined by single spaces, padded for whole-word tests."""
    return " " + " ".join(re.findall(r"[a-z0-9]+", fold_ascii(text).lower())) + " "


def named_filters(taxonomy: Taxonomy, query: str) -> dict[str, list[str]]:
    """Per filter name, the ids whose label or synonym occurs as whole words in ``query``."""
    wanted = _words(query)
    found: dict[str, list[str]] = {}
    if not wanted.strip():
        return found
    for name, vocabulary in FILTERS.items():
        for term in taxonomy.vocabularies.get(vocabulary, []):
            names = [_words(word) for word in (term.label, *term.synonyms)]
            if any(n.strip() and n in wanted for n in names):
                found.setdefault(name, []).append(term.id)
    return found

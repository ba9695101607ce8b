"""What a query names besides its topic: taxonomy terms and places, and what follows.

A query that names a region, principle or partner type (its label or a synonym, see
``suggest.named_filters``) or a place (``places``) ranks the cases tagged with it first:
"Overijssel" puts the Overijssel case above cases that merely mention the word. A place
also stands for its province: "Zwolle" ranks the cases that name Zwolle first, then the
Overijssel ones, and a query that is only a place ("Zwolle", "Den Haag") is about the
cases from there or, when there are none, from its province; the page then says that no
case comes from the place itself (``PlaceNote``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kennisbank.content.taxonomy import Taxonomy
from kennisbank.search.bm25 import TermIndex
from kennisbank.search.facets import FacetTable, Mask
from kennisbank.search.fusion import Scores
from kennisbank.search.membership import concepts
from kennisbank.search.models import PlaceNote
from kennisbank.search.places import Place, named_places, without_places, words
from kennisbank.search.suggest import named_filters, place_words


@dataclass(frozen=True)
class Named:
    """A query read for names: its topic (the query without place names), the cases that
    name a place (``here``) and the cases tagged with a named term or province."""

    topic: str
    places: list[Place]
    here: Mask
    tagged: Mask

    @property
    def only_places(self) -> bool:
        return bool(self.places) and not concepts(self.topic)


def read_names(query: str, taxonomy: Taxonomy, facets: FacetTable, terms: TermIndex) -> Named:
    places = named_places(query, place_words(taxonomy))
    tagged: Mask = np.zeros(facets.size, dtype=bool)
    for facet, ids in named_filters(taxonomy, query).items():
        tagged |= facets.mask(facet, ids)
    here: Mask = np.zeros(facets.size, dtype=bool)
    for place in places:
        here |= _mentions(terms, place.name)
    topic = without_places(query, places) if places else query
    return Named(topic, places, here, tagged)


def _mentions(terms: TermIndex, name: str) -> Mask:
    """Cases whose words include every word of a place name (their places, or their text)."""
    mask: Mask = np.ones(terms.size, dtype=bool)
    for word in words(name).split():
        found: Mask = np.zeros(terms.size, dtype=bool)
        term_id = terms.vocabulary.get(word)
        if term_id is not None and term_id + 1 < len(terms.starts):
            found[terms.postings_case[terms.starts[term_id] : terms.starts[term_id + 1]]] = True
        mask &= found
    return mask


def tiered(
    positions: npt.NDArray[np.int64], fused: Scores, slug_rank: npt.NDArray[np.int64], named: Named
) -> npt.NDArray[np.int64]:
    """``positions`` best first: cases naming the place, then tagged ones, then the rest."""
    tier = np.where(named.here[positions], 0, np.where(named.tagged[positions], 1, 2))
    return positions[np.lexsort((slug_rank[positions], -fused[positions], tier))]


def place_notes(
    named: Named, taxonomy: Taxonomy, facets: FacetTable, order: npt.NDArray[np.int64]
) -> list[PlaceNote]:
    """One note per named place: is any case from there, how many results from its province."""
    labels = {term.id: term.label for term in taxonomy.vocabularies.get("regions", [])}
    return [
        PlaceNote(
            name=place.name,
            province=place.province,
            province_label=labels.get(place.province, place.province),
            found=bool(named.here.any()),
            in_province=int(np.count_nonzero(facets.mask("region", [place.province])[order])),
        )
        for place in named.places
    ]

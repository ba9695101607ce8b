"""Which cases count as results by meaning alone, and how weak keyword matches are scaled.

Under e5 the best cosine of a keyboard mash (0.78-0.83 against the fixture passages)
overlaps that of real words no case uses ("isolement" 0.81): the words of the query decide
which closeness floor applies (``Searcher._floor``).
"""

from __future__ import annotations

import numpy as np
import pytest

from kennisbank.search.fusion import convex_fusion
from kennisbank.search.ranking import absolute_closeness, closeness_cutoff, ranking_for
from kennisbank.search.searcher import Searcher, SearchParams
from kennisbank.text.analysis import known_word, query_terms

# Random strings that, before the word check, each got 1-15 results under e5 (their best
# cosines 0.80-0.82 cleared the closeness floor of 0.8).
MASHES = ["xjdxkxwqn", "lcovqdyfq", "mzgdpamnt", "oprhlhvhyo", "pyop", "aaaura", "xyzzy"]


@pytest.mark.parametrize("query", MASHES)
def test_a_keyboard_mash_finds_nothing_under_e5(e5_searcher: Searcher, query: str) -> None:
    result = e5_searcher.search(SearchParams(query=query))
    assert result.best_similarity is not None
    assert result.best_similarity >= absolute_closeness(e5_searcher.ranking) - 0.03
    assert (result.total, result.by_meaning, result.match) == (0, False, "none"), query
    assert not result.related


# "isolement" used to be one; the thesaurus now reads it as eenzaamheid (test_thesaurus.py)
@pytest.mark.parametrize("query", ["verveling", "buurman"])
def test_a_dutch_word_no_case_uses_still_finds_cases_by_meaning(
    e5_searcher: Searcher, query: str
) -> None:
    assert known_word(query)
    result = e5_searcher.search(SearchParams(query=query))
    assert result.total > 0
    assert result.best_similarity is not None
    assert result.best_similarity < closeness_cutoff(e5_searcher.ranking)


def test_a_typo_is_no_dutch_word_but_close_enough(e5_searcher: Searcher) -> None:
    """Not in the lexicon, but its cosine clears the cutoff set above gibberish."""
    assert not known_word("schuldhulpverlning")
    result = e5_searcher.search(SearchParams(query="schuldhulpverlning"))
    assert result.total > 0 and result.match == "weak"  # no case has the misspelt word
    shown = [hit.slug for hit in [*result.results, *result.related]]
    assert "budgetcoach-jonge-gezinnen" in shown


def test_e5_fusion_scales_from_below_its_closeness_floor() -> None:
    e5 = ranking_for("multilingual-e5-small")
    assert e5.semantic_floor < absolute_closeness(e5) < closeness_cutoff(e5)
    use = ranking_for("use-multilingual")
    assert absolute_closeness(use) == use.semantic_floor  # USE: one floor for both


def test_a_weak_best_keyword_match_gets_a_partial_keyword_vote() -> None:
    lexical = np.array([2.0, 1.0, np.nan])
    semantic = np.full(3, np.nan)
    plain = convex_fusion(lexical, semantic, alpha=0.5)
    assert plain[0] == pytest.approx(0.5)  # the best match always got the full vote
    weak = convex_fusion(lexical, semantic, alpha=0.5, lexical_top=8.0)
    assert weak[0] == pytest.approx(0.5 * 2 / 8)
    strong = convex_fusion(lexical, semantic, alpha=0.5, lexical_top=1.0)
    assert strong[0] == pytest.approx(0.5)  # a top below the best score changes nothing


def test_no_case_scores_above_the_upper_bound(bundled_searcher: Searcher) -> None:
    for query in ("schuldhulpverlening", "hulp bij schulden voor jonge gezinnen", "xyzzy taal"):
        terms = query_terms(query)
        scores = bundled_searcher.terms.scores(terms)
        bound = bundled_searcher.terms.upper_bound(terms)
        assert np.nanmax(np.nan_to_num(scores, nan=0.0)) <= bound
    # a word no case contains still weighs in the bound: the keyword side is weaker
    assert bundled_searcher.terms.upper_bound(
        ["schuld", "zzzzq"]
    ) > bundled_searcher.terms.upper_bound(["schuld"])

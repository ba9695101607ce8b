"""The domain thesaurus (search.thesaurus): its file, what a query word expands to, and what
an expansion does to the result set and the ranking on the fixture index."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from kennisbank.search.membership import word_coverage
from kennisbank.search.ranking import THESAURUS_OFF, ranking_for
from kennisbank.search.searcher import Searcher, SearchParams
from kennisbank.search.thesaurus import (
    THESAURUS_FILE,
    Thesaurus,
    embedding_text,
    expansion_terms,
    parse,
    thesaurus,
)


def test_the_bundled_file_parses_and_lists_each_phrase_once() -> None:
    rules = parse(THESAURUS_FILE.read_text(encoding="utf-8").splitlines())
    assert len(rules) >= 80
    sources = Counter(source for rule in rules for source in rule.sources)
    assert [phrase for phrase, count in sources.items() if count > 1] == []


def test_equivalent_and_one_way_lines() -> None:
    words = Thesaurus(parse(["dakloos, daklozen, zwervers", "dokter => huisarts"]))
    assert words.expand("zwervers helpen") == {"zwervers": (("dakloos",), ("daklozen",))}
    assert words.expand("de dokter") == {"dokter": (("huisarts",),)}
    assert words.expand("de huisarts") == {}  # one way: not back


def test_words_match_whole_not_by_stem() -> None:
    # the stemmer gives "ouder" for both ouders (parents) and ouderen (the elderly)
    words = Thesaurus(parse(["ouderen, senioren"]))
    assert words.expand("ouders met schulden") == {}
    assert words.expand("Ouderen") == {"ouderen": (("senioren",),)}
    assert words.expand("eenzame senioren") == {"senioren": (("ouderen",),)}


def test_a_phrase_matches_in_order_and_small_words_only_count_in_the_query() -> None:
    words = Thesaurus(parse(["dakloos, op straat slapen"]))
    assert words.expand("wie op straat slapen") == {
        "straat": (("dakloos",),),
        "slapen": (("dakloos",),),
    }
    assert words.expand("slapen op straat") == {}
    # "op straat slapen" is no target: a case about "straat" is not about daklozen
    assert words.expand("dakloos") == {}


def test_an_expansion_the_query_already_has_is_left_out() -> None:
    words = Thesaurus(parse(["schulden, geldzorgen"]))
    assert words.expand("schulden en geldzorgen") == {}


@pytest.mark.parametrize(
    "line",
    ["a, , b", "=> huisarts", "dokter =>", ", ,"],
)
def test_an_entry_without_words_names_its_line(line: str) -> None:
    with pytest.raises(ValueError, match="thesaurus line 2"):
        parse(["# comment", line])


def test_embedding_text_takes_expansions_in_turn_up_to_the_limit() -> None:
    expansions = thesaurus().expand("zwervers en de dokter")
    text = embedding_text("zwervers en de dokter", expansions, 2)
    assert text == "zwervers en de dokter (dakloos, huisarts)"
    assert embedding_text("zwervers", expansions, 0) == "zwervers"
    assert embedding_text("geen", {}, 4) == "geen"
    assert set(expansion_terms(expansions)) >= {"dakloos", "daklozen", "huisarts"}


def test_a_synonym_covers_the_word_it_expands(bundled_searcher: Searcher) -> None:
    terms = bundled_searcher.terms
    query = "zwervers"  # no fixture case has the word; two are about daklozen
    synonyms = thesaurus().expand(query)
    assert not word_coverage(terms, query).any()
    covered = word_coverage(terms, query, synonyms, 1.0)
    slugs = {bundled_searcher.slugs[i] for i in np.flatnonzero(covered >= 0.5)}
    assert "housing-first-jongeren" in slugs
    half = word_coverage(terms, query, synonyms, 0.4)
    assert half.max() == pytest.approx(0.4)


def test_an_everyday_word_finds_the_case_about_it(
    bundled_searcher: Searcher, bundled_index: Path
) -> None:
    found = bundled_searcher.search(SearchParams(query="zwervers"))
    assert found.match == "strong"
    assert "housing-first-jongeren" in [hit.slug for hit in found.results[:2]]
    # the same index without the thesaurus: no case is about the word
    plain = Searcher(
        bundled_index,
        embedder=bundled_searcher.embedder(),
        ranking=ranking_for(bundled_searcher.manifest.embedder, **THESAURUS_OFF),
    )
    assert plain.search(SearchParams(query="zwervers")).match != "strong"


def test_nonsense_still_finds_nothing(bundled_searcher: Searcher) -> None:
    found = bundled_searcher.search(SearchParams(query="xjdxkxwqn zwbrq"))
    assert found.total == 0 and found.match == "none"


def test_isolement_is_about_loneliness(e5_searcher: Searcher) -> None:
    """No fixture case says "isolement"; under the thesaurus it means eenzaamheid."""
    found = e5_searcher.search(SearchParams(query="isolement"))
    assert found.match == "strong"
    assert any(
        "eenzaam" in hit.title.lower() or "eenzaam" in hit.summary.lower()
        for hit in found.results[:3]
    )

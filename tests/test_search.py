"""Hybrid search over the bundled content: relevance, filters, facet counts, paging,
snippets, hostile input and related cases.

Expectations are computed independently of the searcher where that is possible: the
front matter is read straight from the Markdown files, and every facet count is checked
against the total of the search a user gets by selecting that value.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import FIXTURE_CONTENT, TAXONOMY_PATH
from hypothesis import given, settings
from hypothesis import strategies as st

from kennisbank.search.searcher import MAX_QUERY_CHARS, Searcher, SearchParams, SearchResult
from kennisbank.search.thesaurus import synonym_words
from kennisbank.text.analysis import normalize, part_stems, query_terms, stem

FACETS = {
    "principle": "principles",
    "region": "regions",
    "partner": "partners",
    "evidence": "evidence",  # one id per case, not a list
}


def ids_of(case: dict[str, Any], field: str) -> list[str]:
    value = case.get(field)
    return value if isinstance(value, list) else [value] if value else []


def front_matter(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    _, head, _ = text.split("---\n", 2)
    data: dict[str, Any] = yaml.safe_load(head)
    return data


CASES: dict[str, dict[str, Any]] = {
    path.stem: front_matter(path) for path in sorted((FIXTURE_CONTENT / "cases").glob("*.md"))
}
CASE_TEXT = {
    path.stem: path.read_text(encoding="utf-8").lower()
    for path in (FIXTURE_CONTENT / "cases").glob("*.md")
}
TAXONOMY: dict[str, Any] = yaml.safe_load(TAXONOMY_PATH.read_text(encoding="utf-8"))


def search(searcher: Searcher, query: str = "", **params: Any) -> SearchResult:
    return searcher.search(SearchParams(query=query, **params))


def slugs(result: SearchResult) -> list[str]:
    return [hit.slug for hit in result.results]


def passes(slug: str, filters: dict[str, list[str]]) -> bool:
    """OR within a facet, AND across facets, judged on the case file itself."""
    case = CASES[slug]
    return all(
        not selected or set(selected) & set(ids_of(case, FACETS[facet]))
        for facet, selected in filters.items()
    )


# --- relevance -------------------------------------------------------------------------------


def test_hulp_bij_schulden_finds_schuldhulpverlening(bundled_searcher: Searcher) -> None:
    result = search(bundled_searcher, "hulp bij schulden")
    top = slugs(result)[:3]
    assert any("schuldhulpverlening" in CASE_TEXT[slug] for slug in top), top
    assert result.results[0].score >= result.results[-1].score


def test_scores_are_best_first(bundled_searcher: Searcher) -> None:
    result = search(bundled_searcher, "eenzaamheid bij ouderen", k=100)
    scores = [hit.score for hit in result.results]
    assert scores == sorted(scores, reverse=True)
    assert result.total == len(result.results) > 0


def test_a_hit_carries_the_case_fields(bundled_searcher: Searcher) -> None:
    result = search(bundled_searcher, "huurachterstand")
    hit = next(h for h in result.results if h.slug == "vroeg-eropaf-huurachterstand")
    case = CASES[hit.slug]
    assert hit.title == case["title"]
    assert hit.principles == case["principles"]
    assert hit.regions == case["regions"]
    assert hit.partners == case["partners"]
    assert hit.updated == case["updated"].isoformat()
    assert result.index == bundled_searcher.version


# --- filters ---------------------------------------------------------------------------------

FILTER_CASES = [
    {"region": ["utrecht", "drenthe"]},
    {"principle": ["bestaanszekerheid"], "region": ["landelijk", "utrecht", "noord-holland"]},
    {"principle": ["meedoen", "veilig-opgroeien"], "partner": ["gemeente"]},
    {"partner": ["welzijn", "onderwijs"], "principle": ["meedoen"], "region": ["gelderland"]},
]


@pytest.mark.parametrize("filters", FILTER_CASES)
@pytest.mark.parametrize("query", ["", "schulden", "jongeren", "samenwerken in de wijk"])
def test_every_result_satisfies_the_filters(
    bundled_searcher: Searcher, filters: dict[str, list[str]], query: str
) -> None:
    result = search(bundled_searcher, query, k=100, **filters)
    assert result.total == len(result.results)
    for hit in result.results:
        assert passes(hit.slug, filters), (hit.slug, filters)
    if not query:  # the empty query lists every case that passes
        assert set(slugs(result)) == {slug for slug in CASES if passes(slug, filters)}


@pytest.mark.parametrize("query", ["", "schulden", "wonen voor jongeren"])
def test_or_within_a_facet_and_across_facets(bundled_searcher: Searcher, query: str) -> None:
    def found(**filters: list[str]) -> set[str]:
        return set(slugs(search(bundled_searcher, query, k=100, **filters)))

    assert found(region=["utrecht", "drenthe"]) == found(region=["utrecht"]) | found(
        region=["drenthe"]
    )
    assert found(principle=["meedoen", "veilig-opgroeien"]) == found(principle=["meedoen"]) | found(
        principle=["veilig-opgroeien"]
    )
    assert found(principle=["bestaanszekerheid"], partner=["gemeente"]) == found(
        principle=["bestaanszekerheid"]
    ) & found(partner=["gemeente"])
    # A filter narrows the unfiltered result set; it never adds to it.
    everything = found()
    assert found(region=["landelijk"]) == {
        slug for slug in everything if "landelijk" in CASES[slug]["regions"]
    }


def test_filters_apply_before_the_cut(bundled_searcher: Searcher) -> None:
    query, filters, k = "wonen voor jongeren", {"principle": ["betaalbaar-wonen"]}, 3
    unfiltered = search(bundled_searcher, query, k=k)
    in_top = [slug for slug in slugs(unfiltered) if passes(slug, filters)]
    everything = search(bundled_searcher, query, k=100)
    matching = [slug for slug in slugs(everything) if passes(slug, filters)]
    assert len(in_top) < k <= len(matching), "the example no longer shows the point"

    filtered = search(bundled_searcher, query, k=k, **filters)
    assert len(filtered.results) == k
    assert filtered.total == len(matching)
    assert all(passes(slug, filters) for slug in slugs(filtered))
    assert set(slugs(search(bundled_searcher, query, k=100, **filters))) == set(matching)


def test_unknown_filter_values_match_nothing_and_never_raise(bundled_searcher: Searcher) -> None:
    result = search(bundled_searcher, "schulden", region=["atlantis"], partner=["<script>"])
    assert result.total == 0
    assert result.results == []
    assert set(result.facets) == set(FACETS)


# --- facet counts ----------------------------------------------------------------------------

PRINCIPLE_SETS: list[list[str]] = [[], ["bestaanszekerheid"], ["meedoen", "veilig-opgroeien"]]
REGION_SETS: list[list[str]] = [[], ["utrecht"], ["drenthe", "landelijk"]]
PARTNER_SETS: list[list[str]] = [[], ["gemeente"]]


def test_facets_list_every_taxonomy_id(bundled_searcher: Searcher) -> None:
    facets = search(bundled_searcher, "").facets
    assert set(facets) == set(FACETS)
    for facet, field in FACETS.items():
        assert set(facets[facet]) == set(TAXONOMY[field])
        for value, count in facets[facet].items():
            assert count == sum(value in ids_of(case, field) for case in CASES.values())


@pytest.mark.parametrize("query", ["", "schulden", "wonen voor jongeren", "ouderen eenzaam"])
def test_a_facet_count_is_the_total_of_selecting_it(bundled_searcher: Searcher, query: str) -> None:
    """Count of value v in facet F == total of the same search with F's filter set to [v]."""
    totals: dict[tuple[tuple[str, ...], ...], int] = {}

    def total(filters: dict[str, list[str]]) -> int:
        key = tuple(tuple(filters.get(facet, [])) for facet in FACETS)
        if key not in totals:
            totals[key] = search(bundled_searcher, query, k=100, **filters).total
        return totals[key]

    checked = 0
    for principle, region, partner in itertools.product(PRINCIPLE_SETS, REGION_SETS, PARTNER_SETS):
        filters = {"principle": principle, "region": region, "partner": partner}
        result = search(bundled_searcher, query, k=10, **filters)
        assert result.total == total(filters)
        for facet in FACETS:
            for value, count in result.facets[facet].items():
                expected = total({**filters, facet: [value]})
                assert count == expected, (query, filters, facet, value)
                checked += count
    assert checked > 0


# --- the empty query and paging --------------------------------------------------------------


def test_empty_query_lists_every_case_newest_first(bundled_searcher: Searcher) -> None:
    result = search(bundled_searcher, "", k=100)
    assert result.total == len(CASES) == 20
    expected = sorted(CASES, key=lambda slug: (CASES[slug]["updated"], slug), reverse=True)
    assert slugs(result) == expected
    dates = [hit.updated for hit in result.results]
    assert dates == sorted(dates, reverse=True)  # type: ignore[type-var]
    assert all(hit.snippet is None for hit in result.results)


@pytest.mark.parametrize("query", ["", "hulp", "jongeren in de wijk"])
def test_pages_are_disjoint_and_consecutive(bundled_searcher: Searcher, query: str) -> None:
    full = search(bundled_searcher, query, k=100)
    assert full.total >= 6
    size = full.total // 3 + (full.total % 3 > 0)  # three pages, the last one shorter
    offsets = (0, size, 2 * size)
    pages = [slugs(search(bundled_searcher, query, k=size, offset=o)) for o in offsets]
    assert [len(page) for page in pages[:2]] == [size, size]
    joined = [slug for page in pages for slug in page]
    assert len(joined) == len(set(joined))
    assert joined == slugs(full)[: len(joined)]
    last = search(bundled_searcher, query, k=4, offset=full.total - 1)
    assert slugs(last) == slugs(full)[-1:]
    beyond = search(bundled_searcher, query, k=4, offset=full.total)
    assert beyond.results == []
    assert beyond.total == full.total


# --- snippets --------------------------------------------------------------------------------


def _matches_query(text: str, query: str) -> bool:
    """A marked word is one of the query's, or of the thesaurus's expansions of them."""
    wanted = set(query_terms(f"{query} {synonym_words(query)}"))
    words = normalize(text).split()
    return all(stem(word) in wanted or part_stems(word) & wanted for word in words)


@pytest.mark.parametrize("query", ["schulden", "huurachterstand", "eenzame ouderen", "jongeren"])
def test_snippets_mark_words_that_match_the_query(bundled_searcher: Searcher, query: str) -> None:
    result = search(bundled_searcher, query)
    marked_any = False
    for hit in result.results:
        assert hit.snippet is not None
        assert hit.snippet.text.strip()
        for segment in hit.snippet.segments:
            if segment.mark:
                marked_any = True
                assert segment.text == segment.text.strip()
                assert _matches_query(segment.text, query), (hit.slug, segment.text)
    assert marked_any


def test_snippet_for_schulden_marks_schuld_words(bundled_searcher: Searcher) -> None:
    result = search(bundled_searcher, "schulden")
    marked = [
        normalize(segment.text)
        for hit in result.results[:3]
        if hit.snippet
        for segment in hit.snippet.segments
        if segment.mark
    ]
    assert marked
    # the word itself, or what the thesaurus gives for it (geldzorgen, financiële problemen)
    synonyms = set(query_terms(synonym_words("schulden")))
    assert all("schuld" in word or stem(word) in synonyms for word in marked), marked
    assert any(word in ("schulden", "schuld") for word in marked)


def test_snippet_text_comes_from_the_case(bundled_searcher: Searcher) -> None:
    result = search(bundled_searcher, "vrijwilligers")
    for hit in result.results:
        assert hit.snippet is not None
        body = " ".join(CASE_TEXT[hit.slug].split())
        for segment in hit.snippet.segments:
            piece = segment.text.strip(" …").lower()
            if len(piece) > 3:
                # Markdown syntax is stripped from passages; plain words survive verbatim.
                assert all(word in body for word in piece.split()), (hit.slug, piece)


# --- hostile input ---------------------------------------------------------------------------

HOSTILE = [
    '"',
    '"""',
    "AND OR NOT",
    "schulden AND",
    "OR",
    "NEAR(schuld hulp",
    "NEAR(a b, 2)",
    "schuld*",
    "*",
    "^schuld",
    "title:schuld",
    "cases_fts:schuld",
    "-schuld",
    "(schuld OR (hulp",
    ")))(((",
    "'; DROP TABLE cases; --",
    "schul\x00den",
    "\x00\x01\x02\x1b[31m\x7f",
    "\u202e\u200b\ufeff",
    "a" * 10_000,
    "schulden " * 1_200,
    "💸🏠👨‍👩‍👧 schulden 🙂",
    "مساعدة في الديون",
    "债务帮助",
    "помощь с долгами",
    "hulp 债务 долги مساعدة",
    "de het een bij van",
    "",
    "   \t\n  ",
    "\ud7ff\ue000\U0010ffff",
]


@pytest.mark.parametrize("mode", ["hybrid", "lexical", "semantic"])
@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_never_raise(bundled_searcher: Searcher, query: str, mode: str) -> None:
    result = search(bundled_searcher, query, mode=mode, k=5)
    assert isinstance(result, SearchResult)
    assert 0 <= len(result.results) <= 5
    assert result.total >= len(result.results)
    assert len(result.query) <= MAX_QUERY_CHARS
    assert result.query.isprintable()
    assert set(result.facets) == set(FACETS)


def test_only_stop_words_find_nothing_lexically(bundled_searcher: Searcher) -> None:
    assert search(bundled_searcher, "de het een bij van", mode="lexical").total == 0


def test_fts_syntax_is_searched_as_words(bundled_searcher: Searcher) -> None:
    plain = slugs(search(bundled_searcher, "schuld hulp", k=100, mode="lexical"))
    assert plain
    for query in ('"schuld" AND hulp*', "schuld OR NOT hulp", "NEAR(schuld hulp)", "-schuld ^hulp"):
        assert slugs(search(bundled_searcher, query, k=100, mode="lexical")) == plain


@settings(max_examples=60, deadline=None)
@given(query=st.text(max_size=2000))
def test_any_text_is_a_safe_query(bundled_searcher: Searcher, query: str) -> None:
    result = bundled_searcher.search(SearchParams(query=query, k=5))
    assert isinstance(result, SearchResult)
    assert len(result.results) <= 5
    assert result.total >= len(result.results)
    assert all(passes(hit.slug, {}) for hit in result.results)


# --- related cases ---------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["vroeg-eropaf-huurachterstand", "welzijn-op-recept"])
def test_related_excludes_the_case_itself(bundled_searcher: Searcher, slug: str) -> None:
    related = bundled_searcher.related(slug, k=5)
    assert len(related) == 5
    assert slug not in [hit.slug for hit in related]
    assert len({hit.slug for hit in related}) == 5
    scores = [hit.score for hit in related]
    assert scores == sorted(scores, reverse=True)


def test_related_can_return_every_other_case(bundled_searcher: Searcher) -> None:
    related = bundled_searcher.related("welzijn-op-recept", k=100)
    assert {hit.slug for hit in related} == set(CASES) - {"welzijn-op-recept"}


@pytest.mark.parametrize("slug", sorted(CASES))
def test_related_elsewhere_shares_a_principle_and_no_region(
    bundled_searcher: Searcher, slug: str
) -> None:
    source = CASES[slug]
    expected = {
        other
        for other, case in CASES.items()
        if other != slug
        and set(case["principles"]) & set(source["principles"])
        and not set(case["regions"]) & set(source["regions"])
    }
    related = bundled_searcher.related(slug, k=100, other_region=True)
    assert {hit.slug for hit in related} == expected
    few = bundled_searcher.related(slug, k=3, other_region=True)
    assert [hit.slug for hit in few] == [hit.slug for hit in related][:3]


def test_related_of_an_unknown_slug_is_empty(bundled_searcher: Searcher) -> None:
    assert bundled_searcher.related("bestaat-niet") == []
    assert bundled_searcher.related("", other_region=True) == []


def test_analyzed_query_terms_reach_the_lexical_index(bundled_searcher: Searcher) -> None:
    """A compound in the query finds cases that only use its parts, and vice versa."""
    compound = set(slugs(search(bundled_searcher, "schuldhulpverlening", k=100, mode="lexical")))
    phrase = set(slugs(search(bundled_searcher, "hulp bij schulden", k=100, mode="lexical")))
    with_compound = {s for s in CASES if "schuldhulpverlening" in CASE_TEXT[s]}
    assert with_compound
    assert with_compound <= compound
    assert with_compound <= phrase

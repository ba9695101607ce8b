"""Snippets made from the marks stored at build time equal the ones made by tokenising.

The search no longer analyses passage text: it reads the word offsets per stem that the
build stored (``kennisbank.text.marks``). What users see must not change, so these tests
keep the previous query-time implementation verbatim as the reference and compare every
snippet of every judged query on the bundled content against it: same passage, same
marked words, same window.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from conftest import TESTS_DIR
from hypothesis import given, settings
from hypothesis import strategies as st

from kennisbank.search.searcher import Searcher, SearchParams
from kennisbank.search.snippets import (
    Segment,
    Snippet,
    make_snippet,
    snippet_from_marks,
    term_overlaps,
)
from kennisbank.search.thesaurus import synonym_words
from kennisbank.text.analysis import Token, part_stems, query_terms, query_words, tokens
from kennisbank.text.marks import Marks, passage_marks

QUERIES = [
    json.loads(line)
    for line in (TESTS_DIR / "data" / "queries.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
]

# --- the reference: snippets as they were made before marks were stored -------------------


def reference_choose(
    candidates: list[tuple[int, str, str, str]],
    terms: set[str],
    similarity: dict[int, float],
    extra: set[str] | None = None,
) -> tuple[int, str, str] | None:
    best: tuple[float, int, str, str] | None = None
    for passage_id, heading, text, stems in candidates:
        overlap = len(terms & set(stems.split())) / len(terms) if terms else 0.0
        if extra:  # thesaurus expansions count half a query word
            overlap += 0.5 * len(extra & set(stems.split())) / len(extra)
        score = similarity.get(passage_id, 0.0) + 0.5 * overlap
        if best is None or score > best[0]:
            best = (score, passage_id, heading, text)
    return None if best is None else best[1:]


def reference_snippet(heading: str, text: str, query: str) -> Snippet:
    found = tokens(text)
    words = query_words(query)
    present = {t.stem for t in found}
    for token in found:
        present |= part_stems(token.word)
    wanted = {word_stem for word_stem, _ in words}
    for _, parts in words:
        if parts and parts <= present:
            wanted |= parts
    direct = {word_stem for word_stem, _ in words}
    hits = [t for t in found if t.stem in wanted or part_stems(t.word) & direct]
    if len(text.split()) <= 40:
        start_char, end_char = 0, len(text)
    else:
        start_char, end_char = reference_window(text, hits)
    segments: list[Segment] = []
    cursor = start_char
    for token in hits:
        if token.start < start_char or token.end > end_char:
            continue
        if token.start > cursor:
            segments.append(Segment(text=text[cursor : token.start]))
        segments.append(Segment(text=text[token.start : token.end], mark=True))
        cursor = token.end
    if cursor < end_char:
        segments.append(Segment(text=text[cursor:end_char]))
    if start_char > 0:
        segments.insert(0, Segment(text="… "))
    if end_char < len(text):
        segments.append(Segment(text=" …"))
    return Snippet(heading=heading, segments=segments)


def reference_window(text: str, hits: list[Token]) -> tuple[int, int]:
    starts = [i for i, ch in enumerate(text) if i == 0 or (text[i - 1] == " " and ch != " ")]
    anchor = 0
    if hits:
        first = hits[0].start
        anchor = max(0, max(i for i, s in enumerate(starts) if s <= first) - 5)
    end_word = anchor + 40
    start_char = starts[anchor]
    end_char = starts[end_word] - 1 if end_word < len(starts) else len(text)
    return start_char, end_char


def reference_snippets(
    searcher: Searcher, params: SearchParams, slugs: list[str]
) -> dict[str, Snippet | None]:
    """Per slug on the page, the snippet the previous implementation made, with the rules
    of issue 18: never the summary when there is another passage, and a case found by
    meaning shows its passage closest in meaning, flagged."""
    allowed = searcher.facets.filter_mask(params.filters())
    _, _, _, similarity, _, _, worded = searcher._rank(params.query, params.mode, allowed)
    synonyms = synonym_words(params.query)  # the thesaurus's expansions
    terms = set(query_terms(params.query))
    extra = set(query_terms(synonyms)) - terms
    marked = f"{params.query} {synonyms}" if synonyms else params.query
    result: dict[str, Snippet | None] = {}
    for position in [searcher.position[slug] for slug in slugs]:
        case_id = int(searcher.case_ids[int(position)])
        rows = searcher.conn.execute(
            "SELECT id, heading, text, stems FROM passages WHERE case_id = ? ORDER BY ordinal",
            [case_id],
        ).fetchall()
        candidates = [tuple(row) for row in rows][1:] or [tuple(row) for row in rows]
        by_meaning = not worded[int(position)]
        chosen = reference_choose(
            candidates, set() if by_meaning else terms, similarity, set() if by_meaning else extra
        )
        slug = searcher.slugs[int(position)]
        if chosen is None:
            result[slug] = None
        else:
            snippet = reference_snippet(chosen[1], chosen[2], marked)
            snippet.by_meaning = by_meaning
            result[slug] = snippet
    return result


# --- the tests --------------------------------------------------------------------------------


@pytest.mark.parametrize("item", QUERIES, ids=[q["id"] for q in QUERIES])
def test_stored_snippets_equal_the_tokenised_ones(bundled_searcher: Searcher, item: Any) -> None:
    params = SearchParams(query=item["query"], k=20, **item.get("filters", {}))
    result = bundled_searcher.search(params)
    expected = reference_snippets(bundled_searcher, params, [h.slug for h in result.results])
    for hit in result.results:
        assert hit.snippet == expected[hit.slug], hit.slug


def test_every_stored_passage_gives_the_tokenised_snippet(bundled_searcher: Searcher) -> None:
    """Each passage's stored marks against tokenising it, for queries that mark, window and
    split compounds (and one that marks nothing)."""
    rows = bundled_searcher.conn.execute(
        "SELECT heading, text, mark_stems, mark_parts FROM passages"
    ).fetchall()
    assert len(rows) > 100
    queries = ["schuldhulpverlening", "hulp bij schulden", "eenzame ouderen", "geldzorgen", "qqq"]
    windowed = 0
    for heading, text, stems, parts in rows:
        marks = Marks(stems, parts)
        assert marks == passage_marks(text)
        for query in queries:
            snippet = snippet_from_marks(heading, text, marks, query)
            assert snippet == reference_snippet(heading, text, query)
            assert snippet == make_snippet(heading, text, query)
            windowed += snippet.segments[0].text == "… "
    assert windowed, "no query moved a snippet window: the window path went untested"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["schulden", "hulp", "de", "", " ", "ouderen", "x", "é", "ĳs"]),
        min_size=40,
        max_size=120,
    ),
    st.sampled_from(["schulden", "hulp ouderen", "schuldhulpverlening", "x"]),
)
def test_any_spacing_gives_the_tokenised_snippet(words: list[str], query: str) -> None:
    """Runs of spaces, leading and trailing spaces, empty text: same window and marks."""
    text = " ".join(words)
    assert make_snippet("", text, query) == reference_snippet("", text, query)


TERM = st.sampled_from(["a", "ab", "b", "hulp", "schuld", "schuldhulp", "x1"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sets(TERM).map(lambda t: " ".join(sorted(t)))), st.sets(TERM))
def test_page_term_overlaps_equal_per_passage_sets(stems: list[str], terms: set[str]) -> None:
    """A term counts once per passage, never across two passages' lists, never as a prefix."""
    expected = [len(terms & set(s.split())) / len(terms) if terms else 0.0 for s in stems]
    assert term_overlaps(stems, terms) == expected


def test_marks_keep_offsets_of_folded_and_decomposed_text() -> None:
    """Offsets are into the original text, also where folding changes its length."""
    text = "Eerst financie\u0308le rust, dan de ĳverige schuldhulpverlening."
    marks = passage_marks(text)
    spans = marks.spans({"financiel", "schuld"}, {"schuld"})
    assert [text[start:end] for start, end in spans] == ["financie\u0308le", "schuldhulpverlening"]


def test_marks_look_up_whole_stems_only() -> None:
    marks = passage_marks("Ouders en ouderen, schuldhulpverlening.")
    assert marks.has("ouder")
    assert not marks.has("oud")  # a prefix of a stored stem is not that stem
    assert marks.has("schuld")  # a compound part
    assert marks.spans({"ouder"}, set()) == [(0, 6), (10, 17)]


def test_empty_and_unmarked_text() -> None:
    assert passage_marks("") == Marks("\n", "\n")
    snippet = snippet_from_marks("Kop", "de en het", passage_marks("de en het"), "x")
    assert snippet == Snippet(heading="Kop", segments=[Segment(text="de en het")])


def test_a_page_without_query_has_no_snippets(bundled_searcher: Searcher) -> None:
    result = bundled_searcher.search(SearchParams(query=""))
    assert result.results
    assert all(hit.snippet is None for hit in result.results)
    assert np.all([hit.snippet is None for hit in bundled_searcher.related(result.results[0].slug)])


def test_read_through_keeps_values_and_starts_over_at_its_limit() -> None:
    from kennisbank.search.hits import ReadThrough

    asked: list[list[int]] = []

    def fetch(keys: list[int]) -> dict[int, str]:
        asked.append(keys)
        return {key: f"rij {key}" for key in keys}

    cache: ReadThrough[int, str] = ReadThrough(fetch, limit=3)
    assert cache.get([1, 2]) == {1: "rij 1", 2: "rij 2"}
    assert cache.get([2, 1]) == {1: "rij 1", 2: "rij 2"}
    assert asked == [[1, 2]]  # the second read came from memory
    cache.get([3, 4])  # 4 > 3 entries: starts over with 3 and 4
    cache.get([1])
    assert asked == [[1, 2], [3, 4], [1]]


def test_a_page_read_from_memory_equals_the_page_read_from_sqlite(
    bundled_searcher: Searcher,
) -> None:
    """The second search of a query takes hits and snippets from the per-version cache."""
    from kennisbank.search.hits import PageRows

    params = SearchParams(query="hulp bij schulden voor jonge gezinnen", k=10)
    bundled_searcher.page_rows = PageRows(bundled_searcher.conn)  # empty: read from SQLite
    first = bundled_searcher.search(params)
    assert len(bundled_searcher.page_rows.texts._items) == len(first.results) + len(first.related)
    second = bundled_searcher.search(params)
    assert [hit.model_dump() for hit in second.results] == [
        hit.model_dump() for hit in first.results
    ]
    assert all(hit.snippet is not None for hit in first.results)


def test_no_snippet_repeats_the_summary_above_it(e5_searcher: Searcher) -> None:
    for item in QUERIES:
        result = e5_searcher.search(SearchParams(query=item["query"], k=20))
        for hit in [*result.results, *result.related]:
            assert hit.snippet is not None, hit.slug
            assert hit.snippet.text.strip(" …") not in hit.summary, (item["query"], hit.slug)


def test_a_case_found_by_meaning_says_so_and_shows_its_closest_passage(
    e5_searcher: Searcher,
) -> None:
    """A need no case's words cover: each result shows the passage nearest in meaning."""
    query = "dementie in de wijk"
    result = e5_searcher.search(SearchParams(query=query))
    assert result.match == "weak" and result.results
    allowed = e5_searcher.facets.filter_mask({})
    _, _, _, similarity, _, _, _ = e5_searcher._rank(query, "hybrid", allowed)
    for hit in result.results:
        assert hit.snippet is not None and hit.snippet.by_meaning
        case_id = int(e5_searcher.case_ids[e5_searcher.position[hit.slug]])
        rows = e5_searcher.conn.execute(
            "SELECT id, text FROM passages WHERE case_id = ? AND ordinal > 0", [case_id]
        ).fetchall()
        nearest = max(rows, key=lambda row: similarity.get(row[0], 0.0))
        assert hit.snippet.text.strip(" …") in nearest[1], hit.slug


def test_a_case_found_by_its_words_marks_them(e5_searcher: Searcher) -> None:
    result = e5_searcher.search(SearchParams(query="huurachterstand"))
    assert result.match == "strong"
    worded = [hit for hit in result.results if hit.snippet and not hit.snippet.by_meaning]
    assert len(worded) >= 3
    for hit in worded:  # (a case may also stand out by meaning: it says so instead)
        assert hit.snippet is not None
        assert any(segment.mark for segment in hit.snippet.segments), hit.slug

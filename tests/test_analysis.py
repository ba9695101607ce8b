"""The Dutch analyzer: folding, stop words, stemming, decompounding and token offsets.

Index text and query text both go through ``analyze``; snippets mark words through
``tokens``. Offsets must point at the original text, whatever diacritics it carries, and
``tokens`` must find the same stems as ``analyze`` or a snippet fails to mark a word the
search matched on.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kennisbank.search.snippets import make_snippet
from kennisbank.text.analysis import (
    STOP_WORDS,
    analyze,
    compound_parts,
    normalize,
    part_stems,
    query_terms,
    stem,
    tokens,
)

# --- folding ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Financiële", "financiele"),
        ("Fryslân", "fryslan"),
        ("CAFÉ", "cafe"),
        ("coördinatie", "coordinatie"),
        ("één", "een"),
    ],
)
def test_normalize_lowercases_and_strips_diacritics(text: str, folded: str) -> None:
    assert normalize(text) == folded


def test_folded_and_plain_spelling_give_the_same_stem() -> None:
    stems, _ = analyze("financiële")
    assert stems == analyze("financiele")[0] == analyze("FINANCIELE")[0]
    assert stems[0].startswith("financiel")


# --- stop words ------------------------------------------------------------------------------


def test_stop_words_and_one_letter_words_are_dropped() -> None:
    stems, parts = analyze("Hoe kan ik de hulp bij het regelen van schulden krijgen? a b")
    assert "hulp" in stems
    assert stem("schulden") in stems
    for word in ("hoe", "kan", "ik", "de", "bij", "het", "van", "krijgen", "a", "b"):
        assert word not in stems
    assert parts == []


def test_a_query_of_only_stop_words_has_no_terms() -> None:
    assert query_terms("de het een bij van en of") == []
    assert query_terms("Hoe kunnen we dat doen?") == []


def test_diacritic_stop_words_are_dropped_after_folding() -> None:
    # "één" folds to "een", a stop word; a word after it still comes through.
    assert analyze("één gezin")[0] == [stem("gezin")]


def test_stop_word_list_is_folded_lowercase_ascii() -> None:
    for word in STOP_WORDS:
        assert word == normalize(word)
        assert word.isascii()
        assert word.isalpha()


# --- stemming --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inflected", "base"),
    [
        ("schulden", "schuld"),
        ("gezinnen", "gezin"),
        ("woningen", "woning"),
        ("jongeren", "jongere"),
        ("wijken", "wijk"),
    ],
)
def test_plural_and_singular_share_a_stem(inflected: str, base: str) -> None:
    assert stem(inflected) == stem(base)


def test_different_words_keep_different_stems() -> None:
    assert stem("schuld") != stem("school")
    assert stem("gezin") != stem("gezien")


def test_query_and_index_text_meet_on_the_stem() -> None:
    """What the query yields for a plural is what the index holds for the singular."""
    assert set(query_terms("schulden")) & set(analyze("Een schuld aflossen")[0])
    assert set(query_terms("gezinnen")) & set(analyze("Het gezin krijgt hulp")[0])


# --- decompounding ---------------------------------------------------------------------------


def test_schuldhulpverlening_splits_into_schuld_and_hulp() -> None:
    parts = compound_parts("schuldhulpverlening")
    assert "schuld" in parts
    assert "hulp" in parts
    assert {stem("schuld"), stem("hulp")} <= part_stems("schuldhulpverlening")


def test_woningcorporatie_splits_into_woning_and_corporatie() -> None:
    parts = compound_parts("woningcorporatie")
    assert parts[0] == "woning"
    assert "corporatie" in parts


def test_parts_go_to_the_parts_list_not_the_stems() -> None:
    stems, parts = analyze("schuldhulpverlening")
    assert stem("schuldhulpverlening") in stems
    assert stem("schuld") not in stems
    assert stem("hulp") not in stems
    assert stem("schuld") in parts
    assert stem("hulp") in parts


@pytest.mark.parametrize("word", ["hulp", "gezin", "schuld", "wonen", "kinderen"])
def test_short_or_simple_words_are_not_split(word: str) -> None:
    assert compound_parts(word) == ()
    assert part_stems(word) == frozenset()


def test_common_lexicalised_words_are_not_split() -> None:
    # Very common words count as one word (not "ver" + "schillen" or similar).
    assert compound_parts("verschillende") == ()


def test_hulp_bij_schulden_shares_terms_with_the_compound() -> None:
    """The reason for decompounding: the phrase finds the compound and vice versa."""
    phrase = set(query_terms("hulp bij schulden"))
    _, compound_parts_stems = analyze("schuldhulpverlening")
    assert {stem("hulp"), stem("schuld")} <= phrase & set(compound_parts_stems)


# --- query_terms -----------------------------------------------------------------------------


def test_query_terms_are_deduplicated_stems_first_then_parts() -> None:
    terms = query_terms("schulden schuld Schulden schuldhulpverlening")
    assert len(terms) == len(set(terms))
    assert terms.count(stem("schuld")) == 1
    word_terms = set(analyze("schulden schuld schuldhulpverlening")[0])
    assert {stem("schuld"), stem("schuldhulpverlening")} <= word_terms
    assert set(terms) == word_terms | part_stems("schuldhulpverlening")
    # Parts come after every whole-word term: the cap cuts parts first.
    last_word = max(terms.index(term) for term in word_terms)
    for part in part_stems("schuldhulpverlening") - word_terms:
        assert terms.index(part) > last_word


def test_query_terms_are_capped() -> None:
    words = " ".join(f"woord{i}x" for i in range(100))
    assert len(query_terms(words)) == 32
    assert query_terms(words)[:3] == ["woord0x", "woord1x", "woord2x"]
    assert len(query_terms(words, limit=5)) == 5


def test_query_terms_cap_counts_distinct_terms() -> None:
    assert query_terms(" ".join(["gezin"] * 200)) == [stem("gezin")]


def test_query_terms_are_safe_for_fts() -> None:
    terms = query_terms('"schuld" AND hulp* NEAR(a b) ^wonen col:zorg -x (y)')
    assert terms
    for term in terms:
        assert term.isascii()
        assert term.isalnum()


# --- token offsets ---------------------------------------------------------------------------


def _check_agrees_with_analyze(text: str) -> None:
    """Every word ``tokens`` finds (for marking) is a term ``analyze`` indexes."""
    indexed = set(analyze(text)[0])
    for token in tokens(text):
        assert token.stem in indexed, (text, token, sorted(indexed))


def _check_offsets(text: str) -> None:
    for token in tokens(text):
        original = text[token.start : token.end]
        assert normalize(original) == token.word, (text, token, original)
        assert token.stem == stem(token.word)


@pytest.mark.parametrize(
    "text",
    [
        "Hulp bij schulden voor gezinnen",
        "Eén café in Fryslân helpt bij financiële zorgen",
        "één gezin, één plan: coördinatie zonder ruïne",
        "  Meerdere   spaties\ten\nregels, ook: ‘aanhalingstekens’ — en streepjes!",
        "CAFÉ ÉÉN FINANCIËLE",
    ],
)
def test_token_offsets_point_at_the_original_words(text: str) -> None:
    _check_offsets(text)
    assert tokens(text)
    _check_agrees_with_analyze(text)


def test_tokens_of_decomposed_text_match_analyze() -> None:
    """BUG: in NFD text (accents as separate combining marks, as pasted from macOS) the
    folded length shrinks, ``tokens`` folds per character and turns each combining mark
    into a space: ``financie\u0308le`` becomes two words, ``financie`` and ``le``, while
    ``analyze`` (and so the index) sees ``financiele``. Snippets then mark nothing."""
    text = unicodedata.normalize("NFD", "Financiële hulp in het café")
    _check_offsets(text)
    _check_agrees_with_analyze(text)


def test_tokens_skip_stop_words_with_diacritics_and_keep_the_rest_in_place() -> None:
    text = "Één café, één financiële zorg!"
    found = tokens(text)
    assert [text[t.start : t.end] for t in found] == ["café", "financiële", "zorg"]
    assert [t.word for t in found] == ["cafe", "financiele", "zorg"]


def test_tokens_find_the_same_stems_as_analyze_for_plain_text() -> None:
    text = "Financiële hulp bij schulden voor jonge gezinnen in de wijk"
    _check_agrees_with_analyze(text)
    assert [t.word for t in tokens(text)] == [
        "financiele",
        "hulp",
        "schulden",
        "jonge",
        "gezinnen",
        "wijk",
    ]


def test_tokens_and_analyze_agree_on_ligatures() -> None:
    """BUG: a character that folds to two letters (the Dutch ĳ ligature, ﬁ) is cut to one.

    ``analyze`` folds the whole text (``wĳkagent`` -> ``wijkagent``), but ``tokens`` folds
    character by character and keeps only the first letter (``wikagent``), so the two
    disagree and the snippet for a query "wijkagent" marks nothing in that text.
    """
    text = "De wĳkagent en de ﬁnanciële coach"
    _check_agrees_with_analyze(text)
    _check_offsets(text)


def test_tokens_offsets_when_expansion_and_removal_cancel_out() -> None:
    """BUG: one decomposed accent (shorter when folded) plus one ligature (longer) give a
    folded text of the same length, so ``tokens`` takes the fast path and every offset
    between the two is shifted by one character."""
    text = "Cafe\u0301 bezoek wĳk"
    _check_offsets(text)


@pytest.mark.parametrize(
    ("text", "query", "marked"),
    [
        ("De wĳkagent komt elke week langs in de buurt.", "wijkagent", "wĳkagent"),
        (unicodedata.normalize("NFD", "Eerst financiële rust."), "financiële", "financie\u0308le"),
    ],
    ids=["ij-ligature", "nfd"],
)
def test_snippet_marks_words_however_they_are_encoded(text: str, query: str, marked: str) -> None:
    """BUG (same cause as above): the search matches these words, the snippet marks nothing."""
    assert set(query_terms(query)) & set(analyze(text)[0])  # the index does match
    snippet = make_snippet("", text, query)
    assert [s.text for s in snippet.segments if s.mark] == [marked]


def test_snippet_marks_composed_text() -> None:
    snippet = make_snippet("", "Eerst financiële rust, dan de schulden.", "financiële schuld")
    assert [s.text for s in snippet.segments if s.mark] == ["financiële", "schulden"]
    assert snippet.text == "Eerst financiële rust, dan de schulden."


# Text that NFKC leaves alone: letters with diacritics, digits, punctuation and spaces.
_plain_letters = st.characters(
    categories=("Lu", "Ll", "Nd", "Zs", "Po", "Pd"),
    exclude_characters="\u0130\u0131",  # dotted/dotless i: lowercasing changes the length
).filter(lambda ch: unicodedata.normalize("NFKC", ch) == ch)


@settings(max_examples=150, deadline=None)
@given(st.text(_plain_letters, max_size=200))
def test_offsets_property_for_composed_text(text: str) -> None:
    _check_offsets(text)
    _check_agrees_with_analyze(text)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_tokens_never_raise_and_stay_inside_the_text(text: str) -> None:
    for token in tokens(text):
        assert 0 <= token.start < token.end <= len(text)
        assert token.word
        assert token.word not in STOP_WORDS
    stems, parts = analyze(text)
    assert all(s for s in stems)
    assert all(p for p in parts)

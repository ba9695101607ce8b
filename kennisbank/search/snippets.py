""" "Why this result": the best passage of a case, trimmed, with the query's words marked.

The passage is chosen by semantic similarity plus query-term overlap, so a result found by
meaning still shows the passage that carries that meaning. Marking is stem-based (a query
for "schulden" marks "schuld" and "schuldhulpverlening"), done in Python on the original
text, and returned as segments so HTML and JSON render them without trusting any markup.
A search does not tokenise passages: it reads the word offsets per stem that the build
stored for each passage (``text.marks``), and only for the passage it shows.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate, compress

from pydantic import BaseModel

from kennisbank.search.hits import PageRows
from kennisbank.text.analysis import query_terms, query_words, tokens
from kennisbank.text.marks import Marks, marks_of_tokens

WINDOW_WORDS = 40
OVERLAP_WEIGHT = 0.5
# A thesaurus expansion in a passage counts this share of a query word: the passage with
# the visitor's own word comes first, one with only its synonyms before one with neither.
SYNONYM_SHARE = 0.5
ONE_MORE = (1).__add__
THREE_MORE = (3).__add__  # a term list's separators: " " before, " \n" after


class Segment(BaseModel):
    text: str
    mark: bool = False


class Snippet(BaseModel):
    heading: str
    segments: list[Segment]
    # The case was found by meaning, not by the query's words: the passage shown is the
    # one closest in meaning, and the page says "gevonden op betekenis".
    by_meaning: bool = False

    @property
    def text(self) -> str:
        return "".join(segment.text for segment in self.segments)


def choose_passage(candidates: list[tuple[int, float]], similarity: dict[int, float]) -> int | None:
    """Id of the best passage by meaning plus query-term overlap; the first one on a tie.

    ``candidates`` are (id, share of the query's terms the passage contains), in reading
    order.
    """
    best: tuple[float, int] | None = None
    for passage_id, overlap in candidates:
        score = similarity.get(passage_id, 0.0) + OVERLAP_WEIGHT * overlap
        if best is None or score > best[0]:
            best = (score, passage_id)
    return None if best is None else best[1]


def term_overlaps(stems: list[str], terms: set[str]) -> list[float]:
    """Share of ``terms`` each stored term list (space-separated, no duplicates) contains.

    For a whole page at once: the lists are joined, each ``" term "`` is found in the whole
    with ``str.find`` (which skips to the next list after a hit), and the hit's list is
    found by bisection. About 10 terms by 50 passages were 500 containment tests.
    """
    counts = [0] * len(stems)
    if not terms:
        return [0.0] * len(stems)
    joined = " " + " \n ".join(stems) + " "  # list k is " " + stems[k] + " ", then "\n"
    starts = list(accumulate(map(THREE_MORE, map(len, stems)), initial=0))
    for term in terms:
        needle = f" {term} "
        at = joined.find(needle)
        while at >= 0:
            index = bisect_right(starts, at) - 1
            counts[index] += 1
            at = joined.find(needle, starts[index + 1])
    return [count / len(terms) for count in counts]


def page_snippets(
    rows: PageRows,
    case_ids: list[int],
    query: str,
    similarity: dict[int, float],
    by_meaning: set[int] | frozenset[int] = frozenset(),
    synonyms: str = "",
) -> dict[int, Snippet]:
    """Per case id, the snippet of its best passage for this query (a page's worth).

    The first passage (the summary, shown above the snippet already) is never chosen when
    the case has another. A case found by its words shows the passage with most of them
    (and the closest in meaning among equals); one found by meaning (``by_meaning``) the
    passage closest in meaning, flagged so the page can say so. Passages are chosen on
    their stored terms alone; text and marks are then read for the chosen passages only,
    and each snippet is made from its stored marks (no analysis).
    """
    by_case = rows.terms.get(case_ids)
    listed = [
        (case_id, passage)
        for case_id in case_ids
        for passage in (by_case[case_id][1:] or by_case[case_id])
    ]
    stored = [stems for _, (_, stems) in listed]
    terms = set(query_terms(query))
    overlaps = term_overlaps(stored, terms)
    extra = set(query_terms(synonyms)) - terms
    if extra:  # ``synonyms``: the thesaurus's words for the query's (search.thesaurus)
        more = term_overlaps(stored, extra)
        overlaps = [own + SYNONYM_SHARE * other for own, other in zip(overlaps, more, strict=True)]
    candidates: dict[int, list[tuple[int, float]]] = {}
    for (case_id, (passage_id, _)), overlap in zip(listed, overlaps, strict=True):
        candidates.setdefault(case_id, []).append((passage_id, overlap))
    chosen: dict[int, int] = {}
    for case_id, passages in candidates.items():
        if case_id in by_meaning:
            passages = [(passage_id, 0.0) for passage_id, _ in passages]
        best = choose_passage(passages, similarity)
        if best is not None:
            chosen[best] = case_id
    if not chosen:
        return {}
    words = query_words(f"{query} {synonyms}" if synonyms else query)
    texts = rows.texts.get(list(chosen))
    snippets: dict[int, Snippet] = {}
    for passage_id, case_id in chosen.items():
        passage = texts[passage_id]
        snippet = _snippet(
            passage.heading, passage.text, Marks(passage.mark_stems, passage.mark_parts), words
        )
        snippet.by_meaning = case_id in by_meaning
        snippets[case_id] = snippet
    return snippets


def make_snippet(heading: str, text: str, query: str) -> Snippet:
    """A window of the passage around its densest run of query words, with those marked.

    Tokenises the text now; a search uses the marks its index stored (``snippet_from_marks``).
    """
    return snippet_from_marks(heading, text, marks_of_tokens(tokens(text)), query)


def snippet_from_marks(heading: str, text: str, marks: Marks, query: str) -> Snippet:
    """``make_snippet`` from a passage's stored marks: no tokenising at query time."""
    return _snippet(heading, text, marks, query_words(query))


def _snippet(
    heading: str, text: str, marks: Marks, words: list[tuple[str, frozenset[str]]]
) -> Snippet:
    direct = {word_stem for word_stem, _ in words}
    hits = marks.spans(wanted_stems(words, marks), direct)
    if len(text.split()) <= WINDOW_WORDS:
        start_char, end_char = 0, len(text)
    else:
        start_char, end_char = _window(text, hits)
    segments: list[Segment] = []
    cursor = start_char
    for start, end in hits:
        if start < start_char or end > end_char:
            continue
        if start > cursor:
            segments.append(Segment(text=text[cursor:start]))
        segments.append(Segment(text=text[start:end], mark=True))
        cursor = end
    if cursor < end_char:
        segments.append(Segment(text=text[cursor:end_char]))
    if start_char > 0:
        segments.insert(0, Segment(text="… "))
    if end_char < len(text):
        segments.append(Segment(text=" …"))
    return Snippet(heading=heading, segments=segments)


def wanted_stems(words: list[tuple[str, frozenset[str]]], marks: Marks) -> set[str]:
    """Query stems, plus the parts of a query compound when all of them occur in the text:
    "schuldhulpverlening" marks "hulp bij schulden", but "geldzorgen" does not mark every
    "zorgen" in a text that never mentions money."""
    wanted = {word_stem for word_stem, _ in words}
    for _, parts in words:
        if parts and all(map(marks.has, parts)):
            wanted |= parts
    return wanted


def _window(text: str, hits: list[tuple[int, int]]) -> tuple[int, int]:
    """Character range of about WINDOW_WORDS words, starting a little before the first hit."""
    # Word starts: position 0, and every non-space character after a space, i.e. where
    # each non-empty piece between spaces begins (summed in C: this runs once per hit).
    pieces = text.split(" ")
    positions = accumulate(map(ONE_MORE, map(len, pieces)), initial=0)
    next(positions)  # the first piece: position 0 is always a start
    starts = [0, *compress(positions, pieces[1:])]
    anchor = 0
    if hits:
        anchor = max(0, bisect_right(starts, hits[0][0]) - 1 - 5)
    end_word = anchor + WINDOW_WORDS
    start_char = starts[anchor]
    end_char = starts[end_word] - 1 if end_word < len(starts) else len(text)
    return start_char, end_char

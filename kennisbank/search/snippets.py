""" "Why this result": the best passage of a case, trimmed, with the query's words marked.

The passage is chosen by semantic similarity plus query-term overlap, so a result found by
meaning still shows the passage that carries that meaning. Marking is stem-based (a query
for "schulden" marks "schuld" and "schuldhulpverlening"), done in Python on the original
text, and returned as segments so HTML and JSON render them without trusting any markup.
"""

from __future__ import annotations

from pydantic import BaseModel

from kennisbank.text.analysis import Token, part_stems, query_words, tokens

WINDOW_WORDS = 40
OVERLAP_WEIGHT = 0.5


class Segment(BaseModel):
    text: str
    mark: bool = False


class Snippet(BaseModel):
    heading: str
    segments: list[Segment]

    @property
    def text(self) -> str:
        return "".join(segment.text for segment in self.segments)


def choose_passage(
    candidates: list[tuple[int, str, str, str]], terms: set[str], similarity: dict[int, float]
) -> tuple[int, str, str] | None:
    """Best (id, heading, text) among (id, heading, text, stems) by meaning plus overlap."""
    best: tuple[float, int, str, str] | None = None
    for passage_id, heading, text, stems in candidates:
        overlap = len(terms & set(stems.split())) / len(terms) if terms else 0.0
        score = similarity.get(passage_id, 0.0) + OVERLAP_WEIGHT * overlap
        if best is None or score > best[0]:
            best = (score, passage_id, heading, text)
    return None if best is None else best[1:]


def make_snippet(heading: str, text: str, query: str) -> Snippet:
    """A window of the passage around its densest run of query words, with those marked."""
    found = tokens(text)
    wanted = wanted_stems(query, found)
    direct = {word_stem for word_stem, _ in query_words(query)}
    hits = [t for t in found if t.stem in wanted or part_stems(t.word) & direct]
    words = text.split()
    if len(words) <= WINDOW_WORDS:
        start_char, end_char = 0, len(text)
    else:
        start_char, end_char = _window(text, hits)
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


def wanted_stems(query: str, found: list[Token]) -> set[str]:
    """Query stems, plus the parts of a query compound when all of them occur in the text:
    "schuldhulpverlening" marks "hulp bij schulden", but "geldzorgen" does not mark every
    "zorgen" in a text that never mentions money."""
    words = query_words(query)
    present = {t.stem for t in found}
    for token in found:
        present |= part_stems(token.word)
    wanted = {word_stem for word_stem, _ in words}
    for _, parts in words:
        if parts and parts <= present:
            wanted |= parts
    return wanted


def _window(text: str, hits: list[Token]) -> tuple[int, int]:
    """Character range of about WINDOW_WORDS words, starting a little before the first hit."""
    starts = [i for i, ch in enumerate(text) if i == 0 or (text[i - 1] == " " and ch != " ")]
    anchor = 0
    if hits:
        first = hits[0].start
        anchor = max(0, max(i for i, s in enumerate(starts) if s <= first) - 5)
    end_word = anchor + WINDOW_WORDS
    start_char = starts[anchor]
    end_char = starts[end_word] - 1 if end_word < len(starts) else len(text)
    return start_char, end_char

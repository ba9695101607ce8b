"""Where each stem occurs in a passage: what a snippet needs to mark words, stored at build.

Marking a snippet means knowing, for every word of the passage, its offsets, its stem and
the stems of its compound parts. Tokenising, stemming and decompounding a ~100-word passage
cost ~0.3 ms, once per hit and page; the build does it once per passage instead and stores
the result in this format, so a search only decodes it (and only for the passage it shows).

The format is JSON: ``{"s": {stem: [start, end, start, end, ...]}, "p": {part stem: [...]}}``,
character offsets into the passage text, in text order per stem. ``p`` lists each word under
every stem of its compound parts. Build and search must agree on it, so it lives here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from kennisbank.text.analysis import Token, part_stems, tokens

Spans = dict[str, list[int]]


@dataclass(frozen=True)
class Marks:
    """A passage's word offsets by stem and by compound-part stem."""

    stems: Spans
    parts: Spans

    def present(self) -> set[str]:
        """Every stem and part stem the passage contains."""
        return {*self.stems, *self.parts}

    def spans(self, wanted: set[str], direct: set[str]) -> list[tuple[int, int]]:
        """(start, end) of every word whose stem is wanted or which has a direct part, in order."""
        found: dict[int, int] = {}
        for table, keys in ((self.stems, wanted), (self.parts, direct)):
            for key in keys:
                offsets = table.get(key)
                if offsets:
                    found.update(zip(offsets[::2], offsets[1::2], strict=True))
        return sorted(found.items())


def marks_of_tokens(found: list[Token]) -> Marks:
    """Index a passage's tokens (``analysis.tokens``) by stem and by part stem."""
    stems: Spans = {}
    parts: Spans = {}
    for token in found:
        stems.setdefault(token.stem, []).extend((token.start, token.end))
        for part in part_stems(token.word):
            parts.setdefault(part, []).extend((token.start, token.end))
    return Marks(stems, parts)


def encode_marks(text: str) -> str:
    """The stored form of a passage text's marks (the build calls this once per passage)."""
    marks = marks_of_tokens(tokens(text))
    return json.dumps({"s": marks.stems, "p": marks.parts}, separators=(",", ":"))


def decode_marks(stored: str) -> Marks:
    data = json.loads(stored)
    return Marks(data["s"], data["p"])

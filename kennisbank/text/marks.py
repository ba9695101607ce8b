"""Where each stem occurs in a passage: what a snippet needs to mark words, stored at build.

Marking a snippet means knowing, for every word of the passage, its offsets, its stem and
the stems of its compound parts. Tokenising, stemming and decompounding a ~100-word passage
cost ~0.3 ms, once per hit and page; the build does it once per passage instead and stores
the result in this format, so a search only looks up the few stems its query asks for.

The format is two lines-of-text tables, ``stems`` and ``parts``, each ``"\\n"`` then one line
``key:start,end,start,end,...\\n`` per stem (character offsets into the passage text, in
text order). ``parts`` lists each word under every stem of its compound parts. A lookup is
one ``str.find`` of ``"\\nkey:"``: nothing is decoded that the query does not need, which
matters because the table of a passage is larger than its text. Build and search must
agree on the format, so it lives here, below both.
"""

from __future__ import annotations

from dataclasses import dataclass

from kennisbank.text.analysis import Token, part_stems, tokens


@dataclass(frozen=True)
class Marks:
    """A passage's word offsets by stem and by compound-part stem, in the stored format."""

    stems: str
    parts: str

    def has(self, key: str) -> bool:
        """Whether the passage contains the stem or part stem ``key``."""
        needle = f"\n{key}:"
        return needle in self.stems or needle in self.parts

    def spans(self, wanted: set[str], direct: set[str]) -> list[tuple[int, int]]:
        """(start, end) of every word whose stem is wanted or which has a direct part, in order."""
        found: dict[int, int] = {}
        for table, keys in ((self.stems, wanted), (self.parts, direct)):
            for key in keys:
                offsets = _lookup(table, key)
                if offsets:
                    found.update(zip(offsets[::2], offsets[1::2], strict=True))
        return sorted(found.items())


def _lookup(table: str, key: str) -> list[int]:
    needle = f"\n{key}:"
    at = table.find(needle)
    if at < 0:
        return []
    start = at + len(needle)
    return [int(n) for n in table[start : table.index("\n", start)].split(",")]


def marks_of_tokens(found: list[Token]) -> Marks:
    """Index a passage's tokens (``analysis.tokens``) by stem and by part stem."""
    stems: dict[str, list[int]] = {}
    parts: dict[str, list[int]] = {}
    for token in found:
        stems.setdefault(token.stem, []).extend((token.start, token.end))
        for part in part_stems(token.word):
            parts.setdefault(part, []).extend((token.start, token.end))
    return Marks(_table(stems), _table(parts))


def _table(spans: dict[str, list[int]]) -> str:
    lines = "".join(f"{key}:{','.join(map(str, offsets))}\n" for key, offsets in spans.items())
    return "\n" + lines


def passage_marks(text: str) -> Marks:
    """The marks of a passage text (the build stores ``stems`` and ``parts``)."""
    return marks_of_tokens(tokens(text))

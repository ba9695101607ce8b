"""Cut a case into passages: the units that are embedded, matched and shown as snippets.

The first passage is title + summary (what the case is about); then each section, split at
paragraph and sentence boundaries into pieces of at most ~MAX_WORDS words, so one vector
never has to stand for several ideas and a snippet is always a readable piece of text.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt

from kennisbank.content.models import Case
from kennisbank.content.sections import split_sections

MAX_WORDS = 120
MIN_WORDS = 25  # a shorter tail is merged into the piece before it
SENTENCE_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


@dataclass(frozen=True)
class Passage:
    """One passage: plain text for display and matching, and the text that gets embedded."""

    ordinal: int
    heading: str
    text: str
    embed_text: str

    @property
    def text_hash(self) -> str:
        return hashlib.sha256(self.embed_text.encode()).hexdigest()


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False})


def markdown_to_text(markdown: str) -> list[str]:
    """Plain-text paragraphs (list items are paragraphs too) without Markdown syntax."""
    paragraphs: list[str] = []
    for token in _markdown().parse(markdown):
        if token.type != "inline" or not token.children:
            continue
        text = " ".join(
            "".join(
                child.content if child.type in ("text", "code_inline") else " "
                for child in token.children
            ).split()
        )
        if text:
            paragraphs.append(text)
    return paragraphs


def case_passages(case: Case) -> list[Passage]:
    """All passages of a case, in reading order."""
    head = f"{case.title}. {case.summary}"
    passages = [Passage(0, "", case.summary, head)]
    for section in split_sections(case.body):
        for piece in _pieces(markdown_to_text(section.markdown)):
            label = f"{section.heading}: " if section.heading else ""
            passages.append(
                Passage(len(passages), section.heading, piece, f"{case.title}. {label}{piece}")
            )
    return passages


def _pieces(paragraphs: list[str]) -> list[str]:
    """Group paragraphs (or sentences of long ones) into pieces of at most MAX_WORDS words."""
    units: list[str] = []
    for paragraph in paragraphs:
        if len(paragraph.split()) <= MAX_WORDS:
            units.append(paragraph)
        else:
            units.extend(SENTENCE_RE.split(paragraph))
    pieces: list[list[str]] = []
    count = 0
    for unit in units:
        words = len(unit.split())
        if pieces and count + words <= MAX_WORDS:
            pieces[-1].append(unit)
            count += words
        else:
            pieces.append([unit])
            count = words
    if len(pieces) > 1 and sum(len(u.split()) for u in pieces[-1]) < MIN_WORDS:
        tail = pieces.pop()
        pieces[-1].extend(tail)
    return [" ".join(piece) for piece in pieces]

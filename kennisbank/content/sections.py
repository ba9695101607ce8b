"""Find the ``##`` sections of a case body; used for warnings, passages and the case page."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt

RECOMMENDED_SECTIONS = ("Aanleiding", "Aanpak", "Resultaten", "Lessen")


@dataclass(frozen=True)
class Section:
    """A level-2 section: heading text (empty for text before the first heading) and Markdown."""

    heading: str
    markdown: str
    line: int  # 0-based line in the body where the section starts


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False})


def split_sections(body: str) -> list[Section]:
    """Split at ``##`` headings as CommonMark sees them (a ``##`` inside a code block is text)."""
    tokens = _parser().parse(body)
    lines = body.split("\n")
    starts: list[tuple[int, int, str]] = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2" and token.map:
            heading = tokens[index + 1].content.strip()
            starts.append((token.map[0], token.map[1], heading))
    sections: list[Section] = []
    first = starts[0][0] if starts else len(lines)
    intro = "\n".join(lines[:first]).strip()
    if intro:
        sections.append(Section("", intro, 0))
    for position, (start, content_start, heading) in enumerate(starts):
        end = starts[position + 1][0] if position + 1 < len(starts) else len(lines)
        text = "\n".join(lines[content_start:end]).strip()
        sections.append(Section(heading, text, start))
    return sections


def missing_recommended(body: str) -> list[str]:
    """Recommended section headings absent from a body (compared case-insensitively)."""
    present = {section.heading.strip().lower() for section in split_sections(body)}
    return [name for name in RECOMMENDED_SECTIONS if name.lower() not in present]

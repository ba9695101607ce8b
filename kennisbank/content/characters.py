"""Invisible control characters: refused in every value and body, with ``path:line``.

The YAML reader already refuses raw control characters, but a double-quoted YAML string
may write them as escapes (``"\\x1b[2J"``, ``"\\u202e"``, ``"\\uFFFE"``) and the Markdown body
is not YAML at all. Such a character has no business in a title or text: it makes the
Atom feed ill-formed XML (XML 1.0 forbids most of them), carries terminal escapes into CSV
exports and logs, and the bidirectional overrides make text read differently than it is
stored ("Trojan Source"). Tab, line feed and carriage return stay allowed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any

from kennisbank.content.problems import Problem

PathKey = tuple[str | int, ...]

_NONCHARACTERS = "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
FORBIDDEN = re.compile(
    "["
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0 and C1 controls, DEL (tab, LF, CR allowed)
    "\u202a-\u202e\u2066-\u2069"  # bidirectional embeddings, overrides and isolates
    "\ud800-\udfff"  # lone surrogates ("\ud800" in YAML): not text, not encodable as UTF-8
    "\ufdd0-\ufdef"  # noncharacters
    f"{_NONCHARACTERS}"
    "]"
)


def describe(char: str) -> str:
    """``U+001B (ESCAPE)``: how a message names a character nobody can see."""
    name = unicodedata.name(char, "")
    if not name and ord(char) < 0xA0:
        name = "stuurteken"
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def value_problems(
    data: Any, line_of: Callable[[PathKey], int], shown: str, root: PathKey = ()
) -> list[Problem]:
    """One problem per front-matter value (or key) holding a forbidden character."""
    return [
        _problem(shown, line_of(loc), _field_name(loc), match.group())
        for loc, text in _strings(data, root)
        if (match := FORBIDDEN.search(text)) is not None
    ]


def nearest_line(lines: dict[PathKey, int]) -> Callable[[PathKey], int]:
    """``line_of`` for a bare line table: the value's line, else its parent's, else 1."""

    def line_of(loc: PathKey) -> int:
        for end in range(len(loc), 0, -1):
            if loc[:end] in lines:
                return lines[loc[:end]]
        return 1

    return line_of


def body_problems(body: str, first_line: int, shown: str) -> list[Problem]:
    """The first forbidden character of the body, at its own line."""
    match = FORBIDDEN.search(body)
    if match is None:
        return []
    line = first_line + body.count("\n", 0, match.start())
    return [_problem(shown, line, "de tekst", match.group())]


def _strings(data: Any, loc: PathKey) -> Iterator[tuple[PathKey, str]]:
    if isinstance(data, str):
        yield loc, data
    elif isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str):
                yield (*loc, key), key
            yield from _strings(value, (*loc, str(key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, (*loc, index))


def _field_name(loc: PathKey) -> str:
    name = ""
    for part in loc:
        name += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if name else part)
    return f"'{name}'" if name else "de front matter"


def _problem(shown: str, line: int, where: str, char: str) -> Problem:
    return Problem(
        path=shown,
        line=line,
        code="control-character",
        message=f"{where} bevat het onzichtbare teken {describe(char)}; verwijder het "
        "(typ de tekst zonder dit teken opnieuw)",
    )

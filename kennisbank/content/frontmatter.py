"""Read a Markdown file with YAML front matter, keeping line numbers for every value.

Line numbers count from 1 at the opening ``---``, so the first YAML line is line 2. The
YAML is screened event by event before it is built into objects: aliases (the "billion
laughs" trick), deep nesting and huge documents are refused without ever expanding them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kennisbank.content.files import MAX_FILE_BYTES as MAX_FILE_BYTES
from kennisbank.content.files import FileTooLarge, NotRegularFile, read_limited
from kennisbank.content.problems import Problem

MAX_YAML_DEPTH = 8
MAX_YAML_EVENTS = 20_000
FENCE = "---"

PathKey = tuple[str | int, ...]
# libyaml's parser when PyYAML was built with it (10x faster); same events and marks.
FAST_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Document:
    """A parsed file: front-matter data, the line of each value, and the Markdown body."""

    data: dict[str, Any]
    lines: dict[PathKey, int]
    body: str
    body_line: int
    text: str = field(repr=False)

    def line_of(self, loc: PathKey) -> int:
        """Best known line for a value path; falls back to its parent, then to line 1."""
        as_text = tuple(str(part) for part in loc)  # a non-string key (2022:) is stored as text
        for end in range(len(loc), 0, -1):
            for candidate in (loc[:end], as_text[:end]):
                if candidate in self.lines:
                    return self.lines[candidate]
        return 1


class ParseFailure(Exception):
    """The file cannot be read far enough to check its fields."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))


def read_text(path: Path, shown: str) -> str:
    """Read a file as UTF-8, turning every kind of unreadable file into a located problem."""
    try:
        raw = read_limited(path)
    except FileTooLarge as exc:
        raise ParseFailure(
            [
                _err(
                    shown,
                    None,
                    "too-large",
                    f"bestand is {exc.size // 1000} kB; het maximum is {MAX_FILE_BYTES // 1000} kB",
                )
            ]
        ) from exc
    except NotRegularFile as exc:
        raise ParseFailure(
            [
                _err(
                    shown,
                    None,
                    "not-a-file",
                    "geen gewoon bestand (een map, FIFO of apparaat); alleen tekstbestanden "
                    "worden gelezen",
                )
            ]
        ) from exc
    except OSError as exc:
        raise ParseFailure(
            [_err(shown, None, "unreadable", f"bestand kan niet gelezen worden ({exc.strerror})")]
        ) from exc
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ParseFailure(
            [
                _err(
                    shown,
                    line,
                    "not-utf8",
                    f"bestand is geen UTF-8 (ongeldige byte 0x{raw[exc.start]:02x}); "
                    "sla het op als UTF-8",
                )
            ]
        ) from exc
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ParseFailure(
            [
                _err(
                    shown,
                    line,
                    "nul-byte",
                    "bestand bevat een NUL-teken; is het wel een tekstbestand?",
                )
            ]
        )
    if not text.strip():
        raise ParseFailure(
            [
                _err(
                    shown,
                    None,
                    "empty",
                    "bestand is leeg; een voorbeeld begint "
                    "met front matter tussen twee regels '---'",
                )
            ]
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_document(text: str, shown: str) -> Document:
    """Split front matter from body and load the YAML with line numbers."""
    lines = text.split("\n")
    if lines[0].rstrip() != FENCE:
        raise ParseFailure(
            [
                _err(
                    shown,
                    1,
                    "no-front-matter",
                    "front matter ontbreekt: de eerste regel moet '---' zijn",
                )
            ]
        )
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip() == FENCE), None)
    if close is None:
        raise ParseFailure(
            [
                _err(
                    shown,
                    1,
                    "unclosed-front-matter",
                    "front matter wordt niet afgesloten: zet een regel '---' "
                    "tussen de velden en de tekst",
                )
            ]
        )
    yaml_text = "\n".join(lines[1:close])
    tab_problems = [
        _err(shown, i + 2, "tab-indent", "tab gebruikt als inspringing; gebruik spaties")
        for i, line in enumerate(lines[1:close])
        if line[: len(line) - len(line.lstrip())].count("\t")
    ]
    try:
        data, value_lines = load_yaml(yaml_text, shown, first_line=2)
    except ParseFailure as failure:
        raise ParseFailure(tab_problems or failure.problems) from failure
    if tab_problems:
        raise ParseFailure(tab_problems)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ParseFailure(
            [
                _err(
                    shown,
                    2,
                    "front-matter-not-mapping",
                    "front matter moet bestaan uit velden 'naam: waarde'",
                )
            ]
        )
    body = "\n".join(lines[close + 1 :])
    return Document(data=data, lines=value_lines, body=body, body_line=close + 2, text=text)


def load_yaml(text: str, shown: str, first_line: int = 1) -> tuple[Any, dict[PathKey, int]]:
    """Load YAML safely and map every value path to its line (``first_line`` = YAML line 1)."""
    _screen(text, shown, first_line)
    try:
        node = yaml.compose(text, Loader=FAST_LOADER)
        if node is None:
            return None, {}
        value_lines: dict[PathKey, int] = {}
        duplicates: list[Problem] = []
        _index_lines(node, (), first_line, value_lines, duplicates, shown)
        if duplicates:
            raise ParseFailure(duplicates)
        data = _Loader(text).construct_document(node)
    except yaml.YAMLError as exc:
        raise _yaml_failure(exc, text, shown, first_line) from exc
    return data, value_lines


OPENED_CONTEXTS = (
    "while scanning a quoted scalar",
    "while parsing a flow sequence",
    "while parsing a flow mapping",
)
# libyaml's English, said in Dutch with what to check (the original follows in brackets).
YAML_REASONS = {
    "did not find expected key": "hier verwachtte ik een veldnaam; controleer het inspringen "
    "(de spaties vooraan) van deze regel",
    "mapping values are not allowed": "een dubbele punt waar die niet mag; zet tekst met ':' "
    "tussen aanhalingstekens, of controleer het inspringen",
    "did not find expected '-' indicator": "hier verwachtte ik een lijstregel ('- ...'); "
    "controleer het inspringen",
    "that cannot start any token": "een teken waarmee geen waarde mag beginnen (een tab? "
    "gebruik spaties om in te springen)",
}


def _unclosed_quote(text: str, upto: int) -> int | None:
    """The first line (0-based) before ``upto`` with an odd number of double quotes."""
    for number, line in enumerate(text.splitlines()[:upto]):
        if (line.count('"') - line.count('\\"')) % 2:
            return number
    return None


def _dutch_reason(reason: str, opened: bool) -> str:
    """The parser's reason in Dutch where we know it, the original kept for searching."""
    if opened:
        return (
            "hier begint een tekst of lijst die niet wordt afgesloten: ontbreekt een "
            f"aanhalingsteken, ']' of '}}'? ({reason})"
        )
    for english, dutch in YAML_REASONS.items():
        if english in reason:
            return f"{dutch} ({reason})"
    return reason


def _yaml_failure(exc: yaml.YAMLError, text: str, shown: str, first_line: int) -> ParseFailure:
    """The parser's own message at the parser's own line."""
    line: int | None = None
    if isinstance(exc, yaml.MarkedYAMLError):
        # An unclosed quote or bracket is found where the file ends or the next key starts,
        # lines later; the place to fix is where it was opened (the context's mark).
        opened = (exc.context or "").startswith(OPENED_CONTEXTS)
        mark = (exc.context_mark if opened else None) or exc.problem_mark or exc.context_mark
        reason = _dutch_reason(exc.problem or exc.context or "onbekende fout", opened)
        unclosed = _unclosed_quote(text, mark.line) if mark is not None else None
        if unclosed is not None and not opened:
            # a quote left open swallows the next lines; the parser stops lines later
            line = unclosed + first_line
            reason = _dutch_reason(exc.problem or "", True)
        else:
            line = mark.line + first_line if mark is not None else None
    elif isinstance(exc, yaml.reader.ReaderError):
        line = text[: exc.position].count("\n") + first_line
        reason = f"teken {exc.character!r} is niet toegestaan"
    else:
        reason = str(exc)
    if "nesting depth" in reason:  # libyaml's own limit, met before ours on flow lists
        return ParseFailure(
            [
                _err(
                    shown,
                    line,
                    "yaml-too-deep",
                    f"YAML is dieper genest dan {MAX_YAML_DEPTH} niveaus",
                )
            ]
        )
    return ParseFailure([_err(shown, line, "invalid-yaml", f"ongeldige YAML: {reason}")])


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps an impossible date (2027-02-30) as text instead of raising,
    so the field check can report it at its line like any other wrong value."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """A value its tag cannot hold (``!!int twintig``) becomes an error at its line."""
        try:
            return super().construct_object(node, deep)
        except yaml.YAMLError:
            raise
        except Exception as exc:  # any tag's constructor may fail in its own way
            raise yaml.constructor.ConstructorError(
                None, None, f"waarde past niet bij het type ({exc})", node.start_mark
            ) from exc

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def _screen(text: str, shown: str, first_line: int) -> None:
    """Refuse aliases, deep nesting and huge event streams before anything is constructed."""
    depth = 0
    try:
        for count, event in enumerate(yaml.parse(text, Loader=FAST_LOADER)):
            line = (event.start_mark.line if event.start_mark else 0) + first_line
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise ParseFailure(
                    [
                        _err(
                            shown,
                            line,
                            "yaml-alias",
                            "YAML-ankers en -verwijzingen "
                            "(& en *) zijn niet toegestaan; schrijf de waarde uit",
                        )
                    ]
                )
            if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    raise ParseFailure(
                        [
                            _err(
                                shown,
                                line,
                                "yaml-too-deep",
                                f"YAML is dieper genest dan {MAX_YAML_DEPTH} niveaus",
                            )
                        ]
                    )
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                depth -= 1
            if count > MAX_YAML_EVENTS:
                raise ParseFailure(
                    [_err(shown, line, "yaml-too-large", "front matter is te groot")]
                )
    except yaml.YAMLError as exc:
        raise _yaml_failure(exc, text, shown, first_line) from exc


def _index_lines(
    node: yaml.Node,
    loc: PathKey,
    first_line: int,
    out: dict[PathKey, int],
    duplicates: list[Problem],
    shown: str,
) -> None:
    """Record the line of each value; a key's line stands for a nested value's start."""
    out.setdefault(loc, node.start_mark.line + first_line)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            key_line = key_node.start_mark.line + first_line
            if key in seen:
                duplicates.append(
                    _err(
                        shown,
                        key_line,
                        "duplicate-key",
                        f"veld '{key}' staat twee keer in de front matter",
                    )
                )
            seen.add(key)
            out[(*loc, key)] = key_line
            if isinstance(value_node, yaml.MappingNode | yaml.SequenceNode):
                _index_lines(value_node, (*loc, key), first_line, out, duplicates, shown)
                out[(*loc, key)] = key_line
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index_lines(item, (*loc, index), first_line, out, duplicates, shown)


def _err(path: str, line: int | None, code: str, message: str) -> Problem:
    return Problem(path=path, line=line, code=code, message=message)

"""The search log's line format, and reading it back: one JSON object per search.

The web app writes the lines (``kennisbank.webapp.operations.search_log``); ``kennisbank insights``
reads them. A line records what was asked and what came back, never who asked: no IP
address, cookie, user agent or session. Reading is forgiving: a line that is not a valid
entry (a half-written line after a full disk, a hand edit) is counted and skipped.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError

TOP_SLUGS = 3
# Reading bounds: a log is read by editors' tools from wherever it was copied, so a
# hostile or broken file must cost seconds, not minutes or gigabytes. A valid line is well
# under 10 KB (a query is at most 2000 characters), typically ~200 bytes; a week of a busy
# site is far below a million searches. The line bound also bounds the memory held.
MAX_LINE_BYTES = 64 * 1024
MAX_FILE_BYTES = 256 << 20  # decompressed, per file
MAX_FILE_LINES = 1_000_000
READ_CHUNK = 1 << 20
FORBIDDEN_FIELDS = ("ip", "client", "cookie", "user_agent", "session")


class SearchLogEntry(BaseModel):
    """One search as logged; exactly these keys (an unknown key makes the line bad)."""

    model_config = ConfigDict(extra="forbid")

    ts: dt.datetime
    q: str = Field(max_length=2000)
    filters: dict[str, list[str]] = {}
    total: int = Field(ge=0)
    top_score: float | None = None
    top: list[str] = Field(default=[], max_length=TOP_SLUGS)
    # strong / weak / none (search.models.Match); absent in lines written before it existed
    match: Literal["strong", "weak", "none"] | None = None
    page: int = Field(default=1, ge=1)
    source: Literal["html", "api"]

    def line(self) -> bytes:
        """The entry as one line of JSON (UTF-8, newline-terminated)."""
        data = self.model_dump(mode="json")
        data["ts"] = self.ts.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        return (text + "\n").encode("utf-8")


@dataclass
class LogRead:
    """The entries of one or more log files, and how many lines were not entries."""

    entries: list[SearchLogEntry] = field(default_factory=list)
    bad_lines: int = 0
    unreadable: list[str] = field(default_factory=list)


def _lines(path: Path, read: LogRead) -> Iterator[bytes | None]:
    """Raw lines of a log file (rotated ``.gz`` files too), within the reading bounds.

    A line longer than MAX_LINE_BYTES is skipped without being held in memory and yields
    None (a bad line). Past MAX_FILE_BYTES decompressed or MAX_FILE_LINES lines the rest
    of the file is left unread and noted in ``read.unreadable``.
    """
    opener = gzip.open if path.suffix == ".gz" else open
    total = 0
    with opener(path, "rb") as handle:
        for number in range(MAX_FILE_LINES + 1):
            if number == MAX_FILE_LINES or total >= MAX_FILE_BYTES:
                if handle.read(1):
                    read.unreadable.append(
                        f"{path}: meer dan {MAX_FILE_LINES} regels of "
                        f"{MAX_FILE_BYTES >> 20} MB; de rest is niet gelezen"
                    )
                return
            line = handle.readline(MAX_LINE_BYTES + 1)
            if not line:
                return
            total += len(line)
            if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
                total += _skip_line(handle, MAX_FILE_BYTES - total)
                yield None
                continue
            yield line


class _Lines(Protocol):
    def readline(self, size: int = -1, /) -> bytes: ...


def _skip_line(handle: _Lines, budget: int) -> int:
    """Read past the rest of an over-long line in chunks; returns the bytes skipped."""
    skipped = 0
    while skipped < budget:
        chunk = handle.readline(READ_CHUNK)
        skipped += len(chunk)
        if not chunk or chunk.endswith(b"\n"):
            break
    return skipped


def read_logs(paths: Iterable[Path], since: dt.date | None = None) -> LogRead:
    """Every valid entry of ``paths`` (at or after ``since``); bad lines are counted."""
    read = LogRead()
    for path in paths:
        try:
            for raw in _lines(path, read):
                entry = None if raw is None else _parse(raw)
                if entry is None:
                    read.bad_lines += 1
                elif since is None or entry.ts.date() >= since:
                    read.entries.append(entry)
        except (OSError, EOFError, gzip.BadGzipFile, zlib.error) as exc:
            read.unreadable.append(f"{path}: {exc}")
    return read


def _parse(raw: bytes) -> SearchLogEntry | None:
    if not raw.strip():
        return None
    try:
        data = json.loads(raw)
        if not isinstance(data, dict):
            return None
        entry = SearchLogEntry.model_validate(data)
    except (ValueError, ValidationError, RecursionError):  # "[[[[..." nests past the stack
        return None
    if entry.ts.tzinfo is None:
        entry = entry.model_copy(update={"ts": entry.ts.replace(tzinfo=dt.UTC)})
    return entry

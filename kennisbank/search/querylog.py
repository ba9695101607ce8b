"""The search log's line format, and reading it back: one JSON object per search.

The web app writes the lines (``kennisbank.webapp.search_log``); ``kennisbank insights``
reads them. A line records what was asked and what came back, never who asked: no IP
address, cookie, user agent or session. Reading is forgiving: a line that is not a valid
entry (a half-written line after a full disk, a hand edit) is counted and skipped.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

TOP_SLUGS = 3
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


def _lines(path: Path) -> Iterator[bytes]:
    """Raw lines of a log file; rotated files compressed with gzip are read as well."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        yield from handle


def read_logs(paths: Iterable[Path], since: dt.date | None = None) -> LogRead:
    """Every valid entry of ``paths`` (at or after ``since``); bad lines are counted."""
    read = LogRead()
    for path in paths:
        try:
            for raw in _lines(path):
                entry = _parse(raw)
                if entry is None:
                    read.bad_lines += 1
                elif since is None or entry.ts.date() >= since:
                    read.entries.append(entry)
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            read.unreadable.append(f"{path}: {exc}")
    return read


def _parse(raw: bytes) -> SearchLogEntry | None:
    try:
        data = json.loads(raw)
        if not isinstance(data, dict):
            return None
        entry = SearchLogEntry.model_validate(data)
    except (ValueError, ValidationError):
        return None
    if entry.ts.tzinfo is None:
        entry = entry.model_copy(update={"ts": entry.ts.replace(tzinfo=dt.UTC)})
    return entry

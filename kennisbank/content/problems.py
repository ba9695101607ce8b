"""A problem found in a content file: the unit every validator speaks in.

One shape for errors and warnings keeps the CLI, the JSON output, the build refusal and
the web preview consistent: each prints ``path:line: message`` the same way.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

Severity = Literal["error", "warning"]


class Problem(BaseModel):
    """One error or warning, located as precisely as the input allows."""

    path: str
    line: int | None = None
    code: str
    message: str
    severity: Severity = "error"

    def format(self) -> str:
        """``path:line: message``; warnings carry a ``waarschuwing:`` prefix."""
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        prefix = "waarschuwing: " if self.severity == "warning" else ""
        return f"{where}: {prefix}{self.message}"


class ContentError(Exception):
    """Raised when content has errors; carries every problem so callers can show them all."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(f"{count(len(errors), 'fout', 'fouten')} in de content")


def suggest(value: str, options: list[str], limit: int = 3) -> list[str]:
    """Closest valid options for a misspelt value, best first (difflib ratio)."""
    import difflib

    folded = value.strip().lower()
    hits = difflib.get_close_matches(folded, options, n=limit, cutoff=0.5)
    prefix = [o for o in options if o.startswith(folded[:4]) and o not in hits] if folded else []
    return (hits + prefix)[:limit]


def count(n: int, one: str, many: str) -> str:
    """``1 fout``, ``2 fouten``: Dutch counts read wrong with a fixed plural ("1 fouten")."""
    return f"{n} {one if n == 1 else many}"

"""What several commands share: a one-line failure, opening the index, the progress bar."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import typer

if TYPE_CHECKING:
    from kennisbank.search.searcher import Searcher

T = TypeVar("T")


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``message`` on stderr; the exit to raise (``raise fail(...) from None``)."""
    typer.echo(message, err=True)
    return typer.Exit(code)


def guard(call: Callable[[], T]) -> T:
    """Run a search; an index that fails while answering gives one line, not a traceback."""
    from kennisbank.indexing.manifest import IndexUnavailable

    try:
        return call()
    except IndexUnavailable as exc:
        raise fail(str(exc)) from None


def open_searcher(index: Path) -> Searcher:
    from kennisbank.embedders import EmbedderError
    from kennisbank.indexing.manifest import IndexUnavailable
    from kennisbank.search.searcher import Searcher

    try:
        return Searcher(index)
    except (IndexUnavailable, EmbedderError) as exc:
        raise fail(str(exc)) from None


@contextmanager
def progress_bar(quiet: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A progress bar with an ETA for the embedding stage, shown only on a terminal.

    A first e5 build of a few thousand cases takes many minutes; the ETA says how many.
    """
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("nog"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task("Passages inbedden", total=None)

        labels = {"companion": "Passages inbedden (tweede model)"}

        def update(stage: str, done: int, total: int) -> None:
            description = labels.get(stage, "Passages inbedden")
            bar.update(task, completed=done, total=total, description=description)

        yield update

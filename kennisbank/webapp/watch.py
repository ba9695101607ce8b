"""``serve --watch``: rebuild incrementally when a content file is saved.

The rebuild runs in a background thread, which then opens the new version itself, so the
next request after a save already sees it. An invalid save keeps the last good index
serving and shows the validation errors on every page until the file is fixed.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from fastapi import FastAPI

from kennisbank.content.problems import ContentError, Problem, count
from kennisbank.indexing.builder import BuildError, build_index
from kennisbank.indexing.lock import BuildLocked
from kennisbank.webapp.settings import Settings
from kennisbank.webapp.state import IndexHolder

log = logging.getLogger("kennisbank")


def rebuild(holder: IndexHolder, settings: Settings) -> None:
    """One incremental build; its problems (or none) are shown on the site."""
    try:
        report = build_index(settings.content, settings.index)
    except ContentError as exc:
        holder.problems = [
            shown_relative(p, settings.content) for p in exc.problems if p.severity == "error"
        ]
        log.warning(
            "content ongeldig: %s; de vorige index blijft in gebruik",
            count(len(holder.problems), "fout", "fouten"),
        )
        return
    except (BuildError, BuildLocked) as exc:
        log.error("%s", exc)
        return
    holder.problems = []
    if not report.up_to_date:
        log.info("index %s gebouwd: %d bijgewerkt", report.version, len(report.changed))
    holder.refresh()


def shown_relative(problem: Problem, content: Path) -> Problem:
    """The problem with its path relative to the content folder: the errors are shown on
    public pages, and the server's own folders are nobody's business."""
    path = Path(problem.path)
    try:
        shown = path.resolve().relative_to(content.resolve()).as_posix()
    except (ValueError, OSError):
        shown = path.name
    message = problem.message.replace(str(content.resolve()) + "/", "")
    return problem.model_copy(update={"path": shown, "message": message})


def start_watcher(app: FastAPI, settings: Settings) -> threading.Thread:
    """Watch the content folder in a daemon thread for the life of the process."""
    from watchfiles import watch

    holder: IndexHolder = app.state.holder
    stop = threading.Event()
    app.state.stop_watch = stop

    def loop() -> None:
        rebuild(holder, settings)
        for _changes in watch(settings.content, stop_event=stop, debounce=300):
            rebuild(holder, settings)

    thread = threading.Thread(target=loop, name="kennisbank-watch", daemon=True)
    thread.start()
    return thread

"""``serve --watch``: rebuild incrementally when a content file is saved.

The rebuild runs in a background thread, which then opens the new version itself, so the
next request after a save already sees it. An invalid save keeps the last good index
serving and shows the validation errors on every page until the file is fixed.

The thread never dies: a failed build of any kind (an unreadable file, a full disk, a
refused removal, a bug) is shown on the page like a validation error and the watcher waits
for the next save; an error of the file watcher itself is logged and watching restarts.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection, Iterable
from pathlib import Path

from fastapi import FastAPI

from kennisbank.content.problems import ContentError, Problem, count
from kennisbank.indexing.builder import BuildError, build_index
from kennisbank.indexing.lock import BuildLocked
from kennisbank.webapp.settings import Settings
from kennisbank.webapp.state import IndexHolder

log = logging.getLogger("kennisbank")
WAKE_MS = 1000  # without changes the watcher yields an empty batch this often


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
    except (BuildError, BuildLocked, OSError) as exc:
        log.error("%s", exc)
        holder.problems = [build_problem(str(exc), settings)]
        return
    except Exception as exc:  # a bug must not stop every later rebuild
        log.exception("rebuild mislukt")
        holder.problems = [build_problem(f"{type(exc).__name__}: {exc}", settings)]
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


def build_problem(message: str, settings: Settings) -> Problem:
    """A failed build as a problem on the page, without the server's own folders."""
    for folder in (settings.index, settings.content):
        for spelled in {str(folder.resolve()), str(folder)}:
            message = message.replace(spelled + "/", "").replace(spelled, folder.name)
    return Problem(path=settings.content.name, code="build-failed", message=message)


def watch_forever(
    settings: Settings,
    stop: threading.Event,
    changes: Callable[[], Iterable[Collection[object]]],
    on_change: Callable[[], None],
    retry_seconds: float = 1.0,
) -> None:
    """Rebuild on every batch of changes until ``stop``; nothing that fails ends it.

    ``changes()`` also yields an empty batch when a while passes without changes; the first
    batch of each run, empty or not, rebuilds too. So the first rebuild comes only once the
    watcher is watching: a save made while it starts (or restarts) is never missed.
    """
    while not stop.is_set():
        try:
            first = True
            for batch in changes():
                if batch or first:
                    first = False
                    on_change()
                if stop.is_set():
                    return
        except Exception:  # the watcher itself (a removed folder, inotify limits)
            log.exception("wijzigingen in %s niet te volgen; opnieuw proberen", settings.content)
        stop.wait(retry_seconds)


def start_watcher(app: FastAPI, settings: Settings) -> threading.Thread:
    """Watch the content folder in a daemon thread for the life of the process."""
    from watchfiles import watch

    holder: IndexHolder = app.state.holder
    stop = threading.Event()
    app.state.stop_watch = stop

    def loop() -> None:
        watch_forever(
            settings,
            stop,
            lambda: watch(
                settings.content,
                stop_event=stop,
                debounce=300,
                rust_timeout=WAKE_MS,
                yield_on_timeout=True,
            ),
            lambda: rebuild(holder, settings),
        )

    thread = threading.Thread(target=loop, name="kennisbank-watch", daemon=True)
    thread.start()
    return thread

"""The search log writer: one JSON line per search, appended by a background thread.

Privacy first: a line holds the query, the filters, what came back and when, and nothing
about who asked (no IP address, cookie, user agent or session id). The format is
``kennisbank.search.querylog.SearchLogEntry``; ``kennisbank insights`` reads it.

A search never waits for the disk: ``record`` puts the line on a bounded queue and
returns; one thread per process writes what has queued up, four times a second. Each
batch of whole lines goes out in a single ``write`` on a file opened with ``O_APPEND``,
which Linux performs under the file's lock, so several worker processes (and threads)
appending to one file never interleave lines. The file is opened per batch, so a rotated
log (moved away by logrotate) is recreated on the next write without a signal. A full
disk or an unwritable path is logged once; the line is dropped and searches go on.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import queue
import threading
from pathlib import Path

from kennisbank.search.querylog import TOP_SLUGS, SearchLogEntry
from kennisbank.search.searcher import SearchParams, SearchResult

log = logging.getLogger("kennisbank")
QUEUE_LINES = 10_000  # lines waiting for the disk before new ones are dropped
BATCH_LINES = 256
FLUSH_SECONDS = 0.25  # how long a line may wait in memory before it is written


class SearchLog:
    """Appends search log lines to ``path``; safe to call from any thread."""

    def __init__(self, path: Path, capacity: int = QUEUE_LINES) -> None:
        self.path = path
        self._queue: queue.Queue[bytes] = queue.Queue(capacity)
        self._wake = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._starting = threading.Lock()
        self._failing = False  # a failure was reported and no write has succeeded since
        self.dropped = 0

    def record(self, params: SearchParams, result: SearchResult, source: str) -> None:
        """Queue the line for one search; never raises, never blocks."""
        try:
            line = entry_for(params, result, source).line()
            self._start()
            self._queue.put_nowait(line)
        except queue.Full:
            self._drop("de wachtrij is vol")
        except Exception as exc:  # a log line must never cost a search
            self._drop(f"{type(exc).__name__}: {exc}")

    def flush(self) -> None:
        """Write every queued line now and wait until it is written (or dropped)."""
        if self._thread is not None:
            self._wake.set()
            self._queue.join()

    def close(self) -> None:
        """Write what is queued and stop the thread (app shutdown)."""
        thread = self._thread
        if thread is not None:
            self._stopping = True
            self._wake.set()
            thread.join(timeout=10)
            self._thread = None

    def _start(self) -> None:
        if self._thread is not None:
            return
        with self._starting:
            if self._thread is None:
                thread = threading.Thread(target=self._run, name="kennisbank-zoeklog", daemon=True)
                thread.start()
                self._thread = thread

    def _run(self) -> None:
        """Wake a few times a second (not per search) and write what has queued up.

        Waking per line made the writer compete with the request for the core on every
        search (measured: +1 ms median on a busy 2-core machine); a timer does not.
        """
        while True:
            self._wake.wait(FLUSH_SECONDS)
            self._wake.clear()
            self._drain()
            if self._stopping:
                self._drain()
                return

    def _drain(self) -> None:
        while True:
            batch: list[bytes] = []
            try:
                while len(batch) < BATCH_LINES:
                    batch.append(self._queue.get_nowait())
            except queue.Empty:
                pass
            if not batch:
                return
            self._write(b"".join(batch), len(batch))
            for _ in batch:
                self._queue.task_done()

    def _write(self, data: bytes, count: int) -> None:
        kept = 0  # whole lines that reached the file
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o640)
            try:
                written = os.write(fd, data)
                if written != len(data):
                    kept_bytes = _keep_whole_lines(fd, data, written)
                    kept = data.count(b"\n", 0, kept_bytes)
                    raise OSError(f"{kept_bytes} van {len(data)} bytes geschreven (schijf vol?)")
            finally:
                os.close(fd)
        except OSError as exc:
            self.dropped += count - kept
            if not self._failing:
                self._failing = True
                log.error("zoeklog %s niet schrijfbaar (%s); zoeken gaat door", self.path, exc)
            return
        if self._failing:
            self._failing = False
            log.info("zoeklog %s is weer schrijfbaar", self.path)

    def _drop(self, reason: str) -> None:
        self.dropped += 1
        if not self._failing:
            self._failing = True
            log.error("zoeklog: regel overgeslagen (%s); zoeken gaat door", reason)


def _keep_whole_lines(fd: int, data: bytes, written: int) -> int:
    """After a short write (a full disk), cut the file back to the last whole line.

    ``O_APPEND`` put the bytes at the end; the offset after the write is where they end.
    Only when nothing was appended after them (another worker) is the file cut, so this
    never removes someone else's line; a torn line that stays is counted by the reader as
    a bad line. Returns the bytes of whole lines kept.
    """
    end = os.lseek(fd, 0, os.SEEK_CUR)
    keep = data.rfind(b"\n", 0, written) + 1  # 0: no whole line got out
    if os.fstat(fd).st_size == end:
        os.ftruncate(fd, end - written + keep)
    return keep


def entry_for(params: SearchParams, result: SearchResult, source: str) -> SearchLogEntry:
    """The log line of one search: what was asked and what came back, nobody's identity."""
    score = result.best_similarity
    return SearchLogEntry(
        ts=dt.datetime.now(dt.UTC),
        q=result.query,
        filters={name: values for name, values in params.filters().items() if values},
        total=result.total,
        top_score=None if score is None else round(score, 4),
        top=[hit.slug for hit in result.results[:TOP_SLUGS]],
        match=result.match,
        page=params.offset // params.k + 1,
        source="api" if source == "api" else "html",
    )

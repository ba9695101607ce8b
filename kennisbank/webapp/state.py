"""The index the app serves, swapped without a restart when a build publishes a new version.

A request takes the current ``Searcher`` once and uses it to the end, so it always sees one
version; a swap only replaces the reference (atomic in Python), so requests in flight keep
the old searcher alive until they finish. The manifest is checked at most once per
``reload_interval`` seconds; a new version that cannot be opened is logged and the last good
one keeps serving.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from kennisbank.manifest import MANIFEST_FILE, IndexUnavailable, read_manifest
from kennisbank.problems import Problem
from kennisbank.searcher import Searcher

log = logging.getLogger("kennisbank")


class IndexHolder:
    """Owns the current searcher; thread-safe to read, reloads lazily."""

    def __init__(self, index_dir: Path, reload_interval: float = 1.0) -> None:
        self.index_dir = index_dir
        self.reload_interval = reload_interval
        self._searcher: Searcher | None = None
        self._error: str | None = None
        self._checked = 0.0
        self._stamp: tuple[int, int] | None = None
        self._lock = threading.Lock()
        self.problems: list[Problem] = []  # validation errors of the last --watch rebuild
        self._load()

    @property
    def error(self) -> str | None:
        return self._error

    def current(self) -> Searcher | None:
        """The searcher to use for one whole request (None while there is no usable index)."""
        now = time.monotonic()
        if now - self._checked >= self.reload_interval:
            self._checked = now
            if self._stamp != self._manifest_stamp():
                with self._lock:
                    if self._stamp != self._manifest_stamp():
                        self._load()
        return self._searcher

    def _manifest_stamp(self) -> tuple[int, int] | None:
        try:
            stat = (self.index_dir / MANIFEST_FILE).stat()
        except OSError:
            return None
        return (stat.st_mtime_ns, stat.st_ino)

    def _load(self) -> None:
        stamp = self._manifest_stamp()
        try:
            manifest = read_manifest(self.index_dir)
            if self._searcher is not None and manifest.version == self._searcher.version:
                self._stamp = stamp
                return
            embedder = self._searcher.embedder() if self._searcher is not None else None
            if embedder is not None and embedder.name != manifest.embedder:
                embedder = None
            searcher = Searcher(self.index_dir, embedder=embedder)
            searcher.embedder()  # load the model now, not in the first request
        except IndexUnavailable as exc:
            self._error = str(exc)
            self._stamp = stamp
            log.error("index niet geladen: %s", exc)
            return
        self._searcher = searcher
        self._error = None
        self._stamp = stamp
        log.info("index %s geladen (%d voorbeelden)", searcher.version, len(searcher.slugs))

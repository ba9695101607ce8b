"""The index the app serves, swapped without a restart when a build publishes a new version.

A request takes the current ``Searcher`` once and uses it to the end, so it always sees one
version; a swap only replaces the reference (atomic in Python), so requests in flight keep
the old searcher alive until they finish.

Opening a version of 10k cases takes about a second of CPU (checksums, facet arrays,
postings, FAISS), so it never happens inside a request: the manifest is checked at most
once per ``reload_interval`` seconds and a new version is opened by one background thread
while the old one keeps answering (under load, opening inside a request stalled every
request queued behind it for seconds). A version that cannot be opened is logged and the
last good one keeps serving; one pruned by a later build while it was being opened is
skipped for the newer one. Once nothing uses an old version any more, the memory it freed
is handed back to the operating system (see ``memory.py``).
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path

from kennisbank.content.problems import Problem
from kennisbank.indexing.layout import MANIFEST_FILE
from kennisbank.indexing.manifest import IndexUnavailable, read_manifest
from kennisbank.search.query_cache import DEFAULT_SIZE, QUERY_VECTORS, QueryVectorCache
from kennisbank.search.searcher import Searcher
from kennisbank.webapp.operations.memory import release_when_collected

log = logging.getLogger("kennisbank")
NOT_CHECKED = (-1, -1)  # differs from every manifest stamp, and from None (no manifest)


class IndexHolder:
    """Owns the current searcher; thread-safe to read, reloads in the background."""

    def __init__(
        self,
        index_dir: Path,
        reload_interval: float = 1.0,
        on_load: Callable[[Searcher, str | None], None] | None = None,
        encode_threads: int = 1,
        query_cache: QueryVectorCache | None = QUERY_VECTORS,
    ) -> None:
        """``on_load(searcher, previous_version)`` is told of every version put in service."""
        self.index_dir = index_dir
        self.on_load = on_load
        self.encode_threads = encode_threads
        self.query_cache = query_cache
        self.reload_interval = reload_interval
        self._searcher: Searcher | None = None
        self._error: str | None = None
        self._checked = 0.0
        self._stamp: tuple[int, int] | None = NOT_CHECKED
        self._loading = threading.Lock()  # held by whoever is opening a new version
        self.problems: list[Problem] = []  # validation errors of the last --watch rebuild
        self.refresh()

    @property
    def error(self) -> str | None:
        return self._error

    @property
    def reloading(self) -> bool:
        """True while a newer version is being opened."""
        return self._loading.locked()

    def current(self) -> Searcher | None:
        """The searcher to use for one whole request (None while there is no usable index).

        Never waits for a version to open: a newer manifest starts a background load and
        this request is answered by the version that is already open.
        """
        searcher = self._searcher
        now = time.monotonic()
        if now - self._checked >= self.reload_interval:
            self._checked = now
            if self._stamp != self._manifest_stamp() and self._loading.acquire(blocking=False):
                threading.Thread(
                    target=self._load_while_changed, name="kennisbank-reload", daemon=True
                ).start()
        return searcher

    def refresh(self) -> Searcher | None:
        """Open a newer version now, in the calling thread (start-up, --watch, tests)."""
        with self._loading:
            self._load_changed()
        return self._searcher

    def _load_while_changed(self) -> None:
        try:
            self._load_changed()
        finally:
            self._loading.release()

    def _load_changed(self) -> None:
        """Open the version the manifest names, again if a build published another meanwhile."""
        for _ in range(100):  # bounded: a build every second for minutes still ends
            stamp = self._manifest_stamp()
            if stamp == self._stamp:
                return
            self._load(stamp)

    def _manifest_stamp(self) -> tuple[int, int] | None:
        try:
            stat = (self.index_dir / MANIFEST_FILE).stat()
        except OSError:
            return None
        return (stat.st_mtime_ns, stat.st_ino)

    def _load(self, stamp: tuple[int, int] | None) -> None:
        old = self._searcher
        try:
            manifest = read_manifest(self.index_dir)
            if old is not None and manifest.version == old.version:
                self._stamp = stamp
                return
            embedder = old.embedder() if old is not None else None
            if embedder is not None and embedder.name != manifest.embedder:
                embedder = None
            searcher = Searcher(
                self.index_dir,
                embedder=embedder,
                encode_threads=self.encode_threads,
                query_cache=self.query_cache,
                companion=old.companion_embedder() if old is not None else None,
            )
            searcher.embedder()  # load the models now, not in the first request
            searcher.companion_embedder()
        except IndexUnavailable as exc:
            if self._manifest_stamp() != stamp:
                log.info("indexversie vervangen tijdens het laden; de nieuwere wordt geladen")
                return
            self._error = str(exc)
            self._stamp = stamp
            log.error("index niet geladen: %s", exc)
            return
        self._searcher = searcher
        self._error = None
        self._stamp = stamp
        log.info("index %s geladen (%d voorbeelden)", searcher.version, len(searcher.slugs))
        if self.on_load is not None:
            self.on_load(searcher, old.version if old is not None else None)
        if old is not None:
            release_when_collected(weakref.ref(old), old.version)


def query_cache_for(size: int) -> QueryVectorCache | None:
    """The process's shared cache at the default size, a cache of its own at another
    (``KENNISBANK_QUERY_CACHE_SIZE``), none at 0 (every search encodes: for measuring)."""
    if size == DEFAULT_SIZE:
        return QUERY_VECTORS
    return QueryVectorCache(size) if size else None

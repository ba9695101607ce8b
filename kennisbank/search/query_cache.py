"""A bounded, thread-safe cache of query vectors, one per process.

With multilingual-e5-small a query vector costs tens of milliseconds, the rest of a search
a few. A facet click, page 2 and the API call a page makes after it all repeat the same
cleaned query, so they reuse its vector. The key includes the embedder's name: vectors of
one model never answer for another, and an index swap to a version built with the same
embedder keeps the cache warm.

``hits`` and ``misses`` are plain counters, cheap to read for metrics.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from kennisbank.embedders.base import Vectors

DEFAULT_SIZE = 1024  # 1024 x 384 float32 = 1.5 MB


class QueryVectorCache:
    """Least-recently-used map of (embedder name, cleaned query) -> (1, dim) vector."""

    def __init__(self, maxsize: int = DEFAULT_SIZE) -> None:
        self.maxsize = maxsize
        self.hits = 0
        self.misses = 0
        self._items: OrderedDict[tuple[str, str], Vectors] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, embedder: str, query: str, encode: Callable[[str], Vectors]) -> Vectors:
        """The cached vector, or ``encode(query)`` stored for next time."""
        return self.fetch(embedder, query, encode)[0]

    def fetch(
        self, embedder: str, query: str, encode: Callable[[str], Vectors]
    ) -> tuple[Vectors, bool]:
        """``(vector, hit)``: the cached vector, or ``encode(query)`` stored for next time.

        Encoding happens outside the lock: two threads missing the same query at once both
        encode it (identical vectors), instead of one request waiting on another's model call.
        """
        key = (embedder, query)
        with self._lock:
            vector = self._items.get(key)
            if vector is not None:
                self._items.move_to_end(key)
                self.hits += 1
                return vector, True
            self.misses += 1
        vector = encode(query)
        vector.setflags(write=False)  # shared between requests: nobody may change it
        with self._lock:
            self._items[key] = vector
            self._items.move_to_end(key)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)
        return vector, False

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.hits = self.misses = 0


QUERY_VECTORS = QueryVectorCache()
"""The process's cache, shared by every Searcher (and so by every index version)."""

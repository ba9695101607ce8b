"""Embeddings cached by (embedder, text hash), shared by every index version.

A rebuild after one edit re-embeds only passages whose text is new; a full rebuild after
a crash or a taxonomy change costs almost nothing in embedding time.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from kennisbank.embedders.base import Vectors

CACHE_FILE = "embeddings.sqlite"
EncodeFn = Callable[[list[str]], Iterable[Vectors]]
SAVE_EVERY = 16  # batches between writes of new vectors


class EmbeddingCache:
    """A small SQLite key-value store of float32 vectors."""

    def __init__(self, directory: Path, embedder_name: str, dim: int) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(directory / CACHE_FILE, timeout=30)
        self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS vectors (embedder TEXT, hash TEXT, "
            "vector BLOB, PRIMARY KEY (embedder, hash)) WITHOUT ROWID"
        )
        self._name = embedder_name
        self._dim = dim

    def close(self) -> None:
        self._conn.close()

    def get_many(self, hashes: Sequence[str]) -> dict[str, Vectors]:
        found: dict[str, Vectors] = {}
        unique = list(dict.fromkeys(hashes))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._conn.execute(
                f"SELECT hash, vector FROM vectors WHERE embedder = ? AND hash IN ({marks})",
                [self._name, *chunk],
            )
            for text_hash, blob in rows:
                vector = np.frombuffer(blob, dtype=np.float32)
                if vector.shape == (self._dim,):
                    found[text_hash] = vector
        return found

    def put_many(self, items: dict[str, Vectors]) -> None:
        with self._conn:
            self._conn.executemany(
                "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                [
                    (self._name, h, np.asarray(v, dtype=np.float32).tobytes())
                    for h, v in items.items()
                ],
            )

    def embed(
        self, texts: Sequence[str], hashes: Sequence[str], encode: EncodeFn
    ) -> tuple[Vectors, int]:
        """Vectors for texts in order, embedding only cache misses; returns (vectors, misses).

        New vectors are saved every SAVE_EVERY batches, so a build that is killed keeps
        what it embedded and the next one continues from there.
        """
        cached = self.get_many(hashes)
        missing = {h: t for h, t in zip(hashes, texts, strict=True) if h not in cached}
        if missing:
            keys = list(missing)
            position = 0
            pending: dict[str, Vectors] = {}
            for batch_number, vectors in enumerate(encode(list(missing.values())), start=1):
                for vector in vectors:
                    pending[keys[position]] = vector
                    position += 1
                if batch_number % SAVE_EVERY == 0:
                    self.put_many(pending)
                    cached.update(pending)
                    pending = {}
            self.put_many(pending)
            cached.update(pending)
        rows = [cached[h] for h in hashes]
        matrix = (
            np.vstack(rows).astype(np.float32) if rows else np.zeros((0, self._dim), np.float32)
        )
        return matrix, len(missing)

"""The vector side of a build: passage texts -> vectors (the cache first) -> FAISS files.

Both models of an index go through it: the main embedder, and the companion whose vectors
are stored beside them under the same passage ids (embedders.COMPANIONS). Each model has
its own cache, keyed by its name, so an edit re-embeds only the changed passages for both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from kennisbank.embedders import Embedder, embedder_name
from kennisbank.indexing.embedding_cache import EmbeddingCache
from kennisbank.indexing.parallel_embed import iter_document_vectors
from kennisbank.indexing.vectors import VectorIndex

Advance = Callable[[int, int], None]  # (done, total) of one model's texts


def embed_texts(
    cache_dir: Path,
    texts: list[str],
    hashes: list[str],
    model: Callable[[], Embedder],
    spec: str,
    dim: int,
    workers: int | None,
    advance: Advance,
) -> tuple[np.ndarray, int]:
    """(vectors of ``texts``, how many were embedded rather than taken from the cache).

    ``model`` is a factory: a build whose passages are all cached never loads it.
    """
    cache = EmbeddingCache(cache_dir, embedder_name(spec), dim)
    try:
        total = len(texts)
        done = [0]

        def progress(count: int) -> None:
            done[0] += count
            advance(done[0], total)

        def encode(batch: list[str]) -> Iterator[np.ndarray]:
            return iter_document_vectors(model, spec, batch, progress, workers)

        return cache.embed(texts, hashes, encode)
    finally:
        cache.close()


def replace_vectors(
    index: VectorIndex, old_ids: list[int], new_ids: list[int], vectors: np.ndarray
) -> None:
    """Drop the vectors of removed or changed passages, add those of the new ones."""
    index.remove(np.asarray(old_ids, dtype=np.int64))
    index.add(np.asarray(new_ids, dtype=np.int64), vectors)


def add_case_vectors(index: VectorIndex, owners: list[int], vectors: np.ndarray) -> None:
    """A case's vector is the normalised mean of its passages: used for related cases."""
    if not owners:
        return
    owner_array = np.asarray(owners, dtype=np.int64)
    case_list = np.unique(owner_array)
    means = np.vstack([vectors[owner_array == case_id].mean(axis=0) for case_id in case_list])
    means /= np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)
    index.add(case_list, means.astype(np.float32))

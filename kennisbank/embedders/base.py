"""The embedder interface: queries and documents in, L2-normalised float32 rows out."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


class EmbedderError(Exception):
    """An embedder cannot be created or loaded."""


class Embedder(ABC):
    """Turns text into unit vectors, so inner product is cosine similarity.

    Queries and documents have separate methods because some models encode them
    differently (instructions, prefixes); both return shape (n, dim) float32.
    """

    name: str
    dim: int

    @abstractmethod
    def encode_queries(self, texts: Sequence[str]) -> Vectors: ...

    @abstractmethod
    def encode_documents(self, texts: Sequence[str]) -> Vectors: ...

    def encode_query(self, text: str) -> Vectors:
        """One query as a (1, dim) row, the shape FAISS expects."""
        return self.encode_queries([text])


def normalise(vectors: npt.ArrayLike) -> Vectors:
    """Rows scaled to unit length (zero rows stay zero) as contiguous float32."""
    array = np.ascontiguousarray(vectors, dtype=np.float32)
    if array.ndim == 1:
        array = array[None, :]
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(array / norms, dtype=np.float32)

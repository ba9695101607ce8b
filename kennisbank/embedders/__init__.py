"""Embedders behind one interface; only the chosen backend's heavy modules are imported.

Spec strings name a backend: ``multilingual-e5-small`` (default: the best Dutch retrieval
measured, docs/search-quality.md), ``use-multilingual`` (about 20x faster to build, for very
large collections) or ``sentence-transformers:<model name or path>``.
"""

from __future__ import annotations

from kennisbank.embedders.base import Embedder, EmbedderError

E5_EMBEDDER = "multilingual-e5-small"
USE_EMBEDDER = "use-multilingual"
DEFAULT_EMBEDDER = E5_EMBEDDER
ST_PREFIX = "sentence-transformers:"


def get_embedder(spec: str = DEFAULT_EMBEDDER, threads: int = 1) -> Embedder:
    """Create the embedder a spec string names; raises EmbedderError for an unknown spec."""
    spec = spec.strip()
    if spec == E5_EMBEDDER:
        from kennisbank.embedders.e5 import E5Embedder

        return E5Embedder(threads=threads)
    if spec == USE_EMBEDDER:
        from kennisbank.embedders.use import USEEmbedder

        return USEEmbedder(threads=threads)
    if spec.startswith(ST_PREFIX) and spec[len(ST_PREFIX) :].strip():
        from kennisbank.embedders.sbert import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(spec[len(ST_PREFIX) :].strip(), threads=threads)
    raise EmbedderError(
        f"onbekende embedder '{spec[:80]}'; gebruik '{E5_EMBEDDER}', '{USE_EMBEDDER}' "
        f"of '{ST_PREFIX}<model>'"
    )


# A second opinion on meaning: an e5 index also stores USE vectors of its passages, and a
# search blends USE's standing of each case into the ranking (RankingConfig.companion_weight).
# The two models miss different paraphrases; USE adds ~5 % to a build and ~4 ms to a query
# (docs/search-quality.md, "A second embedder").
COMPANIONS = {E5_EMBEDDER: USE_EMBEDDER}


def companion_for(name: str) -> str | None:
    """The embedder whose vectors an index built with ``name`` stores beside its own."""
    return COMPANIONS.get(name)


def known_backend(name: str) -> bool:
    """Whether an embedder name (from a manifest) names a backend this version has."""
    if name in (E5_EMBEDDER, USE_EMBEDDER):
        return True
    return name.startswith(ST_PREFIX) and len(name) > len(ST_PREFIX)


def known_dim(spec: str) -> int | None:
    """The vector size of a backend that fixes it, without loading the model."""
    return {USE_EMBEDDER: 512, E5_EMBEDDER: 384}.get(spec.strip())


def embedder_name(spec: str) -> str:
    """The name an embedder will report, known without loading it (for manifest checks)."""
    spec = spec.strip()
    if spec.startswith(ST_PREFIX):
        from kennisbank.embedders.naming import stable_model_name

        return ST_PREFIX + stable_model_name(spec[len(ST_PREFIX) :].strip())
    return spec


def spec_for_name(name: str) -> str:
    """Turn a manifest's embedder name back into a loadable spec on this machine."""
    if name.startswith(ST_PREFIX):
        from kennisbank.embedders.naming import resolve_model

        return ST_PREFIX + resolve_model(name[len(ST_PREFIX) :])
    return name


__all__ = [
    "COMPANIONS",
    "DEFAULT_EMBEDDER",
    "E5_EMBEDDER",
    "USE_EMBEDDER",
    "Embedder",
    "EmbedderError",
    "companion_for",
    "embedder_name",
    "get_embedder",
    "known_backend",
    "known_dim",
    "spec_for_name",
]

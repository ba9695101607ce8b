"""The knobs of hybrid ranking, in one typed object (defaults chosen by ``kennisbank eval``).

Kept apart from the searcher so the tuning script and the tests can vary them without
touching code, and so the values and the reasons for them live in one place.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from kennisbank.text.terms import FIELD_WEIGHTS


class RankingConfig(BaseModel):
    # Keyword scorer: in-memory BM25F (fast) or FTS5's bm25 (the reference it replaced).
    lexical_engine: Literal["bm25f", "fts5"] = "bm25f"
    # FTS5 engine only: BM25 weight per column (title, summary, tags, body, compound parts).
    # BM25F applies kennisbank.text.terms.FIELD_WEIGHTS when the index is built.
    field_weights: tuple[float, float, float, float, float] = FIELD_WEIGHTS
    fusion: Literal["rrf", "convex"] = "convex"
    rrf_k: float = Field(default=60.0, gt=0)
    lexical_weight: float = Field(default=1.0, ge=0)
    semantic_weight: float = Field(default=1.0, ge=0)
    # Convex fusion: alpha * semantic + (1 - alpha) * lexical, each scaled to [0, 1].
    alpha: float = Field(default=0.7, ge=0, le=1)
    # Below this cosine, USE vectors of Dutch text are unrelated.
    semantic_floor: float = Field(default=0.2, ge=-1, le=1)
    # A semantic neighbour must come within this share of the query's best match.
    semantic_relative: float = Field(default=0.65, ge=0, le=1)
    # Passages taken from FAISS per query.
    semantic_candidates: int = Field(default=256, ge=10, le=10_000)
    # Query terms found in more than this share of all cases are not matched (at 0.5
    # FTS5's BM25 gives them an IDF of zero anyway).
    max_term_share: float = Field(default=0.5, gt=0, le=1)
    # Score of a case: best passage plus this share of its second best.
    second_passage: float = Field(default=0.0, ge=0, le=1)
    # A query no case matches by keyword or closeness still shows this many cases nearest
    # in meaning ("closest by meaning"), if their cosine clears ``fallback_floor``: below it
    # (USE: gibberish such as "xyzzy" reaches 0.04-0.08, "buurman" 0.13) nothing is shown.
    # Both depend on the embedder: re-measure them when it changes.
    fallback_size: int = Field(default=5, ge=0, le=50)
    fallback_floor: float = Field(default=0.1, ge=-1, le=1)

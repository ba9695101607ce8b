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
    # Convex fusion: BM25F is scaled by the higher of the query's best score and this
    # share of the most its terms could score (0: by the best score alone).
    lexical_coverage: float = Field(default=0.3, ge=0, le=1)
    # Below this cosine, USE vectors of Dutch text are unrelated.
    semantic_floor: float = Field(default=0.2, ge=-1, le=1)
    # A case is *close* (a result by meaning alone) when its best passage clears this
    # cosine and the relative share below; None: the semantic floor. Kept apart from the
    # floor because the floor scales the fusion (where a lower one measured better under
    # e5) while this decides membership, which must stay above what gibberish reaches.
    closeness_floor: float | None = Field(default=None, ge=-1, le=1)
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
    # The result set (search.membership): a case belongs when it covers this idf-weighted
    # share of the query's words, or when its best passage stands ``member_z`` deviations
    # above the query's mean cosine over a sample of passages and within ``member_window``
    # of the query's best. The match is strong when a case covers the words, or one stands
    # ``strong_z`` out (no need the judged sets' collections lack reached it).
    min_should_match: float = Field(default=0.5, gt=0, le=1)
    member_z: float = Field(default=2.0)
    member_window: float = Field(default=1.0, ge=0)
    strong_z: float = Field(default=3.5)
    # Pseudo-relevance feedback on the semantic side: the query vector plus this weight
    # times the mean of its ``prf_depth`` nearest passages (0: off; measured, see
    # docs/search-quality.md).
    prf_depth: int = Field(default=0, ge=0, le=50)
    prf_weight: float = Field(default=0.5, ge=0, le=5)
    # A case's semantic score: its best passage, blended with this weight of the cosine of
    # its mean vector (0: off; measured, see docs/search-quality.md).
    case_vector: float = Field(default=0.0, ge=0, le=5)
    # The thesaurus (search.thesaurus): an expansion of a query word counts on the keyword
    # side at ``synonym_weight`` of its idf, and covers the word in the set rule for
    # ``synonym_credit`` of its weight (0: off; measured, see docs/search-quality.md).
    synonym_weight: float = Field(default=0.8, ge=0, le=1)
    synonym_credit: float = Field(default=0.95, ge=0, le=1)
    # ... and up to this many expansions are added to the text the embedder reads.
    synonym_text: int = Field(default=2, ge=0, le=32)
    # Both only for query words fewer than this many cases contain (0: every word).
    synonym_rare: int = Field(default=0, ge=0)
    # The companion embedder's standing of each case (embedders.COMPANIONS: USE beside
    # e5) replaces this share of the main embedder's z-score in the ranking; membership
    # stays the main embedder's (0: off, and the companion is never loaded).
    companion_weight: float = Field(default=0.0, ge=0, le=1)
    # Cases outside the set shown below it as related ("Verwant"), when the set ends on
    # the page, up to the page size; never counted in the total.
    related: bool = True


# The knobs that depend on the embedder's cosine scale, per embedder name (the manifest's).
# USE puts unrelated Dutch text at a cosine of ~0.1-0.3, multilingual-e5-small at ~0.7-0.8:
# USE's floor of 0.2 would give every e5 neighbour a semantic vote and flatten the signal.
# Values come from the flat region of bench/tune_ranking.py's grid (docs/search-quality.md).
EMBEDDER_KNOBS: dict[str, dict[str, float]] = {
    "use-multilingual": {"semantic_floor": 0.2, "alpha": 0.7, "semantic_relative": 0.65},
    # e5's fallback floor sits above what gibberish reaches: 50 random strings and keyboard
    # mashes against the fixture passages had a best cosine of 0.78-0.82 (real single
    # words 0.80-0.87), so under e5 only a clearly close case is offered "by meaning".
    # e5's fusion floor (0.76) sits below its closeness floor (0.8): scaling cosine from
    # 0.76 measured best on both judged sets, but below 0.8 nearly every case is "close".
    "multilingual-e5-small": {
        "semantic_floor": 0.76,
        "closeness_floor": 0.8,
        "alpha": 0.7,
        "semantic_relative": 0.9,
        "lexical_coverage": 0.45,
        "fallback_floor": 0.825,
        "companion_weight": 0.4,
    },
}


# The overrides that switch the thesaurus off: the baseline its measurements compare with.
THESAURUS_OFF: dict[str, object] = {"synonym_weight": 0.0, "synonym_credit": 0.0, "synonym_text": 0}


# The override that leaves the companion out: its measurements' baseline.
COMPANION_OFF: dict[str, object] = {"companion_weight": 0.0}


def ranking_for(embedder_name: str, **overrides: object) -> RankingConfig:
    """The ranking defaults of an index built with ``embedder_name``, then ``overrides``.

    An embedder without an entry (a sentence-transformers model) gets the class defaults,
    which are USE's: cosine-scaled like USE until someone measures it.
    """
    knobs: dict[str, object] = {**EMBEDDER_KNOBS.get(embedder_name, {}), **overrides}
    return RankingConfig.model_validate(knobs)


def closeness_cutoff(config: RankingConfig) -> float:
    """The cosine below which a query's best match is *weak*: no case is close to it.

    This is the absolute part of the closeness rule (the relative part compares cases with
    the query's own best match, so it never rejects that best match). The search log's
    ``top_score`` is on this scale, and ``kennisbank insights`` reads the cutoff through
    here, from the ranking the searcher of the index uses, so it follows the embedder.
    Where gibberish reaches the floor (e5: 0.78-0.82 against a floor of 0.8) the fallback
    floor, set above gibberish, is the higher and so the honest cutoff.
    """
    return max(absolute_closeness(config), config.fallback_floor)


def absolute_closeness(config: RankingConfig) -> float:
    """The cosine a case's best passage must clear to be a result by meaning alone."""
    if config.closeness_floor is None:
        return config.semantic_floor
    return config.closeness_floor

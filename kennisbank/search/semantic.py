"""The semantic side of a search: a query vector scored against one version's passages.

FAISS gives the nearest passages; each case scores its best passage cosine and counts as
close above the embedder's floor and a share of the best match (searcher.py, step 2). It
is kept apart from the searcher as the one part that works on vectors alone: encoding
the query (embedder, cache, timing) and deciding the result set stay with the searcher.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kennisbank.indexing.vectors import VectorIndex
from kennisbank.search.facets import Mask
from kennisbank.search.fusion import Scores
from kennisbank.search.membership import SAMPLE_SIZE, Calibration
from kennisbank.search.ranking import RankingConfig, absolute_closeness, closeness_cutoff
from kennisbank.search.tables import Positions, Tables
from kennisbank.search.timing import SearchTrace
from kennisbank.search.tried import feedback, with_case_vectors
from kennisbank.text.analysis import known_word, tokens

Vector = npt.NDArray[np.float32]


def calibration_sample(passages: VectorIndex, passage_ids: Positions) -> Calibration:
    """An evenly spread sample of the passages' vectors (membership.Calibration)."""
    if not len(passage_ids):
        return Calibration(np.zeros((0, passages.dim), dtype=np.float32))
    step = max(1, len(passage_ids) // SAMPLE_SIZE)
    return Calibration(passages.reconstruct(passage_ids[::step][:SAMPLE_SIZE]))


def query_floor(query: str, vocabulary: dict[str, int], config: RankingConfig) -> float:
    """The cosine a case must clear to be close to this query (a result by meaning).

    Under e5 the best cosine of a keyboard mash (0.78-0.83 on the fixture passages)
    overlaps that of real words no case uses ("isolement" 0.81), so a query that has a
    Dutch word (``known_word``) or a term of this index gets the closeness floor, and
    one without gets the higher cutoff set above gibberish: a typo such as
    "schuldhulpverlning" (0.89) still finds its cases, "xjdxkxwqn" (0.82) nothing.
    """
    if any(
        known_word(token.word) or token.word in vocabulary or token.stem in vocabulary
        for token in tokens(query)
    ):
        return absolute_closeness(config)
    return closeness_cutoff(config)


@dataclass(frozen=True, eq=False)  # arrays inside: identity is what compares
class SemanticSide:
    """One version's vector indexes and the tables that map their passages to cases."""

    tables: Tables
    passages: VectorIndex
    cases: VectorIndex  # one mean vector per case (``RankingConfig.case_vector``)
    calibration: Calibration

    def candidates(
        self,
        vector: Vector,
        allowed: Mask | None,
        config: RankingConfig,
        trace: SearchTrace,
        floor: float | None = None,
    ) -> tuple[Scores, Mask, dict[int, float]]:
        """Semantic candidates: best passage score per case, the close ones, and per passage.

        The nearest ``semantic_candidates`` passages are ranked; when filters are active a
        second search restricted to the allowed cases makes sure they have candidates too.
        Closeness is judged against the query's best match overall, not the filtered one,
        so it does not change with the filters.
        """
        size = self.tables.size
        passage_ids, passage_case = self.tables.passage_ids, self.tables.passage_case
        if config.prf_depth:
            vector = feedback(self.passages, vector, config.prf_depth, config.prf_weight)
        trace.spread = self.calibration.spread(vector)
        scores, ids = self.passages.search(vector, config.semantic_candidates)
        if not len(ids):
            empty: Scores = np.full(size, np.nan)
            return empty, np.zeros(size, dtype=bool), {}
        floor = absolute_closeness(config) if floor is None else floor
        cutoff = max(floor, config.semantic_relative * float(scores.max()))
        if allowed is not None and not allowed.all():
            bitmap = np.zeros(int(passage_ids[-1]) + 1, dtype=bool)
            bitmap[passage_ids] = allowed[passage_case]
            more_scores, more_ids = self.passages.search(
                vector, config.semantic_candidates, np.packbits(bitmap, bitorder="little")
            )
            scores = np.concatenate([scores, more_scores])
            ids = np.concatenate([ids, more_ids])
        per_passage = dict(zip(ids.tolist(), scores.tolist(), strict=True))
        unique_ids = np.fromiter(per_passage, dtype=np.int64, count=len(per_passage))
        unique_scores = np.fromiter(per_passage.values(), dtype=np.float64, count=len(per_passage))
        positions = passage_case[np.searchsorted(passage_ids, unique_ids)]
        best: Scores = np.full(size, -np.inf)
        np.maximum.at(best, positions, unique_scores)
        if config.case_vector:
            best = with_case_vectors(self.cases, self.tables.case_ids, vector, best, config)
        allowed_best = best if allowed is None else best[allowed]
        if allowed_best.size and np.isfinite(allowed_best).any():
            trace.saw_similarity(float(allowed_best.max()))
        if config.second_passage:
            # second best per case: the best of what remains once each case's best is removed
            is_best = unique_scores >= best[positions]
            second: Scores = np.full(size, -np.inf)
            np.maximum.at(second, positions[~is_best], unique_scores[~is_best])
            best = best + config.second_passage * np.maximum(second, 0.0)
        close = best >= cutoff
        best[np.isinf(best)] = np.nan
        return best, close, per_passage

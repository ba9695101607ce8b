"""Search quality on judged queries: nDCG@k, recall@k, MRR and latency, overall and per kind.

Gains are graded (2 = answers the need, 1 = partly useful) with the usual exponential gain
2^grade - 1, so ranking a fully relevant case first counts three times a partial one.
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ValidationError

from kennisbank.search.searcher import Mode, Searcher, SearchParams


class JudgedQuery(BaseModel):
    id: str
    query: str
    kind: str = "all"
    filters: dict[str, list[str]] = {}
    relevant: dict[str, int]


class Scores(BaseModel):
    queries: int
    ndcg: float
    recall: float
    mrr: float
    median_ms: float


class EvalReport(BaseModel):
    k: int
    mode: Mode
    overall: Scores
    by_kind: dict[str, Scores]
    per_query: dict[str, float]


def load_queries(path: Path) -> list[JudgedQuery]:
    """Read a JSONL file of judged queries; a bad line is reported with its number."""
    queries: list[JudgedQuery] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            queries.append(JudgedQuery.model_validate(json.loads(line)))
        except (ValueError, ValidationError) as exc:
            raise ValueError(f"{path}:{number}: ongeldige vraag: {exc}") from exc
    return queries


def ndcg(ranked: list[str], relevant: dict[str, int], k: int) -> float:
    gains = [2 ** relevant.get(slug, 0) - 1 for slug in ranked[:k]]
    dcg = sum(gain / math.log2(rank + 2) for rank, gain in enumerate(gains))
    ideal = sorted((2**grade - 1 for grade in relevant.values()), reverse=True)[:k]
    best = sum(gain / math.log2(rank + 2) for rank, gain in enumerate(ideal))
    return dcg / best if best else 0.0


def recall(ranked: list[str], relevant: dict[str, int], k: int) -> float:
    wanted = {slug for slug, grade in relevant.items() if grade > 0}
    return len(wanted & set(ranked[:k])) / len(wanted) if wanted else 0.0


def reciprocal_rank(ranked: list[str], relevant: dict[str, int]) -> float:
    for rank, slug in enumerate(ranked, start=1):
        if relevant.get(slug, 0) > 0:
            return 1.0 / rank
    return 0.0


def evaluate(
    searcher: Searcher, queries: Iterable[JudgedQuery], k: int = 10, mode: Mode = "hybrid"
) -> EvalReport:
    rows: list[tuple[JudgedQuery, float, float, float, float]] = []
    searcher.search(SearchParams(query="warm-up", k=1, mode=mode))  # load the model first
    for judged in queries:
        params = SearchParams(
            query=judged.query,
            k=k,
            mode=mode,
            **{
                key: value
                for key, value in judged.filters.items()
                if key in ("principle", "region", "partner")
            },
        )
        result = searcher.search(params)
        ranked = [hit.slug for hit in result.results]
        rows.append(
            (
                judged,
                ndcg(ranked, judged.relevant, k),
                recall(ranked, judged.relevant, k),
                reciprocal_rank(ranked, judged.relevant),
                result.took_ms,
            )
        )
    kinds = sorted({row[0].kind for row in rows})
    return EvalReport(
        k=k,
        mode=mode,
        overall=_scores(rows),
        by_kind={kind: _scores([r for r in rows if r[0].kind == kind]) for kind in kinds},
        per_query={row[0].id: round(row[1], 4) for row in rows},
    )


def _scores(rows: list[tuple[JudgedQuery, float, float, float, float]]) -> Scores:
    if not rows:
        return Scores(queries=0, ndcg=0, recall=0, mrr=0, median_ms=0)
    return Scores(
        queries=len(rows),
        ndcg=round(statistics.fmean(r[1] for r in rows), 4),
        recall=round(statistics.fmean(r[2] for r in rows), 4),
        mrr=round(statistics.fmean(r[3] for r in rows), 4),
        median_ms=round(statistics.median(r[4] for r in rows), 2),
    )


def format_report(report: EvalReport) -> str:
    """A plain table: one row overall, one per kind."""
    k = report.k
    lines = [
        f"mode: {report.mode}",
        f"{'kind':<12} {'n':>4} {'nDCG@' + str(k):>9} {'recall@' + str(k):>10} "
        f"{'MRR':>7} {'p50 ms':>8}",
    ]
    for name, scores in [("overall", report.overall), *report.by_kind.items()]:
        lines.append(
            f"{name:<12} {scores.queries:>4} {scores.ndcg:>9.4f} {scores.recall:>10.4f} "
            f"{scores.mrr:>7.4f} {scores.median_ms:>8.2f}"
        )
    return "\n".join(lines)

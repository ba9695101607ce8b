"""Search quality on judged queries: nDCG@k, recall@k, MRR and latency, overall and per kind.

Gains are graded (2 = answers the need, 1 = partly useful) with the usual exponential gain
2^grade - 1, so ranking a fully relevant case first counts three times a partial one.

Besides the top k, the whole result set is judged: set recall (the judged-relevant cases
inside it), set precision (the judged-relevant share of it) and its median size. A query
whose ``relevant`` is empty is a need that no case covers: it takes no part in the ranking
measures, and counts as answered honestly when its match comes back weak or none.
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ValidationError

from kennisbank.search.searcher import Mode, Searcher, SearchParams


class JudgedQuery(BaseModel):
    id: str
    query: str
    kind: str = "all"
    filters: dict[str, list[str]] = {}
    relevant: dict[str, int] = {}  # empty: a need no case covers

    @property
    def covered(self) -> bool:
        return any(grade > 0 for grade in self.relevant.values())


class Scores(BaseModel):
    queries: int
    ndcg: float
    recall: float
    mrr: float
    median_ms: float
    set_recall: float = 0.0
    set_recall_2: float = 0.0  # of the cases graded 2 ("answers the need") only
    set_precision: float = 0.0
    median_set: float = 0.0


class Uncovered(BaseModel):
    """Needs no case covers: how many came back ``weak`` or ``none`` (honest), and which not."""

    queries: int = 0
    honest: int = 0
    median_set: float = 0.0
    claimed: dict[str, int] = {}  # query id -> total of a query that claimed a strong match


class EvalReport(BaseModel):
    k: int
    mode: Mode
    overall: Scores
    by_kind: dict[str, Scores]
    per_query: dict[str, float]
    uncovered: Uncovered = Uncovered()


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


@dataclass
class Row:
    """One covered query's measures."""

    judged: JudgedQuery
    ndcg: float
    recall: float
    rr: float
    ms: float
    set_recall: float
    set_recall_2: float
    set_precision: float
    set_size: int


def set_measures(members: list[str], relevant: dict[str, int]) -> tuple[float, float]:
    """(set recall, set precision) of a whole result set against the judged cases."""
    wanted = {slug for slug, grade in relevant.items() if grade > 0}
    inside = len(wanted & set(members))
    return (inside / len(wanted) if wanted else 0.0), (inside / len(members) if members else 0.0)


def result_set(searcher: Searcher, params: SearchParams) -> tuple[list[str], str]:
    """Every slug of a search's result set, in order (all its pages), and its match."""
    first = searcher.search(params)
    members = [hit.slug for hit in first.results]
    offset = params.offset + params.k
    while offset < first.total:
        page = searcher.search(params.model_copy(update={"offset": offset, "k": 100}))
        members += [hit.slug for hit in page.results]
        offset += 100
    return members, first.match


def evaluate(
    searcher: Searcher, queries: Iterable[JudgedQuery], k: int = 10, mode: Mode = "hybrid"
) -> EvalReport:
    rows: list[Row] = []
    uncovered = Uncovered()
    sizes: list[int] = []
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
        ranked = [hit.slug for hit in [*result.results, *result.related]]
        members, match = result_set(
            searcher, params.model_copy(update={"k": 100, "snippets": False})
        )
        if not judged.covered:
            uncovered.queries += 1
            sizes.append(len(members))
            if match == "strong":
                uncovered.claimed[judged.id] = len(members)
            else:
                uncovered.honest += 1
            continue
        set_recall, set_precision = set_measures(members, judged.relevant)
        answering = {slug: grade for slug, grade in judged.relevant.items() if grade == 2}
        set_recall_2 = set_measures(members, answering)[0] if answering else set_recall
        rows.append(
            Row(
                judged,
                ndcg(ranked, judged.relevant, k),
                recall(ranked, judged.relevant, k),
                reciprocal_rank(ranked, judged.relevant),
                result.took_ms,
                set_recall,
                set_recall_2,
                set_precision,
                len(members),
            )
        )
    if sizes:
        uncovered.median_set = float(statistics.median(sizes))
    kinds = sorted({row.judged.kind for row in rows})
    return EvalReport(
        k=k,
        mode=mode,
        overall=_scores(rows),
        by_kind={kind: _scores([r for r in rows if r.judged.kind == kind]) for kind in kinds},
        per_query={row.judged.id: round(row.ndcg, 4) for row in rows},
        uncovered=uncovered,
    )


def _scores(rows: list[Row]) -> Scores:
    if not rows:
        return Scores(queries=0, ndcg=0, recall=0, mrr=0, median_ms=0)
    return Scores(
        queries=len(rows),
        ndcg=round(statistics.fmean(r.ndcg for r in rows), 4),
        recall=round(statistics.fmean(r.recall for r in rows), 4),
        mrr=round(statistics.fmean(r.rr for r in rows), 4),
        median_ms=round(statistics.median(r.ms for r in rows), 2),
        set_recall=round(statistics.fmean(r.set_recall for r in rows), 4),
        set_recall_2=round(statistics.fmean(r.set_recall_2 for r in rows), 4),
        set_precision=round(statistics.fmean(r.set_precision for r in rows), 4),
        median_set=float(statistics.median(r.set_size for r in rows)),
    )


def format_report(report: EvalReport) -> str:
    """A plain table: one row overall, one per kind."""
    k = report.k
    lines = [
        f"mode: {report.mode}",
        f"{'kind':<12} {'n':>4} {'nDCG@' + str(k):>9} {'recall@' + str(k):>10} "
        f"{'MRR':>7} {'p50 ms':>8} {'set rec':>8} {'rec gr2':>8} {'set prec':>9} "
        f"{'set p50':>8}",
    ]
    for name, scores in [("overall", report.overall), *report.by_kind.items()]:
        lines.append(
            f"{name:<12} {scores.queries:>4} {scores.ndcg:>9.4f} {scores.recall:>10.4f} "
            f"{scores.mrr:>7.4f} {scores.median_ms:>8.2f} {scores.set_recall:>8.4f} "
            f"{scores.set_recall_2:>8.4f} {scores.set_precision:>9.4f} {scores.median_set:>8.1f}"
        )
    gone = report.uncovered
    if gone.queries:
        claimed = ", ".join(f"{key} ({total})" for key, total in gone.claimed.items())
        lines.append(
            f"uncovered    {gone.queries:>4} weak or none: {gone.honest}/{gone.queries}, "
            f"median set {gone.median_set:.1f}" + (f"; strong: {claimed}" if claimed else "")
        )
    return "\n".join(lines)

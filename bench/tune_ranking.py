"""Grid over RankingConfig on the judged queries: a tool for choosing defaults by measurement.

    python bench/tune_ranking.py tests/data/queries.jsonl --index /tmp/e5-index

The embedder is the index's own (its manifest). Query vectors come from the process's
query-vector cache, so each query is encoded once and the grid costs lexical + fusion time
only. Read the per-kind columns and the neighbourhood, not just the best row: defaults are
taken from the flat region, where a step in any knob moves nDCG@10 by less than the noise.
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

from kennisbank.search.evaluation import evaluate, load_queries
from kennisbank.search.ranking import ranking_for
from kennisbank.search.searcher import Searcher


def floats(text: str) -> list[float]:
    return [float(part) for part in text.split(",")]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("queries", type=Path)
    parser.add_argument("--index", type=Path, default=Path("index"))
    parser.add_argument("--alpha", type=floats, default=[0.5, 0.6, 0.7, 0.8])
    parser.add_argument("--floor", type=floats, default=[0.15, 0.2, 0.25])
    parser.add_argument("--relative", type=floats, default=[0.65])
    parser.add_argument("--coverage", type=floats, default=[0.0])
    parser.add_argument(
        "--close", type=floats, default=[], help="closeness floors (default: the floor)"
    )
    args = parser.parse_args()
    queries = load_queries(args.queries)
    base = Searcher(args.index)
    print(f"embedder {base.manifest.embedder}; nDCG recall MRR paraphrase-nDCG | knobs | kinds")
    rows = []
    closes: list[float | None] = [*args.close] or [None]
    grid = itertools.product(args.alpha, args.floor, args.relative, args.coverage, closes)
    for alpha, floor, relative, coverage, close in grid:
        config = ranking_for(
            base.manifest.embedder,
            alpha=alpha,
            semantic_floor=floor,
            semantic_relative=relative,
            lexical_coverage=coverage,
            closeness_floor=close,
        )
        searcher = Searcher(args.index, embedder=base.embedder(), ranking=config)
        report = evaluate(searcher, queries)
        kinds = " ".join(f"{k}={s.ndcg:.3f}" for k, s in sorted(report.by_kind.items()))
        overall = report.overall
        para = report.by_kind["paraphrase"].ndcg if "paraphrase" in report.by_kind else 0.0
        rows.append(
            (
                overall.ndcg,
                f"{overall.recall:.3f} {overall.mrr:.3f} {para:.4f}",
                alpha,
                floor,
                relative,
                coverage,
                close,
                kinds,
            )
        )
    for ndcg, rest, alpha, floor, relative, coverage, close, kinds in sorted(
        rows, key=lambda r: -r[0]
    ):
        knobs = f"a={alpha} floor={floor} rel={relative} cov={coverage} close={close}"
        print(f"{ndcg:.4f} {rest} | {knobs} | {kinds}")


if __name__ == "__main__":
    main()

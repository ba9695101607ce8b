"""Grid over the result-set knobs (search.membership) on judged query sets, side by side.

    python bench/tune_set_rule.py tests/data/queries.jsonl:/tmp/e5fx \\
        bench/queries/content.jsonl:/tmp/e5real --msm 0.4,0.5 --member-z 1.8,2.0 \\
        --window 0.5,1.0 --strong-z 3.0,3.5

Each set is QUERIES:INDEX. Per combination and set it prints nDCG@10, set recall, set
precision, median set size, and how many needs no case covers came back weak or none.
Query vectors are encoded once per process (the query-vector cache), so a grid costs
ranking time only. Choose from the region where neighbours score alike, not the best row.
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
    parser.add_argument("sets", nargs="+", help="QUERIES.jsonl:INDEX_DIR")
    parser.add_argument("--msm", type=floats, default=[0.5])
    parser.add_argument("--member-z", type=floats, default=[2.0])
    parser.add_argument("--window", type=floats, default=[0.5])
    parser.add_argument("--strong-z", type=floats, default=[3.5])
    args = parser.parse_args()
    sets = []
    for spec in args.sets:
        queries, index = spec.rsplit(":", 1)
        base = Searcher(Path(index))
        sets.append((Path(queries).stem, load_queries(Path(queries)), Path(index), base))
    print("msm member_z window strong_z | per set: nDCG set-recall set-precision set-p50 honest")
    grid = itertools.product(args.msm, args.member_z, args.window, args.strong_z)
    for msm, member_z, window, strong_z in grid:
        cells = []
        for name, queries, index, base in sets:
            config = ranking_for(
                base.manifest.embedder,
                min_should_match=msm,
                member_z=member_z,
                member_window=window,
                strong_z=strong_z,
            )
            searcher = Searcher(index, embedder=base.embedder(), ranking=config)
            report = evaluate(searcher, queries)
            o, u = report.overall, report.uncovered
            cells.append(
                f"{name}: {o.ndcg:.3f} {o.set_recall:.3f} {o.set_precision:.3f} "
                f"{o.median_set:.0f} {u.honest}/{u.queries}"
            )
        print(f"{msm} {member_z} {window} {strong_z} | " + " | ".join(cells), flush=True)


if __name__ == "__main__":
    main()

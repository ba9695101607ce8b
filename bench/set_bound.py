"""Where set recall is lost: strong searches, or the five cases a weak search may show.

    python bench/set_bound.py bench/queries/content.jsonl --index /tmp/e5real

A weak search (no case is about the query) shows at most ``fallback_size`` cases, so a
query with more relevant cases than that cannot reach set recall 1 while it stays weak.
This prints, per judged set, the set recall the rule could reach if every weak search
showed only relevant cases (1 for a strong search, min(1, 5 / relevant) for a weak one),
beside the measured set recall and precision of the strong and the weak searches.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

from kennisbank.search.evaluation import load_queries, result_set, set_measures
from kennisbank.search.searcher import Searcher, SearchParams


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("queries", type=Path)
    parser.add_argument("--index", type=Path, required=True)
    args = parser.parse_args()
    searcher = Searcher(args.index)
    shown = searcher.ranking.fallback_size
    rows: list[tuple[bool, int, float, float]] = []
    for judged in load_queries(args.queries):
        if not judged.covered:
            continue
        facets = ("principle", "region", "partner")  # what ``kennisbank eval`` passes on
        filters = {key: value for key, value in judged.filters.items() if key in facets}
        params = SearchParams(query=judged.query, k=100, snippets=False, **filters)
        members, match = result_set(searcher, params)
        recall, precision = set_measures(members, judged.relevant)
        rows.append((match == "strong", len(judged.relevant), recall, precision))

    def mean(values: list[float]) -> float | None:
        return round(statistics.fmean(values), 3) if values else None

    strong = [row for row in rows if row[0]]
    weak = [row for row in rows if not row[0]]
    report = {
        "queries": len(rows),
        "weak": len(weak),
        "weak_with_more_relevant_than_shown": sum(row[1] > shown for row in weak),
        "set_recall_bound": mean([1.0 if row[0] else min(1.0, shown / row[1]) for row in rows]),
        "set_recall": mean([row[2] for row in rows]),
        "strong_set_recall": mean([row[2] for row in strong]),
        "strong_set_precision": mean([row[3] for row in strong]),
        "weak_set_recall": mean([row[2] for row in weak]),
        "weak_set_precision": mean([row[3] for row in weak]),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

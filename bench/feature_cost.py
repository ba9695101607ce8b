"""What a part of the ranking costs a search: the same queries with and without it, in one run.

    python bench/feature_cost.py --index /tmp/e5real --queries bench/queries/content.jsonl \
        [--feature thesaurus|companion]

``thesaurus`` adds words to the text the embedder reads (``synonym_text``), so under e5 a
query costs more to encode (~2 ms a token); the rest (expansion, coverage, BM25F terms) is
in-memory work. ``companion`` encodes the query a second time, with USE, and searches its
passage vectors (an e5 index only). Each query is searched cold (no query-vector cache),
alternating the two searchers so that drift on a shared machine hits both alike; per
round the medians are taken, and the figures are the median over rounds with their ratio.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from kennisbank.search.evaluation import load_queries
from kennisbank.search.ranking import COMPANION_OFF, THESAURUS_OFF, ranking_for
from kennisbank.search.searcher import Searcher, SearchParams
from kennisbank.search.thesaurus import thesaurus

FEATURES_OFF = {"thesaurus": THESAURUS_OFF, "companion": COMPANION_OFF}


def timed(searcher: Searcher, query: str) -> float:
    started = time.perf_counter()
    searcher.search(SearchParams(query=query))
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--queries", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--feature", choices=sorted(FEATURES_OFF), default="thesaurus")
    args = parser.parse_args()
    probe = Searcher(args.index, query_cache=None)
    embedder = probe.embedder()
    with_it = Searcher(args.index, embedder=embedder, query_cache=None)
    without = Searcher(
        args.index,
        embedder=embedder,
        ranking=ranking_for(probe.manifest.embedder, **FEATURES_OFF[args.feature]),
        query_cache=None,
    )
    if args.feature == "companion" and with_it.companion is None:
        parser.error(f"{args.index}: index zonder tweede embedder (bouw met e5)")
    queries = [query.query for query in load_queries(args.queries)]
    expanded = sum(bool(thesaurus().expand(query)) for query in queries)
    timed(with_it, "opwarmen")
    timed(without, "opwarmen")
    rounds: list[tuple[float, float]] = []
    for _ in range(args.rounds):
        on: list[float] = []
        off: list[float] = []
        for query in queries:
            off.append(timed(without, query))
            on.append(timed(with_it, query))
        rounds.append((statistics.median(off), statistics.median(on)))
    off_ms = statistics.median(r[0] for r in rounds)
    on_ms = statistics.median(r[1] for r in rounds)
    print(
        json.dumps(
            {
                "embedder": probe.manifest.embedder,
                "feature": args.feature,
                "queries": len(queries),
                "expanded": expanded,
                "rounds": args.rounds,
                "search_p50_ms_without": round(off_ms, 2),
                "search_p50_ms_with": round(on_ms, 2),
                "ratio": round(on_ms / off_ms, 3),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()

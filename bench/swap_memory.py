"""Does memory stay flat over many version swaps? (leak versus allocator retention)

    python bench/swap_memory.py --index bench/corpus/index-10000 --swaps 20

Opens the index once (steady state after a few searches), then swaps in a freshly opened
searcher `--swaps` times, the way the web app's holder does: the new one answers a few
searches, the old one is dropped, and the heap is trimmed as `kennisbank.webapp.operations.memory`
does once nothing uses the old version. RSS is printed after every swap, with and
without the trim, so a leak (growing with every swap) and glibc keeping freed pages
(a plateau, given back by the trim) can be told apart.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
from pathlib import Path

from procfs import status_kb

from kennisbank.search.searcher import Searcher, SearchParams
from kennisbank.webapp.operations.memory import trim

QUERIES = ("schulden", "jonge gezinnen met geldzorgen", "hoe krijg je bewoners mee")


def rss_mb() -> float:
    return status_kb("VmRSS") / 1024


def warm(searcher: Searcher) -> None:
    for query in QUERIES:
        searcher.search(SearchParams(query=query))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--swaps", type=int, default=20)
    args = parser.parse_args()
    searcher = Searcher(args.index)
    warm(searcher)
    steady = rss_mb()
    rows = []
    for swap in range(1, args.swaps + 1):
        new = Searcher(args.index, embedder=searcher.embedder())
        warm(new)
        both = rss_mb()
        searcher = new
        del new
        gc.collect()
        untrimmed = rss_mb()
        trim()
        rows.append({"swap": swap, "both": both, "released": untrimmed, "trimmed": rss_mb()})
        print(json.dumps({k: round(v, 1) for k, v in rows[-1].items()}), flush=True)
    trimmed = [row["trimmed"] for row in rows]
    half = len(trimmed) // 2
    print(
        json.dumps(
            {
                "steady_mb": round(steady, 1),
                "after_trim_first_half_median_mb": round(statistics.median(trimmed[:half]), 1),
                "after_trim_second_half_median_mb": round(statistics.median(trimmed[half:]), 1),
                "after_trim_last_mb": round(trimmed[-1], 1),
                "peak_two_versions_mb": round(max(row["both"] for row in rows), 1),
            }
        )
    )


if __name__ == "__main__":
    main()

"""Grid over RankingConfig on the judged queries: a tool for choosing defaults by measurement.

    python bench/tune_ranking.py tests/data/queries.jsonl --index index

Query vectors are cached so the grid costs lexical + fusion time only. Read the per-kind
columns, not just the total: a setting that wins overall by losing one kind will not
generalise to unseen content.
"""

from __future__ import annotations

import argparse
import itertools
from functools import lru_cache
from pathlib import Path

from kennisbank.embedders import get_embedder
from kennisbank.embedders.base import Embedder, Vectors
from kennisbank.search.evaluation import evaluate, load_queries
from kennisbank.search.ranking import RankingConfig
from kennisbank.search.searcher import Searcher


class CachedEmbedder(Embedder):
    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self._cached = lru_cache(maxsize=None)(lambda text: inner.encode_queries([text]))

    def encode_queries(self, texts: list[str]) -> Vectors:  # type: ignore[override]
        return self._cached(texts[0]) if len(texts) == 1 else self.inner.encode_queries(texts)

    def encode_documents(self, texts: list[str]) -> Vectors:  # type: ignore[override]
        return self.inner.encode_documents(texts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("queries", type=Path)
    parser.add_argument("--index", type=Path, default=Path("index"))
    parser.add_argument("--embedder", default="use-multilingual")
    args = parser.parse_args()
    queries = load_queries(args.queries)
    embedder = CachedEmbedder(get_embedder(args.embedder))
    grid = {
        "lexical_engine": ["bm25f"],
        "alpha": [0.5, 0.6, 0.7, 0.8],
        "semantic_floor": [0.15, 0.2, 0.25],
    }
    rows = []
    for values in itertools.product(*grid.values()):
        config = RankingConfig(**dict(zip(grid, values, strict=True)))
        searcher = Searcher(args.index, embedder=embedder, ranking=config)
        report = evaluate(searcher, queries)
        kinds = " ".join(f"{k}={s.ndcg:.3f}" for k, s in report.by_kind.items())
        rows.append((report.overall.ndcg, dict(zip(grid, values, strict=True)), kinds))
    for ndcg, setting, kinds in sorted(rows, key=lambda r: -r[0]):
        print(f"{ndcg:.4f}  {setting}  {kinds}")


if __name__ == "__main__":
    main()

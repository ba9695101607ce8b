"""What each part of the Dutch analyzer adds: rebuild the index without it and evaluate.

    python bench/lexical_ablation.py tests/data/queries.jsonl

Each variant switches one step off (stemming, diacritic folding, stop words, compound
splitting) in both the index and the query, rebuilds into a temporary folder (embeddings
come from a shared cache, so only the lexical side changes) and reports nDCG@10 for
lexical-only and hybrid search.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from kennisbank.indexing.builder import build_index
from kennisbank.search.evaluation import evaluate, load_queries
from kennisbank.search.searcher import Searcher
from kennisbank.text import analysis


@contextlib.contextmanager
def variant(name: str) -> Iterator[None]:
    saved = {k: getattr(analysis, k) for k in ("stem", "compound_parts", "STOP_WORDS", "normalize")}
    if name == "no stemming":
        analysis.stem = lambda word: word  # type: ignore[assignment]
    elif name == "no compound splitting":
        analysis.compound_parts = lambda word: ()  # type: ignore[assignment]
    elif name == "no stop words":
        analysis.STOP_WORDS = frozenset()  # type: ignore[misc]
    elif name == "no diacritic folding":
        analysis.normalize = str.lower  # type: ignore[assignment]
    analysis.part_stems.cache_clear()
    try:
        yield
    finally:
        for key, value in saved.items():
            setattr(analysis, key, value)
        analysis.part_stems.cache_clear()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("queries", type=Path)
    parser.add_argument("--content", type=Path, default=Path("tests/fixtures/content"))
    args = parser.parse_args()
    queries = load_queries(args.queries)
    names = [
        "full analyzer",
        "no stemming",
        "no diacritic folding",
        "no stop words",
        "no compound splitting",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        cache_seed = Path(tmp) / "seed"
        build_index(args.content, cache_seed)
        print(f"{'variant':<24} {'lexical':>8} {'hybrid':>8}  lexical per kind")
        for name in names:
            index = Path(tmp) / name.replace(" ", "-")
            index.mkdir()
            shutil.copytree(cache_seed / "cache", index / "cache")
            with variant(name):
                build_index(args.content, index)
                searcher = Searcher(index)
                lexical = evaluate(searcher, queries, mode="lexical")
                hybrid = evaluate(searcher, queries, mode="hybrid")
            kinds = " ".join(f"{k}={s.ndcg:.3f}" for k, s in lexical.by_kind.items())
            print(f"{name:<24} {lexical.overall.ndcg:>8.4f} {hybrid.overall.ndcg:>8.4f}  {kinds}")


if __name__ == "__main__":
    main()

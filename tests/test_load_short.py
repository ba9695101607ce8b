"""The load test in a short, bounded form: wrk on loopback while the index is rebuilt.

The full runs (60 s at 32 and 128 connections, 1 and 2 workers) are `bench/load_test.py`;
this one runs the same code for 8 s with two workers and proves on every CI run that no
request fails, every response names (in a header) a version that was built, and no API
answer's body names another version than its header, while five incremental rebuilds and
one full rebuild swap versions in.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load_bench() -> object:
    spec = importlib.util.spec_from_file_location("load_test", ROOT / "bench" / "load_test.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["load_test"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_no_request_fails_while_the_index_is_rebuilt(tmp_path: Path) -> None:
    if shutil.which("wrk") is None:
        pytest.fail("wrk is not installed (Debian package 'wrk'; scripts/test.sh installs it)")
    bench: Any = load_bench()
    content = tmp_path / "content"
    shutil.copytree(ROOT / "tests" / "fixtures" / "content", content)
    index = tmp_path / "index"
    from kennisbank.indexing.builder import build_index

    first = build_index(content, index).version
    url_file = tmp_path / "urls.txt"
    url_file.write_text("\n".join(bench.urls(ROOT / "tests/data/queries.jsonl")) + "\n")
    args = argparse.Namespace(
        index=index, content=content, duration=8, rebuild=True, baseline_seconds=2
    )

    row = bench.one_run(args, url_file, workers=2, connections=16)

    assert row["requests"] > 0
    assert row["non_2xx"] == 0, row
    assert row["socket_errors"] == 0, row
    assert row["body_header_mismatches"] == 0, row
    assert len(row["rebuilds"]) == 6, row["rebuilds"]  # 5 incremental + 1 full, all under load
    assert row["unknown_versions"] == [], row  # no answer named a version never built
    served = row["versions_served"]
    assert "MISSING" not in served, served
    assert first in served and len(served) >= 2, served  # answers really moved on
    assert max(row["versions_built"]) in served, served  # the full rebuild's too, under load
    assert row["rss_after_kb"] < 1.5 * row["rss_before_kb"], row

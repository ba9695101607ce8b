"""The load test in a short, bounded form: wrk on loopback while the index is rebuilt.

The full runs (60 s at 32 and 128 connections, 1 and 2 workers) are `bench/load_test.py`;
this one proves on every CI run that no request fails and no answer names an index
version that was never built, while incremental and full rebuilds swap versions in.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

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
        pytest.fail("wrk is not installed (Debian package 'wrk'; .ci/run installs it)")
    bench = load_bench()
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    index = tmp_path / "index"
    from kennisbank.builder import build_index

    build_index(content, index)
    url_file = tmp_path / "urls.txt"
    url_file.write_text("\n".join(bench.urls(ROOT / "tests/data/queries.jsonl")) + "\n")  # type: ignore[attr-defined]
    server, base = bench.start_server(index, 1)  # type: ignore[attr-defined]
    try:
        import json
        import threading

        versions = {json.loads((index / "manifest.json").read_text())["version"]}
        seen: dict[str, int] = {}
        log: list[str] = []
        stop = threading.Event()
        threads = [
            threading.Thread(target=bench.rebuilds, args=(content, index, versions, log)),  # type: ignore[attr-defined]
            threading.Thread(target=bench.check_versions, args=(base, versions, stop, seen)),  # type: ignore[attr-defined]
        ]
        for thread in threads:
            thread.start()
        result = bench.run_wrk(base, url_file, 16, 12)  # type: ignore[attr-defined]
        threads[0].join(timeout=600)
        stop.set()
        threads[1].join(timeout=60)
    finally:
        server.terminate()
        server.wait(timeout=60)
    assert result["requests"] > 0
    assert result["non_2xx"] == 0, result
    assert result["socket_errors"] == 0, result
    assert len(log) == 6, log  # five incremental rebuilds and one full one all finished
    assert set(seen) <= versions, (seen, versions)
    assert len(seen) >= 2, seen  # the answers really moved to newer versions

"""Swapping index versions in the running app lets go of the old ones.

A server that rebuilds many times a day must not keep every version it ever served: the
holder drops its reference when a new version loads, and once the requests that used the
old searcher have finished, nothing holds it, its SQLite connection or its open files. The
load test measures the memory this saves (bench/load_test.py --rebuild); this test proves
the mechanism with weak references and the process's open file descriptors.
"""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from fastapi.testclient import TestClient
from test_build import BASE_CASES, case_file, write_tree

from kennisbank.builder import build_index
from kennisbank.manifest import VERSIONS_DIR
from kennisbank.webapp import Settings, create_app


def open_paths() -> set[str]:
    paths = set()
    for fd in Path("/proc/self/fd").iterdir():
        try:
            paths.add(str(fd.readlink()))
        except OSError:
            continue  # closed between listing and reading
    return paths


def test_old_versions_are_released_after_a_swap(tmp_path: Path) -> None:
    content = write_tree(tmp_path / "content", {slug: case_file(slug) for slug in BASE_CASES})
    index = tmp_path / "index"
    first = build_index(content, index).version
    client = TestClient(create_app(Settings(index=index, reload_interval=0)))
    holder = client.app.state.holder  # type: ignore[attr-defined]
    assert client.get("/api/search", params={"q": "schulden"}).json()["index"] == first

    released: list[weakref.ref[object]] = []
    versions = [first]
    case = content / "cases" / f"{next(iter(BASE_CASES))}.md"
    for edit in range(1, 5):
        released.append(weakref.ref(holder.current()))
        case.write_text(case_file(next(iter(BASE_CASES))) + f"\nWijziging {edit}.\n")
        versions.append(build_index(content, index).version)
        for path in ("/api/search?q=schulden", "/zoeken?q=schulden", "/healthz"):
            response = client.get(path)
            assert response.headers["x-kennisbank-index"] == versions[-1], path
    gc.collect()

    assert [ref() is None for ref in released] == [True] * 4
    assert holder.current().version == versions[-1]
    version_root = str(index.resolve() / VERSIONS_DIR)
    still_open = {p for p in open_paths() if p.startswith(version_root)}
    assert {Path(p).parent.name for p in still_open} <= {versions[-1]}, still_open

"""Swapping index versions in the running app lets go of the old ones.

A server that rebuilds many times a day must not keep every version it ever served: the
holder drops its reference when a new version loads, and once the requests that used the
old searcher have finished, nothing holds it, its SQLite connection or its open files. The
load test measures the memory this saves (bench/load_test.py --rebuild); this test proves
the mechanism with weak references and the process's open file descriptors.
"""

from __future__ import annotations

import logging
import weakref
from pathlib import Path

import pytest
from conftest import wait_for
from fastapi.testclient import TestClient
from test_build import BASE_CASES, case_file, write_tree

import kennisbank.search.searcher as searcher_module
from kennisbank.indexing.builder import KEEP_VERSIONS, build_index
from kennisbank.indexing.layout import VERSIONS_DIR
from kennisbank.indexing.manifest import Manifest
from kennisbank.webapp import Settings, create_app


def open_paths() -> set[str]:
    paths = set()
    for fd in Path("/proc/self/fd").iterdir():
        try:
            paths.add(str(fd.readlink()))
        except OSError:
            continue  # closed between listing and reading
    return paths


def served_version(client: TestClient, path: str = "/healthz") -> str:
    return client.get(path).headers["x-kennisbank-index"]


def test_a_new_version_opens_in_the_background_and_old_ones_are_released(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="kennisbank")
    content = write_tree(tmp_path / "content", {slug: case_file(slug) for slug in BASE_CASES})
    index = tmp_path / "index"
    versions = [build_index(content, index).version]
    client = TestClient(create_app(Settings(index=index, reload_interval=0)))
    holder = client.app.state.holder  # type: ignore[attr-defined]
    assert served_version(client) == versions[0]

    released: list[weakref.ref[object]] = []
    slug = next(iter(BASE_CASES))
    for edit in range(1, 5):
        released.append(weakref.ref(holder.current()))
        wait_for(lambda: not holder.reloading)
        (content / "cases" / f"{slug}.md").write_text(case_file(slug) + f"\nWijziging {edit}.\n")
        versions.append(build_index(content, index).version)
        # The request that notices the new manifest is answered by the open version: no
        # request waits for a version to load.
        assert served_version(client, "/api/search?q=schulden") == versions[-2]
        wait_for(lambda: served_version(client) == versions[-1])
        for path in ("/api/search?q=schulden", "/zoeken?q=schulden", "/voorbeelden/" + slug):
            assert served_version(client, path) == versions[-1], path

    wait_for(lambda: all(ref() is None for ref in released))
    assert holder.current().version == versions[-1]
    version_root = str(index.resolve() / VERSIONS_DIR)
    still_open = {p for p in open_paths() if p.startswith(version_root)}
    assert {Path(p).parent.name for p in still_open} <= {versions[-1]}, still_open
    wait_for(lambda: caplog.text.count("geheugen van indexversie") == 4)
    for version in versions[:-1]:
        assert f"geheugen van indexversie {version} vrijgegeven" in caplog.text


def test_a_version_pruned_while_it_opens_is_skipped_for_the_newer_one(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Builds faster than a server opens versions (seen under load at 10k cases).

    The race is made certain by running the builds at the worst moment: after the server
    has read the manifest and before it checks the version's files, real builds publish
    newer versions and prune the one being opened.
    """
    caplog.set_level(logging.INFO, logger="kennisbank")
    content = write_tree(tmp_path / "content", {slug: case_file(slug) for slug in BASE_CASES})
    index = tmp_path / "index"
    build_index(content, index)
    client = TestClient(create_app(Settings(index=index, reload_interval=3600)))
    holder = client.app.state.holder  # type: ignore[attr-defined]
    slug = next(iter(BASE_CASES))

    def rebuild(edit: int) -> str:
        (content / "cases" / f"{slug}.md").write_text(case_file(slug) + f"\nWijziging {edit}.\n")
        return build_index(content, index).version

    opening = rebuild(1)
    newest: list[str] = []
    real_verify = searcher_module.verify_files

    def verify_after_newer_builds(manifest: Manifest, folder: Path) -> None:
        if manifest.version == opening:
            newest.extend(rebuild(edit) for edit in range(2, 2 + KEEP_VERSIONS))
            assert not folder.exists()  # pruned under the server's feet
        real_verify(manifest, folder)

    monkeypatch.setattr(searcher_module, "verify_files", verify_after_newer_builds)
    assert holder.refresh().version == newest[-1]
    assert holder.error is None
    assert "index niet geladen" not in caplog.text
    assert served_version(client) == newest[-1]

"""A build never publishes less than it should, and never reads what it must not.

Issue 21, items 1-3 and the stale temporary manifest of item 7. Everything is real: the
CLI runs as its own process where a hang or a runaway read is the failure (bounded by a
timeout and an address-space limit, so a regression fails the test instead of the
machine), special files are real FIFOs and devices, and an unreadable file is unreadable
for a real unprivileged user (the tests run as root, which reads anything).
"""

from __future__ import annotations

import os
import resource
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_faults import (
    BUILD_ENV,
    TRACEBACK_WORDS,
    Built,
    assert_old_index_serves,
    copy_built,
    small,  # noqa: F401 - the module-scoped fixture, built once here too
)
from typer.testing import CliRunner

from kennisbank.cli import app as cli_app
from kennisbank.content.files import MAX_FILE_BYTES, FileTooLarge, NotRegularFile, read_limited
from kennisbank.content.loading import load_content
from kennisbank.indexing.builder import RemovalRefused, build_index
from kennisbank.indexing.layout import MANIFEST_FILE, VERSIONS_DIR
from kennisbank.search.searcher import Searcher

NOBODY = 65534
AS_LIMIT = 3 << 30  # a runaway read fails within this address space, not the machine's


@pytest.fixture
def world(small: Built) -> Iterator[Built]:  # noqa: F811
    """A copy of the small index in a folder every user may enter (pytest's is 0700)."""
    root = Path(tempfile.mkdtemp(prefix="kennisbank-robust-"))
    root.chmod(0o755)
    try:
        built = copy_built(small, root)
        for path in root.rglob("*"):
            path.chmod(0o755 if path.is_dir() else 0o644)
        yield built
    finally:
        for path in root.rglob("*"):  # a test may leave a mode 000 folder behind
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(root, ignore_errors=True)


def unprivileged() -> list[str]:
    """A command prefix that runs as ``nobody`` when the tests run as root (else nothing)."""
    if os.geteuid() != 0:
        return []
    return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]


def bounded() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))


def kennisbank(
    *args: str, timeout: float = 60, prefix: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m kennisbank ...`` as its own process, bounded in time and memory."""
    return subprocess.run(
        [*(prefix or []), sys.executable, "-m", "kennisbank", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=BUILD_ENV,
        preexec_fn=bounded,
        cwd="/",
    )


def build_args(built: Built, *extra: str) -> list[str]:
    return [
        "build",
        "--quiet",
        *extra,
        "--content",
        str(built.content),
        "--index",
        str(built.index),
    ]


def assert_one_clean_failure(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    for word in TRACEBACK_WORDS:
        assert word not in result.stderr, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)


# --- item 1: a missing or unreadable cases folder, a build that removes most cases -----------


def test_validate_and_build_refuse_a_missing_cases_folder(world: Built, use_embedder: Any) -> None:
    (world.content / "cases").rename(world.content / "x")
    checked = CliRunner().invoke(cli_app, ["validate", "--content", str(world.content)])
    assert checked.exit_code == 1, checked.output
    assert f"{world.content / 'cases'}: map met voorbeelden bestaat niet" in checked.output
    assert "0 cases, 0 collections, 1 error" in checked.output

    result = kennisbank(*build_args(world))
    assert_one_clean_failure(result, f"{world.content / 'cases'}: map met voorbeelden bestaat niet")
    assert_old_index_serves(world, use_embedder)


def test_an_unreadable_cases_folder_is_an_error_naming_it(world: Built, use_embedder: Any) -> None:
    cases = world.content / "cases"
    cases.chmod(0)
    try:
        checked = kennisbank("validate", "--content", str(world.content), prefix=unprivileged())
        assert checked.returncode == 1, checked.stdout
        assert f"{cases}: map kan niet gelezen worden (Permission denied)" in checked.stdout
        shutil.chown(world.index, NOBODY, NOBODY)
        for path in world.index.rglob("*"):
            os.chown(path, NOBODY, NOBODY, follow_symlinks=False)
        result = kennisbank(*build_args(world), prefix=unprivileged())
        assert_one_clean_failure(result, f"{cases}: map kan niet gelezen worden")
    finally:
        cases.chmod(0o755)
    assert_old_index_serves(world, use_embedder)


def test_a_build_that_removes_most_published_cases_is_refused(
    world: Built, use_embedder: Any
) -> None:
    slugs = sorted(p.stem for p in (world.content / "cases").glob("*.md"))
    assert len(slugs) == 4
    for slug in slugs[:3]:
        (world.content / "cases" / f"{slug}.md").unlink()
    with pytest.raises(RemovalRefused) as refused:
        build_index(world.content, world.index)
    assert (refused.value.removed, refused.value.served) == (3, 4)
    with pytest.raises(RemovalRefused):
        build_index(world.content, world.index, full=True)  # a full build is no way round
    result = kennisbank(*build_args(world))
    assert_one_clean_failure(result, "3 van de 4 gepubliceerde voorbeelden", "--allow-removals")
    assert_old_index_serves(world, use_embedder)

    result = kennisbank(*build_args(world, "--allow-removals"))
    assert result.returncode == 0, result.stderr
    assert Searcher(world.index, embedder=use_embedder).slugs == [slugs[3]]


def test_removing_half_or_fewer_needs_no_flag(world: Built) -> None:
    for slug in sorted(p.stem for p in (world.content / "cases").glob("*.md"))[:2]:
        (world.content / "cases" / f"{slug}.md").unlink()
    report = build_index(world.content, world.index)
    assert len(report.removed) == 2 and report.cases == 2


def test_an_empty_cases_folder_does_not_empty_the_site(world: Built, use_embedder: Any) -> None:
    for path in (world.content / "cases").glob("*.md"):
        path.unlink()
    with pytest.raises(RemovalRefused) as refused:
        build_index(world.content, world.index)
    assert (refused.value.removed, refused.value.served) == (4, 4)
    assert_old_index_serves(world, use_embedder)


# --- item 2: special files ------------------------------------------------------------------


def test_a_symlink_out_of_the_content_folder_is_refused_without_reading_it(
    world: Built, use_embedder: Any
) -> None:
    link = world.content / "cases" / "zz.md"
    link.symlink_to("/dev/zero")
    tree = load_content(world.content)
    assert [(p.path, p.code) for p in tree.errors] == [(str(link), "outside-content")]
    result = kennisbank(*build_args(world))  # before the fix: read until the memory limit
    assert_one_clean_failure(result, f"{link}: verwijst (via een symbolische link)")
    assert_old_index_serves(world, use_embedder)

    secret = world.content.parent / "geheim.md"  # a readable file outside: still refused
    secret.write_text("---\ntitle: x\n---\n", encoding="utf-8")
    link.unlink()
    link.symlink_to(secret)
    assert [p.code for p in load_content(world.content).errors] == ["outside-content"]


def test_a_symlink_inside_the_content_folder_is_read(world: Built) -> None:
    cases = world.content / "cases"
    first = sorted(cases.glob("*.md"))[0]
    (world.content / "kopie").mkdir()
    shutil.move(first, world.content / "kopie" / first.name)
    first.symlink_to(world.content / "kopie" / first.name)
    tree = load_content(world.content)
    assert not tree.errors and first.stem in tree.cases


def test_a_fifo_does_not_hang_the_build_or_the_lock(world: Built, use_embedder: Any) -> None:
    fifo = world.content / "cases" / "x.md"
    os.mkfifo(fifo)
    result = kennisbank(*build_args(world), timeout=60)  # before the fix: hangs (timeout)
    assert_one_clean_failure(result, f"{fifo}: geen gewoon bestand")
    checked = kennisbank("validate", "--content", str(world.content), timeout=60)
    assert f"{fifo}: geen gewoon bestand" in checked.stdout
    assert_old_index_serves(world, use_embedder)


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_a_device_inside_the_content_folder_is_not_read(world: Built, use_embedder: Any) -> None:
    device = world.content / "cases" / "zz.md"
    os.mknod(device, stat.S_IFCHR | 0o644, os.makedev(1, 5))  # /dev/zero, inside the tree
    result = kennisbank(*build_args(world))  # before the fix: st_size 0, read without end
    assert_one_clean_failure(result, f"{device}: geen gewoon bestand")
    taxonomy = world.content / "taxonomy.yml"
    taxonomy.rename(world.content / "taxonomy.bak")
    os.mknod(taxonomy, stat.S_IFCHR | 0o644, os.makedev(1, 5))
    checked = kennisbank("validate", "--content", str(world.content))
    assert checked.returncode == 1 and f"{taxonomy}: geen gewoon bestand" in checked.stdout
    assert_old_index_serves(world, use_embedder)


def test_read_limited_reads_at_most_the_limit_plus_one_byte(tmp_path: Path) -> None:
    path = tmp_path / "groot.md"
    path.write_bytes(b"a" * (MAX_FILE_BYTES + 1))
    with pytest.raises(FileTooLarge):
        read_limited(path)
    path.write_bytes(b"a" * MAX_FILE_BYTES)
    assert len(read_limited(path)) == MAX_FILE_BYTES
    with pytest.raises(NotRegularFile):
        read_limited(tmp_path)
    with pytest.raises(NotRegularFile):
        read_limited(Path("/dev/zero"))
    status = Path("/proc/self/status")  # a regular file whose st_size (0) says nothing
    assert status.stat().st_size == 0
    with pytest.raises(FileTooLarge):
        read_limited(status, limit=10)


# --- item 3: an unreadable file in build, with or without a changed mtime ---------------------


@pytest.mark.parametrize("touched", [False, True], ids=["mtime-unchanged", "mtime-changed"])
def test_an_unreadable_case_gives_validates_located_message(
    world: Built, use_embedder: Any, touched: bool
) -> None:
    case = sorted((world.content / "cases").glob("*.md"))[0]
    if touched:
        case.write_text(case.read_text(encoding="utf-8") + "\nEen regel erbij.\n", "utf-8")
    for path in [world.index, *world.index.rglob("*")]:
        os.chown(path, NOBODY, NOBODY, follow_symlinks=False)
    case.chmod(0)  # chmod keeps the mtime: the build must not trust the old hash blindly
    checked = kennisbank("validate", "--content", str(world.content), prefix=unprivileged())
    line = f"{case}: bestand kan niet gelezen worden (Permission denied)"
    assert line in checked.stdout, checked.stdout
    result = kennisbank(*build_args(world), prefix=unprivileged())
    assert_one_clean_failure(result, line)
    assert_old_index_serves(world, use_embedder)


def test_a_folder_named_taxonomy_yml_is_a_located_error_not_a_traceback(
    world: Built, use_embedder: Any
) -> None:
    taxonomy = world.content / "taxonomy.yml"
    taxonomy.unlink()
    taxonomy.mkdir()
    result = kennisbank(*build_args(world))  # before the fix: IsADirectoryError traceback
    assert_one_clean_failure(result, f"{taxonomy}: geen gewoon bestand")
    assert_old_index_serves(world, use_embedder)


# --- item 7: a build killed between the temporary manifest's fsync and its rename -----------


def test_the_next_build_removes_stale_temporary_manifests(world: Built) -> None:
    stale = [
        world.index / f".{MANIFEST_FILE}.4242.tmp",
        world.index / VERSIONS_DIR / world.version / f".{MANIFEST_FILE}.4243.tmp",
    ]
    for path in stale:
        path.write_text("{", encoding="utf-8")
    build_index(world.content, world.index)  # up to date: still cleans up
    assert [p for p in stale if p.exists()] == []

"""``kennisbank insights`` on hostile logs (issue 21, item 6): bounded, never a traceback.

The files are real (gzip streams written in chunks, so the test itself stays small), and
the reading runs in its own process where its peak memory is measured.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from conftest import FIXTURE_CONTENT, REPO_ROOT
from typer.testing import CliRunner

from kennisbank.cli import app as cli_app
from kennisbank.search.querylog import (
    MAX_FILE_BYTES,
    MAX_FILE_LINES,
    MAX_LINE_BYTES,
    read_logs,
)

GOOD = (
    json.dumps(
        {"ts": "2026-12-01T10:00:00Z", "q": "hulp bij schulden", "total": 3, "source": "html"}
    ).encode()
    + b"\n"
)


def gzip_stream(
    path: Path, pieces: int, piece: bytes, head: bytes = b"", tail: bytes = b""
) -> Path:
    """A gzip file holding ``head + piece * pieces + tail``, written without holding it."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: a gzip header and trailer
    with path.open("wb") as out:
        out.write(packer.compress(head))
        for _ in range(pieces):
            out.write(packer.compress(piece))
        out.write(packer.compress(tail))
        out.write(packer.flush())
    return path


READER = """
import json, sys, time
from pathlib import Path
from kennisbank.search.querylog import read_logs

def peak_mb():  # VmHWM starts afresh at exec (ru_maxrss would include the forked parent)
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024

started = time.perf_counter()
read = read_logs([Path(p) for p in sys.argv[1:]])
print(json.dumps({"entries": len(read.entries), "bad": read.bad_lines,
                  "unreadable": read.unreadable, "seconds": time.perf_counter() - started,
                  "peak_mb": peak_mb()}))
"""


def read_in_process(*paths: Path) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", READER, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(REPO_ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_a_deeply_nested_line_is_a_bad_line_not_a_recursion_error(tmp_path: Path) -> None:
    log = tmp_path / "zoek.log"
    log.write_bytes(GOOD + b"[" * 200_000 + b"\n" + b"[" * 60_000 + b"\n" + GOOD)
    read = read_logs([log])
    assert (len(read.entries), read.bad_lines, read.unreadable) == (2, 2, [])


def test_insights_reports_on_a_nested_line(tmp_path: Path, bundled_index: Path) -> None:
    log = tmp_path / "zoek.log"
    log.write_bytes(GOOD + b"[" * 200_000 + b"\n")
    args = ["insights", str(log), "--index", str(bundled_index), "--content", str(FIXTURE_CONTENT)]
    result = CliRunner().invoke(cli_app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["searches"], report["bad_lines"]) == (1, 1)


def test_a_gzip_of_endless_newlines_stops_at_the_line_bound(tmp_path: Path) -> None:
    log = gzip_stream(tmp_path / "zoek.log.1.gz", 3 * MAX_FILE_LINES // 1000, b"\n" * 1000, GOOD)
    read = read_in_process(log)
    assert read["entries"] == 1 and read["bad"] == MAX_FILE_LINES - 1
    assert read["unreadable"] == [
        f"{log}: meer dan {MAX_FILE_LINES} regels of {MAX_FILE_BYTES >> 20} MB; "
        "de rest is niet gelezen"
    ]
    print(f"{3 * MAX_FILE_LINES} newlines: {read['seconds']:.1f} s")


@pytest.mark.parametrize("megabytes", [300])
def test_one_huge_line_is_skipped_in_bounded_memory(tmp_path: Path, megabytes: int) -> None:
    """A 300 MB line (the probe's was 512 MiB and peaked at 1.3 GB) costs no memory."""
    log = gzip_stream(tmp_path / "zoek.log.2.gz", megabytes, b"a" * (1 << 20), GOOD, b"\n" + GOOD)
    read = read_in_process(log)
    assert read["entries"] == 1 and read["bad"] == 1
    assert len(read["unreadable"]) == 1  # type: ignore[arg-type]
    assert float(read["peak_mb"]) < 200, read  # type: ignore[arg-type]
    print(f"{megabytes} MB line: {read['seconds']:.1f} s, peak {read['peak_mb']:.0f} MB")


def test_a_long_but_bounded_line_is_read(tmp_path: Path) -> None:
    entry = json.loads(GOOD)
    entry["q"] = "x" * 2000
    line = json.dumps(entry).encode() + b"\n"
    padded = line[:-2] + b" " * (MAX_LINE_BYTES - len(line)) + b"}\n"
    assert len(padded) == MAX_LINE_BYTES
    log = tmp_path / "zoek.log"
    log.write_bytes(padded + b"{" + b" " * MAX_LINE_BYTES + b"}\n" + GOOD)
    read = read_logs([log])
    assert (len(read.entries), read.bad_lines) == (2, 1)


def test_plain_gzip_logs_still_read(tmp_path: Path) -> None:
    log = tmp_path / "zoek.log.3.gz"
    log.write_bytes(gzip.compress(GOOD * 3))
    assert len(read_logs([log]).entries) == 3

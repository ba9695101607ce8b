"""Issue 21 items 1-3, before and after: what a build publishes and reads, and the watcher.

    python bench/robust_build.py --before /tmp/before [--after .] [--cases 100] [--runs 5]

``--before`` is a checkout of the code to compare with (``git worktree add /tmp/before
<commit>``); each checkout runs as its own processes (``python -m kennisbank`` with that
checkout on PYTHONPATH) on its own copy of one generated content tree (the fixture cases,
copied to ``--cases`` cases), built once with USE. Every scenario is bounded: a build gets
``--timeout`` seconds and a 3 GiB address space, so a runaway read or a hang is reported
as such instead of taking the machine. Scenarios:

1. ``content/cases`` moved away (and no collections that would name its cases), and all
   cases but one deleted: exit code of ``validate`` and ``build``, and how many cases the
   index serves afterwards;
2. ``cases/zz.md`` a symlink to ``/dev/zero``, and a FIFO ``cases/x.md``: exit code (or
   "timeout"), seconds and the build's peak memory;
3. a case made unreadable (``chmod 000``, mtime unchanged; the build runs as ``nobody``):
   whether ``build`` prints validate's located line; and ``serve --watch`` with
   ``taxonomy.yml`` replaced by a folder, then restored and a case retitled: whether the
   retitle is served within 20 s;
4. the cost: a no-op incremental build (nothing changed), median of ``--runs``, and the
   same-run ratio after/before (the scan now also opens each unchanged file).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ports import free_port
from procfs import status_kb

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "content"
NOBODY = 65534
AS_LIMIT = 3 << 30


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def env_for(checkout: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(checkout),
        "KENNISBANK_EMBEDDER": "use-multilingual",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def bounded() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))


def kb(
    checkout: Path, *args: str, timeout: float, prefix: list[str] | None = None
) -> dict[str, Any]:
    """One ``python -m kennisbank`` run: exit code or "timeout", seconds, peak RSS in MB."""
    command = [*(prefix or []), sys.executable, "-m", "kennisbank", *args]
    with tempfile.TemporaryFile("w+") as output:
        started = time.perf_counter()
        proc = subprocess.Popen(
            command,
            env=env_for(checkout),
            cwd="/",
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
            preexec_fn=bounded,
        )
        peak_kb = 0
        code: int | str | None = None
        while code is None:
            peak_kb = max(peak_kb, status_kb("VmHWM", proc.pid))
            code = proc.poll()
            if code is None and time.perf_counter() - started > timeout:
                proc.kill()
                proc.wait()
                code = "timeout"
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        output.seek(0)
        text = output.read()
    return {
        "exit": code,
        "seconds": round(seconds, 2),
        "peak_mb": round(peak_kb / 1024),
        "out": text[-600:],
    }


def prepare(base: Path, cases: int) -> Path:
    """The fixture content with ``cases`` cases (copies get their own slug and title)."""
    content = base / "content"
    shutil.copytree(FIXTURE, content)
    originals = sorted((content / "cases").glob("*.md"))
    number = 0
    while len(list((content / "cases").glob("*.md"))) < cases:
        source = originals[number % len(originals)]
        text = source.read_text(encoding="utf-8")
        title = re.search(r'(?m)^title: "(.*)"$', text)
        if title is not None:
            text = text.replace(title[0], f'title: "{title[1]} (kopie {number})"', 1)
        (content / "cases" / f"{source.stem}-kopie-{number}.md").write_text(text, "utf-8")
        number += 1
    return content


def world_readable(root: Path) -> None:
    root.chmod(0o755)
    for path in root.rglob("*"):
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() else 0o644)


def fresh(template: Path, name: str) -> tuple[Path, Path]:
    """A private copy of a built tree: (content, index)."""
    target = template.parent / name
    shutil.copytree(template, target, symlinks=True)
    world_readable(target)
    return target / "content", target / "index"


def served_cases(index: Path) -> int | None:
    try:
        return int(json.loads((index / "manifest.json").read_text())["cases"])
    except (OSError, ValueError, KeyError):
        return None


def build_args(content: Path, index: Path) -> list[str]:
    return ["build", "--quiet", "--content", str(content), "--index", str(index)]


def scenarios(checkout: Path, template: Path, timeout: float, runs: int) -> dict[str, Any]:
    result: dict[str, Any] = {}
    content, index = fresh(template, "moved")
    (content / "cases").rename(content / "x")
    shutil.rmtree(content / "collections")  # else their references to cases fail anyway
    result["moved_validate"] = kb(checkout, "validate", "--content", str(content), timeout=timeout)
    result["moved_build"] = kb(checkout, *build_args(content, index), timeout=timeout)
    result["moved_build"]["cases_served_after"] = served_cases(index)

    content, index = fresh(template, "one-left")
    for path in sorted((content / "cases").glob("*.md"))[1:]:
        path.unlink()
    shutil.rmtree(content / "collections")
    result["one_left_build"] = kb(checkout, *build_args(content, index), timeout=timeout)
    result["one_left_build"]["cases_served_after"] = served_cases(index)

    content, index = fresh(template, "devzero")
    (content / "cases" / "zz.md").symlink_to("/dev/zero")
    result["devzero_build"] = kb(checkout, *build_args(content, index), timeout=timeout)

    content, index = fresh(template, "fifo")
    os.mkfifo(content / "cases" / "x.md")
    result["fifo_build"] = kb(checkout, *build_args(content, index), timeout=timeout)

    content, index = fresh(template, "unreadable")
    case = sorted((content / "cases").glob("*.md"))[0]
    for path in [index, *index.rglob("*")]:
        os.chown(path, NOBODY, NOBODY, follow_symlinks=False)
    case.chmod(0)
    nobody = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    nobody = nobody if os.geteuid() == 0 else []
    run = kb(checkout, *build_args(content, index), timeout=timeout, prefix=nobody)
    run["located_line"] = f"{case}: bestand kan niet gelezen worden" in run["out"]
    result["unreadable_build"] = run

    result["watch"] = watch_scenario(checkout, template)

    content, index = fresh(template, "noop")
    times = []
    for _ in range(runs):
        run = kb(checkout, *build_args(content, index), timeout=timeout)
        times.append(run["seconds"])
    result["noop_build_seconds"] = {"median": statistics.median(times), "all": times}
    return result


def get(url: str) -> tuple[int, str]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status, answer.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""
    except OSError:
        return 0, ""


def watch_scenario(checkout: Path, template: Path) -> dict[str, Any]:
    """serve --watch; taxonomy.yml becomes a folder; then fixed and a case retitled."""
    content, index = fresh(template, "watch")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    args = ["serve", "--watch", "--content", str(content), "--index", str(index)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "kennisbank", *args, "--port", str(port)],
        env=env_for(checkout),
        cwd="/",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    outcome: dict[str, Any] = {}
    try:
        deadline = time.monotonic() + 60
        while get(f"{base}/healthz")[0] != 200:
            if time.monotonic() > deadline or proc.poll() is not None:
                return {"error": "serve did not start"}
            time.sleep(0.2)
        time.sleep(1.0)  # the watcher's first (up-to-date) rebuild
        taxonomy = content / "taxonomy.yml"
        saved = content.parent / "taxonomy.saved"
        shutil.move(taxonomy, saved)
        taxonomy.mkdir()
        time.sleep(3)
        outcome["error_shown"] = "taxonomy.yml" in get(f"{base}/")[1]
        taxonomy.rmdir()
        shutil.move(saved, taxonomy)
        case = sorted((content / "cases").glob("*.md"))[0]
        text = case.read_text(encoding="utf-8")
        title = "Bijgewerkt na de fout"
        case.write_text(re.sub(r"(?m)^title: .*$", f'title: "{title}"', text, count=1), "utf-8")
        started = time.monotonic()
        seen = False
        while time.monotonic() - started < 20:
            if title in get(f"{base}/voorbeelden/{case.stem}")[1]:
                seen = True
                break
            time.sleep(0.25)
        outcome["later_edit_served"] = seen
        outcome["seconds_to_serve_edit"] = round(time.monotonic() - started, 2) if seen else None
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    return outcome


def build_template(checkout: Path, work: Path, cases: int) -> Path:
    template = work / "template"
    template.mkdir(parents=True)
    content = prepare(template, cases)
    done = kb(checkout, *build_args(content, template / "index"), timeout=900)
    if done["exit"] != 0:
        raise SystemExit(f"first build failed: {done['out']}")
    return template


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="checkout of the old code")
    parser.add_argument("--after", type=Path, default=ROOT, help="checkout of the new code")
    parser.add_argument("--cases", type=int, default=100, help="cases in the tree (<= 1000)")
    parser.add_argument("--runs", type=int, default=5, help="no-op builds per checkout")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds a build may take")
    parser.add_argument("--out", type=Path, help="write the JSON here as well")
    args = parser.parse_args(argv)
    if not 1 <= args.cases <= 1000 or not 1 <= args.runs <= 20:
        parser.error("--cases 1..1000 and --runs 1..20 keep the run small")
    if os.geteuid() != 0:
        log("not root: the unreadable-file scenario runs as yourself (chmod 000 still applies)")
    results: dict[str, Any] = {"cases": args.cases, "runs": args.runs}
    with tempfile.TemporaryDirectory(prefix="kb-robust-bench-") as tmp:
        Path(tmp).chmod(0o755)
        for label, checkout in (("before", args.before), ("after", args.after)):
            log(f"{label}: {checkout}")
            template = build_template(checkout.resolve(), Path(tmp) / label, args.cases)
            results[label] = scenarios(checkout.resolve(), template, args.timeout, args.runs)
    before = results["before"]["noop_build_seconds"]["median"]
    after = results["after"]["noop_build_seconds"]["median"]
    results["noop_ratio_after_before"] = round(after / before, 3) if before else None
    text = json.dumps(results, indent=2, ensure_ascii=False)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()

"""The wheel installs on its own and carries the web assets as ``kennisbank/web``.

The wheel is installed with ``--no-deps`` into a fresh venv; the dependencies come from
the environment running the tests through a ``.pth`` line (a venv made with
``--system-site-packages`` would only see the base interpreter's packages, not this
venv's). The package itself must come from the wheel, which the test checks.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURE_CONTENT, REPO_ROOT

pytestmark = pytest.mark.slow

TIMEOUT = 120


def run(
    *args: str | Path, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


def clean_env() -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "KENNISBANK_CONTENT"}
    }
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    outdir = tmp_path_factory.mktemp("dist")
    run(
        sys.executable,
        "-m",
        "build",
        "--wheel",
        "--outdir",
        outdir,
        REPO_ROOT,
        cwd=outdir,
        env=clean_env(),
    )
    [built] = outdir.glob("kennisbank-*.whl")
    return built


def test_wheel_contains_the_package_and_every_web_file(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for module in (REPO_ROOT / "kennisbank").rglob("*.py"):
        relative = module.relative_to(REPO_ROOT).as_posix()
        assert relative in names, relative
    web = REPO_ROOT / "web"
    web_files = sorted(p for p in web.rglob("*") if p.is_file()) if web.is_dir() else []
    for path in web_files:
        inside = "kennisbank/web/" + path.relative_to(web).as_posix()
        assert inside in names, f"{inside} missing from {wheel.name}"
    assert any(n.endswith(".dist-info/entry_points.txt") for n in names)
    # the search stage's data: the gazetteer and the thesaurus load from the package
    for data in sorted((REPO_ROOT / "kennisbank" / "search" / "data").iterdir()):
        assert data.relative_to(REPO_ROOT).as_posix() in names, data.name


def test_wheel_installs_and_runs(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path, env=clean_env())
    python = venv / "bin" / "python"
    run(
        python,
        "-m",
        "pip",
        "install",
        "--no-deps",
        "--no-index",
        wheel,
        cwd=tmp_path,
        env=clean_env(),
    )

    site_packages = Path(
        run(
            python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path
        ).stdout.strip()
    )
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site_packages / "zz_test_dependencies.pth").write_text(
        "".join(f"{path}\n" for path in sorted(ours)), encoding="utf-8"
    )

    env = clean_env()
    found = run(
        python, "-c", "import kennisbank; print(kennisbank.__file__)", cwd=tmp_path, env=env
    ).stdout.strip()
    assert Path(found).is_relative_to(venv), f"kennisbank imported from {found}, not the wheel"

    script = venv / "bin" / "kennisbank"
    result = run(script, "--help", cwd=tmp_path, env=env)
    assert "validate" in result.stdout
    assert "new" in result.stdout

    result = run(script, "validate", "--content", FIXTURE_CONTENT, cwd=tmp_path, env=env)
    summary = result.stdout.splitlines()[-1]
    assert re.fullmatch(r"\d+ cases, \d+ collections, 0 errors(, \d+ warnings)?", summary)

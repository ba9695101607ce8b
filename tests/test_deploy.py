"""The example deployment files say what docs/deploy.md says (issue 21, items 4 and 7)."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEPLOY_GUIDE = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")


def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((ROOT / "deploy" / "kennisbank.service").read_text(encoding="utf-8"))
    return parser


def exec_start() -> str:
    return unit()["Service"]["ExecStart"].replace("\\\n", " ")


def test_the_unit_runs_one_worker_as_the_docs_say_for_e5_on_two_cores() -> None:
    workers = re.search(r"--workers\s+(\d+)", exec_start())
    assert workers is None or workers.group(1) == "1", exec_start()
    assert "one worker" in DEPLOY_GUIDE.lower() or "1 worker" in DEPLOY_GUIDE


def test_the_unit_serves_with_the_client_bounds_and_a_raised_file_limit() -> None:
    assert "kennisbank serve" in exec_start()  # serve applies the protocol with the bounds
    assert int(unit()["Service"]["LimitNOFILE"]) >= 4096


def test_the_documented_search_log_path_is_writable_under_protect_system_strict() -> None:
    documented = re.search(r"KENNISBANK_SEARCH_LOG=(/var/log/[\w/]+)/search\.log", DEPLOY_GUIDE)
    assert documented is not None
    folder = documented.group(1)
    service = unit()["Service"]
    assert service["ProtectSystem"] == "strict"
    writable = service.get("ReadWritePaths", "").split()
    writable += [f"/var/log/{name}" for name in service.get("LogsDirectory", "").split()]
    assert folder in writable, (folder, writable)


def test_the_image_runs_one_worker_with_the_bounds() -> None:
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    command = next(line for line in dockerfile.splitlines() if line.startswith("CMD"))
    assert '"kennisbank", "serve"' in command and "--workers" not in command

"""Documentation stays true: every field, setting and command is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kennisbank.cli import app
from kennisbank.content.models import CaseFrontMatter, CollectionEntry, CollectionFrontMatter, Link
from kennisbank.webapp.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
GUIDE = (ROOT / "docs" / "redactie.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "field",
    [
        *CaseFrontMatter.model_fields,
        *CollectionFrontMatter.model_fields,
        *Link.model_fields,
        *CollectionEntry.model_fields,
    ],
)
def test_every_front_matter_field_is_in_the_editors_guide(field: str) -> None:
    assert f"`{field}`" in GUIDE, f"docs/redactie.md does not explain `{field}`"


@pytest.mark.parametrize("name", list(Settings.model_fields))
def test_every_setting_is_in_the_readme(name: str) -> None:
    assert f"KENNISBANK_{name.upper()}" in README


def test_every_cli_command_is_in_the_readme() -> None:
    commands = [
        c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands
    ]
    assert commands
    for command in commands:
        assert re.search(rf"kennisbank {command}\b", README), command


def test_readme_starts_with_what_it_is_then_two_commands() -> None:
    blocks = re.findall(r"```sh\n(.*?)\n```", README, flags=re.S)
    assert "kennisbank build" in blocks[0] and "kennisbank serve" in blocks[0]
    assert blocks[1].strip() == "bash scripts/test.sh"
    assert README.index("```sh") < README.index("## ")


def test_the_readme_test_command_installs_what_the_tests_need_and_ci_runs_it() -> None:
    """A fresh machine passes the documented command: it installs the browser, the load
    tester and axe-core itself (they used to come only from .ci/run), and CI runs the same."""
    script = (ROOT / "scripts" / "test.sh").read_text(encoding="utf-8")
    for needed in ("chromium", "chromium-driver", "wrk", "axe-core@4", "torch==2.13.0"):
        assert needed in script, needed
    assert "[dev,sentence-transformers]" in script and "python -m pytest" in script
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash scripts/test.sh" in ci
    assert "pytest" not in ci.replace("tests", "")

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
    assert "pytest" in blocks[1]
    assert README.index("```sh") < README.index("## ")

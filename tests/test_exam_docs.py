"""docs/exam.md cannot drift: its options, keys and JSON fields are the ones the command has."""

from __future__ import annotations

import json
import re

from typer.testing import CliRunner

from quizcli.cli import app
from quizcli.ui.exam import _NAVIGATION, _TYPING_NAVIGATION

from conftest import REPO

EXAM_DOC = (REPO / "docs" / "exam.md").read_text(encoding="utf-8")
runner = CliRunner()


def section(title: str) -> str:
    return EXAM_DOC.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_every_exam_option_is_documented() -> None:
    help_text = runner.invoke(app, ["exam", "--help"]).stdout
    options = set(re.findall(r"--[a-z-]+", help_text)) - {"--help"}
    documented = set(re.findall(r"`(--[a-z-]+)", section("Which questions")))
    assert options == documented


def test_every_key_on_screen_is_documented() -> None:
    keys = section("On a terminal: keys")
    for hint in [*_NAVIGATION.split(" · "), *_TYPING_NAVIGATION.split(" · ")]:
        for key in hint.split()[0].split("/"):
            assert f"`{key}`" in keys, key


def test_the_json_fields_are_the_documented_ones() -> None:
    data = json.loads(
        runner.invoke(app, ["exam", "long-context", "--tag", "lesson-quiz", "--json"], input="B\n").stdout
    )
    doc = section("JSON")
    documented = {
        name for cell in re.findall(r"^\| (`.*?) \|", doc, re.MULTILINE) for name in re.findall(r"`(\w+)`", cell)
    }
    assert documented == set(data)
    question_fields = set(re.findall(r"`(\w+)`", doc.split("Each question:", 1)[1])) - {"null"}
    assert question_fields == set(data["questions"][0])

"""What README.md and docs/ show is what the program does: each piped example runs as written, every answer
understood, and the README's opening screen is the real study screen."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizcli.cli import app

from conftest import REPO

runner = CliRunner()
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
PIPED = re.compile(r"^(?:\$ )?printf '(?P<input>[^']*)' \| quizcli (?P<args>[^#\n]+?)\s*(?:#.*)?$", re.MULTILINE)


def piped_examples() -> list[tuple[str, str, str]]:
    return [
        (path.name, match["input"], match["args"])
        for path in DOCS
        for match in PIPED.finditer(path.read_text(encoding="utf-8"))
    ]


def test_the_docs_have_piped_examples() -> None:
    assert {name for name, _, _ in piped_examples()} >= {"README.md", "study.md", "exam.md"}


@pytest.mark.parametrize(("doc", "typed", "args"), piped_examples())
def test_each_piped_example_runs_with_every_answer_understood(
    quizcli_home: Path, doc: str, typed: str, args: str
) -> None:
    result = runner.invoke(app, shlex.split(args), input=typed.replace("\\n", "\n"), env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "Not understood" not in result.output and "quizcli: error" not in result.output


def test_the_readme_opening_screen_is_the_real_one(quizcli_home: Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    command = re.search(r"\(`quizcli (study [^`]+)`", readme)
    assert command is not None
    shown = readme.split("```text\n", 1)[1].split("```\n", 1)[0]
    result = runner.invoke(app, command[1].split(), input="b\n", env={"COLUMNS": "80"})
    printed = "".join(line.rstrip() + "\n" for line in result.stdout.splitlines())
    after_answering = printed.split("─" * 80 + "\n")[2]  # the screen before it, then the one after 'b'
    assert after_answering.startswith(shown), "regenerate the README's opening screen with the command above it"

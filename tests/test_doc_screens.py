"""What README.md and docs/ show is what the program does: each piped example runs as written, every answer
understood, the README's opening screen is the real study screen, and every example of check and add prints what
the program prints."""

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
FENCED = re.compile(r"^```(?P<language>\w*)\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)
AUTHORING = re.compile(r"^(?:\$ )?(?:(?:printf|echo) '[^']*' \| )?quizcli (?:check|add)\b", re.MULTILINE)


def piped_examples() -> list[tuple[str, str, str]]:
    """Piped examples of the other commands: those of check and add run in their transcripts, with their files."""
    return [
        (path.name, match["input"], match["args"])
        for path in DOCS
        for match in PIPED.finditer(path.read_text(encoding="utf-8"))
        if not re.match(r"(check|add)\b", match["args"])
    ]


def transcripts(path: Path) -> list[str]:
    """The ``console`` blocks of a doc that run ``quizcli check`` or ``quizcli add``, in the doc's order."""
    blocks = FENCED.finditer(path.read_text(encoding="utf-8"))
    return [block["body"] for block in blocks if block["language"] == "console" and AUTHORING.search(block["body"])]


def steps(transcript: str) -> list[tuple[str, str]]:
    """Each ``$`` command of a transcript with the lines shown after it."""
    return [
        (command, shown)
        for part in re.split(r"^\$ ", transcript, flags=re.MULTILINE)[1:]
        for command, _, shown in [part.partition("\n")]
    ]


def printed(command: str) -> str:
    """What ``quizcli ...`` (its input piped from ``printf`` or ``echo``) prints to the terminal, both streams."""
    typed = None
    if " | quizcli " in command:
        feeder, _, command = command.partition(" | ")
        program, text = shlex.split(feeder)
        typed = text.replace("\\n", "\n") if program == "printf" else text + "\n"
    program, *args = shlex.split(command)
    assert program == "quizcli", f"a transcript runs quizcli, cat and a printf or echo piped to quizcli: {command}"
    result = runner.invoke(app, args, input=typed, env={"COLUMNS": "80"})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return "".join(line.rstrip() + "\n" for line in result.output.splitlines())


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


def documented_authoring() -> list[Path]:
    return [path for path in DOCS if transcripts(path)]


def test_the_docs_show_check_and_add_at_work() -> None:
    assert {path.name for path in documented_authoring()} >= {"deck-format.md"}


def test_every_example_of_check_and_add_is_in_a_transcript() -> None:
    """An example in another kind of block (``sh``, ``text``) would not be run, so it could drift."""
    for path in DOCS:
        for block in FENCED.finditer(path.read_text(encoding="utf-8")):
            assert block["language"] == "console" or not AUTHORING.search(block["body"]), (path.name, block["body"])


@pytest.mark.parametrize("doc", documented_authoring(), ids=lambda path: path.name)
def test_each_check_and_add_transcript_prints_what_the_program_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, doc: Path
) -> None:
    """The doc's transcripts run in order in one directory: ``$ cat FILE`` writes the file shown when it is not there
    yet, and afterwards shows what the commands left in it; every other command prints what is shown under it."""
    monkeypatch.chdir(tmp_path)
    for transcript in transcripts(doc):
        for command, shown in steps(transcript):
            if command.startswith("cat "):
                file = tmp_path / command.removeprefix("cat ")
                if not file.exists():
                    file.write_text(shown, encoding="utf-8")
                assert file.read_text(encoding="utf-8") == shown, f"{doc.name}: `$ {command}` shows another file"
            else:
                assert printed(command) == shown, f"{doc.name}: regenerate what `$ {command}` prints"

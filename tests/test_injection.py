"""No deck string can drive the terminal: escapes, C1 controls, bidi overrides and Rich markup print inert.

A hostile deck (and a hostile file name) goes through every display path: show, study, exam and
its result review, decks, check, import and export reports, history, error messages and JSON.
Whatever quizcli prints must hold none of the deck's control characters; quizcli's own styling
would be the only escapes in a terminal, and these runs have no terminal (no styling at all).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pexpect
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from terminal import QUIZCLI, spawn_quizcli
from typer.testing import CliRunner

from quizcli.cli import app
from quizcli.text import _CONTROL, _caret, inert

from conftest import examples

runner = CliRunner()
ESC = "\x1b"
PAYLOADS = ["\x1b]0;pwned\x07", "\x1b[2J", "\x9b31m", "\u202eevil\u202c", "\x1b]8;;http://x\x1b\\", "\x07", "\r"]
HOSTILE = "".join(PAYLOADS)
RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
MARKUP = "[bold red]loud[/] [link=http://x]link[/link]"
TAG = HOSTILE.replace("\r", "")  # a tag holds no white space
CODE_BLOCK = "```\ncode " + HOSTILE + "\n```"
LINKS = "[click me](http://evil.example/) ![img](http://evil.example/i.png) [ref][r] <http://evil.example/auto>\n\n[r]: http://evil.example/ref"


def q(text: str) -> str:
    """A YAML double-quoted scalar whose escapes decode to ``text``."""
    return json.dumps(text)


def hostile_deck() -> str:
    return f"""title: {q("Title " + HOSTILE)}
description: {q("About " + HOSTILE)}
tags: [{q("deck" + TAG)}]
cards:
  - id: flash
    front: {q("Front " + HOSTILE + " " + MARKUP + " **bold " + HOSTILE + "**")}
    back: {q("Back " + HOSTILE + " " + LINKS)}
    explanation: {q("Why " + HOSTILE)}
  - id: choice
    question: {q("Pick " + HOSTILE)}
    choices: [{q("one" + HOSTILE)}, {q("two")}, {q("three")}]
    answer: B
    explanation: {q(CODE_BLOCK)}
  - id: truth
    question: {q("# Heading " + HOSTILE)}
    answer: true
  - id: typed
    question: {q("- list " + HOSTILE)}
    answer: {q(HOSTILE)}
  - id: gap
    cloze: {q("A {{" + HOSTILE + "gap}} here " + HOSTILE)}
"""


@pytest.fixture
def deck(tmp_path: Path) -> Path:
    path = tmp_path / f"evil{HOSTILE.replace('/', '')}.yaml"
    path.write_text(hostile_deck(), encoding="utf-8")
    return path


def assert_inert(output: str) -> None:
    leaked = sorted({hex(ord(c)) for c in RAW.findall(output)})
    assert not leaked, f"raw control characters reached the output: {leaked}"


def run(*args: str, input: str | None = None) -> str:
    result = runner.invoke(app, list(args), input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.stdout + result.stderr


def test_show(deck: Path) -> None:
    output = run("show", str(deck))
    assert_inert(output)
    assert "[bold red]loud[/]" in output and "[link=http://x]link[/link]" in output and "^[]0;pwned^G" in output


def test_show_json(deck: Path) -> None:
    output = run("show", str(deck), "--json")
    assert_inert(output)
    assert json.loads(output)["title"] == "Title " + HOSTILE  # the data itself is intact


def test_study_every_kind(deck: Path) -> None:
    lines = ["", "3", "A", "", "true", "", "x", "", "y", ""]
    output = run("study", str(deck), input="\n".join(lines) + "\n")
    assert_inert(output)
    assert "[bold red]loud[/]" in output and "[link=http://x]link[/link]" in output and "Studied 5 cards" in output


def test_exam_and_its_review_and_history(deck: Path) -> None:
    output = run("exam", str(deck), "--no-shuffle", "--seed", "1", input="C\nfalse\nwrong\nwrong\n")
    assert_inert(output)
    assert "Review: 4 questions" in output
    assert_inert(run("history"))
    assert_inert(run("history", "--json"))
    assert_inert(run("exam", str(deck), "--json", "--seed", "1", input=""))


def test_decks_check_and_errors(deck: Path, user_decks: Path) -> None:
    (user_decks / deck.name).write_text(hostile_deck(), encoding="utf-8")
    (user_decks / f"broken{ESC}[2J.yaml").write_text(f"cards:\n  - {q('key' + HOSTILE)}: 1\n", encoding="utf-8")
    for args in (["decks"], ["decks", "--json"], ["check"], ["check", "--json"], ["check", "--strict"]):
        assert_inert(run(*args))
    assert_inert(run("study", f"nope{ESC}]0;x{ESC}\\"))  # the error lists the known deck names
    assert_inert(run("study", str(user_decks / f"broken{ESC}[2J.yaml")))


def test_import_and_export_reports(deck: Path, tmp_path: Path) -> None:
    source = tmp_path / f"in{ESC}[2J.txt"
    source.write_text(f"Question {HOSTILE}\nA) one {HOSTILE}\nB) two\nANSWER: Z\n\nQ2\nA) x\nB) y\nANSWER: A\n")
    output = run("import", str(source))
    assert_inert(output)
    assert "from in^[[2J.txt" in output  # and the deck written is valid YAML: its header comment is inert too
    assert_inert(run("import", str(source), "-o", str(tmp_path / "out.yaml")))
    for fmt in ("anki", "aiken", "gift", "json"):
        assert_inert(run("export", str(deck), "--format", fmt, "-o", str(tmp_path / f"out.{fmt}")))


@pytest.mark.skipif(not Path(QUIZCLI).exists(), reason="needs the installed quizcli script")
@pytest.mark.parametrize("command", [["show"], ["study"], ["export", "--format", "gift"]])
def test_in_a_terminal_only_quizclis_own_styling_escapes_appear(
    deck: Path, quizcli_home: Path, command: list[str]
) -> None:
    env = dict(os.environ, QUIZCLI_HOME=str(quizcli_home), TERM="xterm-256color")
    env.pop("NO_COLOR", None)
    child = spawn_quizcli([command[0], str(deck), *command[1:]], env, rows=40, columns=100)
    if command == ["study"]:
        child.expect("show answer")
        child.send("q")
    child.expect(pexpect.EOF)
    output = child.before or ""
    own = re.sub(r"\x1b\[[0-9;]*m|\x1b\[2J|\x1b\[H|\x1b\[\?25[lh]", "", output)
    assert "\x1b]0;" not in output and "\x9b" not in output and "\x07" not in output
    assert "\x1b]8;" not in output  # no terminal hyperlink: neither the deck's own OSC 8 nor its Markdown links
    assert_inert(own.replace("\r\n", "\n"))
    if command == ["show"]:  # every link's target in plain sight
        shown = re.sub(r"\s+", " ", own.replace("│", " "))
        for target in ("click me (http://evil.example/)", "img (http://evil.example/i.png)",
                       "ref (http://evil.example/ref)", "(http://evil.example/auto)"):  # fmt: skip
            assert target in shown, shown


@settings(max_examples=examples(500), deadline=None)
@given(
    st.text(
        alphabet=st.characters(max_codepoint=0x2FFF, exclude_categories=())
        | st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF, exclude_categories=()),
        max_size=40,
    )
)
def test_text_with_nothing_to_show_is_returned_as_it_is_and_any_other_is_made_visible(text: str) -> None:
    """`inert`'s shortcut for printable text gives what the pattern alone gives, for any text."""
    assert inert(text) == re.sub(_CONTROL, lambda m: _caret(m.group()), text)

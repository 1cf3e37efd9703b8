"""A full exam in a real terminal: the installed `quizcli` on a pseudo-terminal, driven key by key with pexpect."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import FIXED_NOW, REPO

from quizcli.store import Store

pexpect = pytest.importorskip("pexpect")
LESSON = ["exam", "long-context", "--tag", "lesson-quiz", "--no-shuffle"]


def quizcli() -> str:
    path = shutil.which("quizcli", path=str(REPO / ".venv" / "bin")) or shutil.which("quizcli")
    if path is None:
        pytest.skip("the quizcli console script is not installed (pip install -e '.[test]')")
    return path


def spawn(home: Path, *args: str) -> pexpect.spawn:
    env = dict(os.environ, QUIZCLI_HOME=str(home), QUIZCLI_NOW=FIXED_NOW, NO_COLOR="1", COLUMNS="80", LINES="24")
    child = pexpect.spawn(quizcli(), list(args), env=env, dimensions=(24, 80), encoding="utf-8", timeout=10)
    child.delaybeforesend = None  # every send follows an expect, so the screen is already waiting for it
    return child


def finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    return int(child.exitstatus if child.exitstatus is not None else -1)


def test_answering_every_question_right_with_keys(quizcli_home: Path) -> None:
    child = spawn(quizcli_home, *LESSON)
    for number, letter in enumerate("bbabbbbb", start=1):
        child.expect_exact(f"question {number} of 8 · {number - 1} answered")
        child.send(letter)
        child.expect_exact(f"{number} answered")
        child.send("\r")
    child.expect_exact("Submit the exam?")
    child.expect_exact("8 of 8 questions answered.")
    child.send("y")
    child.expect_exact("Score: 8/8 (100%)")
    child.expect_exact("PASS")
    child.expect_exact("Nothing to review")
    assert finish(child) == 0


def test_going_back_flagging_pausing_and_submitting(quizcli_home: Path) -> None:
    child = spawn(quizcli_home, *LESSON)
    child.expect_exact("question 1 of 8")
    child.send("c")  # wrong at first
    child.expect_exact("● C)")
    child.send("m")
    child.expect_exact("⚑ flagged for review")
    child.send("n")
    child.expect_exact("question 2 of 8 · 1 answered · 1 flagged")
    child.send("\x1b[D")  # left arrow: back to question 1
    child.expect_exact("question 1 of 8")
    child.send("b")  # corrected
    child.expect_exact("● B)")
    child.send("\x03")  # Ctrl-C
    child.expect_exact("Paused")
    child.expect_exact("s submit now · a abandon")
    child.send("z")  # carry on
    child.expect_exact("question 1 of 8")
    child.send("x")
    child.expect_exact("Unanswered (they count as wrong): 2, 3, 4, 5, 6, 7, 8")
    child.expect_exact("Flagged for review: 1")
    child.send("y")
    child.expect_exact("Score: 1/8 (13%)")
    child.expect_exact("FAIL")
    child.expect_exact("Review: 7 questions to go over")
    assert finish(child) == 0


def test_a_typed_answer_is_read_as_a_line(quizcli_home: Path) -> None:
    child = spawn(quizcli_home, "exam", "long-context", "--tag", "statistical-issues", "--no-shuffle")
    child.expect_exact("question 1 of 8")
    child.expect_exact("t true · f false · Enter next")
    child.send("t")
    child.expect_exact("1 answered")
    child.send("\r")
    child.expect_exact("question 2 of 8")
    child.expect_exact("Enter type the answer")
    child.send("\r")
    child.expect_exact("Your answer: ")
    child.sendline("Attention sink")
    child.expect_exact("question 3 of 8 · 2 answered")
    child.send("x")
    child.expect_exact("Submit the exam?")
    child.send("y")
    child.expect_exact("Score: 2/8 (25%)")
    assert finish(child) == 0


def test_the_time_limit_submits_an_idle_user(quizcli_home: Path) -> None:
    child = spawn(quizcli_home, *LESSON, "--time-limit", "0.02")  # 1.2 seconds
    child.expect_exact("question 1 of 8 · 0 answered · 0 flagged · 0:02 left")
    child.send("b")
    child.expect_exact("1 answered")
    child.expect_exact("Time is up: the exam was submitted")
    child.expect_exact("Score: 1/8 (13%)")
    child.expect_exact("FAIL")
    assert finish(child) == 0
    with Store.open() as store:
        assert [a.timed_out for a in store.exam_attempts()] == [True]


def test_abandoning_records_nothing(quizcli_home: Path) -> None:
    child = spawn(quizcli_home, *LESSON)
    child.expect_exact("question 1 of 8")
    child.send("b")
    child.expect_exact("1 answered")
    child.send("\x03")
    child.expect_exact("Paused")
    child.send("a")
    child.expect_exact("exam abandoned; nothing was recorded")
    assert finish(child) == 130
    with Store.open() as store:
        assert store.exam_attempts() == []

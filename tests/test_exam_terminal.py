"""A full exam in a real terminal: the installed `quizcli` on a pseudo-terminal, driven key by key with pexpect."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pexpect
import pytest
from terminal import finish, press, spawn_quizcli

from quizcli.store import Store

from conftest import FIXED_NOW, write_deck

LESSON = ["exam", "long-context", "--tag", "lesson-quiz", "--no-shuffle"]


def spawn(home: Path, *args: str) -> pexpect.spawn[str]:
    env = dict(os.environ, QUIZCLI_HOME=str(home), QUIZCLI_NOW=FIXED_NOW, NO_COLOR="1", COLUMNS="80", LINES="24")
    return spawn_quizcli(args, env, timeout=10)


def test_answering_every_question_right_with_keys(quizcli_home: Path) -> None:
    child = spawn(quizcli_home, *LESSON)
    for number, letter in enumerate("bbabbbbb", start=1):
        press(child, "", f"question {number} of 8 · {number - 1} answered")
        press(child, letter, f"{number} answered")
        child.send("\r")
    press(child, "", "Submit the exam?", "8 of 8 questions answered.")
    press(child, "y", "Nothing to review", "Score: 8/8 (100%)", "PASS")
    assert finish(child) == 0


def test_going_back_flagging_pausing_and_submitting(quizcli_home: Path) -> None:
    child = spawn(quizcli_home, *LESSON)
    press(child, "", "question 1 of 8")
    press(child, "c", "● C)")  # wrong at first
    press(child, "m", "⚑ flagged for review")
    press(child, "n", "question 2 of 8 · 1 answered · 1 flagged")
    press(child, "\x1b[D", "question 1 of 8")  # left arrow
    press(child, "b", "● B)")  # corrected
    press(child, "\x03", "Paused", "s submit now · a abandon")  # Ctrl-C
    press(child, "z", "question 1 of 8")  # carry on
    press(child, "x", "Unanswered (they count as wrong): 2, 3, 4, 5, 6, 7, 8", "Flagged for review: 1")
    press(child, "y", "Review: 7 questions to go over", "Score: 1/8 (13%)", "FAIL")
    assert finish(child) == 0


def test_a_typed_answer_is_typed_in_the_panel(quizcli_home: Path) -> None:
    child = spawn(quizcli_home, "exam", "long-context", "--tag", "statistical-issues", "--no-shuffle", "--all-items")
    press(child, "", "question 1 of 9", "t true · f false · Enter next")
    press(child, "t", "1 answered")
    press(child, "\r", "question 2 of 9", "type the answer")
    press(child, "Attention sink", "Attention sink▏")
    press(child, "\r", "question 3 of 9 · 2 answered")
    press(child, "x", "x▏")  # a letter is text on a typed question
    press(child, "\x18", "Submit the exam?")  # Ctrl-X
    press(child, "y", "Score: 2/9 (22%)")
    assert finish(child) == 0


def test_the_time_limit_submits_an_idle_user(quizcli_home: Path) -> None:
    child = spawn(quizcli_home, *LESSON, "--time-limit", "0.02")  # 1.2 seconds
    press(child, "", "question 1 of 8 · 0 answered · 0 flagged · 0:02 left")
    press(child, "b", "1 answered", "Time is up: the exam was submitted", "Score: 1/8 (13%)", "FAIL")
    assert finish(child) == 0
    with Store.open() as store:
        assert [a.timed_out for a in store.exam_attempts()] == [True]


def test_abandoning_records_nothing(quizcli_home: Path) -> None:
    child = spawn(quizcli_home, *LESSON)
    press(child, "", "question 1 of 8")
    press(child, "b", "1 answered")
    press(child, "\x03", "Paused")
    press(child, "a", "exam abandoned; nothing was recorded")
    assert finish(child) == 130
    with Store.open() as store:
        assert store.exam_attempts() == []


def test_the_result_is_on_the_last_screen_after_five_mistakes(quizcli_home: Path) -> None:
    """At 80x24 the score and FAIL are what the terminal shows at the end, below a long review."""
    pyte = pytest.importorskip("pyte")
    child = spawn(quizcli_home, *LESSON)
    output = io.StringIO()
    child.logfile_read = output
    for number, letter in enumerate("aabaabbb", start=1):  # the key is bbabbbbb: the first five are wrong
        press(child, "", f"question {number} of 8 · {number - 1} answered")
        press(child, letter, f"{number} answered")
        child.send("\r")
    press(child, "", "Submit the exam?")
    press(child, "y", "Review: 5 questions to go over", "Score: 3/8 (38%)", "FAIL")
    assert finish(child) == 0
    screen = pyte.Screen(80, 24)
    pyte.Stream(screen).feed(output.getvalue())
    shown = [line.rstrip() for line in screen.display]
    assert "Score: 3/8 (38%)" in shown
    assert "FAIL" in shown


TYPING_DECK = """\
title: Typing
cards:
  - {id: pipe, cloze: "Data flows through a {{pipe}}."}
  - {id: node, cloze: "A graph is made of edges and {{nodes}}."}
  - {id: sink, cloze: "An attention {{sink}} soaks up attention."}
  - {id: mask, cloze: "A causal {{mask}} hides the future."}
  - {id: xor, cloze: "Exclusive or is {{xor}}."}
"""


def test_cloze_answers_starting_with_navigation_letters_are_typed(quizcli_home: Path, user_decks: Path) -> None:
    write_deck(user_decks, "typing", TYPING_DECK)
    child = spawn(quizcli_home, "exam", "typing", "--no-shuffle")
    for number, word in enumerate(["pipe", "nodes", "sink", "mask", "xor"], start=1):
        press(child, "", f"question {number} of 5 · {number - 1} answered", "Ctrl-K skip · Ctrl-F flag · Ctrl-X submit")
        press(child, word, f"{word}▏")
        child.send("\r")
    press(child, "", "Submit the exam?", "5 of 5 questions answered.")
    press(child, "y", "Score: 5/5 (100%)", "PASS")
    assert finish(child) == 0


def test_the_clock_runs_while_typing_and_a_half_typed_answer_is_submitted_at_time_out(
    quizcli_home: Path, user_decks: Path
) -> None:
    """No key after "pi": each new screen is the clock's, and when the time is up "pi" is what was handed in."""
    write_deck(user_decks, "typing", TYPING_DECK)
    child = spawn(quizcli_home, "exam", "typing", "--no-shuffle", "--time-limit", "0.05")  # 3 seconds
    press(child, "", "question 1 of 5 · 0 answered · 0 flagged · 0:03 left")
    child.send("pi")
    shown = []
    for _ in range(2):  # the screen with "pi" typed, then the clock's redraw of it
        child.expect(r"(\d+):(\d\d) left[^▏]*pi▏")
        assert isinstance(child.match, re.Match)
        shown.append(int(child.match.group(1)) * 60 + int(child.match.group(2)))
    assert shown[1] < shown[0]
    child.expect(r"Your answer:(?:\x1b\[[0-9;]*m| )*pi(?:\x1b\[[0-9;]*m)* ")  # Rich's bold is on even with NO_COLOR
    press(child, "", "Time is up: the exam was submitted", "Score: 0/5 (0%)", "FAIL")
    assert finish(child) == 0

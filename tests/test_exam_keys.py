"""Key mode, driven by a scripted keyboard: choosing, toggling, typing, navigating, flagging, pausing, time-outs."""

from __future__ import annotations

import io
import time
from collections.abc import Sequence

from rich.console import Console
from test_exam import mixed

from quizcli.exam import Ending, ExamOptions, Sitting, plan_exam
from quizcli.grading import option_position
from quizcli.parser import parse_deck
from quizcli.terminal import BACKSPACE, ENTER, ESCAPE
from quizcli.ui.exam import take_exam

WAIT = "wait"  # a user who stops typing: five seconds before each key that follows


class Keys:
    """A terminal user following a script: keys for `key()`, text for `line()`; exceptions are raised."""

    interactive = True

    def __init__(self, script: Sequence[str | BaseException]) -> None:
        self.script = list(script)
        self.waits_cut_short = 0

    def key(self) -> str:
        return self._next()

    def line(self, prompt: str) -> str:
        return self._next()

    def _next(self) -> str:
        if not self.script:
            raise EOFError
        if self.script[0] == WAIT:
            try:
                time.sleep(5)  # an alarm interrupts this, and the user is still waiting at the next key
            except BaseException:
                self.waits_cut_short += 1
                raise
        step = self.script.pop(0)
        if isinstance(step, BaseException):
            raise step
        return step


def run(script: Sequence[str | BaseException], **options: object) -> tuple[Sitting, str]:
    return sit(Keys(script), **options)


def sit(keys: Keys, **options: object) -> tuple[Sitting, str]:
    exam = plan_exam(mixed(), ExamOptions(seed=1, shuffle=False, all_items=True, **options))  # type: ignore[arg-type]
    screen = io.StringIO()
    sitting = take_exam(Console(file=screen, width=80), keys, exam)
    return sitting, screen.getvalue()


def test_every_kind_is_answered_with_keys_and_a_line_for_typed_text() -> None:
    script = ["b", ENTER, "a", "c", "b", "b", ENTER, "t", "right", *"attention sink", ENTER, *"red; blue", ENTER,
              *"green", ENTER, "y"]  # fmt: skip
    sitting, screen = run(script)
    assert sitting.ending is Ending.SUBMITTED
    assert sitting.responses == ("B", "A C", "true", "attention sink", "red; blue", "green")
    assert "question 2 of 6 · 1 answered · 0 flagged" in screen
    assert " [x] A) right" in screen and " [ ] B) wrong" in screen and " ● t) true" in screen
    assert "A-C toggle · Enter next" in screen and "t true · f false · Enter next" in screen
    assert "p/← back · n/→ next · s skip · m flag · x submit · Ctrl-C pause" in screen
    assert "← back · →/Tab next · Ctrl-K skip · Ctrl-F flag · Ctrl-X submit · Ctrl-C pause" in screen
    assert "Your answer: attention sink▏" in screen and "type the 2 answers separated by ';'" in screen
    assert "Submit the exam?" in screen and "6 of 6 questions answered." in screen


def test_going_back_changes_an_answer_and_skipping_clears_one() -> None:
    sitting, _ = run(["a", "n", "a", "p", "c", "left", "2", "right", "s", "x", "y"])
    assert sitting.responses[:2] == ("B", None)
    assert sitting.ending is Ending.SUBMITTED


def test_flagged_and_unanswered_questions_are_listed_before_submitting() -> None:
    sitting, screen = run(["b", "m", "n", "n", "m", "x", "z", "p", "x", "y"])
    assert "⚑ flagged for review" in screen and "question 3 of 6 · 1 answered · 2 flagged" in screen
    assert "Unanswered (they count as wrong): 2, 3, 4, 5, 6" in screen and "Flagged for review: 1, 3" in screen
    assert "any other key goes back to question 3" in screen
    assert sitting.flagged == {0, 2} and sitting.ending is Ending.SUBMITTED


def test_a_typed_question_ignores_an_empty_line_and_keeps_its_answer() -> None:
    sitting, screen = run(["n", "n", "n", *"sink", ENTER, "left", ENTER, ENTER, "\x18", "y"])
    assert sitting.responses[3] == "sink" and sitting.ending is Ending.SUBMITTED
    assert "Your answer: —" in screen and "Your answer: sink" in screen and "type the answer" in screen


def test_letters_on_a_typed_question_are_text_and_only_non_text_keys_move() -> None:
    script = ["n", "n", "n", *"pnsmx", BACKSPACE, "\t", "\x06", *"red", "\x0b", "\x10", "\x10", "\x18", "y"]
    sitting, screen = run(script)  # Tab saves and goes on, Ctrl-F flags, Ctrl-K skips, Ctrl-P back, Ctrl-X submits
    assert sitting.responses[3] == "pnsm" and sitting.responses[4] is None
    assert sitting.flagged == {4} and sitting.ending is Ending.SUBMITTED
    assert "Your answer: pnsmx▏" in screen and "Your answer: red▏" in screen


def test_escape_puts_back_the_answer_there_was() -> None:
    sitting, _ = run(["n", "n", "n", *"sink", ENTER, "left", *"other", ESCAPE, "\x18", "y"])
    assert sitting.responses[3] == "sink"


def test_the_time_limit_submits_a_half_typed_answer() -> None:
    sitting, screen = run(["n", "n", "n", *"sin", WAIT], time_limit=0.5)
    assert sitting.ending is Ending.TIMED_OUT and sitting.responses[3] == "sin"


def test_letters_that_name_options_choose_them_before_commands() -> None:
    choices = ", ".join(f"o{i}" for i in range(16))
    deck = parse_deck(f"cards:\n  - {{id: big, question: Q, choices: [{choices}], answer: N}}\n", "b.yaml", "b").deck
    exam = plan_exam(deck, ExamOptions(seed=1, shuffle=False))
    sitting = take_exam(Console(file=io.StringIO()), Keys(["n", "x", "y"]), exam)
    assert sitting.responses == ("N",) and sitting.ending is Ending.SUBMITTED  # n chose N; x opened the submit
    assert option_position("n", 13) is None and option_position("N", 14) == 13 and option_position("9", 9) == 8
    assert option_position("é", 26) is None and option_position("enter", 26) is None


def test_ctrl_c_pauses_then_resumes_submits_or_abandons() -> None:
    sitting, screen = run(["b", KeyboardInterrupt(), "z", "n", KeyboardInterrupt(), "s"])
    assert "Exam paused; the clock keeps running. 1 of 6 answered." in screen
    assert sitting.ending is Ending.SUBMITTED and sitting.responses[0] == "B"
    assert run(["b", KeyboardInterrupt(), "a"])[0].ending is Ending.ABANDONED
    assert run([KeyboardInterrupt(), KeyboardInterrupt()])[0].ending is Ending.ABANDONED
    assert run([EOFError(), KeyboardInterrupt(), "a"])[0].ending is Ending.ABANDONED  # from the submit screen


def test_end_of_input_offers_to_submit_and_submits_at_a_second_end() -> None:
    sitting, screen = run(["b", EOFError(), "z", "n", "b"])
    assert "Submit the exam?" in screen and sitting.responses[:2] == ("B", "B")
    assert sitting.ending is Ending.SUBMITTED


def test_an_idle_user_is_submitted_when_the_time_runs_out() -> None:
    keys = Keys(["b", WAIT])
    sitting, screen = sit(keys, time_limit=1.5)
    assert sitting.ending is Ending.TIMED_OUT and sitting.responses[0] == "B"
    assert keys.waits_cut_short >= 1 and keys.script == [WAIT]  # the alarm cut the five-second wait short
    assert "0:02 left" in screen and "0:01 left" in screen  # the clock was redrawn while waiting


def test_the_time_limit_also_cuts_a_typed_answer_short() -> None:
    sitting, _ = run(["n", "n", "n", ENTER, WAIT], time_limit=0.5)
    assert sitting.ending is Ending.TIMED_OUT and sitting.responses[3] is None

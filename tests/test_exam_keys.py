"""Key mode, driven by a scripted keyboard: choosing, toggling, typing, navigating, flagging, pausing, time-outs."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import NamedTuple

from rich.console import Console
from test_exam import mixed

from quizcli.exam import Ending, ExamOptions, Sitting, plan_exam
from quizcli.grading import option_position
from quizcli.parser import parse_deck
from quizcli.terminal import BACKSPACE, ENTER, ESCAPE
from quizcli.ui.exam import take_exam


class Pause(NamedTuple):
    """A user who stops for ``seconds`` before the next key: the time passes on the keyboard's own clock."""

    seconds: float


WAIT = Pause(math.inf)  # a user who stops typing for good


class Keys:
    """A terminal user following a script: keys for `key()`, text for `line()`; exceptions are raised.

    Time is the script's: a pause longer than a wait's timeout moves `now` on by the timeout and
    raises `TimeoutError`, as a terminal does when no key comes in time.  No test waits for real.
    """

    interactive = True

    def __init__(self, script: Sequence[str | BaseException | Pause]) -> None:
        self.script = list(script)
        self.now = 0.0
        self.timeouts = 0

    def clock(self) -> float:
        return self.now

    def key(self, timeout: float | None = None) -> str:
        return self._next(timeout)

    def line(self, prompt: str, timeout: float | None = None) -> str:
        return self._next(timeout)

    def _next(self, timeout: float | None) -> str:
        while self.script and isinstance(pause := self.script[0], Pause):
            if timeout is not None and timeout < pause.seconds:
                self.now += timeout
                self.script[0] = Pause(pause.seconds - timeout)
                self.timeouts += 1
                raise TimeoutError
            assert pause.seconds < math.inf, "the screen waits for ever for a user who stopped typing"
            self.now += pause.seconds
            self.script.pop(0)
        if not self.script:
            raise EOFError
        step = self.script.pop(0)
        if isinstance(step, BaseException):
            raise step
        assert isinstance(step, str)
        return step


def run(script: Sequence[str | BaseException | Pause], **options: object) -> tuple[Sitting, str]:
    return sit(Keys(script), **options)


def sit(keys: Keys, **options: object) -> tuple[Sitting, str]:
    exam = plan_exam(mixed(), ExamOptions(seed=1, shuffle=False, all_items=True, **options))  # type: ignore[arg-type]
    screen = io.StringIO()
    sitting = take_exam(Console(file=screen, width=80), keys, exam, clock=keys.clock)
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
    assert keys.timeouts == 2 and keys.now == 1.5  # woken at 0:01 to redraw, then at 0:00: time is up
    assert "0:02 left" in screen and "0:01 left" in screen  # the clock was redrawn while waiting


def test_the_time_limit_also_cuts_a_typed_answer_short() -> None:
    sitting, _ = run(["n", "n", "n", ENTER, WAIT], time_limit=0.5)
    assert sitting.ending is Ending.TIMED_OUT and sitting.responses[3] is None


def test_the_clock_runs_on_while_an_answer_is_typed() -> None:
    """Each second without a key redraws the question, the answer typed so far still in it, with the new time."""
    keys = Keys(["n", "n", "n", *"si", Pause(1.5), "n", Pause(1.5), "k", ENTER, "\x18", "y"])
    sitting, screen = sit(keys, time_limit=10)
    assert sitting.ending is Ending.SUBMITTED and sitting.responses[3] == "sink"
    typing = [screen.index(f"0:{left:02d} left", screen.index("question 4 of 6")) for left in (10, 9, 8)]
    assert typing == sorted(typing)  # 0:10, then 0:09 and 0:08 while the answer was being typed
    assert "Your answer: si▏" in screen[typing[1] :] and "Your answer: sin▏" in screen[typing[2] :]


def test_on_the_confirm_and_pause_screens_the_clock_runs_on_and_the_time_limit_submits() -> None:
    sitting, screen = run(["b", "x", Pause(1.0), "z", KeyboardInterrupt(), WAIT], time_limit=3)
    submit, paused = screen.index("Submit the exam?"), screen.index("Paused")
    assert "0:02 left" in screen[submit:paused] and "0:00 left" in screen[paused:]
    assert sitting.ending is Ending.TIMED_OUT and sitting.responses[0] == "B"

"""The exam policy without a terminal or a timer: a `Deadline` on a clock the test moves, what keys do."""

from __future__ import annotations

import pytest

from quizcli.exam import Deadline, Ending, Move, confirms_submit, is_text, move_for, pause_choice


class Clock:
    """A monotonic clock that moves only when told."""

    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


def test_the_shown_clock_rounds_up_and_reads_zero_only_when_the_time_is_up() -> None:
    clock = Clock(1000.0)
    deadline = Deadline.start(90, clock=clock)
    assert deadline.shown() == 90
    clock.now = 1000.25
    assert deadline.shown() == 90  # 89.75 s left still shows 1:30
    clock.now = 1089.5
    assert deadline.shown() == 1 and not deadline.expired()
    clock.now = 1090.0
    assert deadline.shown() == 0 and deadline.expired()
    clock.now = 1200.0
    assert deadline.shown() == 0 and deadline.remaining() == 0


@pytest.mark.parametrize(
    ("now", "wait"),
    [
        (0.0, 1.0),  # on a whole second: the next change is a second away
        (0.25, 0.75),
        (9.5, 0.5),
        (10.0, 0),  # once the time is up, the redraw is due at once
        (11.0, 0),
    ],
)
def test_the_clock_is_redrawn_when_the_shown_second_changes(now: float, wait: float) -> None:
    clock = Clock(0.0)
    deadline = Deadline.start(10, clock=clock)
    clock.now = now
    assert deadline.until_redraw() == wait


def test_an_untimed_exam_has_no_clock_to_show_or_redraw_and_never_expires() -> None:
    clock = Clock(5.0)
    deadline = Deadline.start(None, clock=clock)
    clock.now = 1e9
    assert deadline.remaining() is None and deadline.shown() is None and deadline.until_redraw() is None
    assert not deadline.expired()


def test_the_time_taken_counts_from_the_start() -> None:
    clock = Clock(50.0)
    deadline = Deadline.start(None, clock=clock)
    clock.now = 62.5
    assert deadline.elapsed() == 12.5


@pytest.mark.parametrize(
    ("keys", "move"),
    [("nN", Move.NEXT), ("pP", Move.BACK), ("sS", Move.SKIP), ("mM", Move.FLAG), ("xX", Move.SUBMIT)],
)
def test_navigation_letters_move_in_either_case(keys: str, move: Move) -> None:
    assert [move_for(key) for key in keys] == [move, move]


def test_the_arrow_keys_move_back_and_on_and_other_keys_do_not_move() -> None:
    assert move_for("right") is Move.NEXT and move_for("left") is Move.BACK
    assert move_for("up") is None and move_for("q") is None and move_for("enter") is None


def test_only_y_confirms_the_offer_to_submit() -> None:
    assert confirms_submit("y") and confirms_submit("Y")
    assert not confirms_submit("n") and not confirms_submit("enter") and not confirms_submit("x")


def test_the_pause_screen_submits_on_s_abandons_on_a_and_otherwise_carries_on() -> None:
    assert pause_choice("s") is Ending.SUBMITTED and pause_choice("S") is Ending.SUBMITTED
    assert pause_choice("a") is Ending.ABANDONED
    assert pause_choice("enter") is None and pause_choice("q") is None


@pytest.mark.parametrize(
    ("key", "move"),
    [("left", Move.BACK), ("\x10", Move.BACK), ("right", Move.NEXT), ("\t", Move.NEXT), ("\x0e", Move.NEXT),
     ("\x0b", Move.SKIP), ("\x06", Move.FLAG), ("\x18", Move.SUBMIT)],
)  # fmt: skip
def test_keys_that_are_never_text_move_everywhere(key: str, move: Move) -> None:
    assert move_for(key, typing=True) is move and move_for(key) is move and not is_text(key)


@pytest.mark.parametrize("key", ["p", "n", "s", "m", "x", "P", " ", "é", ";"])
def test_on_a_typed_question_a_printable_key_is_text_not_a_move(key: str) -> None:
    assert is_text(key) and move_for(key, typing=True) is None

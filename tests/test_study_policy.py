"""The study policy without a terminal: the suggested rating, what counts as correct, what each key does."""

from __future__ import annotations

import pytest

from quizcli.grading import Verdict
from quizcli.scheduler import Rating
from quizcli.session import ACCEPT_KEYS, Action, Command, Stage, counts_correct, key_action, suggested_rating
from quizcli.terminal import ENTER


def test_a_right_answer_suggests_good_and_a_wrong_or_almost_one_again() -> None:
    assert suggested_rating(Verdict(correct=True, given="paris")) is Rating.GOOD
    assert suggested_rating(Verdict(correct=False, given="lyon")) is Rating.AGAIN
    assert suggested_rating(Verdict(correct=False, almost=True, given="pariss")) is Rating.AGAIN


def test_an_answer_is_correct_unless_rated_again_whatever_the_marking() -> None:
    assert [counts_correct(rating) for rating in Rating] == [False, True, True, True]


def test_enter_is_one_of_the_accept_keys() -> None:
    assert ENTER in ACCEPT_KEYS and " " in ACCEPT_KEYS


@pytest.mark.parametrize("key", [ENTER, " "])
def test_space_or_enter_turns_a_flashcard_over(key: str) -> None:
    assert key_action(Stage.FRONT, key) == Action(reveal=True)


@pytest.mark.parametrize("stage", [Stage.FRONT, Stage.ASKED])
def test_before_an_answer_commands_act_at_once_and_record_nothing(stage: Stage) -> None:
    for command in Command:
        assert key_action(stage, command.value) == Action(command=command)
    assert key_action(stage, "3") == Action()  # no rating before the answer is known
    assert key_action(stage, "x") == Action()


def test_digits_rate_whatever_is_suggested() -> None:
    for suggested in (None, Rating.AGAIN, Rating.GOOD):
        assert [key_action(Stage.RATING, key, suggested).rating for key in "1234"] == list(Rating)


def test_enter_accepts_the_suggested_rating_and_good_on_a_flashcard() -> None:
    assert key_action(Stage.RATING, ENTER, Rating.AGAIN) == Action(rating=Rating.AGAIN)
    assert key_action(Stage.RATING, " ", Rating.GOOD) == Action(rating=Rating.GOOD)
    assert key_action(Stage.RATING, ENTER) == Action(rating=Rating.GOOD)


@pytest.mark.parametrize("command", [Command.SUSPEND, Command.BURY, Command.QUIT])
def test_after_an_auto_graded_answer_suspend_bury_and_quit_record_the_suggestion_first(command: Command) -> None:
    assert key_action(Stage.RATING, command.value, Rating.AGAIN) == Action(rating=Rating.AGAIN, command=command)


def test_undo_after_an_answer_takes_back_the_previous_rating_and_records_nothing() -> None:
    assert key_action(Stage.RATING, "u", Rating.GOOD) == Action(command=Command.UNDO)


def test_on_a_flashcard_back_commands_record_nothing() -> None:
    for command in Command:
        assert key_action(Stage.RATING, command.value) == Action(command=command)


def test_an_unknown_key_does_nothing_at_any_stage() -> None:
    for stage in Stage:
        assert key_action(stage, "z", Rating.GOOD) == Action()


def test_a_right_guessable_answer_suggests_the_policys_rating_and_a_wrong_one_again() -> None:
    from quizcli.config import GuessableRating

    right, wrong = Verdict(correct=True, given="B"), Verdict(correct=False, given="C")
    assert suggested_rating(right, guessable=True) is Rating.HARD
    assert suggested_rating(right, guessable=True, policy=GuessableRating.GOOD) is Rating.GOOD
    assert suggested_rating(wrong, guessable=True) is Rating.AGAIN

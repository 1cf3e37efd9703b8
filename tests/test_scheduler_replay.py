"""quizcli's scheduler gives, review for review, the memory states py-fsrs itself gives on a random log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import fsrs
from hypothesis import given
from hypothesis import strategies as st

from quizcli.scheduler import CardState, Rating, Review, Settings, State, new_card, replay, review

from test_interop_properties import SETTINGS

START = datetime(2026, 1, 1, tzinfo=UTC)
GAPS = st.sampled_from((30, 600, 3600, 20 * 3600, 86400, 3 * 86400, 20 * 86400, 90 * 86400, 400 * 86400))
LOGS = st.lists(st.tuples(GAPS, st.sampled_from(list(Rating))), min_size=1, max_size=40)


def by_py_fsrs(log: list[tuple[int, Rating]], settings: Settings) -> list[fsrs.Card]:
    """The log reviewed by py-fsrs alone, one card carried from review to review."""
    scheduler = fsrs.Scheduler(
        desired_retention=settings.desired_retention,
        learning_steps=tuple(timedelta(seconds=s) for s in settings.learning_steps),
        relearning_steps=tuple(timedelta(seconds=s) for s in settings.relearning_steps),
        maximum_interval=settings.maximum_interval,
        enable_fuzzing=False,
    )
    card, cards, when = fsrs.Card(card_id=1, due=START), [], START
    for gap, rating in log:
        when += timedelta(seconds=gap)
        card, _ = scheduler.review_card(card, fsrs.Rating(int(rating)), when)
        cards.append(card)
    return cards


def by_quizcli(log: list[tuple[int, Rating]], settings: Settings) -> list[CardState]:
    states: list[CardState] = []
    when = START
    for gap, rating in log:
        when += timedelta(seconds=gap)
        states.append(review(states[-1] if states else new_card(when), rating, when, settings, seed="deck/item"))
    return states


@SETTINGS
@given(LOGS, st.booleans())
def test_every_review_gives_py_fsrs_memory_state(log: list[tuple[int, Rating]], fuzz: bool) -> None:
    settings = Settings(fuzz=fuzz)
    for ours, theirs in zip(by_quizcli(log, settings), by_py_fsrs(log, settings), strict=True):
        assert (ours.state, ours.step, ours.last_review) == (State(int(theirs.state)), theirs.step, theirs.last_review)
        assert (ours.stability, ours.difficulty) == (theirs.stability, theirs.difficulty)  # exactly, not nearly
        if not fuzz or ours.state is not State.REVIEW:
            assert ours.due == theirs.due


@SETTINGS
@given(LOGS)
def test_a_replay_of_the_log_ends_where_the_live_reviews_did(log: list[tuple[int, Rating]]) -> None:
    settings, when, entries = Settings(), START, []
    for gap, rating in log:
        when += timedelta(seconds=gap)
        entries.append(Review(rating=rating, when=when, settings=settings))
    assert replay(entries, seed="deck/item") == by_quizcli(log, settings)[-1]

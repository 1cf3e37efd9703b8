"""Siblings' reviews kept off each other's due days within the fuzz range (Anki's "disperse siblings")."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from quizcli import scheduler
from quizcli.catalog import open_deck
from quizcli.clock import study_day
from quizcli.config import NewOrder, StudyConfig
from quizcli.decks import DeckFile, Source
from quizcli.scheduler import Rating, Settings, State, dispersal_window, fuzz_window, item_seed, replay
from quizcli.session import Session, StudyOptions, disperse, late_review
from quizcli.store import Flags, Store

T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
D = date(2026, 11, 10)


def day(offset: int) -> date:
    return D + timedelta(days=offset)


@pytest.fixture(autouse=True)
def utc_local_time(utc: None) -> None:
    """Study days here are UTC days (conftest's fixture puts the time zone back afterwards)."""


# ---- the rule ----------------------------------------------------------------------------


def test_a_day_no_sibling_is_due_on_is_kept() -> None:
    assert disperse(D, (day(-2), day(2)), {day(-1), day(1)}) == D


def test_a_taken_day_moves_to_the_nearest_free_day_of_the_window() -> None:
    assert disperse(D, (day(-1), day(3)), {D, day(-1), day(1)}) == day(2)
    assert disperse(D, (day(-3), day(3)), {D, day(1), day(2), day(-1)}) == day(-2)


def test_of_two_free_days_as_near_the_earlier_is_chosen() -> None:
    assert disperse(D, (day(-2), day(2)), {D}) == day(-1)


def test_a_window_with_every_day_taken_keeps_the_candidate() -> None:
    assert disperse(D, (day(-1), day(1)), {day(-1), D, day(1)}) == D
    assert disperse(D, (D, D), {D}) == D


def test_a_candidate_past_the_window_still_moves_into_it() -> None:
    """py-fsrs's rounding can put the fuzzed day one past its range."""
    assert disperse(day(3), (day(-2), day(2)), {day(3)}) == day(2)


# ---- the fuzz range ----------------------------------------------------------------------


def graduated(rating: Rating = Rating.EASY) -> scheduler.CardState:
    return scheduler.review(scheduler.new_card(T0), rating, T0, Settings(), "d/x")


@pytest.mark.parametrize("reviews", range(1, 5))
def test_the_window_holds_py_fsrs_fuzz_range_around_the_unfuzzed_due(reviews: int) -> None:
    state, when = graduated(), T0
    for _ in range(reviews):
        when = state.due
        before = state
        state = scheduler.review(before, Rating.GOOD, when, Settings(), "d/x")
    plain = scheduler.review(before, Rating.GOOD, when, Settings(fuzz=False), "d/x")
    earliest, latest = fuzz_window(before, Rating.GOOD, when, Settings())
    days = (plain.due - when).days
    assert earliest < plain.due < latest
    assert (latest - plain.due).days == (plain.due - earliest).days or (earliest - when).days == 2
    assert earliest <= state.due <= latest + timedelta(days=1)  # py-fsrs rounds up to one past its range
    assert (latest - earliest).days >= 2 and days >= 3


def test_no_fuzz_or_a_short_interval_has_a_window_of_one_date() -> None:
    start = scheduler.new_card(T0)
    plain = scheduler.review(start, Rating.EASY, T0, Settings(fuzz=False), "d/x")
    assert fuzz_window(start, Rating.EASY, T0, Settings(fuzz=False)) == (plain.due, plain.due)
    learning = scheduler.review(start, Rating.GOOD, T0, Settings(), "d/x")
    assert fuzz_window(start, Rating.GOOD, T0, Settings()) == (learning.due, learning.due)


# ---- in a session ------------------------------------------------------------------------


@pytest.fixture
def pairs(tmp_path: Path) -> DeckFile:
    """Twelve flashcards with their reverses: every card has two sibling items."""
    path = tmp_path / "pairs.yaml"
    cards = "".join(f"  - {{id: c{n}, front: q{n}, back: a{n}, reverse: true}}\n" for n in range(12))
    path.write_text(f"cards:\n{cards}", encoding="utf-8")
    return DeckFile("pairs", path, Source.PATH)


def start(deck: DeckFile, store: Store, now: datetime) -> Session:
    """A session in deck order that buries no siblings, so both sides of a card are answered the same day."""
    config = StudyConfig(new_order=NewOrder.AUTHORED, bury_new_siblings=False, bury_review_siblings=False)
    return Session(open_deck(store, deck), store, StudyOptions(config=config, new_limit=100), lambda: now)


def due_days(store: Store) -> dict[str, date]:
    return {item: study_day(state.due) for item, state in store.states("pairs").items()}


def shifts(store: Store) -> list[int]:
    return [row[0] for row in store._db.execute("SELECT due_shift FROM reviews ORDER BY id")]


def test_a_card_and_its_reverse_reviewed_the_same_day_get_different_due_days(pairs: DeckFile, store: Store) -> None:
    session = start(pairs, store, T0)
    while (item := session.next()) is not None:
        session.answer(item, Rating.EASY, True)  # straight to review, a week or so away, both sides alike
    days = due_days(store)
    assert len(days) == 24 and all(state.state is State.REVIEW for state in store.states("pairs").values())
    assert all(days[f"c{n}"] != days[f"c{n}:reverse"] for n in range(12))
    assert any(shifts(store)), "no answer needed moving: the test no longer exercises the dispersal"
    undispersed = {name: study_day(scheduler.review(scheduler.new_card(T0), Rating.EASY, T0, Settings(),
                                                    item_seed("pairs", name)).due) for name in days}  # fmt: skip
    assert any(undispersed[f"c{n}"] == undispersed[f"c{n}:reverse"] for n in range(12))


def test_an_item_without_siblings_is_never_moved(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "single.yaml"
    path.write_text("".join(["cards:\n"] + [f"  - {{id: s{n}, front: q{n}, back: a{n}}}\n" for n in range(8)]))
    session = start(DeckFile("single", path, Source.PATH), store, T0)
    while (item := session.next()) is not None:
        session.answer(item, Rating.EASY, True)
    assert shifts(store) == [0] * 8


def test_the_log_replays_to_the_dispersed_states_over_weeks(pairs: DeckFile, store: Store) -> None:
    now, ratings = T0, [Rating.GOOD, Rating.EASY, Rating.HARD, Rating.GOOD, Rating.AGAIN]
    for n in range(40):
        session = start(pairs, store, now)
        for count, item in enumerate(iter(session.next, None)):
            session.answer(item, ratings[(n + count) % len(ratings)], True)
            if count > 60:
                break
        now += timedelta(days=1, minutes=7)
    assert sum(1 for shift in shifts(store) if shift) >= 3
    for name, state in store.states("pairs").items():
        assert replay(store.item_log("pairs", name), item_seed("pairs", name)) == state


def test_undoing_a_dispersed_answer_restores_the_state_and_redoing_it_disperses_again(
    pairs: DeckFile, store: Store
) -> None:
    session = start(pairs, store, T0)
    while (item := session.next()) is not None:
        result = session.answer(item, Rating.EASY, True)
        if shifts(store)[-1]:
            break
    else:
        pytest.fail("no answer was dispersed")
    assert session.undo() == item
    assert store.state("pairs", item.id) is None and store.item_log("pairs", item.id) == []
    again = session.answer(item, Rating.EASY, True)
    assert again.after == result.after == store.state("pairs", item.id)
    assert replay(store.item_log("pairs", item.id), item_seed("pairs", item.id)) == again.after


def test_states_rebuilt_from_a_salvaged_log_keep_the_dispersal(pairs: DeckFile, store: Store, tmp_path: Path) -> None:
    """What ``doctor --repair`` does: salvage the log into a fresh database and replay every state from it."""
    session = start(pairs, store, T0)
    while (item := session.next()) is not None:
        session.answer(item, Rating.EASY, True)
    assert any(shifts(store))
    with Store.open(tmp_path / "rebuilt.db") as rebuilt:
        rebuilt.salvage_from(tmp_path / "progress.db")
        rebuilt.put_states(
            ("pairs", name, state)
            for _, name in rebuilt.logged_items()
            if (state := replay(rebuilt.item_log("pairs", name), item_seed("pairs", name))) is not None
        )
        assert rebuilt.states("pairs") == store.states("pairs")


# ---- short intervals ---------------------------------------------------------------------


def test_a_short_interval_may_move_within_the_first_three_days() -> None:
    """py-fsrs fuzzes no interval under 3 days; dispersal gives 1- and 2-day intervals days 1 to 3."""
    start = scheduler.new_card(T0)
    learning = scheduler.review(start, Rating.GOOD, T0, Settings(), "d/x")
    graduating = T0 + timedelta(minutes=10)
    plain = scheduler.review(learning, Rating.GOOD, graduating, Settings(), "d/x")
    assert (plain.due - graduating).days == 2
    assert fuzz_window(learning, Rating.GOOD, graduating, Settings()) == (plain.due, plain.due)
    assert dispersal_window(learning, Rating.GOOD, graduating, Settings()) == (
        graduating + timedelta(days=1),
        graduating + timedelta(days=3),
    )
    assert dispersal_window(learning, Rating.GOOD, graduating, Settings(fuzz=False)) == (plain.due, plain.due)
    assert dispersal_window(start, Rating.GOOD, T0, Settings()) == (learning.due, learning.due)  # a learning step


def test_the_window_of_a_fuzzed_interval_is_the_fuzz_range() -> None:
    state = graduated()
    when = state.due
    assert dispersal_window(state, Rating.GOOD, when, Settings()) == fuzz_window(state, Rating.GOOD, when, Settings())


def test_siblings_graduating_together_on_two_day_intervals_get_different_due_days(
    pairs: DeckFile, store: Store
) -> None:
    session = start(pairs, store, T0)
    while (item := session.next()) is not None:
        session.answer(item, Rating.GOOD, True)  # two learning steps, then a 2-day interval: no fuzz range
    states = store.states("pairs")
    assert all(state.state is State.REVIEW for state in states.values())
    days = due_days(store)
    assert all(days[f"c{n}"] != days[f"c{n}:reverse"] for n in range(12))
    assert set(days.values()) <= {study_day(T0) + timedelta(days=n) for n in (1, 2, 3)}
    for name, state in states.items():
        assert replay(store.item_log("pairs", name), item_seed("pairs", name)) == state


# ---- burying, and reviews that are late already ------------------------------------------


def reviewing(deck: DeckFile, store: Store, now: datetime, due: dict[str, datetime]) -> None:
    """Put the deck's items named in ``due`` in review, due at those times (the others new)."""
    state = scheduler.review(scheduler.new_card(now - timedelta(days=9)), Rating.EASY, now - timedelta(days=9),
                             Settings(fuzz=False), "d/x")  # fmt: skip
    store.put_states((deck.name, item, state._replace(due=when)) for item, when in due.items())


def burying(deck: DeckFile, store: Store, now: datetime, new_limit: int = 100) -> Session:
    """A session with the default burying of new and review siblings."""
    config = StudyConfig(new_order=NewOrder.AUTHORED)
    return Session(open_deck(store, deck), store, StudyOptions(config=config, new_limit=new_limit), lambda: now)


def answer_all(session: Session, first: Rating = Rating.GOOD) -> list[str]:
    """Answer everything the session shows, each item's first answer ``first`` and any later one Good."""
    shown: list[str] = []
    while (item := session.next()) is not None and len(shown) < 20:
        rating = first if item.id not in shown else Rating.GOOD
        shown.append(item.id)
        session.answer(item, rating, rating is not Rating.AGAIN)
    return shown


def test_a_new_sibling_past_the_new_limit_is_buried_too(pairs: DeckFile, store: Store) -> None:
    """As in Anki, answering an item buries all its new siblings, not only those queued in the session."""
    first = burying(pairs, store, T0, new_limit=1)
    assert answer_all(first) == ["c0", "c0"]  # two learning steps
    later = burying(pairs, store, T0 + timedelta(hours=3), new_limit=3)
    assert "c0:reverse" not in answer_all(later)
    tomorrow = burying(pairs, store, T0 + timedelta(days=1), new_limit=1)
    assert tomorrow.new[0].id == "c0:reverse"


def test_undo_unburies_a_new_sibling_that_was_not_queued(pairs: DeckFile, store: Store) -> None:
    session = burying(pairs, store, T0, new_limit=1)
    item = session.next()
    assert item is not None and item.id == "c0"
    session.answer(item, Rating.EASY, True)
    assert store.flags("pairs")["c0:reverse"].buried_until is not None
    session.undo()
    assert store.flags("pairs").get("c0:reverse", Flags()).buried_until is None


def test_a_sibling_held_back_today_counts_as_due_tomorrow(pairs: DeckFile, store: Store) -> None:
    """Both sides due today: the one answered buries the other until tomorrow, so it keeps off tomorrow."""
    reviewing(pairs, store, T0, {"c0": T0 - timedelta(hours=1), "c0:reverse": T0 - timedelta(hours=1)})
    session = burying(pairs, store, T0, new_limit=0)
    assert answer_all(session, Rating.AGAIN) == ["c0", "c0"]  # a lapse, relearned: due again in a day
    assert store.flags("pairs")["c0:reverse"].buried_until is not None
    assert (study_day(store.states("pairs")["c0"].due) - study_day(T0)).days == 2
    assert shifts(store) == [0, 1]


def test_a_review_late_already_does_not_hold_its_sibling_back(pairs: DeckFile, store: Store) -> None:
    """One of the two would be late either way: both are shown today, the late one first, and the late
    one's relearning step holds nothing back either."""
    reviewing(pairs, store, T0, {"c0": T0 - timedelta(days=1), "c0:reverse": T0 + timedelta(hours=1)})
    session = burying(pairs, store, T0, new_limit=0)
    assert answer_all(session, Rating.AGAIN) == ["c0", "c0", "c0:reverse", "c0:reverse"]
    assert not any(flags.buried_until for flags in store.flags("pairs").values())


def test_a_review_is_late_once_its_due_day_has_gone_by() -> None:
    state = graduated()
    today = study_day(state.due)
    assert not late_review(state, today)
    assert late_review(state, today + timedelta(days=1))
    assert not late_review(scheduler.new_card(T0), today + timedelta(days=1))


def test_burying_leaves_a_suspended_sibling_suspended(pairs: DeckFile, store: Store) -> None:
    store.set_flags("pairs", "c0:reverse", Flags(suspended=True))
    answer_all(burying(pairs, store, T0, new_limit=1))
    assert store.flags("pairs")["c0:reverse"] == Flags(suspended=True)


def test_undoing_a_later_answer_keeps_the_bury_of_an_earlier_one(pairs: DeckFile, store: Store) -> None:
    session = burying(pairs, store, T0, new_limit=1)
    assert answer_all(session) == ["c0", "c0"]  # the first answer buried the reverse, not queued
    session.undo()
    assert store.flags("pairs")["c0:reverse"].buried_until is not None

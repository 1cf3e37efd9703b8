"""Session logic against a real store and a controlled clock: order, limits, siblings, undo, cram."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from quizcli import scheduler
from quizcli.cards import Item
from quizcli.catalog import open_deck
from quizcli.config import LeechAction, NewOrder, StudyConfig
from quizcli.decks import DeckFile, Source
from quizcli.parser import load_deck
from quizcli.scheduler import CardState, Rating, Settings, State, replay
from quizcli.session import Session, StudyOptions, leech_lapse
from quizcli.store import Answer, Flags, Store

FIXTURES = Path(__file__).parent / "fixtures"


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(autouse=True)
def utc_local_time(utc: None) -> None:
    """Every test here runs in UTC (conftest's fixture puts the time zone back afterwards)."""


def deck_file(path: Path) -> DeckFile:
    return DeckFile(path.stem, path, Source.PATH)


@pytest.fixture
def deck() -> DeckFile:
    return deck_file(FIXTURES / "every-kind.yaml")


AS_WRITTEN = {"new_order": NewOrder.AUTHORED, "bury_new_siblings": False, "bury_review_siblings": False}


def start(
    deck: DeckFile,
    store: Store,
    clock: Clock,
    changed_elsewhere: Callable[[], Collection[str]] | None = None,
    **options: object,
) -> Session:
    """A session on the deck as `quizcli study` opens it: through the index.

    New items come as written and siblings are not buried, unless ``options`` say so
    (the tests of those rules do), so each other test sees every item of the deck.
    """
    chosen = AS_WRITTEN | options
    configured = {name: value for name, value in chosen.items() if name in StudyConfig._fields}
    run = {name: value for name, value in chosen.items() if name not in configured}
    config = StudyConfig(**configured)  # type: ignore[arg-type]
    options_ = StudyOptions(config=config, **run)  # type: ignore[arg-type]
    return Session(open_deck(store, deck), store, options_, clock, changed_elsewhere)


def drain(session: Session, rating: Rating = Rating.GOOD, limit: int = 100) -> list[str]:
    shown: list[str] = []
    while (item := session.next()) is not None and len(shown) < limit:
        shown.append(item.id)
        session.answer(item, rating, rating is not Rating.AGAIN)
    return shown


T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def test_new_items_come_in_deck_order_with_siblings_kept_apart(deck: DeckFile, store: Store) -> None:
    session = start(deck, store, Clock(T0))
    first_pass = []
    while (item := session.next()) is not None and item.id not in first_pass:
        first_pass.append(item.id)
        session.answer(item, Rating.EASY, True)
    assert first_pass == ["flash", "choice", "multi", "truth", "typed", "gap:c1", "flash:reverse", "gap:c2"]


def test_new_cards_are_parsed_when_shown_as_the_deck_stood_when_the_session_began(deck: DeckFile, store: Store) -> None:
    session = start(deck, store, Clock(T0))
    assert not any(isinstance(entry, Item) for entry in session.new)  # nothing parsed before it is shown
    store._db.execute("DELETE FROM deck_items WHERE card = 'flash'")  # another process re-indexed the deck
    first = session.next()
    assert first is not None and first.id == "flash" and first.card.prompt == "Capital of France?"
    assert session.new[0] is first and not any(isinstance(entry, Item) for entry in session.new[1:])


def test_again_comes_back_in_the_same_session_after_others(deck: DeckFile, store: Store) -> None:
    clock = Clock(T0)
    session = start(deck, store, clock, new_limit=4)  # flash, flash:reverse, choice, multi
    first = session.next()
    assert first is not None and first.id == "flash"
    session.answer(first, Rating.AGAIN, False)
    order = drain(session, Rating.GOOD)
    assert order[:3] == ["choice", "multi", "flash"]  # learning, shown early once nothing else is left
    assert order[-1] == "flash:reverse"  # the sibling only when nothing else is left
    assert all(store.state("every-kind", i).state is State.REVIEW for i in ("flash", "choice", "multi"))  # type: ignore[union-attr]


def test_daily_new_limit_holds_across_sessions_and_resets_at_4am(deck: DeckFile, store: Store) -> None:
    clock = Clock(datetime(2026, 11, 2, 22, 0, tzinfo=UTC))
    assert len(set(drain(start(deck, store, clock, new_limit=2)))) == 2
    clock.advance(hours=5)  # 03:00 next calendar day: still the same study day
    assert start(deck, store, clock, new_limit=2).counts().new == 0
    clock.advance(hours=1, minutes=1)  # 04:01: a new study day
    assert start(deck, store, clock, new_limit=2).counts().new == 2


def test_due_reviews_come_before_new_most_overdue_first(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "plain.yaml"
    path.write_text("cards:\n" + "".join(f"  - {{id: c{n}, front: q{n}, back: a{n}}}\n" for n in range(5)))
    deck, clock = deck_file(path), Clock(T0)
    first_day = start(deck, store, clock, new_limit=3)
    for rating in (Rating.EASY, Rating.EASY, Rating.EASY):
        item = first_day.next()
        assert item is not None
        first_day.answer(item, rating, True)
        clock.advance(days=2)
    states = store.states("plain")
    clock.now = max(s.due for s in states.values()) + timedelta(days=1)
    session = start(deck, store, clock, new_limit=1)
    assert session.counts().review == 3
    assert drain(session, Rating.EASY) == [*sorted(states, key=lambda i: states[i].due), "c3"]


def test_review_limit_caps_the_reviews(deck: DeckFile, store: Store) -> None:
    clock = Clock(T0)
    drain(start(deck, store, clock, new_limit=4), Rating.EASY)
    clock.advance(days=400)
    session = start(deck, store, clock, new_limit=0, review_limit=2)
    assert session.counts().review == 2 and len(set(drain(session))) == 2


def test_nothing_due_until_time_passes(deck: DeckFile, store: Store) -> None:
    clock = Clock(T0)
    drain(start(deck, store, clock, new_limit=100))
    later = start(deck, store, clock, new_limit=100)
    assert later.next() is None
    next_due = later.next_due()
    assert next_due is not None and next_due > clock.now
    clock.now = next_due
    assert start(deck, store, clock).next() is not None


def test_undo_takes_back_this_answer_when_another_devices_later_answer_follows_it_in_time(
    deck: DeckFile, store: Store
) -> None:
    """A review synced from a device whose clock runs ahead sorts after this answer in the log's replay order:
    undo removes this session's answer, not the one that sorts last."""
    session = start(deck, store, Clock(T0))
    item = session.next()
    assert item is not None
    ahead = T0 + timedelta(hours=3)  # the other device's clock
    other = scheduler.review(scheduler.new_card(ahead), Rating.EASY, ahead, Settings(), f"every-kind/{item.id}")
    before = scheduler.new_card(ahead)
    store.record(Answer(deck="every-kind", item=item.id, rating=Rating.EASY, when=ahead, before=before,
                        after=other, settings=Settings()))  # fmt: skip
    session.answer(item, Rating.AGAIN, False)
    assert [review.rating for review in store.item_log("every-kind", item.id)] == [Rating.AGAIN, Rating.EASY]
    session.undo()
    assert [review.rating for review in store.item_log("every-kind", item.id)] == [Rating.EASY]
    assert store.state("every-kind", item.id) == replay(store.item_log("every-kind", item.id), f"every-kind/{item.id}")


def answered_elsewhere(store: Store, item: str, rating: Rating, when: datetime) -> None:
    """Another device's answer, as a sync merges it: through a connection of its own, from the stored state."""
    with Store.open(store.path) as other:
        before = other.state("every-kind", item) or scheduler.new_card(when)
        after = scheduler.review(before, rating, when, Settings(), f"every-kind/{item}")
        other.record(Answer(deck="every-kind", item=item, rating=rating, when=when, before=before, after=after,
                            settings=Settings()))  # fmt: skip


class Changes:
    """What a sync beside the session changed, handed over once when the session next asks."""

    def __init__(self) -> None:
        self.waiting: set[str] = set()

    def __call__(self) -> set[str]:
        handed, self.waiting = self.waiting, set()
        return handed


def test_items_answered_or_suspended_elsewhere_leave_the_queues_they_no_longer_belong_in(
    deck: DeckFile, store: Store
) -> None:
    clock = Clock(T0)
    drain(start(deck, store, clock, new_limit=4), Rating.EASY)  # flash, flash:reverse, choice, multi
    clock.advance(days=400)
    changes = Changes()
    session = start(deck, store, clock, changes, new_limit=2)  # the four reviews, then truth and typed
    assert session.counts() == (2, 0, 4)
    answered_elsewhere(store, "flash", Rating.EASY, clock.now)  # due again in months
    answered_elsewhere(store, "truth", Rating.AGAIN, clock.now)  # no longer new
    with Store.open(store.path) as other:
        other.set_flags("every-kind", "choice", Flags(suspended=True))
    answered_elsewhere(store, "multi", Rating.GOOD, clock.now - timedelta(days=390))  # still due today
    changes.waiting = {"flash", "truth", "choice", "multi", "not-queued"}
    assert set(drain(session)) == {"flash:reverse", "multi", "typed"}


def test_a_learning_item_graduated_elsewhere_leaves_the_learning_queue(deck: DeckFile, store: Store) -> None:
    clock, changes = Clock(T0), Changes()
    session = start(deck, store, clock, changes, new_limit=1)
    item = session.next()
    assert item is not None
    session.answer(item, Rating.AGAIN, False)
    assert session.counts().learning == 1
    answered_elsewhere(store, item.id, Rating.EASY, clock.now)
    changes.waiting = {item.id}
    assert session.next() is None and session.counts().learning == 0


def test_an_answer_to_an_item_a_sync_changed_meanwhile_is_recomputed_from_the_stored_state(
    deck: DeckFile, store: Store
) -> None:
    clock = Clock(T0)
    drain(start(deck, store, clock, new_limit=1), Rating.EASY)
    clock.advance(days=400)
    session = start(deck, store, clock, new_limit=0)
    item = session.next()
    assert item is not None
    answered_elsewhere(store, item.id, Rating.AGAIN, clock.now - timedelta(hours=1))  # merged while it is on screen
    merged = store.state("every-kind", item.id)
    result = session.answer(item, Rating.GOOD, True)
    assert result.before == merged
    log = store.item_log("every-kind", item.id)
    assert [review.rating for review in log] == [Rating.EASY, Rating.AGAIN, Rating.GOOD]
    assert store.state("every-kind", item.id) == result.after == replay(log, f"every-kind/{item.id}")


def test_cram_keeps_its_pass_whatever_changed_elsewhere(deck: DeckFile, store: Store) -> None:
    changes = Changes()
    session = start(deck, store, Clock(T0), changes, cram=True)
    before = session.counts()
    answered_elsewhere(store, "flash", Rating.EASY, T0)
    changes.waiting = {"flash"}
    assert session.next() is not None and session.counts() == before


def test_ahead_offers_reviews_that_are_not_due(deck: DeckFile, store: Store) -> None:
    clock = Clock(T0)
    drain(start(deck, store, clock, new_limit=2))
    assert start(deck, store, clock, new_limit=0).next() is None
    assert start(deck, store, clock, new_limit=0, ahead=True).counts().review == 2


def test_undo_restores_the_state_and_removes_the_log_entry(deck: DeckFile, store: Store) -> None:
    clock = Clock(T0)
    session = start(deck, store, clock)
    item = session.next()
    assert item is not None
    session.answer(item, Rating.GOOD, True)
    second = session.next()
    assert second is not None
    session.answer(second, Rating.AGAIN, False)
    assert session.undo() == second
    assert store.state("every-kind", second.id) is None
    assert store.item_log("every-kind", second.id) == []
    assert session.next() == second  # shown again straight away
    assert len(session.results) == 1


def test_cram_logs_practice_and_leaves_the_schedule_alone(deck: DeckFile, store: Store) -> None:
    clock = Clock(T0)
    drain(start(deck, store, clock, new_limit=2))
    before = store.states("every-kind")
    session = start(deck, store, clock, cram=True)
    shown = drain(session, Rating.GOOD)
    assert sorted(shown) == sorted(i.id for i in load_deck(deck.path).items())
    assert store.states("every-kind") == before
    kinds = store._db.execute("SELECT kind, COUNT(*) FROM reviews GROUP BY kind").fetchall()
    assert dict(kinds)["practice"] == len(shown)


class CountedQueue(list):  # type: ignore[type-arg]
    """A queue that counts the entries read from it, to show what an answer costs."""

    read = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        for entry in super().__iter__():
            CountedQueue.read += 1
            yield entry

    def __getitem__(self, place):  # type: ignore[no-untyped-def]
        CountedQueue.read += 1
        return super().__getitem__(place)


def test_an_answer_reads_the_queue_up_to_its_item_not_the_whole_deck(deck: DeckFile, store: Store) -> None:
    session = start(deck, store, Clock(T0), cram=True)
    session.new = CountedQueue(session.new)
    assert len(session.new) > 5
    item = session.next()
    assert item is not None
    CountedQueue.read = 0
    session.answer(item, Rating.GOOD, True)
    assert CountedQueue.read == 1 and item.id not in [entry.id for entry in session.new]


def test_an_answer_does_not_walk_a_queue_its_item_is_not_in(deck: DeckFile, store: Store) -> None:
    session = start(deck, store, Clock(T0), new_limit=100)
    for _ in range(4):  # Good on a new card: it is learning, due in a minute
        learnt = session.next()
        assert learnt is not None
        session.answer(learnt, Rating.GOOD, True)
    session.learning = CountedQueue(session.learning)
    assert len(session.learning) == 4
    item = session.next()
    assert item is not None and item.id not in [entry.id for entry in session.learning]
    CountedQueue.read = 0
    session.answer(item, Rating.EASY, True)  # Easy: reviewed in days, so it joins no queue today
    assert CountedQueue.read == 0 and len(session.learning) == 4


def test_suspended_and_buried_items_are_left_out(deck: DeckFile, store: Store) -> None:
    clock = Clock(T0)
    session = start(deck, store, clock)
    first = session.next()
    assert first is not None
    session.suspend(first)
    second = session.next()
    assert second is not None and second != first
    session.bury(second)
    assert {first.id, second.id}.isdisjoint(drain(session))
    clock.advance(days=1)
    later = drain(start(deck, store, clock, new_limit=100))
    assert second.id in later and first.id not in later


def test_tag_restricts_the_session(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "tagged.yaml"
    path.write_text("cards:\n  - {id: a, front: x, back: y, tags: [keep]}\n  - {id: b, front: z, back: w}\n")
    assert set(drain(start(deck_file(path), store, Clock(T0), tag="keep"))) == {"a"}


def test_replaying_the_log_rebuilds_every_state_exactly(deck: DeckFile, store: Store) -> None:
    clock = Clock(T0)
    ratings = [Rating.GOOD, Rating.AGAIN, Rating.HARD, Rating.EASY]
    for day in range(12):
        session = start(deck, store, clock, new_limit=100)
        for n, item in enumerate(iter(session.next, None)):
            if n > 40:
                break
            session.answer(item, ratings[(n + day) % 4], True)
            clock.advance(minutes=3)
        clock.advance(days=3)
    live = store.states("every-kind")
    assert len(live) == len(list(load_deck(deck.path).items()))
    assert any(state.lapses for state in live.values())
    for item_id, state in live.items():
        assert replay(store.item_log("every-kind", item_id), f"every-kind/{item_id}") == state


def test_summary_counts_answers_and_correctness(deck: DeckFile, store: Store) -> None:
    session = start(deck, store, Clock(T0), new_limit=4)
    items: list[Item] = []
    while (item := session.next()) is not None and len(items) < 4:
        items.append(item)
        session.answer(item, Rating.GOOD, len(items) != 2)
    summary = session.summary(seconds=65)
    assert (summary.studied, summary.correct, summary.percent) == (4, 3, 75)
    states = store.states("every-kind").values()
    assert summary.next_due == min(s.due for s in states)
    assert summary.due_tomorrow == sum(s.due < datetime(2026, 11, 4, 4, 0, tzinfo=UTC) for s in states) == 2


@pytest.mark.parametrize(
    ("before", "after", "leech"),
    [(6, 7, False), (7, 8, True), (8, 8, False), (8, 9, False), (11, 12, True), (15, 16, True), (12, 12, False)],
)
def test_leech_at_the_eighth_lapse_then_every_fourth(before: int, after: int, leech: bool) -> None:
    def state(lapses: int) -> CardState:
        return CardState(State.REVIEW, due=T0, stability=3.0, difficulty=5.0, last_review=T0, reps=20, lapses=lapses)

    assert leech_lapse(state(before), state(after)) is leech


def lapsed(store: Store, item: str, lapses: int, due: datetime) -> None:
    """Put an item in review, due at ``due``, with ``lapses`` lapses behind it."""
    last = due - timedelta(days=4)
    after = CardState(State.REVIEW, due=due, stability=4.0, difficulty=7.0, last_review=last, reps=30, lapses=lapses)
    store.record(Answer("every-kind", item, Rating.GOOD, last, scheduler.new_card(last), after, Settings()))


@pytest.mark.parametrize(("action", "suspended"), [(LeechAction.SUSPEND, True), (LeechAction.TAG, False)])
def test_the_eighth_lapse_flags_a_leech_and_suspends_it_unless_tag_only(
    deck: DeckFile, store: Store, action: LeechAction, suspended: bool
) -> None:
    lapsed(store, "flash", 7, T0)
    lapsed(store, "choice", 7, T0)
    session = start(deck, store, Clock(T0), new_limit=0, leech_action=action)
    first, second = session.next(), None
    assert first is not None and first.id == "flash"
    result = session.answer(first, Rating.AGAIN, False)
    assert result.leech and result.after is not None and result.after.lapses == 8
    assert store.flags("every-kind").get("flash", Flags()).suspended is suspended
    second = session.next()
    assert second is not None and second.id == "choice"
    assert not session.answer(second, Rating.GOOD, True).leech  # remembered: no lapse, no leech
    assert ("flash" in drain(session)) is not suspended  # relearning, unless suspended
    assert session.summary(1.0).leeches == ("flash",)


def test_undoing_the_leech_answer_unsuspends_the_item(deck: DeckFile, store: Store) -> None:
    lapsed(store, "flash", 11, T0)
    session = start(deck, store, Clock(T0), new_limit=0)
    item = session.next()
    assert item is not None and session.answer(item, Rating.AGAIN, False).leech
    assert store.flags("every-kind")["flash"].suspended
    assert session.undo() == item
    assert not store.flags("every-kind")["flash"].suspended
    assert session.next() == item and session.summary(1.0).leeches == ()


def _question_for(session: Session, item_id: str) -> tuple[Item, object]:
    from quizcli.grading import make_question

    while (item := session.next()) is not None:
        if item.id == item_id:
            return item, make_question(item)
        session.answer(item, Rating.GOOD, True)
    raise AssertionError(f"{item_id} never came")


@pytest.mark.parametrize(("policy", "expected"), [("hard", Rating.HARD), ("good", Rating.GOOD)])
def test_a_right_answer_to_a_guessable_review_suggests_the_configured_rating(
    deck: DeckFile, store: Store, policy: str, expected: Rating
) -> None:
    from quizcli.config import GuessableRating
    from quizcli.grading import Verdict

    clock = Clock(T0)
    drain(start(deck, store, clock), Rating.EASY)  # every item graduates to review
    clock.advance(days=30)
    session = start(deck, store, clock, guessable_rating=GuessableRating(policy))
    item, question = _question_for(session, "truth")
    assert session.suggest(question, Verdict(correct=True)) is expected  # type: ignore[arg-type]
    assert session.suggest(question, Verdict(correct=False)) is Rating.AGAIN  # type: ignore[arg-type]


def test_hard_is_never_suggested_at_a_learning_step_nor_for_a_typed_or_select_all_answer(
    deck: DeckFile, store: Store
) -> None:
    from quizcli.grading import Verdict, make_question

    clock = Clock(T0)
    session = start(deck, store, clock)
    item, question = _question_for(session, "choice")  # new: a learning step
    assert session.suggest(question, Verdict(correct=True)) is Rating.GOOD  # type: ignore[arg-type]
    drain(session, Rating.EASY)
    clock.advance(days=30)
    review = start(deck, store, clock)
    due = {item.id: item for item in review.reviews if isinstance(item, Item)}  # reviews are parsed when queued
    for item_id in ("multi", "typed"):
        assert review.suggest(make_question(due[item_id]), Verdict(correct=True)) is Rating.GOOD

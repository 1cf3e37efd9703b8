"""The review log summed by UTC quarter hour (store/review_sums.py): what is summed, when, and that a summed
review deleted or changed empties the sums."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

import pytest

from quizcli.clock import to_text
from quizcli.scheduler import Rating, Settings, new_card
from quizcli.store import Answer, Store, review_sums
from quizcli.store.migrations import migrate

SUMS = ("review_quarters", "review_kinds")


class Logged(NamedTuple):
    """One answer as the log holds it."""

    deck: str
    when: datetime
    kind: str
    state_before: int
    rating: int
    elapsed_days: float | None
    scheduled_days: float | None
    retrievability: float | None
    duration_ms: int | None
    guessable: int | None


def insert(db: sqlite3.Connection, answer: Logged) -> None:
    db.execute(
        "INSERT INTO reviews (deck, item, reviewed_at, rating, kind, state_before, elapsed_days, retrievability,"
        " duration_ms, settings_id, scheduled_days, guessable) VALUES (?, 'i', ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
        (answer.deck, to_text(answer.when), answer.rating, answer.kind, answer.state_before, answer.elapsed_days,
         answer.retrievability, answer.duration_ms, answer.scheduled_days, answer.guessable),
    )  # fmt: skip


@pytest.fixture
def db() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:", isolation_level=None)
    connection.row_factory = sqlite3.Row
    migrate(connection)
    yield connection
    connection.close()


# ---- the sums ------------------------------------------------------------------------------------------


def test_the_durations_are_summed_uncapped_with_the_longest(db: sqlite3.Connection) -> None:
    when = datetime(2026, 11, 20, 9, tzinfo=UTC)
    for ms in (5_000, 900_000):
        insert(db, Logged("a", when, "review", 2, 3, 3.0, 3.0, 0.9, ms, 0))
    review_sums.sum_up(db)
    assert [tuple(row) for row in db.execute("SELECT answers, ms, longest FROM review_quarters")] == [
        (2, 905_000, 900_000)
    ]


def test_summing_up_adds_only_what_was_logged_since(db: sqlite3.Connection) -> None:
    when = datetime(2026, 11, 20, 9, tzinfo=UTC)
    for n in range(3):
        insert(db, Logged("a", when + timedelta(minutes=n), "review", 2, 3, 3.0, 3.0, 0.9, 1000, 0))
        review_sums.sum_up(db)
        review_sums.sum_up(db)
    assert review_sums.all_summed(db) and review_sums.summed_upto(db) == 3
    assert [tuple(row) for row in db.execute("SELECT answers, ms FROM review_quarters")] == [(3, 3000)]
    assert [tuple(row) for row in db.execute("SELECT retention, bin, answers FROM review_kinds")] == [(1, 18, 3)]


def test_changing_a_summed_review_empties_the_sums(db: sqlite3.Connection) -> None:
    when = datetime(2026, 11, 20, 9, tzinfo=UTC)
    answers = [Logged("a", when, "review", 2, 3, 3.0, 3.0, 0.9, 1000, 0) for _ in range(2)]
    for answer in answers:
        insert(db, answer)
    review_sums.sum_up(db)
    db.execute("UPDATE reviews SET uid = 'x' || id")  # a sync id: nothing summed changes
    assert review_sums.summed_upto(db) == 2
    db.execute("UPDATE reviews SET rating = 1 WHERE id = 1")
    assert review_sums.summed_upto(db) == 0
    assert [db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in SUMS] == [0, 0]


# ---- who sums up ---------------------------------------------------------------------------------------


def answer(store: Store, item: str, when: datetime) -> None:
    store.record(Answer("d", item, Rating.GOOD, when, new_card(when), None, Settings()))


def test_the_store_sums_up_and_an_undo_or_a_reset_empties_the_sums(tmp_path: Path) -> None:
    when = datetime(2026, 11, 20, 9, tzinfo=UTC)
    with Store.open(tmp_path / "p.db") as store:
        for item in "abc":
            answer(store, item, when)
        store.sum_up_reviews()
        assert review_sums.summed_upto(store._db) == 3
        store.undo(3, "d", "c", None)
        assert review_sums.summed_upto(store._db) == 0
        store.sum_up_reviews()
        assert [day.answers for day in store.study_days(None, 60_000)] == [2]
        store.reset("d")
        assert review_sums.summed_upto(store._db) == 0 and store.study_days(None, 60_000) == []


def test_a_study_session_and_an_import_leave_the_log_summed(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from quizcli.cli import app

    fixture = str(Path(__file__).parent / "fixtures" / "every-kind.yaml")
    result = CliRunner().invoke(app, ["study", fixture], input="\n3\nq\n", env={"QUIZCLI_HOME": str(tmp_path)})
    assert result.exit_code == 0, result.output
    with Store.open(tmp_path / "progress.db") as store:
        assert store.study_days(None, 60_000) and review_sums.all_summed(store._db)
        when = datetime(2026, 11, 20, 9, tzinfo=UTC)
        answers = [Answer("d", "x", Rating.GOOD, when, new_card(when), None, Settings())]
        store.replace_progress("d", ["x"], answers, dict, {}, lambda: None)
        assert review_sums.all_summed(store._db) and len(store.study_days(None, 60_000)) == 2

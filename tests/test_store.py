"""The progress store: migrations from empty, atomic answers, undo, and a log that rebuilds every state."""

from __future__ import annotations

import io
import os
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from quizcli.scheduler import CardState, Rating, Settings, State, new_card, replay, review
from quizcli.stats import tallies_by_maturity
from quizcli.store import SCHEMA_VERSION, Answer, Flags, Store, StoreError, Sync
from quizcli.store.migrations import MIGRATIONS
from quizcli.store.statistics import Tally

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
SETTINGS = Settings()


def answer(store: Store, item: str, rating: Rating, when: datetime, deck: str = "d") -> CardState:
    before = store.state(deck, item) or new_card(when)
    after = review(before, rating, when, SETTINGS, f"{deck}/{item}")
    store.record(Answer(deck, item, rating, when, before, after, SETTINGS))
    return after


def test_migrations_build_the_schema_from_an_empty_database(tmp_path: Path) -> None:
    path = tmp_path / "progress.db"
    Store.open(path).close()
    db = sqlite3.connect(path)
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    indexes = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"settings", "reviews", "cards", "flags"} <= tables
    assert {"reviews_by_item", "reviews_by_time", "cards_due"} <= indexes
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    Store.open(path).close()  # reopening applies nothing twice


def test_a_database_from_a_newer_quizcli_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "progress.db"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(StoreError, match="newer quizcli"):
        Store.open(path)


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "progress.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="is damaged .file is not a database.*quizcli doctor"):
        Store.open(path)
    assert path.read_bytes() == b"this is not sqlite" * 100  # never overwritten


def test_states_follow_the_log_and_rebuild_exactly(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        when = T0
        for step, rating in enumerate([Rating.GOOD, Rating.GOOD, Rating.AGAIN, Rating.GOOD, Rating.EASY, Rating.HARD]):
            answer(store, "a", rating, when)
            answer(store, "b", Rating(1 + step % 4), when)
            when += timedelta(days=3)
        live = store.states("d")
        for item in ("a", "b"):
            assert replay(store.item_log("d", item), f"d/{item}") == live[item]
        assert live["a"].reps == 6 and live["a"].lapses == 1


def test_undo_removes_the_entry_and_restores_the_previous_state(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        first = answer(store, "a", Rating.GOOD, T0)
        answer(store, "a", Rating.AGAIN, T0 + timedelta(minutes=10))
        [*_, last_id] = [r[0] for r in store._db.execute("SELECT id FROM reviews ORDER BY id")]
        store.undo(last_id, "d", "a", replay(store.item_log("d", "a")[:-1], "d/a"))
        assert store.state("d", "a") == first
        assert len(store.item_log("d", "a")) == 1


def test_practice_answers_are_logged_but_never_schedule(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        state = answer(store, "a", Rating.GOOD, T0)
        store.record(Answer("d", "a", Rating.AGAIN, T0, state, None, SETTINGS))
        assert store.state("d", "a") == state
        assert store.item_log("d", "a")[-1].rating is Rating.GOOD
        assert store.items_with_progress("d") == {"a"}


def test_daily_counts_and_flags_and_reset(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        answer(store, "a", Rating.GOOD, T0)
        answer(store, "a", Rating.GOOD, T0 + timedelta(minutes=1))
        answer(store, "b", Rating.GOOD, T0)
        assert store.answered_since("d", T0) == (2, 0)  # a learning step is not a review
        assert store.answered_since("d", T0 + timedelta(hours=1)) == (0, 0)
        store.set_flags("d", "a", Flags(suspended=True))
        assert store.flags("d") == {"a": Flags(True, None)}
        assert store.reset("d") == 3
        assert store.states("d") == {} and store.flags("d") == {}


def test_settings_are_kept_with_each_review(tmp_path: Path) -> None:
    custom = Settings(desired_retention=0.8, learning_steps=(30, 300))
    with Store.open(tmp_path / "p.db") as store:
        before = new_card(T0)
        after = review(before, Rating.GOOD, T0, custom, "d/a")
        store.record(Answer("d", "a", Rating.GOOD, T0, before, after, custom))
        assert store.item_log("d", "a")[0].settings == custom
        assert store.state("d", "a") == after
        assert after.state is State.LEARNING and after.due == T0 + timedelta(seconds=300)


def test_unwritable_location_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(StoreError, match="cannot open the progress database"):
        Store.open(blocker / "sub" / "progress.db")


def test_migration_3_keeps_older_reviews_and_logs_each_answered_cards_interval(tmp_path: Path) -> None:
    """Reviews logged before migration 3 have no interval: young or mature then goes by the days since the last one."""
    path = tmp_path / "progress.db"
    db = sqlite3.connect(path)
    for statement in (*MIGRATIONS[0].statements, *MIGRATIONS[1].statements):
        db.execute(statement)
    db.execute("INSERT INTO settings (json) VALUES (?)", (SETTINGS.to_json(),))
    db.execute(
        "INSERT INTO reviews (deck, item, reviewed_at, rating, kind, state_before, elapsed_days, settings_id)"
        " VALUES ('d', 'old', '2026-11-01T09:00:00.000000+00:00', 3, 'review', 2, 30.0, 1)"
    )
    db.execute("PRAGMA user_version = 2")
    db.commit()
    db.close()
    with Store.open(path) as store:
        assert store.schema_version() == len(MIGRATIONS) >= 3
        last = T0 - timedelta(days=40)  # answered 40 days late on a 5-day interval: young, however late
        before = CardState(State.REVIEW, last + timedelta(days=5), None, 5.0, 5.0, last, reps=3)
        store.record(Answer("d", "late", Rating.AGAIN, T0, before, review(before, Rating.AGAIN, T0, SETTINGS, "x"),
                            SETTINGS))  # fmt: skip
        since = date(2026, 10, 1)
        kinds = store.study_log("d", 60_000, [since]).since[since]
        assert tallies_by_maturity(kinds) == {True: Tally(1, 1), False: Tally(1, 0)}
        scheduled = [tuple(row) for row in store._db.execute("SELECT item, scheduled_days FROM reviews ORDER BY id")]
        assert scheduled == [("old", None), ("late", 5.0)]


def test_opening_waits_for_another_process_holding_the_database(tmp_path: Path) -> None:
    """Two sessions started together: the second waits while the first sets the database up, never 'locked'."""
    import threading

    path = tmp_path / "progress.db"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    releasing = threading.Event()

    def release() -> None:
        releasing.set()  # before the COMMIT: an open that waited for the lock finds it set, whatever the scheduling
        holder.execute("COMMIT")

    threading.Timer(0.4, release).start()
    with Store.open(path) as store:
        assert releasing.is_set()  # it opened only once the other process let go
        assert store.schema_version() == SCHEMA_VERSION
    holder.close()


def test_a_write_that_need_not_last_leaves_every_answer_after_it_waiting_for_the_disk(tmp_path: Path) -> None:
    """The deck claim commits without a sync; the connection's own settings come back for the answers."""
    from quizcli.store import Holder

    path = tmp_path / "progress.db"
    with Store.open(path) as store:
        me = Holder(host="here", pid=1, started=T0)
        store.claim_deck("d", me, stale=lambda holder: False)
        assert store._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert store._db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
        answer(store, "a", Rating.GOOD, T0)
        with Store.open(path) as other:
            _, others = other.claim_deck("d", me, stale=lambda holder: False)
    assert others == [me]


def test_a_database_that_cannot_be_written_is_read_as_it_is_and_never_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An older schema is migrated in a copy in memory; no database at all reads as an empty one."""
    from quizcli.store import read_only
    from quizcli.store.migrate import migrate

    path = tmp_path / "progress.db"
    old = sqlite3.connect(path, isolation_level=None)
    migrate(old, upto=2)
    old.execute("INSERT INTO settings (id, json) VALUES (1, '{}')")
    old.execute(
        "INSERT INTO reviews (deck, item, reviewed_at, rating, kind, state_before, settings_id)"
        " VALUES ('d', 'a', '2026-11-01T09:00:00.000000+00:00', 3, 'review', 0, 1)"
    )
    old.close()
    before = path.read_bytes()
    monkeypatch.setattr(read_only, "can_write", lambda path: False)
    with Store.open_to_read(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert [row["item"] for row in store._db.execute("SELECT item FROM reviews")] == ["a"]
        with pytest.raises(StoreError):
            answer(store, "b", Rating.GOOD, T0)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["progress.db"]
    with Store.open_to_read(tmp_path / "none.db") as empty:
        assert empty.exam_attempts(None) == [] and not (tmp_path / "none.db").exists()


def wal_syncs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files quizcli itself syncs from now on (SQLite's own syncs are not Python calls)."""
    synced: list[str] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        synced.append(Path(os.readlink(f"/proc/self/fd/{fd}")).name)
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    return synced


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="names a file descriptor's file through /proc")
def test_an_answer_committed_to_be_synced_before_the_next_key_is_synced_once_when_settled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "progress.db"
    with Store.open(path) as store:
        answer(store, "a", Rating.GOOD, T0)  # the store's first write, synced at commit
        synced = wal_syncs(monkeypatch)
        before = new_card(T0)
        later = Answer("d", "b", Rating.GOOD, T0, before, review(before, Rating.GOOD, T0, SETTINGS, "d/b"), SETTINGS)
        store.record_review(later, sync=Sync.BEFORE_NEXT_KEY)
        assert store._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL again for what follows
        with Store.open(path) as other:  # committed: another connection reads it at once
            assert other.state("d", "b") == later.after
        assert synced == []
        store.settle_writes()
        store.settle_writes()
        assert synced == ["progress.db-wal"]
        store.record_review(later._replace(item="c"), sync=Sync.BEFORE_NEXT_KEY)
    assert synced == ["progress.db-wal", "progress.db-wal"]  # closing the store settles what is left


def test_a_settled_input_settles_before_every_key_and_line_it_reads() -> None:
    from quizcli.terminal import LineInput, SettledInput

    events: list[str] = []
    keys = SettledInput(LineInput(io.StringIO("3\nsome text\n")), lambda: events.append("settled"))
    events.append(keys.key())
    events.append(keys.line("> "))
    assert events == ["settled", "3", "settled", "some text"]
    assert keys.interactive is False

"""The review log summed by UTC quarter hour (store/review_sums.py) and read back by study day (statistics.py):
whatever the time zone, its daylight-saving changes, the rollover hour, the duration cap, and which answers
were summed and which are still only in the log, every figure equals the one summed answer by answer."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizcli import clock, stats
from quizcli.clock import day_begins, study_day, to_text
from quizcli.scheduler import MATURE_DAYS, Rating, Settings, new_card
from quizcli.store import Answer, Store, review_sums
from quizcli.store.migrate import migrate
from quizcli.store.statistics import CalibrationRow, DayActivity, Tally, study_log

from conftest import examples

# Whole-hour, half-hour and 45-minute offsets, daylight saving by an hour and by half an hour (Lord Howe), both
# hemispheres; and Monrovia, 44 minutes 30 seconds behind UTC until 1972: its study days begin inside quarter hours.
ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "Asia/Kathmandu",
         "Australia/Lord_Howe", "America/St_Johns", "Pacific/Chatham", "Africa/Monrovia"]  # fmt: skip


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


# ---- the figures answer by answer -------------------------------------------------------------------


def mature(answer: Logged) -> bool:
    interval = answer.elapsed_days if answer.scheduled_days is None else answer.scheduled_days
    return interval is not None and interval >= MATURE_DAYS


def counts_for_retention(answer: Logged) -> bool:
    return answer.kind == "review" and answer.state_before == 2


def calibrated(answer: Logged) -> bool:
    return (
        answer.kind == "review"
        and answer.retrievability is not None
        and answer.elapsed_days is not None
        and answer.elapsed_days >= 1
    )


def activity_of(answers: list[Logged], zone: tzinfo, cap: int) -> list[DayActivity]:
    days: dict[date, DayActivity] = {}
    for answer in answers:
        day = study_day(answer.when, zone)
        was = days.get(day, DayActivity(day, 0, 0, 0, 0))
        ms = 0 if answer.duration_ms is None else min(answer.duration_ms, cap)
        days[day] = DayActivity(day, was.answers + 1, was.correct + (answer.rating > 1), was.ms + ms,
                                was.timed + (answer.duration_ms is not None))  # fmt: skip
    return sorted(days.values())


def retention_since(answers: list[Logged], since: datetime) -> dict[bool, Tally]:
    tallies: dict[bool, Tally] = {}
    for answer in answers:
        if counts_for_retention(answer) and answer.when >= since:
            tallies[mature(answer)] = tallies.get(mature(answer), Tally()).plus(Tally(1, int(answer.rating > 1)))
    return tallies


def calibration_since(answers: list[Logged], since: datetime) -> dict[tuple[int, bool], tuple[int, float, int]]:
    rows: dict[tuple[int, bool], tuple[int, float, int]] = {}
    for answer in answers:
        if calibrated(answer) and answer.when >= since:
            assert answer.retrievability is not None
            key = (min(int(answer.retrievability * review_sums.CALIBRATION_BINS), review_sums.CALIBRATION_BINS - 1),
                   bool(answer.guessable))  # fmt: skip
            count, predicted, passed = rows.get(key, (0, 0.0, 0))
            rows[key] = (count + 1, predicted + answer.retrievability, passed + (answer.rating > 1))
    return rows


def as_found(rows: list[CalibrationRow]) -> dict[tuple[int, bool], tuple[int, float, int]]:
    found = {(row.bin, row.guessable): (row.answers, row.predicted_sum, row.passed) for row in rows}
    assert len(found) == len(rows), rows  # one row a bin, guessable or not
    return found


def assert_same_figures(db: sqlite3.Connection, answers: list[Logged], zone: tzinfo, cap: int) -> None:
    """Every figure of the store's log, by deck and of all, against the one summed answer by answer: the activity
    of each study day, and retention and calibration from each study day with answers (and one before all) on."""
    first_days = {study_day(answer.when, zone) for answer in answers} | {date(1959, 1, 1)}
    for deck in (None, "a", "b"):
        mine = [answer for answer in answers if deck is None or answer.deck == deck]
        log = study_log(db, deck, cap, first_days, zone)
        assert log.activity == activity_of(mine, zone, cap)
        assert log.since.keys() == first_days
        for day in first_days:
            since = day_begins(day, zone)
            assert stats.tallies_by_maturity(log.since[day]) == retention_since(mine, since)
            found, expected = as_found(stats.calibration_rows(log.since[day])), calibration_since(mine, since)
            assert found.keys() == expected.keys()
            for key, (count, predicted, passed) in expected.items():
                assert found[key][0::2] == (count, passed) and found[key][1] == pytest.approx(predicted, abs=1e-9)


# ---- the property -----------------------------------------------------------------------------------


class History(NamedTuple):
    zone: ZoneInfo
    hour: int  # the rollover hour
    answers: list[Logged]


@st.composite
def histories(draw: st.DrawFn) -> History:
    """Answers close enough together to share quarter hours and days, some of them minutes from a day's start,
    around one moment of 1960-2040 (in Monrovia, before 1972, when its offset was not whole quarter hours)."""
    zone, hour = ZoneInfo(draw(st.sampled_from(ZONES))), draw(st.integers(0, 23))
    last = datetime(1972, 1, 1) if zone.key == "Africa/Monrovia" else datetime(2040, 1, 1)
    base = draw(st.datetimes(min_value=datetime(1960, 1, 1), max_value=last)).replace(tzinfo=UTC)
    local_start = datetime.combine(base.astimezone(zone).date(), time(hour), tzinfo=zone)  # a day's start, roughly
    near = st.one_of(st.timedeltas(min_value=-timedelta(minutes=20), max_value=timedelta(minutes=20)),
                     st.timedeltas(min_value=-timedelta(minutes=1), max_value=timedelta(minutes=1)))  # fmt: skip
    when = st.one_of(
        near.map(lambda offset: local_start.astimezone(UTC) + offset),
        st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=3)).map(lambda offset: base + offset),
        st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=40)).map(lambda offset: base + offset),
    )
    days = st.one_of(st.none(), st.sampled_from([0.5, 1.0, 3.0, 21.0, 30.0]), st.floats(min_value=0, max_value=60))
    answer = st.builds(
        Logged,
        deck=st.sampled_from(["a", "b"]),
        when=when,
        kind=st.sampled_from(["review", "review", "practice"]),
        state_before=st.sampled_from([2, 2, 0, 1, 3]),
        rating=st.integers(1, 4),
        elapsed_days=days,
        scheduled_days=days,
        retrievability=st.one_of(st.sampled_from([0.05, 0.9, 0.97, 1.0]), st.none(), st.floats(0, 1)),
        duration_ms=st.one_of(st.none(), st.integers(0, 200_000)),
        guessable=st.sampled_from([None, 0, 1]),
    )
    return History(zone, hour, draw(st.lists(answer, min_size=8, max_size=40)))


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    history=histories(),
    cap=st.sampled_from([1, 60_000, 100_000, 300_000]),
    summed=st.integers(0, 40),
    undone=st.one_of(st.none(), st.integers(0, 39)),
)
def test_the_figures_by_study_day_are_those_of_each_answer(
    db: sqlite3.Connection, history: History, cap: int, summed: int, undone: int | None
) -> None:
    """The first ``summed`` answers are summed, the rest only logged; then one answer may be undone."""
    db.execute("DELETE FROM reviews")
    db.execute("DELETE FROM review_quarters")
    db.execute("DELETE FROM review_kinds")
    db.execute("UPDATE reviews_summed SET upto = 0")
    clock.set_rollover_hour(history.hour)
    answers = history.answers
    for n, answer in enumerate(answers):
        if n == summed:
            review_sums.sum_up(db)
        insert(db, answer)
    if undone is not None and undone < len(answers):
        db.execute("DELETE FROM reviews WHERE id = (SELECT min(id) FROM reviews) + ?", (undone,))
        answers = answers[:undone] + answers[undone + 1 :]
    assert_same_figures(db, answers, history.zone, cap)


# ---- cases the property may seldom draw ---------------------------------------------------------------


def test_a_day_that_begins_inside_a_quarter_hour_is_read_answer_by_answer(db: sqlite3.Connection) -> None:
    """Monrovia was 44:30 behind UTC: its study days began at 04:44:30 UTC."""
    monrovia = ZoneInfo("Africa/Monrovia")
    begins = day_begins(date(1965, 6, 2), monrovia)
    assert begins == datetime(1965, 6, 2, 4, 44, 30, tzinfo=UTC)
    moments = [begins - timedelta(seconds=1), begins, begins + timedelta(minutes=10)]
    answers = [Logged("a", when, "review", 2, 3, 30.0, 30.0, 0.9, 1000, 0) for when in moments]
    for answer in answers:
        insert(db, answer)
    review_sums.sum_up(db)
    log = study_log(db, None, 60_000, zone=monrovia)
    assert [(day.day, day.answers) for day in log.activity] == [(date(1965, 6, 1), 1), (date(1965, 6, 2), 2)]
    assert_same_figures(db, answers, monrovia, 60_000)


def test_an_answer_over_the_cap_counts_the_cap_though_summed_uncapped(db: sqlite3.Connection) -> None:
    when = datetime(2026, 11, 20, 9, tzinfo=UTC)
    for ms in (5_000, 900_000):
        insert(db, Logged("a", when, "review", 2, 3, 3.0, 3.0, 0.9, ms, 0))
    review_sums.sum_up(db)
    assert [tuple(row) for row in db.execute("SELECT answers, ms, longest FROM review_quarters")] == [
        (2, 905_000, 900_000)
    ]
    assert [(day.ms, day.timed) for day in study_log(db, None, 60_000, zone=UTC).activity] == [(65_000, 2)]


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
    assert_same_figures(db, [answers[0]._replace(rating=1), answers[1]], UTC, 60_000)


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
        assert [day.answers for day in store.study_log(None, 60_000, ()).activity] == [2]
        store.reset("d")
        assert review_sums.summed_upto(store._db) == 0 and store.study_log(None, 60_000, ()).activity == []


def test_a_study_session_and_an_import_leave_the_log_summed(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from quizcli.cli import app

    fixture = str(Path(__file__).parent / "fixtures" / "every-kind.yaml")
    result = CliRunner().invoke(app, ["study", fixture], input="\n3\nq\n", env={"QUIZCLI_HOME": str(tmp_path)})
    assert result.exit_code == 0, result.output
    with Store.open(tmp_path / "progress.db") as store:
        assert store.study_log(None, 60_000, ()).activity and review_sums.all_summed(store._db)
        when = datetime(2026, 11, 20, 9, tzinfo=UTC)
        answers = [Answer("d", "x", Rating.GOOD, when, new_card(when), None, Settings())]
        store.replace_progress("d", ["x"], answers, dict, {}, lambda: None)
        assert review_sums.all_summed(store._db) and len(store.study_log(None, 60_000, ()).activity) == 2

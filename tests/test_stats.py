"""The statistics computations on their own: levels, streaks, study days, forecast, weak cards, drawing helpers."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizcli.clock import day_begins, study_day
from quizcli.commands.stats import gather
from quizcli.scheduler import LEECH_LAPSES, CardState, Rating, Settings, State, new_card, retrievability
from quizcli.stats import (
    WEAK_CARDS,
    WeakCard,
    WeakCards,
    compute,
    current_streak,
    forecast,
    heat_level,
    level_ranges,
    longest_streak,
    weak_cards,
)
from quizcli.store import Answer, Store
from quizcli.store.statistics import CardRow
from quizcli.ui.stats import Columns, bar, duration, gauge, sparkline

TODAY = date(2026, 11, 28)


pytestmark = pytest.mark.usefixtures("utc")


@pytest.fixture
def local_zone(monkeypatch: pytest.MonkeyPatch, utc: None) -> None:
    """Berlin: an hour ahead of UTC in winter, two in summer."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()


def test_heat_levels_are_quarters_of_the_busiest_day() -> None:
    assert level_ranges(20) == [(1, 1, 5), (2, 6, 10), (3, 11, 15), (4, 16, 20)]
    assert level_ranges(2) == [(2, 1, 1), (4, 2, 2)]
    assert level_ranges(0) == [] and heat_level(0, 0) == 0
    for peak in range(1, 40):
        for answers in range(1, peak + 1):
            level = heat_level(answers, peak)
            assert [(lo, hi) for lv, lo, hi in level_ranges(peak) if lv == level] != []
            assert any(lo <= answers <= hi for lv, lo, hi in level_ranges(peak) if lv == level)


def test_streaks_count_consecutive_study_days() -> None:
    days = {TODAY - timedelta(days=n) for n in (1, 2, 3, 7, 8, 9, 10, 11)}
    assert current_streak(days, TODAY) == 3  # today has no answers yet: the streak up to yesterday still counts
    assert current_streak(days | {TODAY}, TODAY) == 4
    assert current_streak(days - {TODAY - timedelta(days=1)}, TODAY) == 0
    assert longest_streak(days) == 5 and longest_streak(set()) == 0


def test_study_days_start_at_4am_local_time_in_sql_and_python(tmp_path: Path, local_zone: None) -> None:
    moments = [
        datetime(2026, 3, 28, 2, 59, tzinfo=UTC), datetime(2026, 3, 28, 3, 0, tzinfo=UTC),  # 03:59 / 04:00 CET
        datetime(2026, 3, 29, 1, 59, tzinfo=UTC), datetime(2026, 3, 29, 2, 0, tzinfo=UTC),  # 03:59 / 04:00 CEST
        datetime(2026, 7, 1, 1, 59, tzinfo=UTC), datetime(2026, 7, 1, 2, 0, tzinfo=UTC),
        datetime(2026, 10, 25, 2, 59, tzinfo=UTC), datetime(2026, 10, 25, 3, 0, tzinfo=UTC),  # the day clocks go back
    ]  # fmt: skip
    with Store.open(tmp_path / "p.db") as store:
        for n, moment in enumerate(moments):
            store.record(Answer("d", f"i{n}", Rating.GOOD, moment, new_card(moment), None, Settings()))
        in_sql = {(d.day, d.answers) for d in store.study_log(None, 60_000, ()).activity}
    expected: dict[date, int] = {}
    for moment in moments:
        expected[study_day(moment)] = expected.get(study_day(moment), 0) + 1
    assert in_sql == set(expected.items())
    assert sorted(expected) == [date(2026, 3, 27), date(2026, 3, 28), date(2026, 3, 29), date(2026, 6, 30),
                                date(2026, 7, 1), date(2026, 10, 24), date(2026, 10, 25)]  # fmt: skip
    for day in expected:
        assert study_day(day_begins(day)) == day and study_day(day_begins(day) - timedelta(microseconds=1)) < day


def card(
    due: datetime, state: State = State.REVIEW, last: datetime | None = None, stability: float = 10.0
) -> CardState:
    return CardState(state, due, None, stability, 5.0, last or due - timedelta(days=10), reps=3)


def test_the_forecast_buckets_by_study_day() -> None:
    now = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    rows = [
        CardRow("d", "overdue", card(datetime(2026, 11, 28, 3, 59, tzinfo=UTC)), False),  # yesterday's study day
        CardRow("d", "today", card(datetime(2026, 11, 28, 4, 0, tzinfo=UTC)), False),
        CardRow("d", "tonight", card(datetime(2026, 11, 29, 3, 59, tzinfo=UTC), State.LEARNING), False),
        CardRow("d", "tomorrow", card(datetime(2026, 11, 29, 4, 0, tzinfo=UTC)), False),
        CardRow("d", "last", card(datetime(2026, 12, 11, 12, 0, tzinfo=UTC)), False),
        CardRow("d", "beyond", card(datetime(2026, 12, 12, 12, 0, tzinfo=UTC)), False),
        CardRow("d", "suspended", card(now), True),
        CardRow("d", "never", None, True),
    ]
    result = forecast(rows, study_day(now))
    assert (result.overdue, result.due) == (1, (2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1))


def test_weak_cards_use_each_decks_parameters() -> None:
    now = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    state = card(now, last=now - timedelta(days=10), stability=10.0)
    rows = [CardRow("mine", "a", state, False), CardRow("other", "a", state, False)]
    fitted = (0.2, 1.2, 3.0, 15.0, 7.0, 0.5, 1.8, 0.01, 1.5, 0.1, 1.0, 1.9, 0.1, 0.3, 2.3, 0.2, 2.9, 0.5, 0.3, 0.1, 0.5)
    weak = weak_cards(rows, now, {"mine": fitted})
    by_deck = {c.deck: c.retrievability for c in weak.lowest_retrievability}
    factor = 0.9 ** (1 / -0.5) - 1
    assert by_deck["mine"] == pytest.approx((1 + factor * 10 / 10) ** -0.5)
    assert by_deck["other"] == pytest.approx(0.9)  # after one stability, FSRS predicts 90% whatever the decay


FITTED = (0.2, 1.2, 3.0, 15.0, 7.0, 0.5, 1.8, 0.01, 1.5, 0.1, 1.0, 1.9, 0.1, 0.3, 2.3, 0.2, 2.9, 0.5, 0.3, 0.1, 0.5)


@given(
    cards=st.lists(
        st.tuples(
            st.sampled_from(["mine", "other"]),
            st.sampled_from([State.LEARNING, State.REVIEW, State.RELEARNING]),
            st.integers(0, 12),  # lapses
            st.booleans(),  # suspended
            st.sampled_from([1.0, 10.0, 0.5]) | st.floats(min_value=0.1, max_value=100),  # stability
            st.integers(0, 400),  # days since the last review
        ),
        max_size=40,
    )
)
def test_weak_cards_are_every_leech_and_the_ten_least_likely_recalled(
    cards: list[tuple[str, State, int, bool, float, int]],
) -> None:
    now = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    rows = [
        CardRow(
            deck,
            f"i{n % 7}",
            CardState(state, now, None, stability, 5.0, now - timedelta(days=days), 9, lapses),
            suspended,
        )  # fmt: skip
        for n, (deck, state, lapses, suspended, stability, days) in enumerate(cards)
    ]
    parameters = {"mine": FITTED}
    every = [
        WeakCard(
            row.deck,
            row.item,
            row.state.lapses,
            retrievability(row.state, now, Settings(parameters=parameters.get(row.deck, ()))),
            row.state.due,
            row.suspended,
        )  # fmt: skip
        for row in rows
        if row.state is not None
    ]
    leeches = sorted((c for c in every if c.lapses >= LEECH_LAPSES), key=lambda c: (-c.lapses, c.deck, c.item))
    active = [c for c in every if not c.suspended and c.retrievability is not None]
    lowest = sorted(active, key=lambda c: (c.retrievability, c.deck, c.item))[:WEAK_CARDS]
    assert weak_cards(rows, now, parameters) == WeakCards(tuple(leeches), tuple(lowest))


def test_drawing_helpers() -> None:
    assert bar(10, 10, 4) == "████" and bar(5, 10, 4) == "██" and bar(1, 10, 4) == "▍" and bar(0, 10, 4) == ""
    assert gauge(0.5, 0.87, 10) == "█████···┃·" and gauge(1.0, 0.99, 4) == "███┃"
    assert sparkline([0, 12, 50, 92, 93, 100]) == "▁▂▅▇██"
    assert [duration(s) for s in (0, 45, 125, 3600 * 3 + 20 * 60)] == ["0s", "45s", "2m 05s", "3h 20m"]


@pytest.mark.stress  # slow to build; how fast it is summed is for benchmarks, not for a test run
def test_a_100k_review_log_is_summed_in_sql(tmp_path: Path) -> None:
    path = tmp_path / "big.db"
    Store.open(path).close()
    now = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    start = now - timedelta(minutes=5 * 100_000)
    db = sqlite3.connect(path)
    db.execute("INSERT INTO settings (json) VALUES (?)", (Settings().to_json(),))
    db.executemany(
        "INSERT INTO reviews (deck, item, reviewed_at, rating, kind, state_before, elapsed_days, retrievability,"
        " duration_ms, settings_id, scheduled_days) VALUES ('big', ?, ?, ?, 'review', 2, 5.0, ?, 8000, 1, ?)",
        ((f"i{n % 3000}", (start + timedelta(minutes=5 * n)).isoformat(timespec="microseconds"), 1 + (n % 4 != 0),
          0.7 + (n % 30) / 100, n % 40) for n in range(100_000)),
    )  # fmt: skip
    db.executemany(
        "INSERT INTO cards VALUES ('big', ?, 2, ?, NULL, 12.0, 5.0, ?, 30, ?)",
        ((f"i{n}", f"2026-12-{1 + n % 14:02d}T10:00:00.000000+00:00", "2026-11-25T10:00:00.000000+00:00", n % 10)
         for n in range(3000)),
    )  # fmt: skip
    db.commit()
    db.close()
    with Store.open(path) as store:
        result = compute(gather(store, "big", {"big": None}, now, 84))
    assert result.decks[0].counts.young == 3000 and len(result.weak.leeches) == 600
    assert result.time.all_time.answers == 100_000 and result.activity.current_streak == 348


def test_a_table_is_laid_out_in_columns_and_its_first_column_cut_to_fit_the_screen() -> None:
    from rich.console import Console

    table = Columns(("deck", "new", "total"), right=("new", "total"))
    table.add_row("a-deck-with-a-long-name", "3", "120")
    table.add_row("b", "10", "7")

    def shown(width: int) -> list[str]:
        console = Console(width=width, record=True, color_system=None)
        console.print(table)
        return console.export_text().splitlines()

    assert shown(80) == [
        "deck                     new  total",
        "a-deck-with-a-long-name    3    120",
        "b                         10      7",
    ]
    assert shown(20) == ["deck      new  total", "a-deck-…    3    120", "b          10      7"]

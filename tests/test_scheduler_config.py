"""The FSRS adapter, the clock and the config file."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizcli.clock import day_start, now, parse_timestamp
from quizcli.config import (
    ConfigError,
    load_config,
    parse_duration,
    remember_sync_folder,
    remember_sync_with_git,
    sync_folder,
    sync_with_git,
)
from quizcli.errors import QuizcliError
from quizcli.scheduler import (
    DEFAULT_DECAY,
    CardState,
    Rating,
    Settings,
    State,
    format_interval,
    new_card,
    preview,
    replay,
    retrievability,
    review,
)

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def test_review_is_pure_and_reproducible_with_fuzz() -> None:
    settings = Settings()
    state = new_card(T0)
    for days in (0, 1, 4, 12, 40):
        state = review(state, Rating.GOOD, T0 + timedelta(days=days), settings, "deck/item")
    again = new_card(T0)
    for days in (0, 1, 4, 12, 40):
        again = review(again, Rating.GOOD, T0 + timedelta(days=days), settings, "deck/item")
    assert state == again and state.state is State.REVIEW and state.reps == 5


def test_fuzz_spreads_items_but_stays_near_the_fsrs_interval() -> None:
    settings, plain = Settings(), Settings(fuzz=False)
    base = review(review(new_card(T0), Rating.EASY, T0, plain, "x"), Rating.GOOD, T0 + timedelta(days=8), plain, "x")
    dues = set()
    for n in range(30):
        seed = f"deck/item{n}"
        state = review(
            review(new_card(T0), Rating.EASY, T0, settings, seed), Rating.GOOD, T0 + timedelta(days=8), settings, seed
        )
        dues.add(state.due)
        assert abs((state.due - base.due).days) <= 5  # py-fsrs's fuzz range for ~40 days is about +-4, rounded
    assert len(dues) > 3


def test_lapses_count_forgotten_reviews_and_retrievability_falls() -> None:
    settings = Settings(fuzz=False)
    state = review(new_card(T0), Rating.EASY, T0, settings, "s")
    assert retrievability(new_card(T0), T0, settings) is None
    soon, late = (
        retrievability(state, T0 + timedelta(days=1), settings),
        retrievability(state, T0 + timedelta(days=60), settings),
    )
    assert soon is not None and late is not None and soon > late
    lapsed = review(state, Rating.AGAIN, T0 + timedelta(days=20), settings, "s")
    assert lapsed.state is State.RELEARNING and lapsed.lapses == 1


def test_the_default_decay_is_py_fsrs_own() -> None:
    from fsrs.scheduler import DEFAULT_PARAMETERS

    assert DEFAULT_DECAY == DEFAULT_PARAMETERS[20]


@given(
    state=st.sampled_from([State.LEARNING, State.REVIEW, State.RELEARNING]),
    stability=st.floats(min_value=0.001, max_value=36500),
    last_review=st.one_of(st.none(), st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1))),
    later=st.timedeltas(min_value=timedelta(days=-3), max_value=timedelta(days=20000)),
)
def test_retrievability_under_the_default_parameters_is_py_fsrs_own(
    state: State, stability: float, last_review: datetime | None, later: timedelta
) -> None:
    """Worked out without py-fsrs, to the last bit of py-fsrs's own figure."""
    from fsrs import Card, Scheduler
    from fsrs import State as FsrsState

    last = None if last_review is None else last_review.replace(tzinfo=UTC)
    when = (last or T0) + later
    card = CardState(state, when, None, stability, 5.0, last, reps=3)
    fsrs_card = Card(card_id=1, state=FsrsState(int(state)), step=None, stability=stability, difficulty=5.0,
                     due=when, last_review=last)  # fmt: skip
    assert retrievability(card, when, Settings()) == float(Scheduler().get_card_retrievability(fsrs_card, when))


def test_preview_orders_intervals_by_rating() -> None:
    intervals = preview(new_card(T0), T0, Settings(), "p")
    assert intervals[Rating.AGAIN] < intervals[Rating.HARD] < intervals[Rating.GOOD] < intervals[Rating.EASY]
    assert format_interval(intervals[Rating.AGAIN]) == "1m"


def test_replay_of_nothing_is_new() -> None:
    assert replay([], "x") is None


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=30), "<1m"),
        (timedelta(minutes=10), "10m"),
        (timedelta(hours=3), "3h"),
        (timedelta(days=4), "4d"),
        (timedelta(days=75), "2.5mo"),
        (timedelta(days=365), "1y"),
    ],
)
def test_format_interval(delta: timedelta, text: str) -> None:
    assert format_interval(delta) == text


def test_day_starts_at_4am_local(monkeypatch: pytest.MonkeyPatch, utc: None) -> None:
    monkeypatch.setenv("TZ", "America/New_York")  # conftest's utc fixture puts the time zone back afterwards
    time.tzset()
    late = datetime(2026, 11, 3, 7, 30, tzinfo=UTC)  # 02:30 in New York
    assert day_start(late) == datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # 04:00 New York the day before
    morning = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)  # 05:00 in New York
    assert day_start(morning) == datetime(2026, 11, 3, 9, 0, tzinfo=UTC)


def test_quizcli_now_overrides_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIZCLI_NOW", "2030-01-02T03:04:05+00:00")
    assert now() == datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    monkeypatch.setenv("QUIZCLI_NOW", "next tuesday")
    with pytest.raises(QuizcliError, match="QUIZCLI_NOW must be an ISO-8601 timestamp"):
        now()
    assert parse_timestamp("2030-01-02T03:04:05", "x").tzinfo is UTC


def test_config_layers(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[study]\ndesired_retention = 0.85\nlearning_steps = ["30s", "5m", "1h"]\nnew_per_day = 7\n'
        '[decks.other]\nnew_per_day = 3\nrelearning_steps = ["1d"]\n'
    )
    config = load_config("other", path)
    assert config.new_per_day == 3 and config.reviews_per_day == 200
    assert config.settings.desired_retention == 0.85
    assert config.settings.learning_steps == (30, 300, 3600) and config.settings.relearning_steps == (86400,)
    assert load_config("mine", path).new_per_day == 7
    assert load_config("any", tmp_path / "missing.toml").new_per_day == 20


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[study]\nnew_per_day = -1\n", "new_per_day must be a whole number"),
        ("[study]\ndesired_retention = 2\n", "desired retention must be a number from 0.70 to 0.99"),
        ('[study]\nlearning_steps = ["soon"]\n', "a step must be a duration"),
        ("[study\n", "config.toml"),
        ("study = 3\n", "'study' must be a table"),
        ('[study]\nsync = "always"\n', r"config.toml:2:1: \[study\]: sync must be \"off\" or \"auto\", got 'always'"),
        ("[decks.d]\nsync = true\n", r"\[decks.d\]: sync must be \"off\" or \"auto\", got True"),
    ],
)
def test_config_errors_name_the_file_and_problem(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_config("d", path)


def test_sync_auto_is_a_study_setting_a_deck_may_turn_off(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[study]\nsync = "auto"\n[decks.offline]\nsync = "off"\n')
    assert load_config("any", path).auto_sync and not load_config("offline", path).auto_sync
    assert not load_config("any", tmp_path / "missing.toml").auto_sync


def test_the_sync_table_keeps_the_folder_and_whether_git_runs(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[study]\nnew_per_day = 5\n")
    assert (sync_folder(path), sync_with_git(path)) == (None, False)
    remember_sync_folder(tmp_path / "Sync", path)
    remember_sync_with_git(path)
    assert (sync_folder(path), sync_with_git(path)) == (tmp_path / "Sync", True)
    assert load_config("d", path).new_per_day == 5
    path.write_text('[sync]\ngit = "yes"\n')
    with pytest.raises(ConfigError, match=r"\[sync\] git must be true or false"):
        sync_with_git(path)


def test_parse_duration() -> None:
    assert [parse_duration(v) for v in ("1m", "10m", "1.5h", "2d", "45s", 90)] == [60, 600, 5400, 172800, 45, 90]

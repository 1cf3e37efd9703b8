"""The configured hour a study day begins at (Anki's "Next day starts at", ``next_day_starts_at``): the clock
across daylight-saving changes, study and stats at the boundary, the SQL of the activity figures, bad values."""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from quizcli import clock
from quizcli.cli import app
from quizcli.clock import day_begins, next_day_start, study_day
from quizcli.config import ConfigError, load_config
from quizcli.scheduler import Rating, Settings, new_card
from quizcli.store import Answer, Store

from conftest import write_deck

runner = CliRunner()
NEW_YORK, BERLIN, SYDNEY = ZoneInfo("America/New_York"), ZoneInfo("Europe/Berlin"), ZoneInfo("Australia/Sydney")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def configure(home: Path, lines: str) -> Path:
    path = home / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(lines, encoding="utf-8")
    return path


# ---- the clock ------------------------------------------------------------------------------

# (zone, hour, study day, when it begins in UTC, its local hour then, how long the day lasts)
TRANSITIONS = [
    (NEW_YORK, 2, date(2026, 3, 7), "2026-03-07T07:00", 2, 24),
    (NEW_YORK, 2, date(2026, 3, 8), "2026-03-08T07:00", 3, 23),  # 02:00 does not exist that night: the change
    (NEW_YORK, 1, date(2026, 11, 1), "2026-11-01T05:00", 1, 25),  # 01:00 comes twice: the first one
    (BERLIN, 0, date(2026, 10, 25), "2026-10-24T22:00", 0, 25),
    (BERLIN, 2, date(2026, 3, 29), "2026-03-29T01:00", 3, 23),
    (SYDNEY, 23, date(2026, 10, 3), "2026-10-03T13:00", 23, 23),  # the change at 02:00 on the 4th is inside it
    (SYDNEY, 23, date(2026, 10, 4), "2026-10-04T12:00", 23, 24),
]


@pytest.mark.parametrize(("zone", "hour", "day", "begins", "local_hour", "hours"), TRANSITIONS)
def test_a_configured_hour_begins_each_study_day_under_the_zones_rules(
    zone: ZoneInfo, hour: int, day: date, begins: str, local_hour: int, hours: int
) -> None:
    clock.set_rollover_hour(hour)
    start = at(begins)
    assert day_begins(day, zone) == start and start.astimezone(zone).hour == local_hour
    assert next_day_start(start, zone) - start == timedelta(hours=hours)
    for moment in (start, start + timedelta(hours=hours) - timedelta(microseconds=1)):
        assert study_day(moment, zone) == day
    assert study_day(start - timedelta(microseconds=1), zone) == day - timedelta(days=1)


@pytest.fixture
def new_york(monkeypatch: pytest.MonkeyPatch, utc: None) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()


def test_the_local_zone_and_a_given_zone_agree_on_every_hour(new_york: None) -> None:
    for hour in range(24):
        clock.set_rollover_hour(hour)
        for day in (date(2026, 3, 7), date(2026, 3, 8), date(2026, 10, 31), date(2026, 11, 1)):
            assert day_begins(day) == day_begins(day, NEW_YORK)


@given(
    zone=st.sampled_from([NEW_YORK, BERLIN, SYDNEY, ZoneInfo("Australia/Lord_Howe"), ZoneInfo("Asia/Kathmandu")]),
    hour=st.integers(0, 23),
    moments=st.lists(st.datetimes(min_value=datetime(1960, 1, 1), max_value=datetime(2040, 1, 1)), max_size=20),
)
def test_study_days_find_each_moments_study_day_and_when_each_day_begins(
    zone: ZoneInfo, hour: int, moments: list[datetime]
) -> None:
    clock.set_rollover_hour(hour)
    days = clock.StudyDays(zone)
    for moment in (moment.replace(tzinfo=UTC) for moment in moments):
        assert days.of(moment) == study_day(moment, zone)
        assert days.begins(study_day(moment, zone)) == day_begins(study_day(moment, zone), zone)


# (hour, answers around that hour on a night the clocks change, the study day with the most of them, how many)
NIGHTS = [
    (1, ["2026-11-01T04:59", "2026-11-01T05:00", "2026-11-01T05:30", "2026-11-01T06:30", "2026-11-02T05:59",
         "2026-11-02T06:00"], date(2026, 11, 1), 4),  # 01:00 EDT to 01:00 EST the next night: 25 hours
    (2, ["2026-03-08T06:30", "2026-03-08T06:59", "2026-03-08T07:00", "2026-03-09T05:59", "2026-03-09T06:00"],
     date(2026, 3, 8), 2),  # 02:00 is skipped: the day begins at 03:00 EDT and lasts 23 hours
]  # fmt: skip


@pytest.mark.parametrize(("hour", "moments", "busiest", "answers"), NIGHTS)
def test_the_activity_sql_counts_the_same_study_days_as_python(
    tmp_path: Path, new_york: None, hour: int, moments: list[str], busiest: date, answers: int
) -> None:
    clock.set_rollover_hour(hour)
    with Store.open(tmp_path / "p.db") as store:
        for n, moment in enumerate(map(at, moments)):
            store.record(Answer("d", f"i{n}", Rating.GOOD, moment, new_card(moment), None, Settings()))
        in_sql = {(d.day, d.answers) for d in store.study_log(None, 60_000, ()).activity}
    expected: dict[date, int] = {}
    for moment in map(at, moments):
        expected[study_day(moment)] = expected.get(study_day(moment), 0) + 1
    assert in_sql == set(expected.items()) and expected[busiest] == answers


# ---- study and stats at the boundary ----------------------------------------------------------


def flashcards(count: int) -> str:
    return "cards:\n" + "".join(f"  - {{id: f{n}, front: q{n}, back: a{n}}}\n" for n in range(count))


def study(deck: str, lines: list[str], now: str, *args: str) -> str:
    result = runner.invoke(
        app, ["study", deck, *args], input="\n".join(lines) + "\n", env={"QUIZCLI_NOW": now + "+00:00"}
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def stats_at(now: str) -> dict[str, object]:
    result = runner.invoke(app, ["stats", "--json"], env={"QUIZCLI_NOW": now + "+00:00"})
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    return data


def test_the_new_limit_lasts_until_the_configured_hour(user_decks: Path, utc: None) -> None:
    write_deck(user_decks, "four", flashcards(4))
    configure(user_decks.parent, "[study]\nnext_day_starts_at = 6\n")
    assert "Studied 2 cards" in study("four", ["", "4"] * 2, "2026-11-28T10:00", "--new", "2")
    assert "Nothing due" in study("four", [], "2026-11-29T05:30", "--new", "2")  # 04:00 has passed, 06:00 not
    assert stats_at("2026-11-29T05:30")["study_day"] == "2026-11-28"
    assert "new 2" in study("four", ["q"], "2026-11-29T06:00", "--new", "2")
    assert stats_at("2026-11-29T06:00")["study_day"] == "2026-11-29"


def test_reviews_are_due_by_the_configured_day_in_study_and_stats_alike(user_decks: Path, utc: None) -> None:
    write_deck(user_decks, "five", flashcards(5))
    configure(user_decks.parent, "[study]\nnext_day_starts_at = 12\n")
    assert "Studied 10 cards" in study("five", ["", "3"] * 10, "2026-11-28T13:00")  # Good twice: reviews
    con = sqlite3.connect(user_decks.parent / "progress.db")
    due = {datetime.fromisoformat(row[0]) for row in con.execute("SELECT due FROM cards")}
    con.close()
    assert len(due) == 1 and (first := due.pop()).hour == 13  # all due at 13:00 on one day
    before, boundary = (first.replace(hour=11, minute=59), first.replace(hour=12, minute=0))
    for moment, expected in ((before, 0), (boundary, 5)):
        data = stats_at(moment.strftime("%Y-%m-%dT%H:%M"))
        forecast = data["forecast"]
        assert isinstance(forecast, dict) and forecast["due_today"] == expected
    assert "Nothing due" in study("five", [], before.strftime("%Y-%m-%dT%H:%M"))  # with 04:00 it would be due
    assert "review 5" in study("five", ["q"], boundary.strftime("%Y-%m-%dT%H:%M"))


def test_a_buried_card_comes_back_at_the_configured_hour(user_decks: Path, new_york: None) -> None:
    write_deck(user_decks, "two", flashcards(2))
    configure(user_decks.parent, "[study]\nnext_day_starts_at = 1\n")
    study("two", ["b"], "2026-10-31T20:00")  # 16:00 EDT, the day before the clocks go back
    con = sqlite3.connect(user_decks.parent / "progress.db")
    assert con.execute("SELECT item, buried_until FROM flags").fetchall() == [
        ("f0", "2026-11-01T05:00:00.000000+00:00")  # the first 01:00 of that night (EDT)
    ]
    con.close()


# ---- the setting ---------------------------------------------------------------------------------


def test_the_setting_is_read_and_put_in_force(tmp_path: Path) -> None:
    path = configure(tmp_path, "[study]\nnew_per_day = 5\nnext_day_starts_at = 0\n")
    assert load_config("any", path).new_per_day == 5 and clock.rollover_hour() == 0
    load_config(None, tmp_path / "missing.toml")
    assert clock.rollover_hour() == clock.DAY_ROLLOVER_HOUR


@pytest.mark.parametrize("value", ["24", "-1", '"4"', "true", "4.5", '"04:00"'])
def test_an_hour_outside_0_to_23_is_rejected_at_its_line(tmp_path: Path, value: str) -> None:
    path = configure(tmp_path, f"# my settings\n[study]\nnew_per_day = 5\n  next_day_starts_at = {value}\n")
    with pytest.raises(ConfigError) as raised:
        load_config(None, path)
    assert str(raised.value) == (
        f"{path}:4:3: [study]: next_day_starts_at must be a whole hour from 0 to 23 (after midnight), got "
        + repr(json.loads(value) if value != "true" else True)
    )
    assert clock.rollover_hour() == clock.DAY_ROLLOVER_HOUR  # nothing was put in force


def test_every_problem_is_reported_at_once_and_the_hour_is_not_a_deck_setting(tmp_path: Path) -> None:
    path = configure(
        tmp_path,
        "[study]\nnext_day_starts_at = 30\nnew_per_dya = 5\n\n[decks.bio]\nnext_day_starts_at = 5\nnew_per_day = -1\n",
    )
    with pytest.raises(ConfigError) as raised:
        load_config("bio", path)
    lines = str(raised.value).splitlines()
    assert [line.split(": ")[0] for line in lines] == [f"{path}:2:1", f"{path}:3:1", f"{path}:6:1", f"{path}:7:1"]
    assert "unknown setting 'new_per_dya'" in lines[1] and "next_day_starts_at" in lines[1]  # named among the known
    assert lines[2] == f"{path}:6:1: [decks.bio]: next_day_starts_at is the same for every deck; set it in [study]"
    assert "new_per_day must be a whole number" in lines[3]


def test_the_cli_reports_a_bad_hour_as_an_error(user_decks: Path) -> None:
    write_deck(user_decks, "two", flashcards(2))
    configure(user_decks.parent, "[study]\nnext_day_starts_at = 25\n")
    for command in (["study", "two"], ["stats"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert "quizcli: error:" in result.stderr and "config.toml:2:1: [study]: next_day_starts_at" in result.stderr

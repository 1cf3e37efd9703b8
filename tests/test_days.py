"""Study days and daily limits over months of use: the rollover under daylight saving, reviews due by day,
the review limit, buried siblings, the order of new cards, capped answer times (issue 13, "Days and limits")."""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from quizcli.catalog import open_deck
from quizcli.cli import app
from quizcli.clock import day_begins, day_start, next_day_start, study_day
from quizcli.config import ConfigError, NewOrder, StudyConfig, load_config
from quizcli.decks import DeckFile, Source
from quizcli.scheduler import Rating
from quizcli.session import Session, StudyOptions, spread
from quizcli.store import Store, Unparsed

from conftest import write_deck

runner = CliRunner()
NEW_YORK, BERLIN, SYDNEY = ZoneInfo("America/New_York"), ZoneInfo("Europe/Berlin"), ZoneInfo("Australia/Sydney")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def new_york(monkeypatch: pytest.MonkeyPatch, utc: None) -> None:
    """The process's local time is New York's, as `quizcli` reads it from ``TZ``; conftest's utc puts it back."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()


# ---- the study day under each zone's own rules ---------------------------------------------

# (zone, the study day, when it begins in UTC, how long it lasts): each a day of a daylight-saving change.
TRANSITIONS = [
    (NEW_YORK, date(2026, 3, 7), "2026-03-07T09:00", 23),  # spring: 04:00 EST to 04:00 EDT
    (NEW_YORK, date(2026, 3, 8), "2026-03-08T08:00", 24),
    (NEW_YORK, date(2026, 10, 31), "2026-10-31T08:00", 25),  # autumn: 04:00 EDT to 04:00 EST
    (NEW_YORK, date(2026, 11, 1), "2026-11-01T09:00", 24),
    (BERLIN, date(2026, 3, 28), "2026-03-28T03:00", 23),  # 04:00 CET to 04:00 CEST
    (BERLIN, date(2026, 3, 29), "2026-03-29T02:00", 24),
    (BERLIN, date(2026, 10, 24), "2026-10-24T02:00", 25),  # 04:00 CEST to 04:00 CET
    (BERLIN, date(2026, 10, 25), "2026-10-25T03:00", 24),
    (SYDNEY, date(2026, 4, 4), "2026-04-03T17:00", 25),  # autumn in April: 04:00 AEDT to 04:00 AEST
    (SYDNEY, date(2026, 10, 3), "2026-10-02T18:00", 23),  # spring in October
]


@pytest.mark.parametrize(("zone", "day", "begins", "hours"), TRANSITIONS)
def test_a_study_day_runs_from_local_4am_to_local_4am_across_daylight_saving(
    zone: ZoneInfo, day: date, begins: str, hours: int
) -> None:
    start = at(begins)
    assert day_begins(day, zone) == start
    assert next_day_start(start, zone) - start == timedelta(hours=hours)
    assert start.astimezone(zone).hour == next_day_start(start, zone).astimezone(zone).hour == 4
    for moment in (start, start + timedelta(hours=hours) - timedelta(microseconds=1)):
        assert study_day(moment, zone) == day and day_start(moment, zone) == start
    assert study_day(start - timedelta(microseconds=1), zone) == day - timedelta(days=1)


def test_the_local_zone_is_read_with_its_rules_not_the_current_offset(new_york: None) -> None:
    """The issue's night: 04:30 EDT on 31 October, then 01:30 EDT and 01:30 EST, are one study day."""
    for moment in ("2026-10-31T08:30", "2026-11-01T05:30", "2026-11-01T06:30"):
        assert study_day(at(moment)) == date(2026, 10, 31)
        assert next_day_start(at(moment)) == at("2026-11-01T09:00")  # 04:00 EST
    assert study_day(at("2026-11-01T09:00")) == date(2026, 11, 1)
    assert day_begins(date(2026, 3, 8)) == at("2026-03-08T08:00")  # 04:00 EDT, after the spring change


# ---- the user-visible rules, through the CLI ------------------------------------------------


def flashcards(count: int, tags: tuple[str, ...] = (), reverse: bool = False) -> str:
    lines = ["cards:"]
    for n in range(count):
        tag = f", tags: [{tags[n * len(tags) // count]}]" if tags else ""
        lines.append(f"  - {{id: f{n}, front: q{n}, back: a{n}{', reverse: true' if reverse else ''}{tag}}}")
    return "\n".join(lines) + "\n"


def study(deck: str, lines: list[str], now: str, *args: str):  # type: ignore[no-untyped-def]
    result = runner.invoke(
        app, ["study", deck, *args], input="\n".join(lines) + "\n", env={"QUIZCLI_NOW": now + "+00:00"}
    )
    assert result.exit_code == 0, result.output
    return result


def reviews_due_today(now: str) -> int:
    result = runner.invoke(app, ["stats", "--json"], env={"QUIZCLI_NOW": now + "+00:00"})
    return int(json.loads(result.stdout)["forecast"]["due_today"])


def test_a_review_due_later_today_is_shown_now_as_stats_count_it(user_decks: Path, utc: None) -> None:
    """Seen: after a 09:00 session, at 08:00 two days later stats said 5 due today and study "Nothing due"."""
    write_deck(user_decks, "five", flashcards(5))
    assert "Studied 10 cards" in study("five", ["", "3"] * 10, "2026-11-28T09:00").stdout  # Good twice: reviews
    con = sqlite3.connect(user_decks.parent / "progress.db")
    due = {datetime.fromisoformat(row[0]) for row in con.execute("SELECT due FROM cards")}
    assert len(due) == 1 and (first := due.pop()).hour == 9  # all due at 09:00 on one day
    morning = (first - timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M")  # 05:00 that day: the study day has begun
    assert reviews_due_today(morning) == 5
    result = study("five", ["", "3"] * 5, morning)
    assert "review 5" in result.stdout and "Studied 5 cards" in result.stdout
    the_night_before = (first - timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M")  # 03:00: still the day before
    assert "Nothing due" in study("five", [], the_night_before).stdout and reviews_due_today(the_night_before) == 0


def test_learning_steps_do_not_use_up_the_review_limit(user_decks: Path, utc: None) -> None:
    """Seen: a morning of 20 new cards (40 answers) left room for only 10 of 20 due reviews with --limit 30."""
    write_deck(user_decks, "sixty", flashcards(40, tags=("first", "second")))
    study("sixty", ["", "3"] * 40, "2026-11-28T10:00", "--tag", "first", "--new", "20")  # Good, Good: reviews
    con = sqlite3.connect(user_decks.parent / "progress.db")
    due = max(datetime.fromisoformat(row[0]) for row in con.execute("SELECT due FROM cards"))
    day = due.strftime("%Y-%m-%d")
    early = study("sixty", ["", "3"] * 40, f"{day}T05:00", "--tag", "second", "--new", "20", "--limit", "30")
    assert "Studied 20 cards" not in early.stdout and early.stdout.count("Studied ") == 1  # 40 learning answers
    later = study("sixty", ["q"], f"{day}T10:00", "--new", "0", "--limit", "30")
    assert "review 20" in later.stdout


def test_the_new_limit_holds_for_the_whole_study_day_on_the_autumn_night(user_decks: Path, new_york: None) -> None:
    """Seen: 5 new at 04:30 EDT, then 5 more at 01:30 EST although that is the same study day."""
    write_deck(user_decks, "fifteen", flashcards(15))
    assert "Studied 5 cards" in study("fifteen", ["", "4"] * 5, "2026-10-31T08:30", "--new", "5").stdout
    for moment in ("2026-11-01T05:30", "2026-11-01T06:30"):  # 01:30 EDT, 01:30 EST
        assert "Nothing due" in study("fifteen", ["", "4"] * 5, moment, "--new", "5").stdout
    assert "new 5" in study("fifteen", ["q"], "2026-11-01T09:30", "--new", "5").stdout  # 04:30 EST: a new day


def test_bury_lasts_until_local_4am_of_the_next_study_day(user_decks: Path, new_york: None) -> None:
    write_deck(user_decks, "two", flashcards(2))
    study("two", ["b"], "2026-10-31T20:00")  # 16:00 EDT, the day before the clocks go back
    con = sqlite3.connect(user_decks.parent / "progress.db")
    assert con.execute("SELECT item, buried_until FROM flags").fetchall() == [
        ("f0", "2026-11-01T09:00:00.000000+00:00")  # 04:00 EST, not 04:00 at the old offset
    ]


def test_a_cards_siblings_wait_for_the_next_study_day(user_decks: Path, utc: None) -> None:
    write_deck(user_decks, "both", flashcards(2, reverse=True))
    first = study("both", ["", "4"] * 4, "2026-11-28T10:00")
    assert "new 4" in first.stdout and "Studied 2 cards" in first.stdout  # f0 and f1; their reverses buried
    con = sqlite3.connect(user_decks.parent / "progress.db")
    assert con.execute("SELECT item FROM reviews ORDER BY id").fetchall() == [("f0",), ("f1",)]
    assert con.execute("SELECT item, buried_until FROM flags ORDER BY item").fetchall() == [
        ("f0:reverse", "2026-11-29T04:00:00.000000+00:00"), ("f1:reverse", "2026-11-29T04:00:00.000000+00:00"),
    ]  # fmt: skip
    assert "Nothing due" in study("both", [], "2026-11-29T03:59").stdout
    assert "new 2" in study("both", ["q"], "2026-11-29T04:00").stdout


def test_burying_siblings_can_be_turned_off(user_decks: Path, utc: None) -> None:
    write_deck(user_decks, "both", flashcards(2, reverse=True))
    (user_decks.parent / "config.toml").write_text("[study]\nbury_new_siblings = false\n", encoding="utf-8")
    assert "Studied 4 cards" in study("both", ["", "4"] * 4, "2026-11-28T10:00").stdout


def fronts_shown(output: str) -> list[str]:
    """The fronts of the generated flashcards, in the order the session showed them."""
    lines = (line.strip("│ ") for line in output.splitlines())
    return list(dict.fromkeys(line for line in lines if line.startswith("q") and line[1:].isdigit()))


def test_new_cards_are_spread_by_default_and_as_written_with_order_authored(user_decks: Path, utc: None) -> None:
    write_deck(user_decks, "topics", flashcards(6, tags=("dilution", "sink")))
    spread_out = study("topics", ["", "3"] * 6, "2026-11-28T10:00", "--new", "6")
    assert fronts_shown(spread_out.stdout) == ["q0", "q3", "q1", "q4", "q2", "q5"]
    write_deck(user_decks, "again", flashcards(6, tags=("dilution", "sink")))
    authored = study("again", ["", "3"] * 6, "2026-11-28T10:00", "--new", "6", "--order", "authored")
    assert fronts_shown(authored.stdout) == ["q0", "q1", "q2", "q3", "q4", "q5"]
    wrong = runner.invoke(app, ["study", "again", "--order", "random"])
    assert wrong.exit_code == 1 and '--order must be "authored" or "spread"' in wrong.output


# ---- the pure rules --------------------------------------------------------------------------


def item(card: str, *tags: str, reverse: bool = False) -> Unparsed:
    """A new item as a session queues it: by id, card and tags (`spread` never parses it)."""
    return Unparsed(id=f"{card}:reverse" if reverse else card, card_id=card, tag_text=" ".join(tags), data="")


def test_spread_keeps_related_items_apart_and_the_order_otherwise() -> None:
    a1, a2, a3 = item("a1", "deck", "a"), item("a2", "deck", "a"), item("a3", "deck", "a")
    b1, b2 = item("b1", "deck", "b"), item("b2", "deck", "b")
    assert spread([a1, a2, a3, b1, b2]) == [a1, b1, a2, b2, a3]  # "deck" is on all: it relates nothing
    flash, back = item("c", reverse=False), item("c", reverse=True)
    assert spread([flash, back, a1]) == [flash, a1, back]  # one card's items apart
    assert spread([a1, a2]) == [a1, a2] and spread([]) == []


def test_config_reads_the_day_and_order_settings(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[study]\nbury_review_siblings = false\nnew_order = "authored"\nmax_answer_time = "2m"\n', encoding="utf-8"
    )
    config = load_config(None, path)
    assert (config.bury_new_siblings, config.bury_review_siblings) == (True, False)
    assert config.new_order is NewOrder.AUTHORED and config.max_answer_seconds == 120
    for bad, message in (
        ("bury_new_siblings = 1", "bury_new_siblings must be true or false"),
        ('max_answer_time = "soon"', "max_answer_time must be a duration"),
    ):
        path.write_text(f"[study]\n{bad}\n", encoding="utf-8")
        with pytest.raises(ConfigError, match=message):
            load_config(None, path)


# ---- answer times ------------------------------------------------------------------------------


def test_an_answer_left_open_is_logged_as_the_cap(tmp_path: Path, utc: None) -> None:
    path = write_deck(tmp_path, "three", flashcards(3))
    with Store.open(tmp_path / "progress.db") as store:
        deck = open_deck(store, DeckFile("three", path, Source.PATH))
        session = Session(
            deck, store, StudyOptions(config=StudyConfig(max_answer_seconds=90)), lambda: at("2026-11-28T10:00")
        )
        for duration in (487_806, 4_000):
            shown = session.next()
            assert shown is not None
            session.answer(shown, Rating.GOOD, True, duration)
        logged = store._db.execute("SELECT duration_ms FROM reviews ORDER BY id").fetchall()
        assert [row[0] for row in logged] == [90_000, 4_000]


def test_stats_cap_answer_times_logged_before_the_cap(user_decks: Path, utc: None) -> None:
    write_deck(user_decks, "one", flashcards(1))
    study("one", ["", "3"], "2026-11-28T10:00")
    con = sqlite3.connect(user_decks.parent / "progress.db")
    con.execute("UPDATE reviews SET duration_ms = 487806")
    con.commit()
    result = runner.invoke(app, ["stats", "--json"], env={"QUIZCLI_NOW": "2026-11-28T11:00:00+00:00"})
    assert json.loads(result.stdout)["time"]["today"]["seconds"] == 60.0


def test_undo_unburies_the_siblings_the_answer_buried(tmp_path: Path, utc: None) -> None:
    path = write_deck(tmp_path, "both", flashcards(1, reverse=True))
    with Store.open(tmp_path / "progress.db") as store:
        deck = open_deck(store, DeckFile("both", path, Source.PATH))
        session = Session(deck, store, StudyOptions(), lambda: at("2026-11-28T10:00"))
        first = session.next()
        assert first is not None and first.id == "f0"
        session.answer(first, Rating.EASY, True)
        assert session.next() is None and store.flags("both")["f0:reverse"].buried_until == at("2026-11-29T04:00")
        assert session.undo() == first
        assert store.flags("both")["f0:reverse"].buried_until is None
        # Both new items are back in the queue (the header counts them), and the undone one is shown first.
        assert [item.id for item in session.new] == ["f0", "f0:reverse"] and session.next() == first

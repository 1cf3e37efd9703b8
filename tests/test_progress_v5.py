"""A progress database written by an earlier quizcli opens, migrates and keeps everything.

``fixtures/progress-v5.db`` was written by quizcli at commit 846623d (schema 5) driving
the real CLI over simulated days: ``fixtures/make_progress_v5.py`` says how.  It holds
study reviews and practice answers of the bundled deck and of ``fixtures/mine.yaml``,
a suspended and a buried item, three exams (one a ``--retry-wrong``), fitted parameters
for one deck and for every deck, three settings rows and both decks' index.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizcli.cli import app
from quizcli.clock import from_text
from quizcli.scheduler import item_seed, replay
from quizcli.store import SCHEMA_VERSION, Flags, Store

FIXTURES = Path(__file__).parent / "fixtures"
NOW = "2026-02-02T12:00:00+00:00"  # the fixture's last day: the buried card is still buried
# The user's own tables, every column they had at schema 5.
KEPT = {
    "settings": "id, json",
    "reviews": "id, deck, item, reviewed_at, rating, kind, state_before, elapsed_days, retrievability, duration_ms,"
    " settings_id, scheduled_days",
    "cards": "deck, item, state, due, step, stability, difficulty, last_review, reps, lapses",
    "flags": "deck, item, suspended, buried_until",
    "exams": "id, deck, started_at, finished_at, duration_ms, score, total, percent, pass_mark, passed, seed, tag,"
    " shuffled, time_limit_s, timed_out",
    "exam_answers": "exam, number, item, kind, given, expected, correct, almost, flagged",
    "fitted_parameters": "deck, parameters, reviews, loss_before, loss_after, fitted_at",
}
COUNTS = {"settings": 3, "reviews": 201, "cards": 28, "flags": 2, "exams": 3, "exam_answers": 21,
          "fitted_parameters": 2}  # fmt: skip
runner = CliRunner()


@pytest.fixture
def old_home(quizcli_home: Path, monkeypatch: pytest.MonkeyPatch, utc: None) -> Path:
    """A quizcli home holding the old database and the user deck it was written with."""
    monkeypatch.setenv("QUIZCLI_NOW", NOW)
    (quizcli_home / "decks").mkdir(parents=True)
    shutil.copy(FIXTURES / "mine.yaml", quizcli_home / "decks" / "mine.yaml")
    shutil.copy(FIXTURES / "progress-v5.db", quizcli_home / "progress.db")
    return quizcli_home


def rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as db:
        found = {table: db.execute(f"SELECT {columns} FROM {table} ORDER BY 1, 2").fetchall()
                 for table, columns in KEPT.items()}  # fmt: skip
    db.close()
    return found


def test_the_fixture_is_an_old_database() -> None:
    with sqlite3.connect(FIXTURES / "progress-v5.db") as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 5
    db.close()
    assert {table: len(found) for table, found in rows(FIXTURES / "progress-v5.db").items()} == COUNTS


def test_opening_migrates_and_keeps_every_row(old_home: Path) -> None:
    path = old_home / "progress.db"
    before = rows(path)
    with Store.open(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
    assert rows(path) == before


def test_the_store_reads_back_every_kind_of_record(old_home: Path) -> None:
    with Store.open(old_home / "progress.db") as store:
        assert store.flags("mine") == {
            "planet": Flags(suspended=True),
            "capital-fr": Flags(suspended=False, buried_until=from_text("2026-02-03T04:00:00.000000+00:00")),
        }
        for deck in ("mine", "long-context"):
            for item, state in store.states(deck).items():  # every derived state replays from the log
                assert replay(store.item_log(deck, item), item_seed(deck, item)) == state
        assert len(store.item_log("mine", "two-plus-two")) == 16
        attempts = store.exam_attempts()
        assert [(a.id, a.deck, a.score, a.total, a.seed) for a in attempts] == [
            (1, "long-context", 1, 8, 7), (2, "long-context", 0, 7, 218113), (3, "mine", 1, 6, 3),
        ]  # fmt: skip
        assert store.last_exam_misses("mine") == ["planet", "rivers:c1", "pi", "rivers:c2", "sky"]
        assert store.fitted_parameters("mine")[:3] == (0.2141, 1.306, 2.3296)
        assert store.fitted_parameters("long-context")[:3] == (0.212, 1.2931, 2.3065)  # the fit for every deck
        assert store.answered_since("mine", from_text("2026-02-01T04:00:00+00:00")) == (0, 6)  # review cards only


def test_stats_history_and_study_work_on_it(old_home: Path) -> None:
    stats = runner.invoke(app, ["stats", "mine", "--json"])
    assert stats.exit_code == 0, stats.output
    cards = json.loads(stats.stdout)["cards"]["total"]
    assert cards == {"new": 0, "learning": 0, "young": 4, "mature": 3, "suspended": 1, "total": 8}
    history = runner.invoke(app, ["history", "--json"])
    assert history.exit_code == 0, history.output
    assert [attempt["seed"] for attempt in json.loads(history.stdout)["attempts"]] == [7, 218113, 3]
    study = runner.invoke(app, ["study", "mine", "--ahead"], input="\n3\n" * 3)
    assert study.exit_code == 0, study.output
    assert "Studied" in study.stdout
    assert len(rows(old_home / "progress.db")["reviews"]) > COUNTS["reviews"]

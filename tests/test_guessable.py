"""Guessable answers (single-answer choice, true/false): logged as such, left out of a fit, shown apart in the
calibration of ``quizcli stats`` (issue 13, "Guessing inflates memory")."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizcli import fitting
from quizcli.catalog import open_deck
from quizcli.cli import app
from quizcli.decks import DeckFile, Source
from quizcli.fitting import histories
from quizcli.scheduler import CardState, Rating, Settings, State
from quizcli.session import Session, StudyOptions
from quizcli.store import Answer, Store

from conftest import write_deck
from test_optimize import LEARNER, simulated_log, write_log

runner = CliRunner()
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
KINDS = """cards:
  - {id: flash, front: f, back: b}
  - id: pick
    question: Which?
    choices: [one, two, three]
    answer: B
  - id: every
    question: Which ones?
    choices: [one, two, three]
    answer: [A, C]
  - {id: truth, question: It is so., answer: true}
  - {id: typed, question: Say it, answer: it}
"""


def test_each_answer_is_logged_guessable_or_not_by_its_kind(tmp_path: Path) -> None:
    path = write_deck(tmp_path, "kinds", KINDS)
    with Store.open(tmp_path / "progress.db") as store:
        deck = open_deck(store, DeckFile("kinds", path, Source.PATH))
        session = Session(deck, store, StudyOptions(), lambda: NOW)
        while (item := session.next()) is not None and len(session.results) < 5:
            session.answer(item, Rating.EASY, True)
    db = sqlite3.connect(tmp_path / "progress.db")
    logged = dict(db.execute("SELECT item, guessable FROM reviews").fetchall())
    db.close()
    assert logged == {"flash": 0, "pick": 1, "every": 0, "truth": 1, "typed": 0}


def test_histories_leave_out_the_items_named() -> None:
    rows = [("d", "a", NOW, Rating.GOOD), ("d", "g", NOW, Rating.GOOD), ("e", "a", NOW, Rating.HARD)]
    assert histories(rows, leave_out={("d", "g")}) == [((NOW, Rating.GOOD),), ((NOW, Rating.HARD),)]


def test_optimize_fits_without_the_guessable_items_and_says_so(
    quizcli_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = simulated_log(LEARNER)  # 120 items, 600 usable reviews
    start = log[0][2]  # and 60 choice items, each answered twice 3 days apart
    guessed = [("d", f"g{n}", start + timedelta(hours=n, days=days), 3) for n in range(60) for days in (0, 3)]
    write_log(quizcli_home / "progress.db", log + guessed, guessable=frozenset(item for _, item, _, _ in guessed))
    learned: list[int] = []

    def fit_parameters(items: list[object]) -> tuple[float, ...]:
        learned.append(len(items))
        return LEARNER

    monkeypatch.setattr(fitting, "fit_parameters", fit_parameters)
    result = runner.invoke(app, ["optimize", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["reviews"] == 600 and report["guessable_items_left_out"] == 60
    assert learned == [600, 480]  # the whole log, then the trial on its older four fifths: no guessable review
    shown = " ".join(runner.invoke(app, ["optimize"]).stdout.split())
    assert shown.startswith("Left out 60 choice or true/false items: a lucky guess there would teach FSRS a memory")
    (quizcli_home / "config.toml").write_text('[study]\nguessable_rating = "good"\n', encoding="utf-8")
    kept = json.loads(runner.invoke(app, ["optimize", "--json"]).stdout)  # Good for right guesses: every item
    assert (kept["reviews"], kept["guessable_items_left_out"]) == (660, 0) and learned[-2:] == [660, 528]


def test_stats_shows_the_calibration_of_guessable_answers_apart(quizcli_home: Path, utc: None) -> None:
    with Store.open(quizcli_home / "progress.db") as store:
        for n, (odds, rating, guess) in enumerate([(0.92, 3, False), (0.91, 1, False), (0.93, 2, True)]):
            when = NOW - timedelta(days=1, minutes=n)
            before = CardState(State.REVIEW, when, None, 10.0, 5.0, when - timedelta(days=10), reps=4)
            after = before._replace(due=when + timedelta(days=12), last_review=when)
            store.record(Answer(deck="d", item=f"i{n}", rating=Rating(rating), when=when, before=before, after=after,
                                settings=Settings(), retrievability=odds, guessable=guess))  # fmt: skip
    data = json.loads(runner.invoke(app, ["stats", "--json"]).stdout)["calibration"]
    assert (data["answers"], data["actual"], [b["answers"] for b in data["bins"]]) == (2, 0.5, [2])
    guessable = data["guessable"]
    assert (guessable["answers"], guessable["actual"], guessable["predicted"]) == (1, 1.0, 0.93)
    shown = runner.invoke(app, ["stats"]).stdout
    assert "Choice and true/false answers, apart: a lucky guess passes without recall" in shown
    assert shown.count("90-95%") == 2  # one table of each

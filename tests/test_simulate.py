"""benchmarks/simulate.py: the learner simulation runs against the real CLI and its figures add up."""

from __future__ import annotations

import importlib
import random
import sqlite3
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType

import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
simulate: ModuleType = importlib.import_module("simulate")
lines: ModuleType = importlib.import_module("sim_lines")
learner: ModuleType = importlib.import_module("sim_learner")
measures: ModuleType = importlib.import_module("sim_measures")


def test_the_line_mode_screens_are_read() -> None:
    assert lines.panel_title("╭─ gap:c1 · cloze ────────╮") == "gap:c1 · cloze"
    assert lines.item_of("gap:c1 · cloze") == ("gap:c1", "cloze")
    assert lines.item_of("flash · reverse") == ("flash:reverse", "reverse")
    assert lines.item_of("multi · choice · select all that apply") == ("multi", "choice")
    body = [lines.panel_line(line) for line in ("│ Pick one      │", "│  [ ] A) first  │", "│  [ ] B) second │")]
    assert lines.options_of(body) == {"A": "first", "B": "second"}
    assert lines.verdict_of(["Pick one", "─────", "✓ Correct"]) is True
    assert lines.verdict_of(["Pick one", "≈ Almost — counted as wrong"]) is False
    assert lines.prompt_kind("A-D or 1-4 to answer · u undo · s suspend · q quit") is lines.Prompt.CHOICE
    assert lines.prompt_kind("Enter: Good · u undo · s suspend · b bury · q quit") is lines.Prompt.RATING
    assert lines.suggested_of("Enter: Hard · u undo · s suspend · b bury · q quit") == 2
    assert lines.suggested_of("Space/Enter: Good · u undo · s suspend · b bury · q quit") == 3
    assert lines.suggested_of("Pick one") is None
    assert (
        lines.prompt_kind("Fill the 2 blanks, separated by ';' (leave it empty if you don't know)") is lines.Prompt.TEXT
    )


def test_the_learners_forgetting_curve_is_fsrs_6s() -> None:
    """Recall is 90% after one stability's worth of days, and falls on FSRS-6's power curve with its own decay."""
    memory = learner.Memory(random.Random(1))
    fact = learner.Fact(item="a", card="a", kind="typed", topic="t", answer="x")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    memory.update(fact, learner.GOOD, start)
    stability = memory.traces["a"].stability
    assert memory.retrievability("a", start + timedelta(days=stability)) == pytest.approx(0.9)
    decay = learner.LEARNER_PARAMETERS[20]
    later = (1 + (0.9 ** (-1 / decay) - 1) * 3) ** -decay
    assert memory.retrievability("a", start + timedelta(days=3 * stability)) == pytest.approx(later)
    assert memory.retrievability("never-seen", start) == 0.0


def test_three_days_through_the_cli_add_up(tmp_path: Path) -> None:
    plan = simulate.Plan(days=3, cards=10, new=6, seed=3, skip_chance=0.0, rate_guessable="hard-when-right")
    home = tmp_path / "sim-home"
    run = simulate.simulate(plan, home)
    zone = simulate.ZoneInfo(plan.tz)
    figures = measures.measure(
        run.sessions, run.answers, zone, limit=plan.limit, new_limit=plan.new, mismatches=run.mismatches
    )
    db = sqlite3.connect(home / "progress.db")
    db.row_factory = sqlite3.Row
    log = db.execute("SELECT * FROM reviews ORDER BY id").fetchall()

    assert figures.answers == figures.logged == len(log) > 0
    assert [a.fact.item for a in run.answers] == [row["item"] for row in log]
    assert sum(figures.load.per_day) == figures.answers and figures.study_days == len(figures.load.per_day) == 3
    assert figures.reviews == sum(row["state_before"] == 2 for row in log) == figures.retention[0].reviews
    assert figures.late + figures.late_without_session + figures.late_buried_siblings <= figures.reviews
    assert figures.late_buried_short <= figures.late_buried_siblings and figures.dispersed <= figures.logged
    assert figures.new_answers == sum(row["state_before"] == 0 for row in log) > 0
    assert 0 < figures.most_new_in_a_day <= plan.new and figures.days_over_new_limit == 0
    calibrated = sum(row["retrievability"] is not None and row["elapsed_days"] >= 1 for row in log)
    assert sum(b.answers for b in figures.calibration["all"]) == calibrated
    assert figures.mismatches == 0  # quizcli marked every answer as the learner meant it
    earlier: set[tuple[int, str]] = set()
    for answer, row in zip(run.answers, log, strict=True):
        first = (answer.session, answer.fact.item) not in earlier
        earlier.add((answer.session, answer.fact.item))
        if answer.fact.kind not in ("flashcard", "reverse"):  # graded: the policy's Hard on a first right guessable
            hard = answer.passed and answer.fact.options > 0 and first
            assert row["rating"] == (2 if hard else 3 if answer.passed else 1)
    assert any(row["rating"] == 2 for row in log)  # the policy was put to use
    assert "retention of reviews" in measures.render(figures, {"days": 3})

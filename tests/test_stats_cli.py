"""`quizcli stats` on a known history: every figure, exactly, in JSON and on screen."""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fsrs.scheduler import DEFAULT_PARAMETERS
from typer.testing import CliRunner

from quizcli.cli import app
from quizcli.parser import load_deck

from conftest import LONG_CONTEXT, REPO
from stats_history import build, write_decks

runner = CliRunner()
BUNDLED = sum(1 for _ in load_deck(LONG_CONTEXT).items())  # the bundled deck, never studied here: all its items new


pytestmark = pytest.mark.usefixtures("utc")


@pytest.fixture
def history(quizcli_home: Path, user_decks: Path) -> Path:
    write_decks(user_decks)
    build(quizcli_home / "progress.db")
    return quizcli_home


def stats_json(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["stats", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def screen(*args: str, columns: int = 100) -> list[str]:
    result = runner.invoke(app, ["stats", *args], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def words(lines: list[str]) -> list[str]:
    """Each line with its runs of spaces made one, so table columns can be compared without their padding."""
    return [" ".join(line.split()) for line in lines]


def recall(days: int, stability: float) -> float:
    """FSRS 6's forgetting curve with the default parameters, written out independently of quizcli."""
    decay = -DEFAULT_PARAMETERS[20]
    factor = 0.9 ** (1 / decay) - 1
    return float((1 + factor * days / stability) ** decay)


def tally(answers: int, passed: int) -> dict[str, Any]:
    return {"answers": answers, "passed": passed, "rate": round(passed / answers, 4) if answers else None}


def counts(new: int, learning: int, young: int, mature: int, suspended: int) -> dict[str, int]:
    total = new + learning + young + mature + suspended
    return {"new": new, "learning": learning, "young": young, "mature": mature, "suspended": suspended, "total": total}


# ---- JSON -------------------------------------------------------------------------------


def test_card_counts_by_state_per_deck_and_in_all(history: Path) -> None:
    data = stats_json()
    assert data["deck"] is None and data["study_day"] == "2026-11-28" and data["window_days"] == 84
    assert data["cards"]["decks"] == [
        {"deck": "bio"} | counts(new=3, learning=3, young=1, mature=1, suspended=2),
        {"deck": "chem"} | counts(new=1, learning=1, young=0, mature=1, suspended=0),
        {"deck": "long-context"} | counts(new=BUNDLED, learning=0, young=0, mature=0, suspended=0),
    ]
    assert data["cards"]["total"] == counts(new=4 + BUNDLED, learning=4, young=1, mature=2, suspended=2)


def test_activity_days_and_streaks(history: Path) -> None:
    activity = stats_json()["activity"]
    days = {d["date"]: d["answers"] for d in activity["days"]}
    assert (activity["from"], activity["to"], len(days)) == ("2026-09-06", "2026-11-28", 84)
    assert {day: n for day, n in days.items() if n} == {
        "2026-10-01": 1, "2026-11-01": 1, "2026-11-02": 1, "2026-11-03": 1, "2026-11-04": 1, "2026-11-05": 1,
        "2026-11-06": 1, "2026-11-10": 1, "2026-11-20": 3, "2026-11-25": 1, "2026-11-26": 1, "2026-11-27": 1,
        "2026-11-28": 2,
    }  # fmt: skip
    assert (activity["answers"], activity["days_studied"], activity["average_per_study_day"]) == (16, 13, 1.2)
    assert activity["streak"] == {"current": 4, "longest": 6}


def test_forecast(history: Path) -> None:
    forecast = stats_json()["forecast"]
    assert (forecast["overdue"], forecast["due_today"], forecast["total"]) == (3, 1, 3)
    assert [d["due"] for d in forecast["days"]] == [1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]
    assert forecast["days"][0]["date"] == "2026-11-28" and forecast["days"][13]["date"] == "2026-12-11"


def test_retention_young_and_mature_over_7_30_90_days(history: Path) -> None:
    retention = stats_json()["retention"]
    assert retention["desired"] == 0.9
    assert retention["periods"] == [
        {"days": 7, "young": tally(2, 1), "mature": tally(0, 0), "all": tally(2, 1)},
        {"days": 30, "young": tally(3, 1), "mature": tally(3, 2), "all": tally(6, 3)},
        {"days": 90, "young": tally(4, 1), "mature": tally(3, 2), "all": tally(7, 3)},
    ]


def test_calibration_bins_predicted_against_actual(history: Path) -> None:
    calibration = stats_json()["calibration"]
    assert [(b["from"], b["to"], b["answers"], b["predicted"], b["actual"]) for b in calibration["bins"]] == [
        (0.6, 0.65, 1, 0.62, 0.0), (0.75, 0.8, 1, 0.78, 0.0), (0.8, 0.85, 1, 0.82, 0.0),
        (0.85, 0.9, 2, 0.875, 0.5), (0.9, 0.95, 2, 0.92, 1.0),
    ]  # fmt: skip
    assert (calibration["answers"], calibration["predicted"], calibration["actual"]) == (7, 0.83, round(3 / 7, 4))
    assert stats_json("--days", "30")["calibration"]["answers"] == 6  # Oct 1 is out of the window


def test_weak_cards_leeches_and_lowest_recall(history: Path) -> None:
    weak = stats_json()["weak_cards"]
    assert [(c["deck"], c["item"], c["lapses"], c["suspended"]) for c in weak["leeches"]] == [
        ("bio", "d", 9, False), ("bio", "f", 8, True),
    ]  # fmt: skip
    lowest = [(c["deck"], c["item"], c["retrievability"]) for c in weak["lowest_retrievability"]]
    expected = [("chem", "y", 58, 2.0), ("bio", "e", 8, 0.8), ("bio", "d", 1, 1.2), ("chem", "x", 18, 25.0),
                ("bio", "b", 2, 5.0), ("bio", "a", 8, 30.0), ("bio", "c", 0, 0.5)]  # fmt: skip
    assert lowest == [(deck, item, round(recall(days, s), 4)) for deck, item, days, s in expected]
    assert weak["lowest_retrievability"][0]["due"] == "2026-10-01T09:10:00.000000+00:00"


def test_exams_latest_best_and_trend(history: Path) -> None:
    exams = stats_json()["exams"]
    summary = [(e["deck"], e["attempts"], e["latest"]["percent"], e["best"]["percent"], e["trend"], e["change"])
               for e in exams]  # fmt: skip
    assert summary == [("bio", 3, 70, 80, [60, 80, 70], -10), ("chem", 1, 90, 90, [90], None)]
    assert exams[0]["best"]["started_at"].startswith("2026-11-10")


def test_time_in_the_window_all_time_and_today(history: Path) -> None:
    assert stats_json()["time"] == {
        "window": {"answers": 16, "seconds": 105.0, "seconds_per_answer": 7.0},
        "all_time": {"answers": 17, "seconds": 135.0, "seconds_per_answer": 8.4},
        "today": {"answers": 2, "seconds": 10.0, "seconds_per_answer": 5.0, "correct": 1},
    }


def test_one_deck_and_its_configured_retention(history: Path) -> None:
    (history / "config.toml").write_text("[decks.bio]\ndesired_retention = 0.85\n")
    data = stats_json("bio")
    assert data["deck"] == "bio"
    assert data["cards"]["decks"] == [{"deck": "bio"} | counts(new=3, learning=3, young=1, mature=1, suspended=2)]
    assert data["retention"]["desired"] == 0.85
    assert [(p["young"], p["mature"]) for p in data["retention"]["periods"]] == [
        (tally(2, 1), tally(0, 0)), (tally(3, 1), tally(2, 1)), (tally(3, 1), tally(2, 1)),
    ]  # fmt: skip
    assert data["activity"]["streak"] == {"current": 4, "longest": 4}  # Nov 25-28; chem's Nov 1-6 left out
    assert data["forecast"]["overdue"] == 2 and [e["deck"] for e in data["exams"]] == ["bio"]
    assert stats_json()["retention"]["desired"] == 0.9  # all decks: the [study] setting


def test_a_deck_whose_file_is_gone_keeps_its_statistics(history: Path, user_decks: Path) -> None:
    (user_decks / "chem.yaml").unlink()
    data = stats_json("chem")
    assert data["cards"]["decks"] == [{"deck": "chem"} | counts(new=0, learning=1, young=0, mature=1, suspended=0)]
    assert runner.invoke(app, ["stats", "nothing-like-it"]).exit_code == 1


def test_items_no_longer_in_the_deck_are_not_counted(history: Path, user_decks: Path) -> None:
    write_decks(user_decks)
    (user_decks / "bio.yaml").write_text(
        "cards:\n  - {id: a, front: qa, back: aa}\n  - {id: new1, front: q, back: a}\n"
    )
    data = stats_json("bio")
    assert data["cards"]["decks"] == [{"deck": "bio"} | counts(new=1, learning=0, young=0, mature=1, suspended=0)]
    assert data["weak_cards"]["leeches"] == [] and data["forecast"]["total"] == 0


# ---- the screen -------------------------------------------------------------------------


def test_the_screen_shows_every_figure(history: Path) -> None:
    shown = words(screen())
    expected = [
        "Statistics · all decks · study day Sat 2026-11-28 · last 84 days",
        "bio 3 3 1 1 2 10", "chem 1 1 0 1 0 3", f"long-context {BUNDLED} 0 0 0 0 {BUNDLED}",
        f"all decks {4 + BUNDLED} 4 1 2 2 {13 + BUNDLED}",
        "Less ·░▒▓█ More · 0 ▒ 1 ▓ 2 █ 3 answers",
        "Studied 13 of 84 days (15%) · 16 answers · 1.2 a day studied",
        "Streak: 4 days · longest 6 days",
        "Due today 1 · overdue 3 · 3 in the next 14 days",
        "Sat 28 Nov today 1 " + "█" * 48, "Sun 29 Nov tomorrow 0", "Tue 01 Dec 1 " + "█" * 48,
        "share of answers to review cards that were not Again; desired retention 90%",
        "young 50.0% (1/2) 33.3% (1/3) 25.0% (1/4)",
        "mature — 66.7% (2/3) 66.7% (2/3)",
        "all 50.0% (1/2) 50.0% (3/6) 42.9% (3/7)",
        "all 7 83.0% 42.9%",
        "Leeches: 2 cards forgotten 8 times or more",
        "d bio 9", "f bio 8 suspended",
        "bio 3 70% PASS 80% 2026-11-10 ▅▇▆ -10", "chem 1 90% PASS 90% 2026-11-05 ▇",
        "Last 84 days: 1m 45s over 16 answers · 7.0 s per answer",
        "All time: 2m 15s over 17 answers · 8.4 s per answer",
        "Today: 2 answers in 10s · 50% correct",
    ]  # fmt: skip
    missing = [line for line in expected if line not in shown]
    assert not missing, "\n".join(shown)
    calibration = [line for line in shown if line.endswith(("┃", "·", "█")) and "%" in line and line[0].isdigit()]
    assert [line.split(" ")[:4] for line in calibration] == [
        ["60-65%", "1", "62.0%", "0.0%"], ["75-80%", "1", "78.0%", "0.0%"], ["80-85%", "1", "82.0%", "0.0%"],
        ["85-90%", "2", "87.5%", "50.0%"], ["90-95%", "2", "92.0%", "100.0%"],
    ]  # fmt: skip
    assert f"y chem {round(100 * recall(58, 2.0))}% 1.9mo ago" in shown


def test_the_heatmap_shades_each_study_day(history: Path) -> None:
    lines = screen()
    top = lines.index(next(line for line in lines if line.startswith("Reviews per day")))
    assert lines[top + 1] == "    Sep     Oct     Nov"
    # 13 week columns, Mon Aug 31 to Mon Nov 23; the window starts on Sun Sep 6, so the first column has
    # only its Sunday; peak 3 answers: 1 is ▒, 2 is ▓, 3 is █
    assert lines[top + 2 : top + 9] == [
        "Mon   · · · · · · · · ▒ · · ·",  # Nov 2
        "      · · · · · · · · ▒ ▒ · ·",  # Nov 3, Nov 10
        "Wed   · · · · · · · · ▒ · · ▒",  # Nov 4, Nov 25
        "      · · · ▒ · · · · ▒ · · ▒",  # Oct 1, Nov 5, Nov 26
        "Fri   · · · · · · · · ▒ · █ ▒",  # Nov 6, Nov 20 (the peak: 03:30 on Nov 21 counts for it), Nov 27
        "      · · · · · · · · · · · ▓",  # Sat: today, 2 answers
        "    · · · · · · · · ▒ · · ·",  # Sun: Sep 6 first, Nov 1; Nov 29 has not come
    ]


def test_the_screen_fits_80_columns(history: Path) -> None:
    for args in ([], ["bio"], ["--days", "365"], ["--days", "1000"]):
        lines = screen(*args, columns=80)
        assert max(len(line) for line in lines) <= 80, args
    wide = screen("--days", "1000", columns=80)
    assert sum(bool(re.fullmatch("Mon [ ·░▒▓█]+", line)) for line in wide) == 2  # the weeks wrap into two blocks


def test_days_must_be_positive() -> None:
    assert runner.invoke(app, ["stats", "--days", "0"]).exit_code == 2


def test_nothing_studied_yet_is_a_calm_screen() -> None:
    shown = words(screen())
    assert f"long-context {BUNDLED} 0 0 0 0 {BUNDLED}" in shown
    assert "No reviews a day or more apart yet: nothing to compare." in shown
    assert "No leeches: no card has been forgotten 8 times." in shown and "No exams taken yet." in shown
    empty: dict[str, object] = {"answers": 0, "predicted": None, "actual": None, "bins": []}
    assert stats_json()["calibration"] == {**empty, "guessable": empty}
    assert math.isclose(0, stats_json()["time"]["all_time"]["seconds"])


# ---- the documentation ------------------------------------------------------------------


def all_keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {key for child in value.values() for key in all_keys(child)}
    if isinstance(value, list):
        return {key for child in value for key in all_keys(child)}
    return set()


def test_the_json_is_the_documented_one(history: Path) -> None:
    doc = (REPO / "docs" / "stats.md").read_text(encoding="utf-8").split("## JSON\n", 1)[1]
    rows = dict(re.findall(r"^\| `(\w+)` \| (.*) \|$", doc, re.MULTILINE))
    data = stats_json()
    assert set(rows) == set(data)
    for key, text in rows.items():
        documented = set(re.findall(r"`([a-z_]+)`", text))
        section = data[key][0] if isinstance(data[key], list) else data[key]
        assert set(section if isinstance(section, dict) else ()) <= documented, key
        assert documented <= all_keys(data[key]) | {"null"}, key


def test_the_readme_shows_what_stats_prints_for_the_demo_history(tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shown = readme.split("## Seeing your progress\n", 1)[1].split("```text\n", 1)[1].split("```\n", 1)[0]
    home = tmp_path / "demo"
    script = REPO / "scripts" / "demo_history.py"
    subprocess.run([sys.executable, str(script), str(home)], check=True, env=dict(os.environ, TZ="UTC"))
    result = runner.invoke(
        app, ["stats"], env={"QUIZCLI_HOME": str(home), "QUIZCLI_NOW": "2026-11-28T22:00:00+00:00", "COLUMNS": "80"}
    )
    printed = "".join(line.rstrip() + "\n" for line in result.stdout.splitlines())
    assert printed == shown, "regenerate the README's capture with the commands above it"


def test_stats_read_the_deck_index_not_the_deck_files(history: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = stats_json()  # indexes the decks once

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("stats parsed a deck file that is already indexed")

    import quizcli.parser

    for name in ("parse_bytes", "read_deck", "load_deck"):
        monkeypatch.setattr(quizcli.parser, name, refuse)
    assert stats_json() == first
    assert stats_json("bio")["cards"]["decks"] == [first["cards"]["decks"][0]]


def test_the_screen_lists_the_ten_leeches_with_most_lapses_and_counts_the_rest(history: Path, user_decks: Path) -> None:
    import sqlite3

    cards = "".join(f"  - {{id: z{n:02d}, front: 'Front {n}', back: 'Back {n}'}}\n" for n in range(12))
    (user_decks / "lapsed.yaml").write_text(f"title: Lapsed\ncards:\n{cards}", encoding="utf-8")
    with sqlite3.connect(history / "progress.db") as db:
        db.executemany(
            "INSERT INTO cards VALUES ('lapsed', ?, 2, '2026-12-05T10:00:00.000000+00:00', NULL, 3.0, 8.0,"
            " '2026-11-20T10:00:00.000000+00:00', 20, ?)",
            ((f"z{n:02d}", 10 + n) for n in range(12)),
        )
    shown = words(screen())
    start = shown.index("leech deck lapses")
    assert shown[start - 1] == "Leeches: 14 cards forgotten 8 times or more"
    assert shown[start + 1 : start + 12] == [
        *(f"z{n:02d} lapsed {10 + n}" for n in range(11, 1, -1)),
        "... and 4 more ('quizcli stats --json' lists every one)",
    ]
    assert len(stats_json()["weak_cards"]["leeches"]) == 14

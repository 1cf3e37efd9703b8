"""Exam results in the progress store: migration 2 from empty and from version 1, saving, history, retry."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from test_exam import mixed

from quizcli.exam import Ending, ExamOptions, Sheet, plan_exam
from quizcli.marking import Result, exam_record, mark
from quizcli.store import Store
from quizcli.store.migrations import MIGRATIONS

T0 = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


def result(responses: list[str | None], deck_name: str = "mixed", **options: object) -> Result:
    deck = mixed()
    exam = plan_exam(deck, ExamOptions(seed=7, shuffle=False, all_items=True, **options))  # type: ignore[arg-type]
    sheet = Sheet(len(exam.questions))
    sheet.responses = list(responses)
    sheet.flagged = {0}
    return mark(exam, sheet.finish(Ending.SUBMITTED, 42.25), T0)._replace(deck=deck_name)


def tables(path: Path) -> set[str]:
    db = sqlite3.connect(path)
    return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_migration_2_builds_the_exam_tables_from_an_empty_database(tmp_path: Path) -> None:
    path = tmp_path / "progress.db"
    with Store.open(path) as store:
        assert store.schema_version() == len(MIGRATIONS) >= 2
    assert {"exams", "exam_answers", "reviews", "cards"} <= tables(path)


def test_migration_2_upgrades_a_version_1_database_and_keeps_its_reviews(tmp_path: Path) -> None:
    path = tmp_path / "progress.db"
    db = sqlite3.connect(path)
    for statement in MIGRATIONS[0].statements:
        db.execute(statement)
    db.execute("INSERT INTO settings (json) VALUES ('{}')")
    db.execute(
        "INSERT INTO reviews (deck, item, reviewed_at, rating, kind, state_before, settings_id)"
        " VALUES ('d', 'a', '2026-11-01T09:00:00+00:00', 3, 'review', 0, 1)"
    )
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    assert "exams" not in tables(path)
    with Store.open(path) as store:
        assert store.schema_version() == len(MIGRATIONS)
        assert store.items_with_progress("d") == {"a"}
        assert store.exam_attempts() == []
    assert {"exams", "exam_answers"} <= tables(path)


def test_a_saved_exam_comes_back_in_history_and_its_misses_can_be_retried(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        assert store.last_exam_misses("mixed") is None
        first = store.record_exam(exam_record(result(["B", "A", None, "attention sinkk", "red; blue", "green"])))
        second = store.record_exam(exam_record(result(["B", "A C", "true", "attention sink", "red; blue", "green"])))
        store.record_exam(exam_record(result(["A", None, None, None, None, None], deck_name="other")))
        attempts = store.exam_attempts("mixed")
        assert [a.id for a in attempts] == [first, second]
        assert [a.id for a in store.exam_attempts()] == [first, second, second + 1]
        assert attempts[0].to_dict() == {
            "id": first, "deck": "mixed", "started_at": "2026-11-28T10:00:00.000000+00:00", "duration_seconds": 42.25,
            "score": 3, "total": 6, "percent": 50, "pass_mark": 70, "passed": False, "seed": 7, "tag": None,
            "timed_out": False, "kind": "full",
        }  # fmt: skip
        assert (attempts[1].score, attempts[1].percent, attempts[1].passed) == (6, 100, True)
        assert store.last_exam_misses("mixed") == []
        assert store.last_exam_misses("other") == ["pick", "all", "truth", "word", "blanks:c1", "blanks:c3"]


def test_each_question_is_saved_with_its_answer(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    with Store.open(path) as store:
        exam_id = store.record_exam(exam_record(result(["2", "A", None, "attention sinkk", "red; blue", "green"])))
    rows = sqlite3.connect(path).execute(
        "SELECT number, item, kind, given, expected, correct, almost, flagged FROM exam_answers"
        " WHERE exam = ? ORDER BY number",
        (exam_id,),
    )
    assert rows.fetchall()[:4] == [
        (1, "pick", "choice", "B) yes", "B) yes", 1, 0, 1),
        (2, "all", "choice", "A) right", "A) right, C) also right", 0, 0, 0),
        (3, "truth", "true-false", None, "true", 0, 0, 0),
        (4, "word", "typed", "attention sinkk", "attention sink", 0, 1, 0),
    ]


def test_migration_8_gives_earlier_exams_a_kind(tmp_path: Path) -> None:
    from quizcli.store.migrate import migrate

    path = tmp_path / "progress.db"
    db = sqlite3.connect(path)
    migrate(db, upto=7)
    for deck, total, tag in [("d", 8, None), ("d", 2, None), ("d", 3, "t"), ("e", 4, None)]:
        db.execute(
            "INSERT INTO exams (deck, started_at, finished_at, duration_ms, score, total, percent, pass_mark, passed,"
            " seed, tag, shuffled, time_limit_s, timed_out) VALUES (?, '2026-11-01T09:00:00+00:00',"
            " '2026-11-01T09:01:00+00:00', 60000, 1, ?, 50, 70, 0, 1, ?, 1, NULL, 0)",
            (deck, total, tag),
        )
    db.commit()
    db.close()
    with Store.open(path) as store:
        assert [(a.deck, a.kind) for a in store.exam_attempts()] == [
            ("d", "full"), ("d", "subset"), ("d", "tag"), ("e", "full")
        ]  # fmt: skip


def test_an_attempt_is_saved_with_its_kind(tmp_path: Path) -> None:
    with Store.open(tmp_path / "progress.db") as store:
        store.record_exam(exam_record(result([None] * 6), kind="retry"))
        assert [a.kind for a in store.exam_attempts()] == ["retry"]

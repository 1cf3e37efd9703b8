"""Saved exams: one row per attempt and one per question, never touching the schedule."""

import sqlite3
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, NamedTuple

from quizcli.clock import from_text, to_text


class AnswerRecord(NamedTuple):
    """One marked question of an attempt, as saved; ``given`` is None when it was left blank."""

    number: int
    item: str
    kind: str
    given: str | None
    expected: str
    correct: bool
    almost: bool
    flagged: bool


@dataclass(frozen=True, kw_only=True)
class Sitting:
    """What every saved exam holds, as written and as read back: the deck, when and how long, the score, and what
    was asked (``seed``, ``tag``, ``kind``)."""

    deck: str
    started_at: datetime
    seconds: float
    score: float  # a whole number unless a question had partial credit
    total: int
    percent: int
    pass_mark: int
    passed: bool
    seed: int
    tag: str | None
    timed_out: bool
    kind: str = "full"  # full, subset, tag or retry: `quizcli.history.AttemptKind`


@dataclass(frozen=True, kw_only=True)
class ExamRecord(Sitting):
    """A marked exam as saved: its sitting, the rest of what was asked, and every question."""

    finished_at: datetime
    shuffled: bool
    time_limit_s: float | None
    answers: tuple[AnswerRecord, ...]


@dataclass(frozen=True, kw_only=True)
class Attempt(Sitting):
    """One saved exam, as ``quizcli history`` lists it."""

    id: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "deck": self.deck,
            "started_at": to_text(self.started_at),
            "duration_seconds": round(self.seconds, 3),
            "score": self.score,
            "total": self.total,
            "percent": self.percent,
            "pass_mark": self.pass_mark,
            "passed": self.passed,
            "seed": self.seed,
            "tag": self.tag,
            "timed_out": self.timed_out,
            "kind": self.kind,
        }


def record_exam(db: sqlite3.Connection, exam: ExamRecord) -> int:
    """Save a marked exam and each of its questions (inside the caller's transaction); returns the attempt id."""
    cursor = db.execute(
        "INSERT INTO exams (deck, started_at, finished_at, duration_ms, score, total, percent, pass_mark, passed,"
        " seed, tag, shuffled, time_limit_s, timed_out, kind) VALUES (:deck, :started_at, :finished_at, :duration_ms,"
        " :score, :total, :percent, :pass_mark, :passed, :seed, :tag, :shuffled, :time_limit_s, :timed_out, :kind)",
        {
            **asdict(exam),
            "started_at": to_text(exam.started_at),
            "finished_at": to_text(exam.finished_at),
            "duration_ms": round(exam.seconds * 1000),
        },
    )
    exam_id = int(cursor.lastrowid or 0)
    db.executemany(
        "INSERT INTO exam_answers (exam, number, item, kind, given, expected, correct, almost, flagged)"
        " VALUES (:exam, :number, :item, :kind, :given, :expected, :correct, :almost, :flagged)",
        [{**answer._asdict(), "exam": exam_id} for answer in exam.answers],
    )
    return exam_id


def exam_attempts(db: sqlite3.Connection, deck: str | None) -> list[Attempt]:
    """Saved exams in the order they were taken, of one deck or all."""
    rows = db.execute("SELECT * FROM exams WHERE :deck IS NULL OR deck = :deck ORDER BY id", {"deck": deck})
    return [
        Attempt(
            id=row["id"],
            deck=row["deck"],
            started_at=from_text(row["started_at"]),
            seconds=row["duration_ms"] / 1000,
            score=row["score"],
            total=row["total"],
            percent=row["percent"],
            pass_mark=row["pass_mark"],
            passed=bool(row["passed"]),
            seed=row["seed"],
            tag=row["tag"],
            timed_out=bool(row["timed_out"]),
            kind=row["kind"],
        )
        for row in rows
    ]


def last_exam_misses(db: sqlite3.Connection, deck: str) -> list[str] | None:
    """Item ids answered wrong or left blank in the deck's latest exam, in exam order; None before any exam."""
    latest = db.execute("SELECT max(id) AS id FROM exams WHERE deck = ?", (deck,)).fetchone()["id"]
    if latest is None:
        return None
    rows = db.execute("SELECT item FROM exam_answers WHERE exam = ? AND NOT correct ORDER BY number", (latest,))
    return [row["item"] for row in rows]

"""What ``quizcli stats`` reads: the review log summed up in SQL, so a long log is summed where it lies.

``deck`` None means every deck.  The row types are this module's; `quizcli.stats`
computes everything it shows from them.
"""

import sqlite3
from datetime import date, datetime
from typing import Any, NamedTuple

from quizcli.clock import rollover_hour, to_text
from quizcli.scheduler import MATURE_DAYS, CardState
from quizcli.store.reviews import STATE_COLUMNS, state_from_row


class CardRow(NamedTuple):
    """One item with progress or a suspension; ``state`` is None for an item suspended before it was studied."""

    deck: str
    item: str
    state: CardState | None
    suspended: bool


class DayActivity(NamedTuple):
    """All answers (reviews and practice) of one study day; ``ms`` sums the ``timed`` answers' durations."""

    day: date
    answers: int
    correct: int
    ms: int = 0
    timed: int = 0


class Tally(NamedTuple):
    """Review answers and how many of them were not Again."""

    answers: int = 0
    passed: int = 0

    def plus(self, other: "Tally") -> "Tally":
        """Both tallies summed (not ``+``: that would join the two tuples)."""
        return Tally(self.answers + other.answers, self.passed + other.passed)

    @property
    def rate(self) -> float | None:
        return self.passed / self.answers if self.answers else None

    def to_dict(self) -> dict[str, Any]:
        rate = self.rate
        return {"answers": self.answers, "passed": self.passed, "rate": None if rate is None else round(rate, 4)}


class CalibrationRow(NamedTuple):
    """Review answers whose predicted recall fell in bin number ``bin`` (of the bins asked for), guessable or not."""

    bin: int
    answers: int
    predicted_sum: float
    passed: int
    guessable: bool = False


def decks_with_progress(db: sqlite3.Connection) -> list[str]:
    rows = db.execute("SELECT deck FROM cards UNION SELECT deck FROM flags WHERE suspended ORDER BY deck")
    return [row["deck"] for row in rows]


def card_rows(db: sqlite3.Connection, deck: str | None) -> list[CardRow]:
    """Every item with a schedule, and every item suspended before it had one."""
    rows = db.execute(
        f"SELECT c.deck, c.item, COALESCE(f.suspended, 0) AS suspended, {STATE_COLUMNS} FROM cards c"
        " LEFT JOIN flags f ON f.deck = c.deck AND f.item = c.item WHERE :deck IS NULL OR c.deck = :deck"
        " UNION ALL SELECT f.deck, f.item, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM flags f"
        " WHERE f.suspended AND (:deck IS NULL OR f.deck = :deck)"
        " AND NOT EXISTS (SELECT 1 FROM cards c WHERE c.deck = f.deck AND c.item = f.item)",
        {"deck": deck},
    )
    return [
        CardRow(
            deck=row["deck"],
            item=row["item"],
            state=None if row["state"] is None else state_from_row(row),
            suspended=bool(row["suspended"]),
        )
        for row in rows
    ]


def study_days(db: sqlite3.Connection, deck: str | None, max_answer_ms: int) -> list[DayActivity]:
    """Answers (reviews and practice) per local study day, which starts at the rollover hour as `clock.day_start` says.

    Each answer's time counts up to ``max_answer_ms``, as sessions now log it: answers logged before
    the cap existed may hold the minutes a card was left open.
    """
    rows = db.execute(
        "SELECT date(reviewed_at, 'localtime', :rollover) AS day, COUNT(*) AS answers, SUM(rating > 1) AS correct,"
        " TOTAL(MIN(duration_ms, :max_ms)) AS ms, COUNT(duration_ms) AS timed FROM reviews"
        " WHERE :deck IS NULL OR deck = :deck GROUP BY day ORDER BY day",
        {"deck": deck, "rollover": f"-{rollover_hour()} hours", "max_ms": max_answer_ms},
    )
    return [
        DayActivity(
            day=date.fromisoformat(row["day"]),
            answers=row["answers"],
            correct=row["correct"],
            ms=round(row["ms"]),
            timed=row["timed"],
        )
        for row in rows
    ]


def _reviews_since(
    db: sqlite3.Connection, deck: str | None, since: datetime, *, select: str, where: str, group_by: str, **values: int
) -> sqlite3.Cursor:
    """``select`` over the answers to review cards (not practice) since ``since`` for which ``where`` holds, grouped."""
    return db.execute(
        f"SELECT {select} FROM reviews WHERE reviewed_at >= :since AND kind = 'review' AND {where}"
        f" AND (:deck IS NULL OR deck = :deck) GROUP BY {group_by}",
        {"deck": deck, "since": to_text(since), **values},
    )


def retention_tallies(db: sqlite3.Connection, deck: str | None, since: datetime) -> dict[bool, Tally]:
    """Answers to review cards since ``since`` and how many were not Again, by mature (interval >= 21 days)."""
    rows = _reviews_since(
        db,
        deck,
        since,
        select="COALESCE(scheduled_days, elapsed_days) >= :mature_days AS mature, COUNT(*) AS answers,"
        " SUM(rating > 1) AS passed",
        where="state_before = 2",
        group_by="mature",
        mature_days=MATURE_DAYS,
    )
    return {bool(row["mature"]): Tally(row["answers"], row["passed"]) for row in rows}


def calibration_rows(db: sqlite3.Connection, deck: str | None, since: datetime, bins: int) -> list[CalibrationRow]:
    """Reviews a day or more after the previous one, in ``bins`` bins by the recall FSRS predicted for them,
    guessable answers apart (those of unknown kind count with the rest)."""
    rows = _reviews_since(
        db,
        deck,
        since,
        select="MIN(CAST(retrievability * :bins AS INTEGER), :bins - 1) AS bin, COALESCE(guessable, 0) AS guessable,"
        " COUNT(*) AS answers, SUM(retrievability) AS predicted_sum, SUM(rating > 1) AS passed",
        where="retrievability IS NOT NULL AND elapsed_days >= 1",
        group_by="bin, COALESCE(guessable, 0)",
        bins=bins,
    )
    return [
        CalibrationRow(
            bin=row["bin"],
            answers=row["answers"],
            predicted_sum=row["predicted_sum"],
            passed=row["passed"],
            guessable=bool(row["guessable"]),
        )
        for row in rows
    ]

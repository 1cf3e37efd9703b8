"""The review log summed by UTC quarter hour, so ``quizcli stats`` reads sums, not every review.

A study day begins at a whole local hour, and every time zone's offset from UTC is now a whole number of
quarter hours, so a study day is a run of whole UTC quarter hours, whatever the zone, the rollover hour
or the daylight-saving rules: the figures of a day are the sums of its quarter hours.  (A quarter hour a
day begins inside, under an offset that is not so, is read answer by answer: `quizcli.store.statistics`.)

``review_quarters`` sums every answer of a quarter hour and deck; ``review_kinds`` those that retention or
calibration count, by what those figures tell apart (`KINDS`): young or mature, the calibration bin,
guessable or not.  Both hold the reviews up to ``reviews_summed.upto`` (a review id; a new review's id is
higher): `sum_up` adds those logged since, at the end of a study session and of an import, and ``stats``
sums the rest from the log itself, grouped alike (`groups`).  The migration's triggers empty the sums when a
review in them is deleted or changed, so they never disagree with the log.  The durations are summed
uncapped, with the longest: the cap is applied when they are read.

Changing the grouping (the bins, the mature interval, the quarter) needs a migration that empties the sums.
"""

import sqlite3
from datetime import UTC, datetime, timedelta

from quizcli.scheduler import MATURE_DAYS, State

CALIBRATION_BINS = 20  # 5% wide: most reviews fall between 80% and 100% predicted recall
QUARTER = timedelta(minutes=15)
_YEAR_ZERO = 62_167_219_200  # seconds from 0000-01-01 to 1970-01-01 UTC: quarter numbers are never negative
_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_UNIX_EPOCH_QUARTER = _YEAR_ZERO // int(QUARTER.total_seconds())
_CALIBRATED = "kind = 'review' AND retrievability IS NOT NULL AND elapsed_days >= 1"
# What an answer is to the figures, per review row: its retention group (an answer to a card in review:
# 1 young, 2 mature by its interval; else 0), its calibration bin (-1 when it is not calibrated: a practice
# answer, or one without a predicted recall or less than a day after the one before) and whether it is
# guessable (for a calibrated answer; unknown counts with the rest).
KINDS = (
    f"CASE WHEN kind = 'review' AND state_before = {int(State.REVIEW)}"
    f" THEN 1 + IFNULL(COALESCE(scheduled_days, elapsed_days) >= {MATURE_DAYS}, 0) ELSE 0 END AS retention,"
    f" CASE WHEN {_CALIBRATED} THEN MIN(CAST(retrievability * {CALIBRATION_BINS} AS INTEGER),"
    f" {CALIBRATION_BINS - 1}) ELSE -1 END AS bin,"
    f" CASE WHEN {_CALIBRATED} THEN COALESCE(guessable, 0) ELSE 0 END AS guessable"
)
_QUARTER = f"(CAST(strftime('%s', reviewed_at) AS INTEGER) + {_YEAR_ZERO}) / {int(QUARTER.total_seconds())}"
_EVERY_ANSWER = (
    "COUNT(*) AS answers, SUM(rating > 1) AS passed, COUNT(duration_ms) AS timed,"
    " COALESCE(SUM(duration_ms), 0) AS ms, COALESCE(MAX(duration_ms), 0) AS longest"
)


def groups(rows: str, by_deck: bool = False) -> str:
    """A query summing the reviews of ``rows`` (a FROM and WHERE) by quarter hour and kind (and deck), with the
    columns of both tables: the durations uncapped."""
    deck = "deck, " if by_deck else ""
    return (
        f"SELECT {_QUARTER} AS quarter, {deck}{KINDS}, {_EVERY_ANSWER}, TOTAL(retrievability) AS predicted {rows}"
        f" GROUP BY quarter, {deck}retention, bin, guessable"
    )


def quarter_start(quarter: int) -> datetime:
    """When a quarter hour (as numbered in the sums) begins."""
    return _UNIX_EPOCH + (quarter - _UNIX_EPOCH_QUARTER) * QUARTER


def quarter_of(moment: datetime) -> int:
    """The quarter hour ``moment`` falls in."""
    return (moment - _UNIX_EPOCH) // QUARTER + _UNIX_EPOCH_QUARTER


def summed_upto(db: sqlite3.Connection) -> int:
    """The id of the last review in the sums (0: none)."""
    return int(db.execute("SELECT upto FROM reviews_summed").fetchone()["upto"])


def all_summed(db: sqlite3.Connection) -> bool:
    """Whether every review in the log is in the sums."""
    row = db.execute("SELECT COALESCE(MAX(id), 0) <= (SELECT upto FROM reviews_summed) AS done FROM reviews")
    return bool(row.fetchone()["done"])


def sum_up(db: sqlite3.Connection) -> None:
    """Add the reviews logged since the last sum to the sums (in the caller's write transaction)."""
    upto = summed_upto(db)
    last = int(db.execute("SELECT COALESCE(MAX(id), 0) AS last FROM reviews").fetchone()["last"])
    if last <= upto:
        return
    # The new reviews grouped once, then added to both tables; each SELECT has a WHERE before its ON CONFLICT:
    # SQLite reads an upsert's SELECT unambiguously only so.
    new = groups("FROM reviews WHERE id > :upto AND id <= :last", by_deck=True)
    db.execute(f"CREATE TEMP TABLE new_review_sums AS {new}", {"upto": upto, "last": last})
    try:
        db.execute(
            "INSERT INTO review_quarters (quarter, deck, answers, passed, timed, ms, longest)"
            " SELECT quarter, deck, SUM(answers), SUM(passed), SUM(timed), SUM(ms), MAX(longest)"
            " FROM temp.new_review_sums WHERE true GROUP BY quarter, deck"
            " ON CONFLICT (quarter, deck) DO UPDATE SET answers = answers + excluded.answers,"
            " passed = passed + excluded.passed, timed = timed + excluded.timed, ms = ms + excluded.ms,"
            " longest = MAX(longest, excluded.longest)"
        )
        db.execute(
            "INSERT INTO review_kinds (quarter, deck, retention, bin, guessable, answers, passed, predicted)"
            " SELECT quarter, deck, retention, bin, guessable, answers, passed, predicted FROM temp.new_review_sums"
            " WHERE retention OR bin >= 0 ON CONFLICT (quarter, deck, retention, bin, guessable) DO UPDATE SET"
            " answers = answers + excluded.answers, passed = passed + excluded.passed,"
            " predicted = predicted + excluded.predicted"
        )
    finally:
        db.execute("DROP TABLE temp.new_review_sums")
    db.execute("UPDATE reviews_summed SET upto = ?", (last,))

"""What ``quizcli stats`` reads: the review log summed by study day, from its sums by quarter hour
(`quizcli.store.review_sums`) and the reviews logged since them, so a long log is not read review by review.

``deck`` None means every deck.  The row types are this module's; `quizcli.stats`
computes everything it shows from them.
"""

import json
import sqlite3
from bisect import bisect_right
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime, timedelta, tzinfo
from itertools import chain
from typing import Any, NamedTuple

from quizcli.clock import StudyDays, from_text, to_text
from quizcli.scheduler import CardState
from quizcli.store import review_sums
from quizcli.store.reviews import STATE_COLUMNS, state_from_row

MATURE = 2  # a `KindSums`'s retention for an answer to a mature card in review (1: a young one)
_INSTANT = timedelta(microseconds=1)  # the log's resolution
_DAY = timedelta(days=1)
_Kinds = dict[tuple[int, int, bool], list[float]]  # (retention, bin, guessable) -> answers, right ones, predicted


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
    """Review answers whose predicted recall fell in bin number ``bin`` (of `review_sums.CALIBRATION_BINS`),
    guessable or not."""

    bin: int
    answers: int
    predicted_sum: float
    passed: int
    guessable: bool = False


class KindSums(NamedTuple):
    """Answers alike for retention and calibration: ``retention`` 1 (young) or `MATURE` for an answer to a card
    in review (else 0), ``bin`` the calibration bin of its predicted recall (-1: not calibrated), and whether
    it is guessable; ``predicted`` sums the predicted recalls."""

    retention: int
    bin: int
    guessable: bool
    answers: int
    passed: int
    predicted: float

    @property
    def calibrated(self) -> bool:
        return self.bin >= 0


class StudyLog(NamedTuple):
    """The review log by study day, and for each study day asked for, the answers from it on that retention or
    calibration count, by kind."""

    activity: list[DayActivity]
    since: dict[date, list[KindSums]]


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


def study_log(
    db: sqlite3.Connection,
    deck: str | None,
    max_answer_ms: int,
    first_days: Collection[date] = (),
    zone: tzinfo | None = None,
) -> StudyLog:
    """The log by study day (`clock.study_day`, in ``zone``; None: the local one), and the answers of each study
    day of ``first_days`` and after by kind; read as one snapshot from the sums by quarter hour
    (`quizcli.store.review_sums`) and the reviews logged since them.

    Each answer's time counts up to ``max_answer_ms``, as sessions now log it: answers logged before the cap
    existed may hold the minutes a card was left open.  A quarter hour holding such an answer, or inside which
    a study day begins (an offset that is not a whole number of quarter hours), is read answer by answer.
    """
    study_days = StudyDays(zone)
    with _snapshot(db):
        logged_since = _logged_since(db, deck, review_sums.summed_upto(db))
        days = _DaySums(study_days, max_answer_ms)
        for quarter, sums in sorted(_quarter_sums(db, deck, logged_since).items()):
            days.add_quarter(quarter, sums)
        for answer in _answers_between(db, deck, map(_quarter_span, days.unclear), max_answer_ms):
            days.add_answer(study_days.of(from_text(answer["reviewed_at"])), answer)
        since = _kinds_from(db, deck, {day: study_days.begins(day) for day in first_days}, logged_since)
    return StudyLog(days.activity(), since)


@contextmanager
def _snapshot(db: sqlite3.Connection) -> Iterator[None]:
    """One read transaction, so the sums and the reviews since them are read as of one moment."""
    db.execute("SAVEPOINT study_log")
    try:
        yield
    finally:
        db.execute("RELEASE study_log")


def _logged_since(db: sqlite3.Connection, deck: str | None, upto: int) -> list[sqlite3.Row]:
    """The reviews after review ``upto`` (those not summed yet) by quarter hour and kind, durations uncapped."""
    query = review_sums.groups("FROM reviews WHERE id > :upto AND (:deck IS NULL OR deck = :deck)")
    return db.execute(query, {"deck": deck, "upto": upto}).fetchall()


def _quarter_sums(db: sqlite3.Connection, deck: str | None, logged_since: list[sqlite3.Row]) -> dict[int, list[int]]:
    """Every answer by quarter hour, summed and logged since: answers, right ones, timed ones, milliseconds
    (uncapped) and the longest answer's."""
    rows = db.execute(
        "SELECT quarter, SUM(answers) AS answers, SUM(passed) AS passed, SUM(timed) AS timed, SUM(ms) AS ms,"
        " MAX(longest) AS longest FROM review_quarters WHERE :deck IS NULL OR deck = :deck GROUP BY quarter",
        {"deck": deck},
    )
    quarters: dict[int, list[int]] = {}
    for row in chain(rows, logged_since):
        sums = quarters.setdefault(row["quarter"], [0, 0, 0, 0, 0])
        sums[0] += row["answers"]
        sums[1] += row["passed"]
        sums[2] += row["timed"]
        sums[3] += row["ms"]
        sums[4] = max(sums[4], row["longest"])
    return quarters


class _DaySums:
    """Every answer summed by study day, a quarter hour at a time; the quarter hours that cannot be put in one
    study day whole (``unclear``) are left to be added answer by answer.

    The quarter hours of the study day of the last one are kept: one of them is in it without working out its
    study day again."""

    def __init__(self, study_days: StudyDays, max_answer_ms: int) -> None:
        self.unclear: list[int] = []
        self._study_days = study_days
        self._max_answer_ms = max_answer_ms
        self._days: dict[date, list[int]] = {}  # answers, right ones, timed ones, milliseconds
        self._last = (date.min, 0, 0)  # a study day, its first quarter hour and the first of the day after

    def add_quarter(self, quarter: int, sums: list[int]) -> None:
        answers, passed, timed, ms, longest = sums
        day = self._whole_day(quarter)
        if day is None or longest > self._max_answer_ms:
            self.unclear.append(quarter)
        else:
            self._add(day, answers, passed, timed, ms)

    def add_answer(self, day: date, answer: sqlite3.Row) -> None:
        self._add(day, answer["answers"], answer["passed"], answer["timed"], answer["ms"])

    def activity(self) -> list[DayActivity]:
        return [
            DayActivity(day=day, answers=answers, correct=passed, ms=round(ms), timed=timed)
            for day, (answers, passed, timed, ms) in sorted(self._days.items())
        ]

    def _whole_day(self, quarter: int) -> date | None:
        """The study day the whole quarter hour is in, or None when a study day begins inside it."""
        day, first, after = self._last
        if first <= quarter < after:
            return day
        start, end = _quarter_span(quarter)
        day = self._study_days.of(start)
        first, after = self._quarters_of(day)
        if first <= quarter < after:
            self._last = (day, first, after)
            return day
        return day if day == self._study_days.of(end - _INSTANT) else None

    def _quarters_of(self, day: date) -> tuple[int, int]:
        """The first quarter hour of ``day`` and the first of the day after, when both days begin on a quarter
        hour and the day's first and last moments are in it; else none (0, 0)."""
        begins, ends = self._study_days.begins(day), self._study_days.begins(day + _DAY)
        first, after = review_sums.quarter_of(begins), review_sums.quarter_of(ends)
        on_quarters = review_sums.quarter_start(first) == begins and review_sums.quarter_start(after) == ends
        if on_quarters and self._study_days.of(begins) == day == self._study_days.of(ends - _INSTANT):
            return first, after
        return 0, 0

    def _add(self, day: date, answers: int, passed: int, timed: int, ms: int) -> None:
        totals = self._days.setdefault(day, [0, 0, 0, 0])
        totals[0] += answers
        totals[1] += passed
        totals[2] += timed
        totals[3] += ms


def _kinds_from(
    db: sqlite3.Connection, deck: str | None, starts: Mapping[date, datetime], logged_since: list[sqlite3.Row]
) -> dict[date, list[KindSums]]:
    """For each study day, the answers retention or calibration count from its start on, by kind: the sums and
    the reviews logged since them of the quarter hours from the first whole one after the start, and the answers
    before it from the start."""
    firsts = {day: _first_whole_quarter(start) for day, start in starts.items()}
    bands = sorted(set(firsts.values()))
    by_band = _kinds_by_band(db, deck, bands, logged_since)
    kinds_from: dict[date, list[KindSums]] = {}
    for day, first in firsts.items():
        kinds: _Kinds = {}
        for band in by_band[bands.index(first) :]:
            for kind, sums in band.items():
                _add_sums(kinds, kind, *sums)
        _add_kinds(kinds, _answers_between(db, deck, [(starts[day], review_sums.quarter_start(first))], 0))
        kinds_from[day] = [
            KindSums(
                retention=retention,
                bin=bin_,
                guessable=guessable,
                answers=int(answers),
                passed=int(passed),
                predicted=predicted,
            )
            for (retention, bin_, guessable), (answers, passed, predicted) in sorted(kinds.items())
        ]
    return kinds_from


def _first_whole_quarter(start: datetime) -> int:
    first = review_sums.quarter_of(start)
    return first if review_sums.quarter_start(first) == start else first + 1


def _kinds_by_band(
    db: sqlite3.Connection, deck: str | None, bands: list[int], logged_since: list[sqlite3.Row]
) -> list[_Kinds]:
    """The answers retention or calibration count, summed and logged since, by band and kind: the band of a
    quarter hour is the number of ``bands`` (first quarter hours, in order) it is at or after, less one; the
    sums are read once for all the bands."""
    by_band: list[_Kinds] = [{} for _ in bands]
    for row in _summed_kinds(db, deck, bands):
        _add_kinds(by_band[row["band"]], [row])
    for row in logged_since:
        index = bisect_right(bands, row["quarter"]) - 1
        if index >= 0:
            _add_kinds(by_band[index], [row])
    return by_band


def _summed_kinds(db: sqlite3.Connection, deck: str | None, bands: list[int]) -> Iterable[sqlite3.Row]:
    if not bands:
        return []
    bounds = {f"band{n}": first for n, first in enumerate(bands)}
    band = " ".join(f"WHEN quarter >= :band{n} THEN {n}" for n in reversed(range(len(bands))))
    return db.execute(
        f"SELECT CASE {band} END AS band, retention, bin, guessable, SUM(answers) AS answers,"
        " SUM(passed) AS passed, TOTAL(predicted) AS predicted FROM review_kinds WHERE quarter >= :band0"
        " AND (:deck IS NULL OR deck = :deck) GROUP BY band, retention, bin, guessable",
        {"deck": deck, **bounds},
    )


def _add_kinds(kinds: _Kinds, rows: Iterable[sqlite3.Row]) -> None:
    """Add the rows of the answers retention or calibration count."""
    for row in rows:
        if row["retention"] or row["bin"] >= 0:
            _add_sums(kinds, (row["retention"], row["bin"], bool(row["guessable"])), *_kind_values(row))


def _kind_values(row: sqlite3.Row) -> tuple[int, int, float]:
    return row["answers"], row["passed"], row["predicted"]


def _add_sums(kinds: _Kinds, kind: tuple[int, int, bool], answers: float, passed: float, predicted: float) -> None:
    sums = kinds.setdefault(kind, [0, 0, 0.0])
    sums[0] += answers
    sums[1] += passed
    sums[2] += predicted


def _answers_between(
    db: sqlite3.Connection, deck: str | None, spans: Iterable[tuple[datetime, datetime]], max_answer_ms: int
) -> list[sqlite3.Row]:
    """Each answer from the start to the end of each span, as a group of one, its time counted up to
    ``max_answer_ms``."""
    texts = [[to_text(start), to_text(end)] for start, end in spans if start < end]
    if not texts:
        return []
    return db.execute(
        f"SELECT reviewed_at, {review_sums.KINDS}, 1 AS answers, rating > 1 AS passed,"
        " duration_ms IS NOT NULL AS timed, COALESCE(MIN(duration_ms, :max_ms), 0) AS ms,"
        " COALESCE(retrievability, 0) AS predicted FROM json_each(:spans) AS span JOIN reviews"
        " ON reviewed_at >= json_extract(span.value, '$[0]') AND reviewed_at < json_extract(span.value, '$[1]')"
        " WHERE :deck IS NULL OR deck = :deck",
        {"deck": deck, "spans": json.dumps(texts), "max_ms": max_answer_ms},
    ).fetchall()


def _quarter_span(quarter: int) -> tuple[datetime, datetime]:
    start = review_sums.quarter_start(quarter)
    return start, start + review_sums.QUARTER

"""What ``quizcli stats`` shows, computed from the store's aggregates and the current time.

Pure: no database, no terminal, no clock reads.  The store sums the review log
up in SQL (answers per study day, retention tallies, calibration bins) and
hands over one row per card; everything here is arithmetic on those, so every
figure can be checked exactly from a history a test builds.

Days are study days (`quizcli.clock.study_day`): the local calendar day
starting at the configured hour (04:00 by default), as for the daily limits; a card counts as due on the study
day its due time falls in, the same rule `quizcli study` shows review cards by.
A "review answer" (retention) is an answer to a card that was in review, not
learning; "young" and "mature" go by the interval it had then.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from functools import reduce
from types import MappingProxyType
from typing import Any, NamedTuple

from quizcli import scheduler
from quizcli.clock import StudyDays, study_day, to_text
from quizcli.history import deck_records
from quizcli.scheduler import LEECH_LAPSES, CardState, Settings, State
from quizcli.store.exams import Attempt
from quizcli.store.review_sums import CALIBRATION_BINS
from quizcli.store.statistics import MATURE, CalibrationRow, CardRow, DayActivity, KindSums, Tally

HISTORY_DAYS = 84  # the heatmap's 12 weeks, and the window for calibration and time
FORECAST_DAYS = 14
RETENTION_PERIODS = (7, 30, 90)
HEAT_LEVELS = 4
WEAK_CARDS = 10
_DEFAULT_SETTINGS = Settings()  # the schedule of a deck with no fitted parameters
EXAM_TREND = 10


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


class DeckItems(NamedTuple):
    """A deck's current items as the figures need them: how many there are, and which of them have progress.

    Both come from the deck index, so statistics never read all of a big deck's item ids.
    """

    total: int
    tracked: frozenset[str]


class StatsInput(NamedTuple):
    """Everything `compute` needs.  ``decks`` maps each deck to its current items (None when its file is unknown)."""

    deck: str | None
    now: datetime
    days: int
    decks: Mapping[str, DeckItems | None]
    cards: Sequence[CardRow]
    activity: Sequence[DayActivity]
    retention: Mapping[int, Mapping[bool, Tally]]  # period in days -> mature? -> tally
    calibration: Sequence[CalibrationRow]
    attempts: Sequence[Attempt]
    desired_retention: float
    parameters: Mapping[str, tuple[float, ...]] = MappingProxyType({})  # deck -> FSRS parameters in use


# ---- card counts ------------------------------------------------------------------------


class CardCounts(NamedTuple):
    new: int = 0
    learning: int = 0
    young: int = 0
    mature: int = 0
    suspended: int = 0

    @property
    def total(self) -> int:
        return self.new + self.learning + self.young + self.mature + self.suspended

    def plus(self, other: CardCounts) -> CardCounts:
        """Both counts summed (not ``+``: that would join the two tuples)."""
        return CardCounts(
            new=self.new + other.new,
            learning=self.learning + other.learning,
            young=self.young + other.young,
            mature=self.mature + other.mature,
            suspended=self.suspended + other.suspended,
        )

    def to_dict(self) -> dict[str, Any]:
        return {"new": self.new, "learning": self.learning, "young": self.young, "mature": self.mature,
                "suspended": self.suspended, "total": self.total}  # fmt: skip


def category(row: CardRow | None) -> str:
    """new, learning (and relearning), young (interval under 21 days), mature or suspended."""
    if row is not None and row.suspended:
        return "suspended"
    if row is None or row.state is None:
        return "new"
    if row.state.state in (State.LEARNING, State.RELEARNING):
        return "learning"
    return "mature" if row.state.mature else "young"


def card_counts(rows: Sequence[CardRow], items: DeckItems | None) -> CardCounts:
    """Counts over a deck's current items (every item with progress when the deck's items are unknown).

    ``rows`` are the current items' rows; every current item without one is new.
    """
    by_item = {row.item: row for row in rows}
    found: dict[str, int] = {}
    for row in by_item.values():
        kind = category(row)
        found[kind] = found.get(kind, 0) + 1
    if items is not None:
        found["new"] = found.get("new", 0) + items.total - len(by_item)
    return CardCounts(**found)


class DeckCounts(NamedTuple):
    deck: str
    counts: CardCounts

    def to_dict(self) -> dict[str, Any]:
        return {"deck": self.deck} | self.counts.to_dict()


def current_cards(data: StatsInput) -> list[CardRow]:
    """Card rows of items still in their deck (a deck without a known file keeps all its rows)."""
    return [row for row in data.cards if _current(row, data.decks)]


def _current(row: CardRow, decks: Mapping[str, DeckItems | None]) -> bool:
    if row.deck not in decks:
        return False
    items = decks[row.deck]
    return items is None or row.item in items.tracked


def deck_counts(data: StatsInput, rows: Sequence[CardRow]) -> tuple[DeckCounts, ...]:
    by_deck: dict[str, list[CardRow]] = {}
    for row in rows:
        by_deck.setdefault(row.deck, []).append(row)
    return tuple(
        DeckCounts(deck, card_counts(by_deck.get(deck, []), items)) for deck, items in sorted(data.decks.items())
    )


# ---- activity: heatmap and streaks -----------------------------------------------------


class Activity(NamedTuple):
    """Answers per study day over the window (every day, zeros included) and the streaks over all history."""

    days: tuple[DayActivity, ...]
    current_streak: int
    longest_streak: int

    @property
    def today(self) -> date:
        return self.days[-1].day

    @property
    def answers(self) -> int:
        return sum(d.answers for d in self.days)

    @property
    def days_studied(self) -> int:
        return sum(1 for d in self.days if d.answers)

    @property
    def peak(self) -> int:
        return max((d.answers for d in self.days), default=0)

    def level(self, answers: int) -> int:
        return heat_level(answers, self.peak)

    def to_dict(self) -> dict[str, Any]:
        per_day = ratio(self.answers, self.days_studied)
        return {
            "from": self.days[0].day.isoformat(),
            "to": self.today.isoformat(),
            "days": [{"date": d.day.isoformat(), "answers": d.answers} for d in self.days],
            "answers": self.answers,
            "days_studied": self.days_studied,
            "average_per_study_day": None if per_day is None else round(per_day, 1),
            "streak": {"current": self.current_streak, "longest": self.longest_streak},
        }


def heat_level(answers: int, peak: int) -> int:
    """0 for no answers, else 1-4 by quarters of the busiest day: ceil(4 * answers / peak)."""
    return 0 if answers <= 0 or peak <= 0 else -(-HEAT_LEVELS * answers // peak)


def level_ranges(peak: int) -> list[tuple[int, int, int]]:
    """(level, fewest, most answers) for each level some count can reach, for the legend."""
    ranges = []
    for level in range(1, HEAT_LEVELS + 1):
        low, high = peak * (level - 1) // HEAT_LEVELS + 1, peak * level // HEAT_LEVELS
        if low <= high:
            ranges.append((level, low, high))
    return ranges


def activity(history: Sequence[DayActivity], today: date, days: int) -> Activity:
    by_day = {d.day: d for d in history}
    window = [today - timedelta(days=n) for n in range(days - 1, -1, -1)]
    filled = tuple(by_day.get(day, DayActivity(day=day, answers=0, correct=0)) for day in window)
    studied = {d.day for d in history if d.answers}
    return Activity(filled, current_streak(studied, today), longest_streak(studied))


def current_streak(studied: set[date], today: date) -> int:
    """Study days in a row up to today, or up to yesterday while today has no answers yet."""
    day = today if today in studied else today - timedelta(days=1)
    streak = 0
    while day in studied:
        streak, day = streak + 1, day - timedelta(days=1)
    return streak


def longest_streak(studied: set[date]) -> int:
    longest = 0
    for day in studied:
        if day - timedelta(days=1) not in studied:  # the first day of a run
            length = 1
            while day + timedelta(days=length) in studied:
                length += 1
            longest = max(longest, length)
    return longest


# ---- forecast ---------------------------------------------------------------------------


class Forecast(NamedTuple):
    """Cards due on each of the next days (today first), and those due on earlier days and not done."""

    start: date
    due: tuple[int, ...]
    overdue: int

    @property
    def due_today(self) -> int:
        return self.due[0]

    def to_dict(self) -> dict[str, Any]:
        days = [{"date": (self.start + timedelta(days=n)).isoformat(), "due": c} for n, c in enumerate(self.due)]
        return {"overdue": self.overdue, "due_today": self.due_today, "total": sum(self.due), "days": days}


def forecast(rows: Iterable[CardRow], today: date, days: int = FORECAST_DAYS) -> Forecast:
    due, overdue = [0] * days, 0
    day_of = StudyDays().of
    for row in rows:
        if row.suspended or row.state is None:
            continue
        offset = (day_of(row.state.due) - today).days
        if offset < 0:
            overdue += 1
        elif offset < days:
            due[offset] += 1
    return Forecast(today, tuple(due), overdue)


# ---- retention and calibration ----------------------------------------------------------


class RetentionPeriod(NamedTuple):
    days: int
    young: Tally
    mature: Tally

    @property
    def all(self) -> Tally:
        return self.young.plus(self.mature)

    def to_dict(self) -> dict[str, Any]:
        return {"days": self.days, "young": self.young.to_dict(), "mature": self.mature.to_dict(),
                "all": self.all.to_dict()}  # fmt: skip


class Retention(NamedTuple):
    desired: float
    periods: tuple[RetentionPeriod, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"desired": self.desired, "periods": [p.to_dict() for p in self.periods]}


def tallies_by_maturity(kinds: Iterable[KindSums]) -> dict[bool, Tally]:
    """Answers to cards in review and how many were not Again, by mature."""
    tallies: dict[bool, Tally] = {}
    for kind in kinds:
        if kind.retention:
            mature = kind.retention == MATURE
            tallies[mature] = tallies.get(mature, Tally()).plus(Tally(kind.answers, kind.passed))
    return tallies


def retention(tallies: Mapping[int, Mapping[bool, Tally]], desired: float) -> Retention:
    periods = tuple(
        RetentionPeriod(days, tallies.get(days, {}).get(False, Tally()), tallies.get(days, {}).get(True, Tally()))
        for days in RETENTION_PERIODS
    )
    return Retention(desired, periods)


class CalibrationBin(NamedTuple):
    """Answers whose predicted recall was in [low, high): their mean prediction and the share recalled."""

    low: float
    high: float
    answers: int
    predicted: float
    actual: float

    def to_dict(self) -> dict[str, Any]:
        return {"from": self.low, "to": self.high, "answers": self.answers, "predicted": round(self.predicted, 4),
                "actual": round(self.actual, 4)}  # fmt: skip


class Calibration(NamedTuple):
    bins: tuple[CalibrationBin, ...]

    @property
    def answers(self) -> int:
        return sum(b.answers for b in self.bins)

    @property
    def predicted(self) -> float | None:
        return _weighted(self.bins, "predicted")

    @property
    def actual(self) -> float | None:
        return _weighted(self.bins, "actual")

    def to_dict(self) -> dict[str, Any]:
        return {"answers": self.answers, "predicted": _rounded(self.predicted), "actual": _rounded(self.actual),
                "bins": [b.to_dict() for b in self.bins]}  # fmt: skip


def _weighted(bins: Sequence[CalibrationBin], name: str) -> float | None:
    total = sum(b.answers for b in bins)
    return sum(getattr(b, name) * b.answers for b in bins) / total if total else None


def calibration_rows(kinds: Iterable[KindSums]) -> list[CalibrationRow]:
    """The calibrated answers by bin, guessable or not."""
    rows: dict[tuple[int, bool], CalibrationRow] = {}
    for kind in kinds:
        if kind.calibrated:
            empty = CalibrationRow(bin=kind.bin, answers=0, predicted_sum=0.0, passed=0, guessable=kind.guessable)
            row = rows.get((kind.bin, kind.guessable)) or empty
            rows[(kind.bin, kind.guessable)] = row._replace(
                answers=row.answers + kind.answers,
                predicted_sum=row.predicted_sum + kind.predicted,
                passed=row.passed + kind.passed,
            )
    return [rows[key] for key in sorted(rows)]


def calibration(rows: Iterable[CalibrationRow]) -> Calibration:
    width = 1 / CALIBRATION_BINS
    bins = tuple(
        CalibrationBin(
            low=round(r.bin * width, 4),
            high=round((r.bin + 1) * width, 4),
            answers=r.answers,
            predicted=r.predicted_sum / r.answers,
            actual=r.passed / r.answers,
        )
        for r in sorted(rows, key=lambda r: r.bin)
        if r.answers
    )
    return Calibration(bins)


# ---- weak cards -------------------------------------------------------------------------


class WeakCard(NamedTuple):
    deck: str
    item: str
    lapses: int
    retrievability: float | None
    due: datetime
    suspended: bool

    def to_dict(self) -> dict[str, Any]:
        return {"deck": self.deck, "item": self.item, "lapses": self.lapses,
                "retrievability": _rounded(self.retrievability), "due": to_text(self.due),
                "suspended": self.suspended}  # fmt: skip


class WeakCards(NamedTuple):
    leeches: tuple[WeakCard, ...]
    lowest_retrievability: tuple[WeakCard, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"leeches": [c.to_dict() for c in self.leeches],
                "lowest_retrievability": [c.to_dict() for c in self.lowest_retrievability]}  # fmt: skip


def weak_cards(rows: Iterable[CardRow], now: datetime, parameters: Mapping[str, tuple[float, ...]]) -> WeakCards:
    """Every leech (most lapses first) and the `WEAK_CARDS` unsuspended cards least likely to be recalled now."""
    settings = {deck: Settings(parameters=fitted) for deck, fitted in parameters.items()}
    scored = [
        (row, state, scheduler.retrievability(state, now, settings.get(row.deck) or _DEFAULT_SETTINGS))
        for row in rows
        if (state := row.state) is not None
    ]
    leeches = sorted(
        (_weak(row, state, odds) for row, state, odds in scored if state.lapses >= LEECH_LAPSES),
        key=lambda c: (-c.lapses, c.deck, c.item),
    )
    active = [(row, state, odds) for row, state, odds in scored if not row.suspended and odds is not None]
    lowest = heapq.nsmallest(WEAK_CARDS, active, key=lambda card: (card[2], card[0].deck, card[0].item))
    return WeakCards(tuple(leeches), tuple(_weak(row, state, odds) for row, state, odds in lowest))


def _weak(row: CardRow, state: CardState, odds: float | None) -> WeakCard:
    return WeakCard(
        deck=row.deck,
        item=row.item,
        lapses=state.lapses,
        retrievability=odds,
        due=state.due,
        suspended=row.suspended,
    )


# ---- exams and time ---------------------------------------------------------------------


class ExamTrend(NamedTuple):
    """A deck's exams: the latest, the best, and the percents of the last `EXAM_TREND` attempts, oldest first."""

    deck: str
    attempts: int
    latest: Attempt
    best: Attempt
    recent: tuple[int, ...]

    @property
    def change(self) -> int | None:
        """Points gained (or lost) since the attempt before the latest."""
        return self.recent[-1] - self.recent[-2] if len(self.recent) > 1 else None

    def to_dict(self) -> dict[str, Any]:
        return {"deck": self.deck, "attempts": self.attempts, "latest": self.latest.to_dict(),
                "best": self.best.to_dict(), "trend": list(self.recent), "change": self.change}  # fmt: skip


def exam_trends(attempts: Sequence[Attempt]) -> tuple[ExamTrend, ...]:
    return tuple(
        ExamTrend(
            deck=r.deck,
            attempts=r.attempts,
            latest=r.latest,
            best=r.best,
            recent=tuple(a.percent for a in attempts if a.deck == r.deck)[-EXAM_TREND:],
        )
        for r in deck_records(attempts)
    )


class TimeSpent(NamedTuple):
    """Study time in the window, all time and today; seconds per answer over the answers that were timed."""

    window: DayActivity
    all_time: DayActivity
    today: DayActivity

    def to_dict(self) -> dict[str, Any]:
        return {"window": _time_dict(self.window), "all_time": _time_dict(self.all_time),
                "today": _time_dict(self.today) | {"correct": self.today.correct}}  # fmt: skip


def seconds(days: DayActivity) -> float:
    return days.ms / 1000


def seconds_per_answer(days: DayActivity) -> float | None:
    return None if not days.timed else days.ms / days.timed / 1000


def _time_dict(days: DayActivity) -> dict[str, Any]:
    per_answer = seconds_per_answer(days)
    return {"answers": days.answers, "seconds": round(seconds(days), 1),
            "seconds_per_answer": None if per_answer is None else round(per_answer, 1)}  # fmt: skip


def total(days: Iterable[DayActivity], label: date) -> DayActivity:
    found = list(days)
    return DayActivity(
        day=label,
        answers=sum(d.answers for d in found),
        correct=sum(d.correct for d in found),
        ms=sum(d.ms for d in found),
        timed=sum(d.timed for d in found),
    )


def time_spent(history: Sequence[DayActivity], window: Activity) -> TimeSpent:
    start, today = window.days[0].day, window.today
    in_window = total((d for d in history if start <= d.day <= today), today)
    return TimeSpent(in_window, total(history, today), total((d for d in history if d.day == today), today))


# ---- everything -------------------------------------------------------------------------


class Stats(NamedTuple):
    deck: str | None
    now: datetime
    window_days: int
    decks: tuple[DeckCounts, ...]
    activity: Activity
    forecast: Forecast
    retention: Retention
    calibration: Calibration  # answers that are not guessable
    guessable_calibration: Calibration  # right answers to single-answer choice and true/false cards may be guesses
    weak: WeakCards
    exams: tuple[ExamTrend, ...]
    time: TimeSpent

    @property
    def cards(self) -> CardCounts:
        return reduce(CardCounts.plus, (d.counts for d in self.decks), CardCounts())

    def to_dict(self) -> dict[str, Any]:
        return {
            "deck": self.deck,
            "generated_at": to_text(self.now),
            "study_day": self.activity.today.isoformat(),
            "window_days": self.window_days,
            "cards": {"total": self.cards.to_dict(), "decks": [d.to_dict() for d in self.decks]},
            "activity": self.activity.to_dict(),
            "forecast": self.forecast.to_dict(),
            "retention": self.retention.to_dict(),
            "calibration": {**self.calibration.to_dict(), "guessable": self.guessable_calibration.to_dict()},
            "weak_cards": self.weak.to_dict(),
            "exams": [e.to_dict() for e in self.exams],
            "time": self.time.to_dict(),
        }


def compute(data: StatsInput) -> Stats:
    today = study_day(data.now)
    rows = current_cards(data)
    window = activity(data.activity, today, data.days)
    return Stats(
        deck=data.deck,
        now=data.now,
        window_days=data.days,
        decks=deck_counts(data, rows),
        activity=window,
        forecast=forecast(rows, today),
        retention=retention(data.retention, data.desired_retention),
        calibration=calibration(row for row in data.calibration if not row.guessable),
        guessable_calibration=calibration(row for row in data.calibration if row.guessable),
        weak=weak_cards(rows, data.now, data.parameters),
        exams=exam_trends(data.attempts),
        time=time_spent(data.activity, window),
    )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)

"""A pure adapter over py-fsrs: (card state, rating, time, settings) in, new state out.

No clock reads and no I/O here.  py-fsrs's own fuzz draws from the unseeded
global ``random``; it is switched off, and when fuzz is wanted the interval
is spread the same way py-fsrs would, but from a generator seeded by the
item and its review count, so replaying the log reproduces every state.
"""

import json
import random
from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import IntEnum
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import fsrs

# py-fsrs's fuzz ranges: (start day, end day, factor).
_FUZZ_RANGES = ((2.5, 7.0, 0.15), (7.0, 20.0, 0.1), (20.0, float("inf"), 0.05))
MATURE_DAYS = 21
# Days after the answer a 1- or 2-day interval may be moved within, off a sibling's due day.
SHORT_WINDOW_DAYS = 3
# Anki's default leech threshold: a card forgotten this many times is a leech.
LEECH_LAPSES = 8
# py-fsrs's default decay (the last of its default parameters) and its forgetting curve's exponent and factor,
# computed as py-fsrs computes them (tests/test_scheduler_config.py checks it against py-fsrs).
DEFAULT_DECAY = 0.1542
_DEFAULT_CURVE = -DEFAULT_DECAY
_DEFAULT_FACTOR = 0.9 ** (1 / _DEFAULT_CURVE) - 1


class Rating(IntEnum):
    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


class State(IntEnum):
    NEW = 0
    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3


class Settings(NamedTuple):
    """Everything that decides a schedule; stored with each review so replays are exact."""

    desired_retention: float = 0.9
    learning_steps: tuple[int, ...] = (60, 600)  # seconds
    relearning_steps: tuple[int, ...] = (600,)
    maximum_interval: int = 36500  # days
    parameters: tuple[float, ...] = ()  # () means py-fsrs's defaults
    fuzz: bool = True

    def to_json(self) -> str:
        return json.dumps(self._asdict(), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "Settings":
        data: dict[str, Any] = json.loads(text)
        for key in ("learning_steps", "relearning_steps", "parameters"):
            data[key] = tuple(data[key])
        return cls(**data)


class CardState(NamedTuple):
    state: State
    due: datetime
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0

    @property
    def interval_days(self) -> float:
        """Days from the last review to the due date (0 for a card never reviewed)."""
        if self.last_review is None:
            return 0.0
        return (self.due - self.last_review).total_seconds() / 86400

    @property
    def mature(self) -> bool:
        return self.state is State.REVIEW and self.interval_days >= MATURE_DAYS


def new_card(when: datetime) -> CardState:
    return CardState(state=State.NEW, due=when)


class Review(NamedTuple):
    """One answer as the log keeps it: enough to replay the schedule exactly.

    ``due_shift`` is how many days the due date was moved within the fuzz range after
    scheduling, to keep it off a sibling's due day (see `quizcli.session.disperse`).
    """

    rating: Rating
    when: datetime
    settings: Settings
    due_shift: int = 0


@lru_cache(maxsize=16)
def _scheduler(settings: Settings) -> "fsrs.Scheduler":
    import fsrs

    options: dict[str, Any] = {
        "desired_retention": settings.desired_retention,
        "learning_steps": tuple(timedelta(seconds=s) for s in settings.learning_steps),
        "relearning_steps": tuple(timedelta(seconds=s) for s in settings.relearning_steps),
        "maximum_interval": settings.maximum_interval,
        "enable_fuzzing": False,
    }
    if settings.parameters:
        options["parameters"] = settings.parameters
    return fsrs.Scheduler(**options)


class _Fsrs:
    """py-fsrs's card class and its ratings and states beside quizcli's, looked up once (a replay reviews a lot).

    A plain class, not a record: one is made, on the first review, and never compared.
    """

    __slots__ = ("card", "learning", "ratings", "states", "fsrs_states")

    def __init__(self) -> None:
        import fsrs

        self.card = fsrs.Card
        self.learning = fsrs.State.Learning
        self.ratings = {rating: fsrs.Rating(int(rating)) for rating in Rating}
        self.states = {state: State(int(state)) for state in fsrs.State}
        self.fsrs_states = {State(int(state)): state for state in fsrs.State}


@cache
def _fsrs() -> _Fsrs:
    return _Fsrs()


def _to_fsrs(state: CardState) -> "fsrs.Card":
    py_fsrs = _fsrs()
    if state.state is State.NEW:
        return py_fsrs.card(card_id=1, state=py_fsrs.learning, step=0, due=state.due)
    return py_fsrs.card(
        card_id=1,
        state=py_fsrs.fsrs_states[state.state],
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=state.due,
        last_review=state.last_review,
    )


def review(state: CardState, rating: Rating, when: datetime, settings: Settings, seed: str) -> CardState:
    """The state after answering ``rating`` at ``when``.  ``seed`` names the item, for the fuzz."""
    after, _ = _scheduler(settings).review_card(_to_fsrs(state), _fsrs().ratings[rating], when)
    new_state = _fsrs().states[after.state]
    reps = state.reps + 1
    due = after.due
    if settings.fuzz and new_state is State.REVIEW:
        due = _fuzzed_due(due, when, settings.maximum_interval, f"{seed}#{reps}")
    return CardState(
        state=new_state,
        due=due,
        step=after.step,
        stability=after.stability,
        difficulty=after.difficulty,
        last_review=after.last_review,
        reps=reps,
        lapses=state.lapses + int(state.state is State.REVIEW and rating is Rating.AGAIN),
    )


def _fuzzed_due(due: datetime, when: datetime, maximum_interval: int, seed: str) -> datetime:
    days = (due - when).days
    if days < 2.5:
        return due
    low, high = _fuzz_bounds(days, maximum_interval)
    fuzzed = min(round(random.Random(seed).random() * (high - low + 1) + low), maximum_interval)
    return due + timedelta(days=fuzzed - days)


@lru_cache(maxsize=1024)
def _fuzz_bounds(days: int, maximum_interval: int) -> tuple[int, int]:
    """py-fsrs's fuzz range for an interval of ``days`` days: the fewest and most days it may become."""
    delta = 1.0 + sum(f * max(min(float(days), end) - start, 0.0) for start, end, f in _FUZZ_RANGES)
    high = min(round(days + delta), maximum_interval)
    return min(max(2, round(days - delta)), high), high


def fuzz_window(before: CardState, rating: Rating, when: datetime, settings: Settings) -> tuple[datetime, datetime]:
    """The earliest and latest due dates the fuzz could give this answer (one date when it has no fuzz)."""
    plain = review(before, rating, when, settings._replace(fuzz=False), seed="")
    days = (plain.due - when).days
    if not settings.fuzz or plain.state is not State.REVIEW or days < 2.5:
        return plain.due, plain.due
    low, high = _fuzz_bounds(days, settings.maximum_interval)
    return plain.due + timedelta(days=low - days), plain.due + timedelta(days=high - days)


def dispersal_window(
    before: CardState, rating: Rating, when: datetime, settings: Settings
) -> tuple[datetime, datetime]:
    """The earliest and latest due dates a review may be moved to, off a sibling's due day.

    The fuzz window; for an interval too short to fuzz (1 or 2 days), the first `SHORT_WINDOW_DAYS`
    days after the answer, since py-fsrs gives those no range to move in and young siblings on
    1- and 2-day intervals would otherwise keep falling due together.  One date when fuzz is off.
    """
    earliest, latest = fuzz_window(before, rating, when, settings)
    days = (earliest - when).days
    if not settings.fuzz or earliest != latest or not 1 <= days < SHORT_WINDOW_DAYS:
        return earliest, latest
    return earliest - timedelta(days=days - 1), latest + timedelta(days=SHORT_WINDOW_DAYS - days)


def shift_due(state: CardState, days: int) -> CardState:
    """The state with its due date moved by ``days`` days (a dispersal from a sibling's due day)."""
    return state._replace(due=state.due + timedelta(days=days)) if days else state


def preview(state: CardState, when: datetime, settings: Settings, seed: str) -> dict[Rating, timedelta]:
    """How long until the item is due again for each possible rating (shown under the rating keys)."""
    return {rating: review(state, rating, when, settings, seed).due - when for rating in Rating}


def retrievability(state: CardState, when: datetime, settings: Settings) -> float | None:
    """Predicted probability of recall at ``when``; None for a card never reviewed.

    Under py-fsrs's default parameters its forgetting curve is worked out here, as py-fsrs does, without
    loading py-fsrs (``stats`` asks it of every card); fitted parameters go to py-fsrs, which checks them.
    """
    if state.state is State.NEW or state.stability is None:
        return None
    if settings.parameters:
        return float(_scheduler(settings).get_card_retrievability(_to_fsrs(state), when))
    if state.last_review is None:
        return 0.0
    elapsed_days = max(0, (when - state.last_review).days)
    return float((1 + _DEFAULT_FACTOR * elapsed_days / state.stability) ** _DEFAULT_CURVE)


def item_seed(deck: str, item: str) -> str:
    """The seed of an item's interval fuzz: the same for the live schedule and a replay of its log."""
    return f"{deck}/{item}"


def replay(reviews: Iterable[Review], seed: str) -> CardState | None:
    """Rebuild an item's state from its log, in order; None when it has no reviews."""
    state: CardState | None = None
    for entry in reviews:
        state = review(state or new_card(entry.when), entry.rating, entry.when, entry.settings, seed)
        state = shift_due(state, entry.due_shift)
    return state


def format_interval(delta: timedelta) -> str:
    """Anki-style short interval: ``<1m``, ``10m``, ``3h``, ``4d``, ``2.5mo``, ``1.2y``."""
    seconds = delta.total_seconds()
    if seconds < 60:
        return "<1m"
    if seconds < 3600:
        return f"{round(seconds / 60)}m"
    if seconds < 86400:
        return f"{round(seconds / 3600)}h"
    days = seconds / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo".replace(".0mo", "mo")
    return f"{days / 365:.1f}y".replace(".0y", "y")


def default_parameters() -> tuple[float, ...]:
    """py-fsrs's default parameters: what ``Settings(parameters=())`` schedules with."""
    from fsrs.scheduler import DEFAULT_PARAMETERS

    return tuple(float(p) for p in DEFAULT_PARAMETERS)

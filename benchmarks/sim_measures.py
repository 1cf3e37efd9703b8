"""The figures of a simulated run: what quizcli did and predicted against what the learner really remembered.

Definitions (the numbers in docs/study.md use them):

- a *study day* is the local date with the day rolling over at 04:00 (Anki's rule, and quizcli's);
- a *review* is an answer to a card in the review state (the review log's ``state_before`` 2);
- a review is *late* when it is answered on a study day after its due day although a session ran
  on its due day or a later day before the answer (reviews delayed only by days without a session
  are counted apart, and so are those whose card had another item answered on each such day, which
  quizcli buried as a sibling until the next study day);
- *due today, not shown*: a review card due on or before a study day (its due time before that day's
  rollover), not suspended or buried, that no session of that day showed;
- *held back by the limit*: in a session, review cards due at its start that quizcli did not show
  although fewer than ``--limit`` review cards had been answered that day (learning-step answers
  counted against the limit);
- a *sibling* answer is one to an item whose card (a flashcard's reverse, a cloze's other deletions)
  had another item answered earlier the same study day;
- *days over the new limit*: study days on which more new items were shown than ``--new`` allows (a
  study day that starts at the wrong hour, e.g. on a daylight-saving night, shows them);
- *calibration* compares, for answers made a day or more after the previous one (as quizcli's own
  calibration does), quizcli's predicted retrievability (in its review log) with the learner's true
  probability of recalling at that moment, per 10% bin of the prediction;
- *fit* is the log loss (mean binary cross-entropy) of the same predictions against whether the learner
  truly recalled (not whether the answer passed: a lucky guess is not recall); lower is better.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sim_learner import Fact

REVIEW, LEARNING, RELEARNING, NEW = 2, 1, 3, 0
ROLLOVER = timedelta(hours=4)
RELIABLE_BIN = 50  # answers a calibration bin needs for its gap to count
FUZZ_FROM_DAYS = 2.5  # py-fsrs fuzzes no interval shorter than this, so none can be moved off a sibling's day


@dataclass(frozen=True)
class Session:
    number: int
    when: datetime
    day: date
    due: dict[str, datetime]  # review cards at the start (not suspended or buried) and their due times


@dataclass(frozen=True)
class Logged:
    """One entry of quizcli's review log."""

    review_id: int
    item: str
    rating: int
    state_before: int
    elapsed_days: float | None
    retrievability: float | None
    scheduled_days: float | None = None  # the interval the item was answered after (its state's before)
    due_shift: int = 0  # days quizcli moved the due date this answer set, off a sibling's due day


@dataclass(frozen=True)
class Answer:
    """One answer: the learner's side and quizcli's log entry."""

    session: int
    day: date
    fact: Fact
    memory: float
    recall: float
    recalled: bool
    primed_by: str
    passed: bool
    logged: Logged


@dataclass(frozen=True)
class Retention:
    group: str
    reviews: int
    passed: float  # share answered right (or not rated Again)
    recalled: float  # share the learner truly recalled
    true_recall: float  # mean probability of recall
    predicted: float  # mean retrievability quizcli predicted


@dataclass(frozen=True)
class Bin:
    low: int  # percent
    answers: int
    predicted: float
    true_recall: float
    passed: float

    @property
    def gap(self) -> float:
        """Predicted minus true recall, in points."""
        return 100 * (self.predicted - self.true_recall)


@dataclass(frozen=True)
class Load:
    per_day: list[int]
    least: int
    median: float
    most: int
    swing: int  # most - least
    biggest_jump: int  # the largest change from one study day to the next


@dataclass(frozen=True)
class Figures:
    sessions: int
    study_days: int
    answers: int
    logged: int
    reviews: int
    mismatches: int
    cut_sessions: int  # sessions the learner quit at its cap of answers
    most_repeats: int  # the most answers one item had in one session
    retention: list[Retention]
    calibration: dict[str, list[Bin]]
    worst_gap: dict[str, float]  # the largest |gap| among bins of at least RELIABLE_BIN answers
    fit: dict[str, float]  # log loss of the predictions against true recall, by the calibration's groups
    load: Load
    late: int
    late_without_session: int
    late_buried_siblings: int  # late only because a sibling answered that day buried them
    late_buried_short: int  # of those, the ones scheduled less than 3 days ahead (py-fsrs fuzzes none of those)
    dispersed: int  # answers whose due date quizcli moved off a sibling's due day
    due_not_shown: int
    days_with_due_not_shown: int
    held_back_by_limit: int
    sessions_held_back: int
    learning_answers: int  # learning and relearning steps, which quizcli counts against --limit
    siblings: int
    most_siblings_in_a_day: int
    days_with_siblings: int
    new_after_same_topic: int
    new_answers: int
    most_new_in_a_day: int
    days_over_new_limit: int  # study days on which more new items were shown than --new allows
    notes: list[str] = field(default_factory=list)


def study_day(moment: datetime, zone: ZoneInfo) -> date:
    """The study day a moment belongs to: its local date, the day rolling over at 04:00 local time."""
    return (moment.astimezone(zone).replace(tzinfo=None) - ROLLOVER).date()


def measure(
    sessions: list[Session],
    answers: list[Answer],
    zone: ZoneInfo,
    *,
    limit: int,
    new_limit: int,
    mismatches: int = 0,
    cut: int = 0,
) -> Figures:
    reviews = [a for a in answers if a.logged.state_before == REVIEW]
    late, without, buried, buried_short = late_reviews(sessions, answers, zone)
    not_shown, days_not_shown = due_not_shown(sessions, answers, zone)
    held, sessions_held = held_back_by_limit(sessions, answers, limit)
    siblings = sibling_answers(answers)
    new_per_day = Counter(a.day for a in answers if a.logged.state_before == NEW)
    groups = {
        "all": answers,
        "not guessable": [a for a in answers if not a.fact.options],
        "guessable": [a for a in answers if a.fact.options],
    }
    calibration = {name: calibration_bins(group) for name, group in groups.items()}
    return Figures(
        sessions=len(sessions),
        study_days=len({s.day for s in sessions}),
        answers=len(answers),
        logged=len({a.logged.review_id for a in answers}),
        reviews=len(reviews),
        mismatches=mismatches,
        cut_sessions=cut,
        most_repeats=max(Counter((a.session, a.fact.item) for a in answers).values(), default=0),
        retention=retention(reviews),
        calibration=calibration,
        worst_gap={name: worst_gap(bins) for name, bins in calibration.items()},
        fit={name: log_loss(group) for name, group in groups.items()},
        load=daily_load(sessions, answers),
        late=late,
        late_without_session=without,
        late_buried_siblings=buried,
        late_buried_short=buried_short,
        dispersed=len({a.logged.review_id for a in answers if a.logged.due_shift}),
        due_not_shown=not_shown,
        days_with_due_not_shown=days_not_shown,
        held_back_by_limit=held,
        sessions_held_back=sessions_held,
        learning_answers=sum(a.logged.state_before in (LEARNING, RELEARNING) for a in answers),
        siblings=sum(siblings.values()),
        most_siblings_in_a_day=max(siblings.values(), default=0),
        days_with_siblings=sum(1 for count in siblings.values() if count),
        new_after_same_topic=new_after_same_topic(answers),
        new_answers=sum(a.logged.state_before == NEW for a in answers),
        most_new_in_a_day=max(new_per_day.values(), default=0),
        days_over_new_limit=sum(count > new_limit for count in new_per_day.values()),
    )


def _group(fact: Fact) -> str:
    if fact.kind in ("flashcard", "reverse"):
        return "flashcards"
    return "choice, true/false" if fact.options else "typed, cloze"


def retention(reviews: list[Answer]) -> list[Retention]:
    groups: dict[str, list[Answer]] = defaultdict(list)
    for answer in reviews:
        groups["all"].append(answer)
        groups[_group(answer.fact)].append(answer)
    return [
        Retention(
            group=name,
            reviews=len(group),
            passed=_mean(a.passed for a in group),
            recalled=_mean(a.recalled for a in group),
            true_recall=_mean(a.recall for a in group),
            predicted=_mean(a.logged.retrievability or 0.0 for a in group),
        )
        for name, group in groups.items()
    ]


def _scored(answers: list[Answer]) -> list[Answer]:
    """Answers with a prediction made a day or more after the previous answer (as quizcli's calibration)."""
    return [
        a for a in answers
        if a.logged.retrievability is not None and a.logged.elapsed_days is not None and a.logged.elapsed_days >= 1
    ]  # fmt: skip


def calibration_bins(answers: list[Answer]) -> list[Bin]:
    bins: dict[int, list[Answer]] = defaultdict(list)
    for answer in _scored(answers):
        bins[min(int((answer.logged.retrievability or 0.0) * 10), 9)].append(answer)
    return [
        Bin(
            low=10 * index,
            answers=len(group),
            predicted=_mean(a.logged.retrievability or 0.0 for a in group),
            true_recall=_mean(a.recall for a in group),
            passed=_mean(a.passed for a in group),
        )
        for index, group in sorted(bins.items())
    ]


def log_loss(answers: list[Answer]) -> float:
    """Mean binary cross-entropy of quizcli's predictions against true recall (0 when nothing is scored)."""
    losses = []
    for answer in _scored(answers):
        predicted = min(max(answer.logged.retrievability or 0.0, 1e-6), 1 - 1e-6)
        losses.append(-math.log(predicted if answer.recalled else 1 - predicted))
    return _mean(losses)


def worst_gap(bins: list[Bin]) -> float:
    return max((abs(b.gap) for b in bins if b.answers >= RELIABLE_BIN), default=0.0)


def daily_load(sessions: list[Session], answers: list[Answer]) -> Load:
    counts = Counter(a.day for a in answers)
    per_day = [counts[day] for day in sorted({s.day for s in sessions})]
    if not per_day:
        return Load(per_day=[], least=0, median=0.0, most=0, swing=0, biggest_jump=0)
    jumps = [abs(b - a) for a, b in zip(per_day, per_day[1:], strict=False)]
    return Load(
        per_day=per_day, least=min(per_day), median=statistics.median(per_day), most=max(per_day),
        swing=max(per_day) - min(per_day), biggest_jump=max(jumps, default=0),
    )  # fmt: skip


def _due_of(sessions: list[Session], answer: Answer) -> datetime | None:
    return sessions[answer.session].due.get(answer.fact.item)


def late_reviews(sessions: list[Session], answers: list[Answer], zone: ZoneInfo) -> tuple[int, int, int, int]:
    """Reviews answered after their due day: (with a session on a day they could have been shown, without,
    with sessions only on days a sibling was answered, which buried them, and of those the ones scheduled
    less than 3 days ahead, which py-fsrs's fuzz range leaves no other day for)."""
    days = sorted({s.day for s in sessions})
    answered_cards: dict[date, set[str]] = defaultdict(set)
    for answer in answers:
        answered_cards[answer.day].add(answer.fact.card)
    late = without = buried = short = 0
    for answer in answers:
        due = _due_of(sessions, answer) if answer.logged.state_before == REVIEW else None
        if due is None or answer.day <= study_day(due, zone):
            continue
        missed = [day for day in days if study_day(due, zone) <= day < answer.day]
        by_sibling = bool(missed) and all(answer.fact.card in answered_cards[day] for day in missed)
        late += bool(missed) and not by_sibling
        buried += by_sibling
        short += by_sibling and (answer.logged.scheduled_days or 0) < FUZZ_FROM_DAYS
        without += not missed
    return late, without, buried, short


def due_not_shown(sessions: list[Session], answers: list[Answer], zone: ZoneInfo) -> tuple[int, int]:
    """Review cards due on a study day (or before) that no session of the day showed: (cards, days)."""
    answered: dict[date, set[str]] = defaultdict(set)
    for answer in answers:
        answered[answer.day].add(answer.fact.item)
    first: dict[date, Session] = {}
    for session in sessions:
        first.setdefault(session.day, session)
    total = days = 0
    for day, session in first.items():
        due_today = {item for item, due in session.due.items() if study_day(due, zone) <= day}
        missing = len(due_today - answered[day])
        total += missing
        days += missing > 0
    return total, days


def held_back_by_limit(sessions: list[Session], answers: list[Answer], limit: int) -> tuple[int, int]:
    """Review cards due at a session's start, not shown although fewer than ``limit`` review cards had been
    answered that day: (cards, sessions)."""
    by_session: dict[int, list[Answer]] = defaultdict(list)
    for answer in answers:
        by_session[answer.session].append(answer)
    reviews_today: Counter[date] = Counter()
    held = affected = 0
    for session in sessions:
        due_now = sum(due <= session.when for due in session.due.values())
        shown = sum(a.logged.state_before == REVIEW for a in by_session[session.number])
        expected = min(due_now, max(0, limit - reviews_today[session.day]))
        held += max(0, expected - shown)
        affected += expected > shown
        reviews_today[session.day] += shown
    return held, affected


def sibling_answers(answers: list[Answer]) -> dict[date, int]:
    """Per study day, answers to an item whose card had another item answered earlier that day."""
    seen: dict[tuple[date, str], set[str]] = defaultdict(set)
    per_day: Counter[date] = Counter()
    for answer in answers:
        key = (answer.day, answer.fact.card)
        per_day[answer.day] += bool(seen[key] - {answer.fact.item})
        seen[key].add(answer.fact.item)
    return dict(per_day)


def new_after_same_topic(answers: list[Answer]) -> int:
    """New items shown right after an answer to another card of the same topic, in the same session."""
    count = 0
    for before, answer in zip(answers, answers[1:], strict=False):
        same_topic = before.fact.topic == answer.fact.topic and before.fact.card != answer.fact.card
        count += answer.logged.state_before == NEW and before.session == answer.session and same_topic
    return count


def _mean(values: Iterable[float]) -> float:
    items = list(values)
    return sum(items) / len(items) if items else 0.0


# ---- the printout ----------------------------------------------------------------------------


def _pct(share: float) -> str:
    return f"{100 * share:.1f}%"


def render(figures: Figures, plan: dict[str, object]) -> str:
    f = figures
    lines = [
        "learner simulation: " + " ".join(f"{key}={value}" for key, value in plan.items()),
        f"sessions {f.sessions} on {f.study_days} study days · answers {f.answers} (review log entries {f.logged})"
        f" · reviews (review-state answers) {f.reviews}",
        f"answers marked otherwise than meant {f.mismatches} · most answers to one item in a session {f.most_repeats}"
        f" · sessions quit at the learner's cap of answers {f.cut_sessions}",
        "",
        "retention of reviews      reviews  passed  recalled  true recall  quizcli predicted",
    ]
    for r in f.retention:
        lines.append(
            f"  {r.group:<22}{r.reviews:>8}  {_pct(r.passed):>6}  {_pct(r.recalled):>8}  {_pct(r.true_recall):>11}"
            f"  {_pct(r.predicted):>17}"
        )
    for name, bins in f.calibration.items():
        lines += ["", f"calibration, {name} (answers a day or more after the previous one)"]
        lines.append("  predicted   answers  predicted  true recall  passed   gap")
        for b in bins:
            lines.append(
                f"  {b.low:>3}-{b.low + 10:<3}%  {b.answers:>8}  {_pct(b.predicted):>9}  {_pct(b.true_recall):>11}"
                f"  {_pct(b.passed):>6}  {b.gap:+5.1f}"
            )
        lines.append(f"  largest gap in a bin of {RELIABLE_BIN}+ answers: {f.worst_gap[name]:.1f} points")
        lines.append(f"  fit: log loss against true recall {f.fit[name]:.4f}")
    load = f.load
    lines += [
        "",
        f"daily load (answers per study day): min {load.least} · median {load.median:g} · max {load.most}"
        f" · swing {load.swing} · biggest day-to-day jump {load.biggest_jump}",
        f"  per day: {' '.join(map(str, load.per_day))}",
        f"reviews done late (after their due day, a session ran that could have shown them): {f.late} of {f.reviews}"
        f" ({_pct(f.late / f.reviews if f.reviews else 0)}); late only for want of a session: {f.late_without_session};"
        f" late only because a sibling answered that day buried them: {f.late_buried_siblings}"
        f" ({f.late_buried_short} of them scheduled under 3 days ahead, which has no fuzz range)",
        f"answers whose due date quizcli moved off a sibling's due day: {f.dispersed}",
        f"review cards due on a study day that no session of that day showed: {f.due_not_shown}"
        f" (on {f.days_with_due_not_shown} of {f.study_days} days)",
        f"review cards held back by the limit although fewer than the limit of reviews were answered that day:"
        f" {f.held_back_by_limit} (in {f.sessions_held_back} sessions; learning-step answers: {f.learning_answers})",
        f"sibling answers (another item of the same card answered earlier that day): {f.siblings}"
        f" on {f.days_with_siblings} days, at most {f.most_siblings_in_a_day} in a day",
        f"new items shown right after another card of their topic: {f.new_after_same_topic} of {f.new_answers}",
        f"new items in a study day: at most {f.most_new_in_a_day}; days over the --new limit: {f.days_over_new_limit}",
    ]
    return "\n".join(lines + f.notes)

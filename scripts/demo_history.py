"""Write a realistic study history into a quizcli home, for trying ``quizcli stats`` and for the README's capture.

A simulated learner studies the bundled long-context deck and a times-tables
deck (written into the home's decks directory) most evenings for twelve
weeks (a few new cards a day, a few days off, a short break), through
real `Session` objects on a simulated clock, so every answer is logged as
``quizcli study`` would log it.  The learner forgets a little faster than
FSRS's defaults assume, keeps forgetting one card (a leech) and sits the
lesson quiz every Sunday.  Seeded: the same arguments give the same history.

    TZ=UTC python scripts/demo_history.py /tmp/demo-home
    TZ=UTC QUIZCLI_HOME=/tmp/demo-home QUIZCLI_NOW=2026-11-28T22:00:00+00:00 quizcli stats
"""

from __future__ import annotations

import argparse
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fsrs.scheduler import DEFAULT_PARAMETERS

from quizcli import catalog, exam, marking, scheduler
from quizcli.cards import LETTERS, Deck
from quizcli.decks import DeckFile, Source
from quizcli.kinds.base import Answering, Question
from quizcli.parser import load_deck
from quizcli.paths import bundled_decks_dir
from quizcli.scheduler import CardState, Rating, Settings
from quizcli.session import Session, StudyOptions
from quizcli.store import Store

START = datetime(2026, 9, 7, tzinfo=UTC)  # a Monday; the last session is on day 82, Sat Nov 28
DAYS = 82
STEADY = 70  # from this day on the learner studies every day
HARD_CARD = "long-context/typed-position-degradation"  # the one the learner keeps forgetting
EXAM_NERVES = 0.05  # recall in an exam is this much below recall at study time
BREAK = range(40, 44)  # four days away in week 6
LEARNER = Settings(parameters=tuple(p * 0.6 if n < 4 else p for n, p in enumerate(DEFAULT_PARAMETERS)))


class Learner:
    """Remembers with FSRS's curve under its own (faster-forgetting) parameters, and answers accordingly."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.memory: dict[str, CardState] = {}

    def recalls(self, item: str, now: datetime, penalty: float = 0.0) -> bool:
        if item == HARD_CARD:
            return self.rng.random() < 0.35
        state = self.memory.get(item)
        odds = None if state is None else scheduler.retrievability(state, now, LEARNER)
        return self.rng.random() < (0.55 if odds is None else odds) - penalty  # a new card: a fair guess

    def answered(self, item: str, rating: Rating, now: datetime) -> None:
        before = self.memory.get(item) or scheduler.new_card(now)
        self.memory[item] = scheduler.review(before, rating, now, LEARNER, item)

    def rating(self, recalled: bool) -> Rating:
        if not recalled:
            return Rating.AGAIN
        return self.rng.choices([Rating.HARD, Rating.GOOD, Rating.EASY], weights=[1, 8, 1])[0]


def times_tables(decks: Path) -> Deck:
    """121 flashcards, 2 x 2 to 12 x 12, written where quizcli finds the user's decks."""
    decks.mkdir(parents=True, exist_ok=True)
    path = decks / "times-tables.yaml"
    cards = [f"  - {{id: m{a}x{b}, front: '{a} x {b}', back: '{a * b}'}}\n" for a in range(2, 13) for b in range(2, 13)]
    path.write_text("title: Times tables\ncards:\n" + "".join(cards), encoding="utf-8")
    return load_deck(path)


def study_day(store: Store, learner: Learner, deck: Deck, new: int, start: datetime) -> datetime:
    """One session on ``deck``, answered as the learner remembers; returns when it ended."""
    now = [start]
    indexed = catalog.open_deck(store, DeckFile(deck.name, Path(deck.path), Source.PATH))
    session = Session(indexed, store, StudyOptions(new_limit=new), lambda: now[0])
    while (item := session.next()) is not None:
        recalled = learner.recalls(f"{deck.name}/{item.id}", now[0])
        rating = learner.rating(recalled)
        seconds = learner.rng.uniform(4, 18) + (0 if recalled else 6)
        now[0] += timedelta(seconds=seconds)
        session.answer(item, rating, recalled, round(seconds * 1000))
        learner.answered(f"{deck.name}/{item.id}", rating, now[0])
        now[0] += timedelta(seconds=learner.rng.uniform(1, 4))
    return now[0]


def right_answer(question: Question) -> str:
    if question.answering is Answering.CHOOSE:
        return " ".join(LETTERS[pos] for pos in question.right)
    return question.expected()


def sit_quiz(store: Store, learner: Learner, deck: Deck, when: datetime) -> None:
    planned = exam.plan_exam(deck, exam.ExamOptions(seed=learner.rng.randrange(10**6), tag="lesson-quiz"))
    responses = tuple(
        right_answer(q) if learner.recalls(f"{deck.name}/{q.item.id}", when, EXAM_NERVES) else None
        for q in planned.questions
    )
    sitting = exam.Sitting(responses, frozenset(), exam.Ending.SUBMITTED, learner.rng.uniform(150, 400))
    store.record_exam(marking.exam_record(marking.mark(planned, sitting, when)))


def simulate(home: Path, seed: int) -> None:
    rng = random.Random(seed)
    learner = Learner(rng)
    lessons, tables = load_deck(bundled_decks_dir() / "long-context.yaml"), times_tables(home / "decks")
    with Store.open(home / "progress.db") as store:
        store._db.execute("PRAGMA synchronous = OFF")  # a demo: no need to wait for the disk after every answer
        for day in range(DAYS + 1):
            date = START + timedelta(days=day)
            if day in BREAK or (day < STEADY and rng.random() < 0.12):
                continue
            start = date + timedelta(hours=21, minutes=rng.randrange(30))
            ended = study_day(store, learner, lessons, 4, start)
            study_day(store, learner, tables, 8, ended + timedelta(minutes=5))
            if date.weekday() == 6:
                sit_quiz(store, learner, lessons, date + timedelta(hours=22))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("home", type=Path, help="the quizcli home to write (QUIZCLI_HOME)")
    parser.add_argument("--seed", type=int, default=7)
    arguments = parser.parse_args()
    simulate(arguments.home, arguments.seed)


if __name__ == "__main__":
    main()

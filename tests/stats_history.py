"""A known study history over several simulated weeks, written straight into the store.

The clock is conftest's FIXED_NOW, Sat 2026-11-28 10:00 UTC, and the tests run
with TZ=UTC, so study days roll over at 04:00 UTC.  States are given, not
computed by FSRS, so every figure of ``quizcli stats`` follows from this
file by hand; the comments say which figure each answer feeds.

Decks: bio (flashcards a-j) and chem (x, y, z), both in the user's decks
directory, next to the bundled long-context (all its items new).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from quizcli.scheduler import CardState, Rating, Settings, State, new_card
from quizcli.store import Answer, Flags, Store

from conftest import write_deck

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def review(last: str, interval: float, stability: float | None = None, lapses: int = 0) -> CardState:
    when = at(last)
    due = when + timedelta(days=interval)
    return CardState(State.REVIEW, due, None, stability or interval, 5.0, when, reps=6, lapses=lapses)


def relearning(last: str, due: str, stability: float, lapses: int) -> CardState:
    return CardState(State.RELEARNING, at(due), 0, stability, 7.0, at(last), reps=9, lapses=lapses)


def learning(last: str, due: str, stability: float = 0.5) -> CardState:
    return CardState(State.LEARNING, at(due), 1, stability, 5.0, at(last), reps=1)


def write_decks(decks: Path) -> None:
    write_deck(decks, "bio", "cards:\n" + "".join(f"  - {{id: {c}, front: q{c}, back: a{c}}}\n" for c in "abcdefghij"))
    write_deck(decks, "chem", "cards:\n" + "".join(f"  - {{id: {c}, front: q{c}, back: a{c}}}\n" for c in "xyz"))


def build(path: Path) -> None:
    """The history; ``path`` is the progress database."""
    with Store.open(path) as store:

        def put(deck: str, item: str, when: str, rating: int, before: CardState | None, after: CardState | None,
                odds: float | None = None, ms: int | None = None) -> None:  # fmt: skip
            moment = at(when)
            store.record(Answer(deck, item, Rating(rating), moment, before or new_card(moment), after, Settings(),
                                odds, ms))  # fmt: skip

        # outside the 84-day window: time all-time only
        put("chem", "y", "2026-06-01T09:00", 3, None, learning("2026-06-01T09:00", "2026-06-01T09:10"), None, 30000)
        # Oct 1: young lapse (90-day retention; calibration bin 60-65%); y ends relearning, overdue
        put("chem", "y", "2026-10-01T09:00", 1, review("2026-09-21T09:00", 10),
            relearning("2026-10-01T09:00", "2026-10-01T09:10", 2.0, 1), 0.62, 5000)  # fmt: skip
        for day in range(1, 7):  # Nov 1-6: practice on new z, the longest streak (6 days); z stays new
            put("chem", "z", f"2026-11-0{day}T12:00", 3, None, None, None, 3000)
        # Nov 10: mature pass (30/90 days; bin 85-90%); x becomes mature, due Dec 5 (forecast day 7)
        put("chem", "x", "2026-11-10T09:00", 3, review("2026-10-18T09:00", 22),
            review("2026-11-10T09:00", 25), 0.87, 10000)  # fmt: skip
        # Nov 20 (study day): three answers, the busiest day
        put("bio", "a", "2026-11-20T09:00", 3, review("2026-10-26T09:00", 25),
            review("2026-11-20T09:00", 30), 0.91, 8000)  # fmt: skip
        put("bio", "e", "2026-11-20T09:30", 1, review("2026-10-30T09:30", 21),
            relearning("2026-11-20T09:30", "2026-11-20T09:40", 0.8, 1), 0.88, 15000)  # fmt: skip
        # 03:30 on Nov 21 is still study day Nov 20; f's 8th lapse makes it a leech, then it is suspended
        put("bio", "f", "2026-11-21T03:30", 1, review("2026-11-15T03:30", 6, lapses=7),
            relearning("2026-11-21T03:30", "2026-11-21T03:40", 1.0, 8), 0.78, 7000)  # fmt: skip
        store.set_flags("bio", "f", Flags(suspended=True))
        store.set_flags("bio", "g", Flags(suspended=True))  # suspended before it was ever studied
        # Nov 25: practice on a (not a review: no retention, no calibration; untimed)
        put("bio", "a", "2026-11-25T09:00", 3, review("2026-11-20T09:00", 30), None, 0.95, None)
        # Nov 26: young pass; b due Dec 1 (forecast day 3)
        put("bio", "b", "2026-11-26T09:00", 3, review("2026-11-24T09:00", 2),
            review("2026-11-26T09:00", 5), 0.93, 12000)  # fmt: skip
        # Nov 27: young lapse, the 9th: d is a leech still studied, relearning since yesterday: overdue
        put("bio", "d", "2026-11-27T09:00", 1, review("2026-11-23T09:00", 4, lapses=8),
            relearning("2026-11-27T09:00", "2026-11-27T09:10", 1.2, 9), 0.82, 20000)  # fmt: skip
        # today: c is new, then learning, due again at 10:10 (due today)
        put("bio", "c", "2026-11-28T08:00", 3, None, learning("2026-11-28T08:00", "2026-11-28T08:05"), None, 6000)
        put("bio", "c", "2026-11-28T08:05", 1, learning("2026-11-28T08:00", "2026-11-28T08:05"),
            learning("2026-11-28T08:05", "2026-11-28T10:10"), 0.99, 4000)  # fmt: skip
    _exams(path)


def _exams(path: Path) -> None:
    """bio: 60% FAIL, 80% PASS, 70% PASS; chem: 90% PASS."""
    db = sqlite3.connect(path)
    for deck, started, score, total in (("bio", "2026-11-01T18:00", 3, 5), ("bio", "2026-11-10T18:00", 4, 5),
                                        ("chem", "2026-11-05T18:00", 9, 10), ("bio", "2026-11-27T18:00", 7, 10)):  # fmt: skip
        percent = 100 * score // total
        db.execute(
            "INSERT INTO exams (deck, started_at, finished_at, duration_ms, score, total, percent, pass_mark, passed,"
            " seed, tag, shuffled, time_limit_s, timed_out) VALUES (?, ?, ?, 60000, ?, ?, ?, 70, ?, 1, NULL, 1, NULL, 0)",
            (deck, started + ":00.000000+00:00", started + ":01.000000+00:00", score, total, percent, percent >= 70),
        )
    db.commit()
    db.close()

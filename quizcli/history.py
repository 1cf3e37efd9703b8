"""Exam history: the saved attempts and each deck's best and latest score."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from quizcli.clock import to_text


class Attempt(NamedTuple):
    """One saved exam, as ``quizcli history`` lists it."""

    id: int
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
        }


class DeckRecord(NamedTuple):
    """A deck's attempts summed up: how many, the best (the earliest of equals) and the latest."""

    deck: str
    attempts: int
    best: Attempt
    latest: Attempt

    def to_dict(self) -> dict[str, Any]:
        return {"deck": self.deck, "attempts": self.attempts, "best": self.best.to_dict(),
                "latest": self.latest.to_dict()}  # fmt: skip


def deck_records(attempts: Sequence[Attempt]) -> list[DeckRecord]:
    """One record per deck, by deck name; ``attempts`` are in the order they were taken."""
    by_deck: dict[str, list[Attempt]] = {}
    for attempt in attempts:
        by_deck.setdefault(attempt.deck, []).append(attempt)
    return [
        DeckRecord(deck, len(taken), max(taken, key=lambda a: (a.percent, a.score, -a.id)), taken[-1])
        for deck, taken in sorted(by_deck.items())
    ]

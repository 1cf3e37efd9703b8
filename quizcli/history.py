"""Exam history: the saved attempts and each deck's best and latest score."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from quizcli.store.exams import Attempt


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
        DeckRecord(
            deck=deck, attempts=len(taken), best=max(taken, key=lambda a: (a.percent, a.score, -a.id)), latest=taken[-1]
        )
        for deck, taken in sorted(by_deck.items())
    ]

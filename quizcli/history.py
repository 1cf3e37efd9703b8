"""Exam history: the saved attempts, what kind each was, and each deck's best, latest and trend.

Only like attempts are compared: a two-question ``--retry-wrong`` run or a
``--count`` subset says nothing about how a full exam would go, so a deck's best
and trend are taken over the attempts of the same kind (and tag; for a subset,
number of questions) as its latest one.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any, NamedTuple

from quizcli.exam import Exam
from quizcli.store.exams import Attempt


class AttemptKind(StrEnum):
    FULL = "full"  # every markable question of the deck
    SUBSET = "subset"  # --count drew some of them
    TAG = "tag"  # --tag: the questions of one tag (all or --count of them)
    RETRY = "retry"  # --retry-wrong: the questions missed last time


def attempt_kind(exam: Exam) -> AttemptKind:
    """What kind of attempt an exam is; a retry or a tag first, whatever its size."""
    options = exam.options
    if options.only is not None:
        return AttemptKind.RETRY
    if options.tag is not None:
        return AttemptKind.TAG
    if options.size is not None and options.size < exam.deck.markable:
        return AttemptKind.SUBSET
    return AttemptKind.FULL


def comparable(a: Attempt, b: Attempt) -> bool:
    """Whether two attempts asked the same kind of exam: same deck, kind and tag, and for subsets the same size.

    Full exams stay comparable when the deck has gained or lost a question since.
    """
    return _likeness(a) == _likeness(b)


def _likeness(a: Attempt) -> tuple[str, str, str | None, int | None]:
    return a.deck, a.kind, a.tag, a.total if a.kind == AttemptKind.SUBSET else None


class DeckRecord(NamedTuple):
    """A deck's attempts summed up: how many, the latest, and the best (earliest of equals) and trend of its like.

    ``compared`` counts the attempts like the latest; ``trend`` is the latest percent
    minus that of the like attempt before it (None when there is none).
    """

    deck: str
    attempts: int
    latest: Attempt
    best: Attempt
    compared: int
    trend: int | None

    def to_dict(self) -> dict[str, Any]:
        return {"deck": self.deck, "attempts": self.attempts, "best": self.best.to_dict(),
                "latest": self.latest.to_dict(), "compared": self.compared, "trend": self.trend}  # fmt: skip


def deck_records(attempts: Sequence[Attempt]) -> list[DeckRecord]:
    """One record per deck, by deck name; ``attempts`` are in the order they were taken."""
    by_deck: dict[str, list[Attempt]] = {}
    for attempt in attempts:
        by_deck.setdefault(attempt.deck, []).append(attempt)
    return [_record(deck, taken) for deck, taken in sorted(by_deck.items())]


def _record(deck: str, taken: list[Attempt]) -> DeckRecord:
    latest = taken[-1]
    like = [a for a in taken if comparable(a, latest)]
    return DeckRecord(
        deck=deck,
        attempts=len(taken),
        latest=latest,
        best=max(like, key=lambda a: (a.percent, a.score, -a.id)),
        compared=len(like),
        trend=latest.percent - like[-2].percent if len(like) > 1 else None,
    )

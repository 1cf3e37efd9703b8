"""Personal FSRS parameters: is there enough of the learner's log to fit them, and how well do parameters predict it?

The fit itself is py-fsrs's optimizer, behind `scheduler.fit_parameters` (it
needs torch).  Everything here is pure and needs no torch: grouping the log
into each item's history, counting the reviews the optimizer learns from, and
the log loss of any parameters on those histories, computed the way the
optimizer scores them, so the loss before and after a fit are comparable.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from quizcli import scheduler
from quizcli.scheduler import CardState, Rating, Settings
from quizcli.store.fits import Fit

MIN_REVIEWS = 512  # py-fsrs's optimizer keeps its defaults below one mini-batch of 512 usable reviews
MAX_SEQUENCE = 64  # it learns from the first 64 reviews of each item
_LOG_FLOOR = -100.0  # torch's BCELoss clamps log(0) to -100; so does this

History = tuple[tuple[datetime, Rating], ...]


def histories(rows: Iterable[tuple[str, str, datetime, Rating]]) -> list[History]:
    """Each item's (time, rating) reviews, in order; ``rows`` are (deck, item, time, rating) in log order."""
    grouped: dict[tuple[str, str], list[tuple[datetime, Rating]]] = {}
    for deck, item, when, rating in rows:
        grouped.setdefault((deck, item), []).append((when, rating))
    return [tuple(reviews) for reviews in grouped.values()]


def _counts(previous: datetime, when: datetime) -> bool:
    """A review the optimizer scores: a whole day or more after the item's previous review."""
    return (when - previous).days > 0


def usable_reviews(logs: Sequence[History]) -> int:
    """How many reviews the optimizer learns from (same-day reviews and reviews past the 64th are not)."""
    return sum(
        _counts(history[n - 1][0], history[n][0]) for history in logs for n in range(1, min(len(history), MAX_SEQUENCE))
    )


def reviews_needed(usable: int) -> int:
    return max(0, MIN_REVIEWS - usable)


def log_loss(logs: Sequence[History], parameters: tuple[float, ...]) -> float:
    """Mean binary cross-entropy of FSRS's predicted recall against what happened (Again = forgotten).

    Each item is replayed from its first review with ``parameters`` (() for
    py-fsrs's defaults); every review a day or more after the previous one is
    scored by the recall FSRS predicted for that moment.
    """
    settings = Settings(parameters=parameters, fuzz=False)
    losses = [loss for history in logs for loss in _history_losses(history[:MAX_SEQUENCE], settings)]
    if not losses:
        raise ValueError("no review a day or more after the previous one: nothing to score")
    return sum(losses) / len(losses)


def _history_losses(history: History, settings: Settings) -> list[float]:
    losses, state = [], None
    for when, rating in history:
        if state is not None and state.last_review is not None and _counts(state.last_review, when):
            losses.append(_cross_entropy(_predicted(state, when, settings), rating is not Rating.AGAIN))
        state = scheduler.review(state or scheduler.new_card(when), rating, when, settings, "")
    return losses


def _predicted(state: CardState, when: datetime, settings: Settings) -> float:
    odds = scheduler.retrievability(state, when, settings)
    return 0.0 if odds is None else odds


def _cross_entropy(predicted: float, recalled: bool) -> float:
    p = predicted if recalled else 1.0 - predicted
    return -max(math.log(p), _LOG_FLOOR) if p > 0 else -_LOG_FLOOR


class FitReport(NamedTuple):
    """What ``quizcli optimize`` found: the usable reviews, and the fit when there were enough of them."""

    deck: str | None
    reviews: int
    fit: Fit | None = None

    @property
    def needed(self) -> int:
        return reviews_needed(self.reviews)

    @property
    def saved(self) -> bool:
        """Fitted parameters are kept only when they predict the log better than the ones in use."""
        return self.fit is not None and self.fit.better

    def to_dict(self) -> dict[str, Any]:
        return {"deck": self.deck, "reviews": self.reviews, "reviews_needed": self.needed,
                "fit": None if self.fit is None else self.fit.to_dict(), "saved": self.saved}  # fmt: skip

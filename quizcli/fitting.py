"""Personal FSRS parameters: is there enough of the learner's log to fit them, the fit, and how well it predicts.

The fit and its scores come from fsrs-rs, the Rust FSRS that Anki optimizes
with (the optional ``fsrs-rs-python`` package, quizcli's ``optimizer`` extra).
It is imported only here and only while fitting.  Scheduling stays with
py-fsrs: both compute the same memory states from the same log and parameters
(tests/test_optimize.py checks it), so parameters fitted here schedule as
fitted.

A fit is judged on reviews it did not learn from: the most recent fifth of the
log is held out, a trial fit learns from the rest, and the fit on the whole log
is kept only when the trial predicts the held-out reviews better than the
parameters in use.  Judging on the reviews a fit learned from would favour any
fit that merely memorizes the log.

A fit leaves out the items a lucky guess can pass (single-answer choice and
true/false: the review log marks their answers ``guessable``) when quizcli
suggests Hard for their right answers (``guessable_rating = "hard"``, the
default): those Hard ratings say "weak" of recalled and guessed answers alike,
and fitted to the other items the parameters predict the guessable ones better.
Under ``"good"`` a fit learns from every item, which measured no worse there
(docs/study.md, "Guessing", has the measurements).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from quizcli import scheduler
from quizcli.config import GuessableRating
from quizcli.scheduler import Rating
from quizcli.store.fits import Fit

if TYPE_CHECKING:
    import fsrs_rs_python

# fsrs-rs fits from 64 usable reviews, but on a few hundred a fit mostly follows noise
# and the held-out fifth is too small to tell a better fit from a luckier one.
MIN_REVIEWS = 512
MAX_SEQUENCE = 256  # fsrs-rs learns from histories of at most 256 reviews (its default max_seq_len)
HELD_OUT_SHARE = 0.2  # the most recent fifth of the usable reviews judges a fit
OPTIMIZER_MODULE = "fsrs_rs_python"
DECIMALS = 6  # fsrs-rs computes in 32-bit floats; rounding keeps its bounds (0.8, not 0.800000012) for py-fsrs

History = tuple[tuple[datetime, Rating], ...]
Item = tuple[datetime, "fsrs_rs_python.FSRSItem"]


def histories(
    rows: Iterable[tuple[str, str, datetime, Rating]], leave_out: Collection[tuple[str, str]] = ()
) -> list[History]:
    """Each item's (time, rating) reviews, in order; ``rows`` are (deck, item, time, rating) in log order.

    The items named in ``leave_out`` (deck, item) are left out: those whose answers may be guesses.
    """
    grouped: dict[tuple[str, str], list[tuple[datetime, Rating]]] = {}
    for deck, item, when, rating in rows:
        if (deck, item) not in leave_out:
            grouped.setdefault((deck, item), []).append((when, rating))
    return [tuple(reviews) for reviews in grouped.values()]


def left_out(guessable: set[tuple[str, str]], rating: GuessableRating) -> set[tuple[str, str]]:
    """The (deck, item) a fit leaves out: the guessable items, when their right answers are suggested Hard."""
    return guessable if rating is GuessableRating.HARD else set()


def elapsed_days(previous: datetime, when: datetime) -> int:
    """Whole days between two reviews, as py-fsrs counts them (23 hours is the same day, 25 hours is one)."""
    return (when - previous).days


def usable_reviews(logs: Sequence[History]) -> int:
    """How many reviews a fit learns from: those a day or more after the previous one, within the first 256."""
    return sum(
        elapsed_days(history[n - 1][0], history[n][0]) > 0
        for history in logs
        for n in range(1, min(len(history), MAX_SEQUENCE))
    )


def reviews_needed(usable: int) -> int:
    return max(0, MIN_REVIEWS - usable)


def missing_optimizer() -> bool:
    """True when fsrs-rs-python is not installed; looked up, not imported."""
    from importlib.util import find_spec

    return find_spec(OPTIMIZER_MODULE) is None


class Score(NamedTuple):
    """How well parameters predict a set of reviews: fsrs-rs's log loss and binned RMSE (lower is better)."""

    log_loss: float
    rmse: float

    def to_dict(self) -> dict[str, float]:
        return {"log_loss": round(self.log_loss, 6), "rmse": round(self.rmse, 6)}


class Evaluation(NamedTuple):
    """The parameters in use ("before") against a fit ("after"), on the whole log and on held-out reviews.

    In sample, "after" is the fit on the whole log; held out, it is the trial
    fit on the older reviews, scored on the most recent ones it never saw.
    """

    in_sample_before: Score
    in_sample_after: Score
    held_out_before: Score
    held_out_after: Score
    held_out_reviews: int

    @property
    def better(self) -> bool:
        """Whether fitting predicts reviews it has not seen better than the parameters in use."""
        return self.held_out_after.log_loss < self.held_out_before.log_loss

    def to_dict(self) -> dict[str, Any]:
        return {
            "in_sample": {"before": self.in_sample_before.to_dict(), "after": self.in_sample_after.to_dict()},
            "held_out": {"reviews_scored": self.held_out_reviews, "before": self.held_out_before.to_dict(),
                         "after": self.held_out_after.to_dict()},
        }  # fmt: skip


def fit_and_evaluate(logs: Sequence[History], current: tuple[float, ...]) -> tuple[tuple[float, ...], Evaluation]:
    """The parameters fitted to the whole log, and how they and ``current`` (() for the defaults) predict it."""
    items = training_items(logs)
    held_out = max(1, round(len(items) * HELD_OUT_SHARE))
    older, recent = items[:-held_out], items[-held_out:]
    in_use = current or scheduler.default_parameters()
    fitted, trial = fit_parameters(items), fit_parameters(older)
    evaluation = Evaluation(
        in_sample_before=score(in_use, items),
        in_sample_after=score(fitted, items),
        held_out_before=score(in_use, recent),
        held_out_after=score(trial, recent),
        held_out_reviews=len(recent),
    )
    return fitted, evaluation


def training_items(logs: Sequence[History]) -> list[fsrs_rs_python.FSRSItem]:
    """fsrs-rs's training items, oldest first: one per usable review, with the item's history up to it."""
    timed = sorted((item for history in logs for item in _history_items(history[:MAX_SEQUENCE])), key=itemgetter(0))
    return [item for _, item in timed]


def _history_items(history: History) -> list[Item]:
    from fsrs_rs_python import FSRSItem, FSRSReview

    items: list[Item] = []
    reviews: list[FSRSReview] = []
    previous = history[0][0]
    for when, rating in history:
        days = elapsed_days(previous, when)
        reviews.append(FSRSReview(int(rating), days))
        if days > 0:
            items.append((when, FSRSItem(list(reviews))))
        previous = when
    return items


def fit_parameters(items: Sequence[fsrs_rs_python.FSRSItem]) -> tuple[float, ...]:
    """FSRS parameters fitted by fsrs-rs to ``items`` (oldest first: it weighs recent reviews more)."""
    from fsrs_rs_python import FSRS

    fitted = FSRS(scheduler.default_parameters()).compute_parameters(items)
    return tuple(round(float(p), DECIMALS) for p in fitted)


def score(parameters: tuple[float, ...], items: Sequence[fsrs_rs_python.FSRSItem]) -> Score:
    """fsrs-rs's log loss and RMSE of ``parameters`` on ``items``, each scored by the recall predicted for it."""
    from fsrs_rs_python import FSRS

    evaluation = FSRS(parameters).evaluate(items)
    return Score(log_loss=float(evaluation.log_loss), rmse=float(evaluation.rmse_bins))


class FitReport(NamedTuple):
    """What ``quizcli optimize`` found: the usable reviews, and the fit when there were enough of them."""

    deck: str | None
    reviews: int
    fit: Fit | None = None
    evaluation: Evaluation | None = None
    guessable_items: int = 0  # items left out because a lucky guess could pass them

    @property
    def needed(self) -> int:
        return reviews_needed(self.reviews)

    @property
    def saved(self) -> bool:
        """Fitted parameters are kept only when fitting predicts held-out reviews better than the ones in use."""
        return self.evaluation is not None and self.evaluation.better

    def to_dict(self) -> dict[str, Any]:
        return {"deck": self.deck, "reviews": self.reviews, "reviews_needed": self.needed,
                "guessable_items_left_out": self.guessable_items,
                "fit": None if self.fit is None else self.fit.to_dict(),
                "evaluation": None if self.evaluation is None else self.evaluation.to_dict(),
                "saved": self.saved}  # fmt: skip

"""FSRS parameters fitted to the review log (``quizcli optimize``), and the log a fit learns from.

Sessions read the parameters in use through `quizcli.store.reviews.ReviewLog.fitted_parameters`,
so this module stays off the study path.
"""

import json
import sqlite3
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from quizcli.clock import from_text, now, to_text
from quizcli.scheduler import Rating
from quizcli.store.reviews import FORGOTTEN


class Fit(NamedTuple):
    """Fitted parameters with the evidence for them: usable reviews and the held-out log loss before and after.

    The losses are those that decided the fit: the parameters in use and a trial
    fit, on the newest reviews the trial did not learn from (see quizcli.fitting).
    """

    parameters: tuple[float, ...]
    reviews: int
    loss_before: float
    loss_after: float
    fitted_at: datetime

    @property
    def better(self) -> bool:
        return self.loss_after < self.loss_before

    def to_dict(self) -> dict[str, Any]:
        return {
            "parameters": list(self.parameters),
            "reviews": self.reviews,
            "log_loss_before": round(self.loss_before, 6),
            "log_loss_after": round(self.loss_after, 6),
            "fitted_at": to_text(self.fitted_at),
        }


def review_ratings(db: sqlite3.Connection, deck: str | None) -> list[tuple[str, str, datetime, Rating]]:
    """(deck, item, time, rating) of every scheduling review, each item's in order: what a fit learns from."""
    rows = db.execute(
        "SELECT deck, item, reviewed_at, rating FROM reviews WHERE kind = 'review' AND (:deck IS NULL OR deck = :deck)"
        " ORDER BY deck, item, id",
        {"deck": deck},
    )
    return [(row["deck"], row["item"], from_text(row["reviewed_at"]), Rating(row["rating"])) for row in rows]


def guessable_items(db: sqlite3.Connection, deck: str | None) -> set[tuple[str, str]]:
    """(deck, item) of every item with a scheduling review that a lucky guess could have passed."""
    rows = db.execute(
        "SELECT DISTINCT deck, item FROM reviews WHERE kind = 'review' AND guessable = 1"
        " AND (:deck IS NULL OR deck = :deck)",
        {"deck": deck},
    )
    return {(row["deck"], row["item"]) for row in rows}


def save_fit(db: sqlite3.Connection, deck: str | None, fit: Fit) -> None:
    """Keep fitted parameters for ``deck`` (None: every deck without its own), inside the caller's transaction."""
    db.execute(
        "INSERT OR REPLACE INTO fitted_parameters (deck, parameters, reviews, loss_before, loss_after, fitted_at)"
        " VALUES (:deck, :parameters, :reviews, :loss_before, :loss_after, :fitted_at)",
        {
            **fit._asdict(),
            "deck": deck or "",
            "parameters": json.dumps(fit.parameters),
            "fitted_at": to_text(fit.fitted_at),
        },
    )


def forget_fit(db: sqlite3.Connection, deck: str | None) -> bool:
    """Forget the fit kept for ``deck`` (None: the one for every deck); False when there was none.

    Its row is kept as a tombstone, with no parameters (which `quizcli.store.reviews.ReviewLog.fitted_parameters`
    skips), for ``quizcli sync`` to forget the fit on every device as the latest change to the deck's fit.  It is
    stamped after the fit it forgets, even when this device's clock is behind the one that fitted it, so that fit
    never wins over it on a device that still has it.
    """
    row = db.execute(
        "SELECT fitted_at FROM fitted_parameters WHERE deck = ? AND parameters != ?", (deck or "", FORGOTTEN)
    ).fetchone()
    if row is None:
        return False
    at = max(now(), from_text(row["fitted_at"]) + timedelta(microseconds=1))
    db.execute(
        "UPDATE fitted_parameters SET parameters = ?, reviews = 0, loss_before = 0, loss_after = 0, fitted_at = ?,"
        " device = NULL, sent = 0 WHERE deck = ?",
        (FORGOTTEN, to_text(at), deck or ""),
    )
    return True

"""Personal parameters fitted to a simulated run's review log, and how well they predict the learner.

Used by ``simulate.py --fit`` (needs fsrs-rs-python, quizcli's optimizer extra).  The fit is
quizcli's own (`quizcli.fitting`, what ``quizcli optimize`` runs on the whole log), on the run's
progress database; then every answer's prediction is replaced by the recall quizcli would have
predicted with the fitted parameters (its log replayed with py-fsrs, as sessions schedule), so the
figures of sim_measures.py (calibration against the learner's true recall, log loss) can be compared
between fits:

- *all*: fitted to every item's reviews;
- *without guessable*: the choice and true/false items left out of the fit, as ``quizcli optimize``
  does under ``guessable_rating = "hard"`` (they are still predicted with the parameters fitted to
  the rest).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from sim_measures import Answer

from quizcli import fitting, scheduler
from quizcli.clock import from_text
from quizcli.scheduler import Rating, Settings


def fit_and_predict(answers: list[Answer], home: Path, keep: Callable[[Answer], bool]) -> list[Answer]:
    """``answers`` with their predictions replaced by those of parameters fitted, by quizcli's optimizer code,
    to the log in ``home`` with the items ``keep`` rejects left out."""
    db = sqlite3.connect(f"{(home / 'progress.db').as_uri()}?mode=ro", uri=True)
    with db:
        rows = [
            (deck, item, from_text(when), Rating(rating), review_id)
            for review_id, deck, item, when, rating in db.execute(
                "SELECT id, deck, item, reviewed_at, rating FROM reviews WHERE kind = 'review' ORDER BY deck, item, id"
            )
        ]
    db.close()
    decks = {deck for deck, *_ in rows}
    left_out = {(deck, a.fact.item) for a in answers if not keep(a) for deck in decks}
    logs = fitting.histories(((deck, item, when, rating) for deck, item, when, rating, _ in rows), left_out)
    settings = Settings(parameters=fitting.fit_parameters(fitting.training_items(logs)))
    predicted: dict[int, float | None] = {}
    state: scheduler.CardState | None = None
    for n, (deck, item, when, rating, review_id) in enumerate(rows):
        if n == 0 or rows[n - 1][:2] != (deck, item):
            state = None
        if state is not None:
            predicted[review_id] = scheduler.retrievability(state, when, settings)
        state = scheduler.review(state or scheduler.new_card(when), rating, when, settings, "")
    return [
        replace(a, logged=replace(a.logged, retrievability=predicted.get(a.logged.review_id, a.logged.retrievability)))
        for a in answers
    ]

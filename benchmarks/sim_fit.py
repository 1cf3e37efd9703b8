"""Personal parameters fitted to a simulated run's review log, and how well they predict the learner.

Used by ``simulate.py --fit`` (needs fsrs-rs-python, the Rust FSRS that Anki optimizes with:
quizcli's optimizer extra).  Each item's log becomes fsrs-rs training items (days between
reviews counted by study day), parameters are fitted to them, and every answer is predicted again by
replaying its item's earlier reviews with those parameters, so the figures of sim_measures.py
(calibration against the learner's true recall, log loss) can be compared between fits:

- *all*: fitted to every answer, as quizcli's optimizer would;
- *without guessable*: fitted with the answers to choice and true/false cards left out (the items are
  still predicted with the parameters fitted to the rest).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from sim_measures import Answer


def fit_and_predict(answers: list[Answer], keep: Callable[[Answer], bool]) -> list[Answer]:
    """``answers`` with their predictions replaced by those of parameters fitted to the items ``keep`` accepts."""
    from fsrs_rs_python import FSRS, FSRSItem, FSRSReview

    histories: dict[str, list[Answer]] = defaultdict(list)
    for answer in answers:
        histories[answer.fact.item].append(answer)

    def gaps(history: list[Answer]) -> list[int]:
        days: list[date] = [a.day for a in history]
        return [(day - days[n - 1]).days if n else 0 for n, day in enumerate(days)]

    def reviews(history: list[Answer]) -> list[FSRSReview]:
        return [FSRSReview(a.logged.rating, gap) for a, gap in zip(history, gaps(history), strict=True)]

    training = []
    for history in histories.values():
        if not keep(history[0]):
            continue
        steps, days = reviews(history), gaps(history)
        training += [FSRSItem(steps[: n + 1]) for n in range(1, len(steps)) if days[n] > 0]
    parameters = FSRS([]).compute_parameters(training)
    model = FSRS(parameters)
    decay = -parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    predicted: dict[int, float] = {}
    for history in histories.values():
        steps = reviews(history)
        for n, answer in enumerate(history):
            elapsed = answer.logged.elapsed_days
            if n == 0 or elapsed is None or elapsed < 1:
                continue
            stability = model.memory_state(FSRSItem(steps[:n])).stability
            predicted[answer.logged.review_id] = (1 + factor * elapsed / stability) ** decay
    return [
        replace(a, logged=replace(a.logged, retrievability=predicted.get(a.logged.review_id, a.logged.retrievability)))
        for a in answers
    ]

"""``quizcli optimize``: fit FSRS to the learner's own reviews; keep the fit if it predicts unseen reviews better."""

from __future__ import annotations

import sys

from quizcli import clock, fitting, ui
from quizcli.commands.stats import deck_name
from quizcli.config import load_config
from quizcli.errors import QuizcliError
from quizcli.store import Store
from quizcli.store.fits import Fit
from quizcli.text import dump_json


class OptimizerMissing(QuizcliError):
    """fsrs-rs-python (the ``optimizer`` extra) is not installed."""


def optimize(deck: str | None, as_json: bool) -> None:
    """Fit parameters for ``deck`` (None: for every deck without its own) and report how they did."""
    with Store.open() as store:
        report = fit(store, None if deck is None else deck_name(deck, store))
    if as_json:
        sys.stdout.write(dump_json(report.to_dict()))
        return
    from quizcli.ui.stats import print_fit

    print_fit(ui.make_console(), report)


def forget(deck: str | None, as_json: bool) -> None:
    """Drop the parameters fitted for ``deck`` (None: for every deck), going back to the ones below them."""
    with Store.open() as store:
        name = None if deck is None else deck_name(deck, store)
        forgot, still_fitted = store.forget_fit(name), store.fitted_parameters(name) != ()
    if as_json:
        sys.stdout.write(dump_json({"deck": name, "forgot": forgot}))
        return
    from quizcli.ui.stats import print_forget

    print_forget(ui.make_console(), name, forgot, still_fitted)


def fit(store: Store, deck: str | None) -> fitting.FitReport:
    """Fit when the log has enough reviews, and save the fit when fitting predicts held-out reviews better."""
    guessable = fitting.left_out(store.guessable_items(deck), load_config(deck).guessable_rating)
    logs = fitting.histories(store.review_ratings(deck), leave_out=guessable)
    usable = fitting.usable_reviews(logs)
    if fitting.reviews_needed(usable):
        return fitting.FitReport(deck=deck, reviews=usable, guessable_items=len(guessable))
    if fitting.missing_optimizer():
        raise OptimizerMissing(
            "fitting needs fsrs-rs-python (the Rust FSRS optimizer), which is not installed;"
            " install it with: pip install 'quizcli[optimizer]'"
        )
    ui.print_line(ui.make_console(stderr=True), f"Fitting FSRS to {usable} reviews...")
    parameters, evaluation = fitting.fit_and_evaluate(logs, store.fitted_parameters(deck))
    result = Fit(
        parameters=parameters,
        reviews=usable,
        loss_before=evaluation.held_out_before.log_loss,
        loss_after=evaluation.held_out_after.log_loss,
        fitted_at=clock.now(),
    )
    if evaluation.better:
        store.save_fit(deck, result)
    return fitting.FitReport(
        deck=deck, reviews=usable, fit=result, evaluation=evaluation, guessable_items=len(guessable)
    )

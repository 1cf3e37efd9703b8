"""``quizcli optimize``: fit FSRS parameters to the learner's own reviews, and keep them when they predict better."""

from __future__ import annotations

import sys

from quizcli import clock, fitting, scheduler, ui
from quizcli.commands.stats import deck_name
from quizcli.errors import QuizcliError
from quizcli.store import Store
from quizcli.store.fits import Fit
from quizcli.text import dump_json


class OptimizerMissing(QuizcliError):
    """torch (py-fsrs's optimizer) is not installed."""


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
    """Fit when the log has enough reviews, and save the fit when it beats the parameters in use."""
    logs = fitting.histories(store.review_ratings(deck))
    usable = fitting.usable_reviews(logs)
    if fitting.reviews_needed(usable):
        return fitting.FitReport(deck, usable)
    missing = scheduler.missing_optimizer_modules()
    if missing:
        raise OptimizerMissing(
            f"fitting needs PyTorch and py-fsrs's optimizer, which are not installed (missing: {', '.join(missing)});"
            " install them with: pip install 'quizcli[optimizer]' (a CPU-only torch is enough)"
        )
    ui.print_line(ui.make_console(stderr=True), f"Fitting FSRS to {usable} reviews; this can take a few minutes...")
    current = store.fitted_parameters(deck)
    fitted = scheduler.fit_parameters(logs)
    result = Fit(
        parameters=fitted,
        reviews=usable,
        loss_before=fitting.log_loss(logs, current),
        loss_after=fitting.log_loss(logs, fitted),
        fitted_at=clock.now(),
    )
    if result.better:
        store.save_fit(deck, result)
    return fitting.FitReport(deck, usable, result)

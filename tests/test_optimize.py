"""Personal FSRS parameters: counting usable reviews, fsrs-rs's fit and its held-out check, py-fsrs scheduling with
the same memory states, `quizcli optimize` with and without the optimizer extra, and using the fitted parameters.

The optimizer extra (fsrs-rs-python) is part of the test extra: the fits below are real, on small synthetic logs.
"""

from __future__ import annotations

import json
import random
import re
import sqlite3
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fsrs.scheduler import DEFAULT_PARAMETERS
from fsrs_rs_python import FSRS, FSRSItem, FSRSReview
from typer.testing import CliRunner

from quizcli import fitting
from quizcli.cli import app
from quizcli.fitting import History, fit_and_evaluate, histories, usable_reviews
from quizcli.scheduler import Rating, Settings, new_card, retrievability, review
from quizcli.store import Store
from quizcli.store.fits import Fit

from conftest import FIXED_NOW, write_deck
from stats_history import build, write_decks

runner = CliRunner()
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
DEFAULTS = tuple(DEFAULT_PARAMETERS)
# A learner who forgets new cards faster than FSRS's defaults assume: a quarter of the initial stabilities.
LEARNER = tuple(p / 4 if n < 4 else p for n, p in enumerate(DEFAULTS))


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


# ---- counting and scoring ---------------------------------------------------------------


def test_usable_reviews_are_a_day_or_more_apart_within_the_first_256() -> None:
    same_day = ((T0, Rating.GOOD), (T0 + timedelta(hours=23), Rating.GOOD), (T0 + 2 * DAY, Rating.GOOD))
    long = tuple((T0 + n * 2 * DAY, Rating.GOOD) for n in range(300))
    assert usable_reviews([same_day]) == 1  # 23 hours is the same day for the optimizer; 25 hours is not
    assert usable_reviews([long]) == 255  # reviews 2 to 256
    assert fitting.reviews_needed(500) == 12 and fitting.reviews_needed(600) == 0


def test_histories_group_each_items_reviews_in_order() -> None:
    rows = [("d", "a", T0, Rating.GOOD), ("d", "b", T0, Rating.AGAIN), ("d", "a", T0 + DAY, Rating.HARD)]
    assert histories(rows) == [((T0, Rating.GOOD), (T0 + DAY, Rating.HARD)), ((T0, Rating.AGAIN),)]


def simulated_log(
    parameters: tuple[float, ...], items: int = 120, seed: int = 7
) -> list[tuple[str, str, datetime, int]]:
    """A learner whose memory follows FSRS with ``parameters``: each review recalled with its predicted recall."""
    rng, settings, rows = random.Random(seed), Settings(parameters=parameters, fuzz=False), []
    for n in range(items):
        when = T0 + n * timedelta(hours=1)
        state = review(new_card(when), Rating.GOOD, when, settings, "")
        rows.append(("d", f"i{n}", when, 3))
        for _ in range(5):
            when += rng.randint(2, 20) * DAY
            recalled = rng.random() < (retrievability(state, when, settings) or 0.0)
            rating = Rating.GOOD if recalled else Rating.AGAIN
            state = review(state, rating, when, settings, "")
            rows.append(("d", f"i{n}", when, int(rating)))
    return rows


def write_log(path: Path, rows: list[tuple[str, str, datetime, int]], guessable: frozenset[str] = frozenset()) -> None:
    """A progress database holding these reviews (deck, item, time, rating); ``guessable`` items marked so."""
    Store.open(path).close()
    db = sqlite3.connect(path)
    db.execute("INSERT INTO settings (json) VALUES (?)", (Settings().to_json(),))
    db.executemany(
        "INSERT INTO reviews (deck, item, reviewed_at, rating, kind, state_before, settings_id, guessable)"
        " VALUES (?, ?, ?, ?, 'review', 2, 1, ?)",
        [(deck, item, when.isoformat(timespec="microseconds"), rating, int(item in guessable))
         for deck, item, when, rating in rows],
    )  # fmt: skip
    db.commit()
    db.close()


def learner_histories(**options: int) -> list[History]:
    return histories((d, i, w, Rating(r)) for d, i, w, r in simulated_log(LEARNER, **options))


def test_a_fit_learns_the_learners_memory_and_is_judged_on_the_newest_reviews() -> None:
    logs = learner_histories()
    assert usable_reviews(logs) == 600
    fitted, evaluation = fit_and_evaluate(logs, ())
    assert evaluation.held_out_reviews == 120  # the newest fifth
    initial = slice(0, 4)  # the initial stabilities, which this learner has at a quarter of the defaults
    assert sum(abs(f - t) for f, t in zip(fitted[initial], LEARNER[initial], strict=True)) < sum(
        abs(d - t) for d, t in zip(DEFAULTS[initial], LEARNER[initial], strict=True)
    )
    assert evaluation.in_sample_after.log_loss < evaluation.in_sample_before.log_loss
    assert evaluation.held_out_after.log_loss < evaluation.held_out_before.log_loss and evaluation.better
    newest = fitting.score(DEFAULTS, fitting.training_items(logs)[-120:])
    assert evaluation.held_out_before == pytest.approx(newest, rel=1e-6)  # fsrs-rs sums its RMSE bins in any order


def test_a_fit_that_predicts_only_what_it_learned_from_is_not_better(monkeypatch: pytest.MonkeyPatch) -> None:
    """The trial fit on the older reviews decides, not how well the whole-log fit predicts what it learned from."""
    logs = learner_histories()
    every = len(fitting.training_items(logs))
    worse = tuple(p * 10 if n < 4 else p for n, p in enumerate(DEFAULTS))
    monkeypatch.setattr(fitting, "fit_parameters", lambda items: LEARNER if len(items) == every else worse)
    fitted, evaluation = fit_and_evaluate(logs, ())
    assert fitted == LEARNER and evaluation.in_sample_after.log_loss < evaluation.in_sample_before.log_loss
    assert evaluation.held_out_after.log_loss > evaluation.held_out_before.log_loss and not evaluation.better


def mixed_log(items: int = 80, seed: int = 11) -> list[History]:
    """Every rating, first reviews included, with same-day reviews (minutes to 23 hours apart) among later ones."""
    rng, logs = random.Random(seed), []
    for n in range(items):
        when, history = T0 + n * timedelta(minutes=37), []
        for _ in range(rng.randint(1, 12)):
            history.append((when, Rating(rng.randint(1, 4))))
            gap = timedelta(minutes=rng.randint(1, 23 * 60)) if rng.random() < 0.3 else rng.randint(1, 40) * DAY
            when += gap + timedelta(minutes=rng.randint(0, 600))
        logs.append(tuple(history))
    return logs


def py_fsrs_states(history: History, parameters: tuple[float, ...]) -> list[tuple[float, float]]:
    """(stability, difficulty) after each review, from py-fsrs's Scheduler replaying the history (what sessions do)."""
    settings, state, states = Settings(parameters=parameters, fuzz=False), None, []
    for when, rating in history:
        state = review(state or new_card(when), rating, when, settings, "")
        assert state.stability is not None and state.difficulty is not None
        states.append((state.stability, state.difficulty))
    return states


def fsrs_rs_states(history: History, parameters: tuple[float, ...]) -> list[tuple[float, float]]:
    """The same from fsrs-rs: each review with the whole days since the previous one (0 for the same day)."""
    days = [0] + [fitting.elapsed_days(a, b) for (a, _), (b, _) in zip(history, history[1:], strict=False)]
    item = FSRSItem([FSRSReview(int(rating), d) for (_, rating), d in zip(history, days, strict=True)])
    return [(s.stability, s.difficulty) for s in FSRS(parameters).historical_memory_states(item)]


def test_py_fsrs_schedules_with_the_memory_states_fsrs_rs_fitted_for() -> None:
    """Parameters fitted by fsrs-rs give py-fsrs the same stability and difficulty after every review.

    Same-day reviews included: both use FSRS-6's short-term formula when the
    previous review is less than a whole day (24 hours) earlier.  fsrs-rs
    computes in 32-bit floats, hence the tolerance.
    """
    fitted = fitting.fit_parameters(fitting.training_items(learner_histories(items=100)))
    assert fitted != DEFAULTS
    logs = mixed_log()
    assert any(fitting.elapsed_days(a, b) == 0 for h in logs for (a, _), (b, _) in zip(h, h[1:], strict=False))
    for parameters in (fitted, DEFAULTS):
        for history in logs:
            ours, theirs = py_fsrs_states(history, parameters), fsrs_rs_states(history, parameters)
            assert len(ours) == len(theirs) == len(history)
            for (s, d), (rs_s, rs_d) in zip(ours, theirs, strict=True):
                assert rs_s == pytest.approx(s, rel=1e-4) and rs_d == pytest.approx(d, abs=1e-4)


# ---- quizcli optimize -------------------------------------------------------------------


def test_too_few_reviews_says_how_many_more(quizcli_home: Path, user_decks: Path) -> None:
    write_decks(user_decks)
    build(quizcli_home / "progress.db")
    result = run("optimize")
    assert result.exit_code == 0
    assert " ".join(result.stdout.split()) == (
        "1 review of all decks can teach FSRS about you (reviews a day or more after the card's previous one); "
        "a fit needs 512, so 511 more. Until then the default parameters serve well."
    )
    assert json.loads(run("optimize", "bio", "--json").stdout) == {
        "deck": "bio", "reviews": 0, "reviews_needed": 512, "guessable_items_left_out": 0, "fit": None,
        "evaluation": None, "saved": False,
    }  # fmt: skip


@pytest.fixture
def enough_reviews(quizcli_home: Path) -> Path:
    write_log(quizcli_home / "progress.db", simulated_log(LEARNER))
    return quizcli_home


def test_without_the_optimizer_the_message_says_how_to_install_it(
    enough_reviews: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "fsrs_rs_python", None)  # as if not installed
    result = run("optimize")
    assert result.exit_code == 1
    assert result.stderr == (
        "quizcli: error: fitting needs fsrs-rs-python (the Rust FSRS optimizer), which is not installed; "
        "install it with: pip install 'quizcli[optimizer]'\n"
    )


def test_a_better_fit_is_saved_and_reported_with_held_out_and_in_sample_figures(enough_reviews: Path) -> None:
    fitted, evaluation = fit_and_evaluate(learner_histories(), ())
    result = run("optimize")
    assert result.exit_code == 0, result.output
    assert "Fitting FSRS to 600 reviews" in result.stderr
    shown = " ".join(result.stdout.split())
    # fsrs-rs's fits vary in their fifth digit from run to run (it adds up in parallel), hence the tolerances.
    for label, before, after in (
        ("The newest 120 reviews, held out from a trial fit", evaluation.held_out_before, evaluation.held_out_after),
        ("All 600 reviews, which the fit learned from", evaluation.in_sample_before, evaluation.in_sample_after),
    ):
        line = re.search(
            re.escape(label) + r": log loss ([\d.]+) with the parameters in use, ([\d.]+) fitted \(([-+\d.]+)%\);"
            r" RMSE ([\d.]+)%, ([\d.]+)%\.",
            shown,
        )
        assert line is not None, shown
        shown_before, shown_after, shown_change, *shown_rmse = (float(n) for n in line.groups())
        assert [shown_before, shown_after] == pytest.approx([before.log_loss, after.log_loss], abs=2e-4)
        assert shown_change == pytest.approx((after.log_loss - before.log_loss) / before.log_loss * 100, abs=0.1)
        assert shown_rmse == pytest.approx([before.rmse * 100, after.rmse * 100], abs=0.02)
    assert "Saved: sessions of every deck without its own schedule with them from now on." in shown
    with Store.open(enough_reviews / "progress.db") as store:
        assert store.fitted_parameters("d") == store.fitted_parameters(None) == pytest.approx(fitted, rel=1e-3)
    again = json.loads(run("optimize", "--json").stdout)  # now the parameters in use are the whole-log fit
    newest = fitting.score(fitted, fitting.training_items(learner_histories())[-120:])
    assert again["reviews"] == 600 and again["evaluation"]["held_out"]["reviews_scored"] == 120
    assert again["evaluation"]["held_out"]["before"] == pytest.approx(newest._asdict(), rel=1e-3)
    assert again["evaluation"]["held_out"]["after"] == pytest.approx(evaluation.held_out_after._asdict(), rel=1e-3)
    assert again["evaluation"]["in_sample"]["before"] == pytest.approx(
        again["evaluation"]["in_sample"]["after"], rel=1e-3
    )  # fitting the same log again finds the same parameters
    assert again["fit"]["log_loss_before"] == again["evaluation"]["held_out"]["before"]["log_loss"]


def test_a_worse_fit_is_not_saved(enough_reviews: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    worse = tuple(p * 10 if n < 4 else p for n, p in enumerate(DEFAULTS))
    monkeypatch.setattr(fitting, "fit_parameters", lambda items: worse)
    result = run("optimize")
    assert "Kept the parameters in use: they predict reviews a fit has not seen at least as well." in " ".join(
        result.stdout.split()
    )
    with Store.open(enough_reviews / "progress.db") as store:
        assert store.fitted_parameters(None) == ()


# ---- storing and using them -------------------------------------------------------------


def fit(parameters: tuple[float, ...]) -> Fit:
    return Fit(parameters, 600, 0.4, 0.3, datetime.fromisoformat(FIXED_NOW))


def test_a_decks_parameters_win_over_every_decks(tmp_path: Path) -> None:
    everyone, mine = LEARNER, tuple(p * 1.1 for p in DEFAULTS)
    with Store.open(tmp_path / "p.db") as store:
        assert store.fitted_parameters("bio") == ()
        store.save_fit(None, fit(everyone))
        store.save_fit("bio", fit(mine))
        assert (store.fitted_parameters("bio"), store.fitted_parameters("chem")) == (mine, everyone)
        assert store.forget_fit("bio") and not store.forget_fit("bio")
        assert store.fitted_parameters("bio") == everyone


def logged_parameters(home: Path) -> list[list[float]]:
    db = sqlite3.connect(home / "progress.db")
    rows = db.execute("SELECT s.json FROM reviews r JOIN settings s ON s.id = r.settings_id ORDER BY r.id")
    return [json.loads(text)["parameters"] for (text,) in rows]


def test_later_sessions_schedule_with_the_fitted_parameters_and_log_them(quizcli_home: Path, user_decks: Path) -> None:
    mine = tuple(p * 1.1 for p in DEFAULTS)
    write_deck(
        user_decks, "cards", "cards:\n" + "".join(f"  - {{id: c{n}, front: q{n}, back: a{n}}}\n" for n in range(3))
    )
    runner.invoke(app, ["study", "cards"], input="\n4\n")  # each session: one new card, Easy
    with Store.open(quizcli_home / "progress.db") as store:
        store.save_fit(None, fit(LEARNER))
        store.save_fit("cards", fit(mine))
        runner.invoke(app, ["study", "cards"], input="\n4\n")
        store.forget_fit("cards")
        runner.invoke(app, ["study", "cards"], input="\n4\n")
    assert logged_parameters(quizcli_home) == [[], list(mine), list(LEARNER)]


def test_reset_forgets_and_says_what_is_used_instead(quizcli_home: Path) -> None:
    with Store.open(quizcli_home / "progress.db") as store:
        store.save_fit(None, fit(LEARNER))
        store.save_fit("long-context", fit(LEARNER))
    first = run("optimize", "long-context", "--reset")
    assert first.stdout == (
        "Forgot the parameters fitted for 'long-context'; sessions use the parameters fitted for every deck again.\n"
    )
    assert run("optimize", "--reset").stdout == (
        "Forgot the parameters fitted for all decks; sessions use FSRS's default parameters again.\n"
    )
    assert run("optimize", "--reset").stdout == "No parameters were fitted for all decks.\n"
    assert json.loads(run("optimize", "--reset", "--json").stdout) == {"deck": None, "forgot": False}

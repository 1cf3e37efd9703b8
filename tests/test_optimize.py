"""Personal FSRS parameters: counting usable reviews, the log loss, `quizcli optimize` without torch, and their use."""

from __future__ import annotations

import json
import math
import random
import sqlite3
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fsrs.scheduler import DEFAULT_PARAMETERS
from typer.testing import CliRunner

from quizcli import fitting, scheduler
from quizcli.cli import app
from quizcli.fitting import histories, log_loss, usable_reviews
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


def test_usable_reviews_are_a_day_or_more_apart_within_the_first_64() -> None:
    same_day = ((T0, Rating.GOOD), (T0 + timedelta(hours=23), Rating.GOOD), (T0 + 2 * DAY, Rating.GOOD))
    long = tuple((T0 + n * 2 * DAY, Rating.GOOD) for n in range(70))
    assert usable_reviews([same_day]) == 1  # 23 hours is the same day for the optimizer; 25 hours is not
    assert usable_reviews([long]) == 63  # reviews 2 to 64
    assert fitting.reviews_needed(500) == 12 and fitting.reviews_needed(600) == 0


def test_histories_group_each_items_reviews_in_order() -> None:
    rows = [("d", "a", T0, Rating.GOOD), ("d", "b", T0, Rating.AGAIN), ("d", "a", T0 + DAY, Rating.HARD)]
    assert histories(rows) == [((T0, Rating.GOOD), (T0 + DAY, Rating.HARD)), ((T0, Rating.AGAIN),)]


def test_log_loss_scores_the_predicted_recall_of_each_review_a_day_or_more_apart() -> None:
    """Two Goods on day 0, then Again on day 3: only that one is scored, by FSRS's prediction for it."""
    log = [((T0, Rating.GOOD), (T0 + timedelta(hours=2), Rating.GOOD), (T0 + 3 * DAY, Rating.AGAIN))]
    same_day = scheduler.review(new_card(T0), Rating.GOOD, T0, Settings(fuzz=False), "")
    after_same_day = scheduler.review(same_day, Rating.GOOD, T0 + timedelta(hours=2), Settings(fuzz=False), "")
    decay = -DEFAULTS[20]
    factor = 0.9 ** (1 / decay) - 1
    assert after_same_day.stability is not None
    predicted = (1 + factor * 2 / after_same_day.stability) ** decay  # 2 whole days (2d 22h) since the last review
    assert log_loss(log, ()) == pytest.approx(-math.log(1 - predicted))
    with pytest.raises(ValueError, match="nothing to score"):
        log_loss([log[0][:2]], ())


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


def write_log(path: Path, rows: list[tuple[str, str, datetime, int]]) -> None:
    Store.open(path).close()
    db = sqlite3.connect(path)
    db.execute("INSERT INTO settings (json) VALUES (?)", (Settings().to_json(),))
    db.executemany(
        "INSERT INTO reviews (deck, item, reviewed_at, rating, kind, state_before, settings_id)"
        " VALUES (?, ?, ?, ?, 'review', 2, 1)",
        [(deck, item, when.isoformat(timespec="microseconds"), rating) for deck, item, when, rating in rows],
    )
    db.commit()
    db.close()


def test_the_parameters_a_learner_follows_score_better_than_the_defaults() -> None:
    logs = histories((d, i, w, Rating(r)) for d, i, w, r in simulated_log(LEARNER))
    assert usable_reviews(logs) == 600
    assert log_loss(logs, LEARNER) < log_loss(logs, ()) == log_loss(logs, DEFAULTS)


def test_the_log_loss_is_the_one_py_fsrs_optimizes() -> None:
    pytest.importorskip("torch")
    from fsrs import Optimizer, ReviewLog
    from fsrs import Rating as FsrsRating

    logs = histories((d, i, w, Rating(r)) for d, i, w, r in simulated_log(LEARNER, items=30))
    reviews = [ReviewLog(n, FsrsRating(int(r)), w, None) for n, h in enumerate(logs, 1) for w, r in h]
    theirs = Optimizer(reviews)._compute_batch_loss(parameters=list(LEARNER))
    assert log_loss(logs, LEARNER) == pytest.approx(theirs, rel=1e-9)


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
        "deck": "bio", "reviews": 0, "reviews_needed": 512, "fit": None, "saved": False,
    }  # fmt: skip


@pytest.fixture
def enough_reviews(quizcli_home: Path) -> Path:
    write_log(quizcli_home / "progress.db", simulated_log(LEARNER))
    return quizcli_home


def test_without_torch_the_message_says_what_is_missing(enough_reviews: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in scheduler.OPTIMIZER_MODULES:
        monkeypatch.setitem(sys.modules, name, None)  # as if not installed
    result = run("optimize")
    assert result.exit_code == 1
    assert result.stderr == (
        "quizcli: error: fitting needs PyTorch and py-fsrs's optimizer, which are not installed (missing: torch, "
        "numpy, pandas, tqdm); install them with: pip install 'quizcli[optimizer]' (a CPU-only torch is enough)\n"
    )


def test_a_better_fit_is_saved_and_reported(enough_reviews: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scheduler, "missing_optimizer_modules", lambda: [])
    monkeypatch.setattr(scheduler, "fit_parameters", lambda logs: LEARNER)
    logs = histories((d, i, w, Rating(r)) for d, i, w, r in simulated_log(LEARNER))
    before, after = log_loss(logs, ()), log_loss(logs, LEARNER)
    result = run("optimize")
    assert result.exit_code == 0, result.output
    assert "Fitting FSRS to 600 reviews" in result.stderr
    shown = " ".join(result.stdout.split())
    assert (
        f"Log loss: {before:.4f} with the parameters in use, {after:.4f} fitted ({(after - before) / before:+.1%})"
        in shown
    )
    assert "Saved: sessions of every deck without its own schedule with them from now on." in shown
    with Store.open(enough_reviews / "progress.db") as store:
        assert store.fitted_parameters("d") == LEARNER == store.fitted_parameters(None)
    again = json.loads(run("optimize", "--json").stdout)  # now the fitted ones are in use: no gain, kept
    assert again["fit"]["log_loss_before"] == again["fit"]["log_loss_after"] == round(after, 6)
    assert (again["reviews"], again["saved"]) == (600, False)


def test_a_worse_fit_is_not_saved(enough_reviews: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    worse = tuple(p * 10 if n < 4 else p for n, p in enumerate(DEFAULTS))
    monkeypatch.setattr(scheduler, "missing_optimizer_modules", lambda: [])
    monkeypatch.setattr(scheduler, "fit_parameters", lambda logs: worse)
    result = run("optimize")
    assert "Kept the parameters in use: they predict your reviews at least as well." in result.stdout
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

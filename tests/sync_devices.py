"""Simulated devices for the sync tests: each its own quizcli home, studying through the real store."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from quizcli import scheduler
from quizcli.clock import to_text
from quizcli.commands.sync import SyncReport, sync
from quizcli.scheduler import Rating, Settings
from quizcli.store import Answer, Flags, Store
from quizcli.store.fits import Fit

SETTINGS = Settings()


class Device:
    """One device: a quizcli home of its own (progress database, config), used as the current one in turn."""

    def __init__(self, home: Path) -> None:
        self.home = home
        home.mkdir(parents=True, exist_ok=True)

    @contextmanager
    def current(self, when: datetime) -> Iterator[None]:
        """This device's home and clock for the length of the block (the environment is put back afterwards)."""
        saved = {name: os.environ.get(name) for name in ("QUIZCLI_HOME", "QUIZCLI_NOW")}
        os.environ["QUIZCLI_HOME"], os.environ["QUIZCLI_NOW"] = str(self.home), to_text(when)
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value

    def store(self) -> Store:
        return Store.open(self.home / "progress.db")

    def answer(self, deck: str, item: str, rating: Rating, when: datetime) -> None:
        """Answer as a study session does: the new state from the stored one, logged with it."""
        with self.store() as store:
            before = store.state(deck, item) or scheduler.new_card(when)
            after = scheduler.review(before, rating, when, SETTINGS, scheduler.item_seed(deck, item))
            store.record(
                Answer(deck=deck, item=item, rating=rating, when=when, before=before, after=after, settings=SETTINGS)
            )

    def undo(self, deck: str, item: str) -> None:
        """Take back the item's last answer, as a study session's undo does."""
        with self.store() as store:
            last = store._db.execute(
                "SELECT id FROM reviews WHERE deck = ? AND item = ? ORDER BY id DESC LIMIT 1", (deck, item)
            ).fetchone()["id"]
            restored = scheduler.replay(store.item_log(deck, item, without=last), scheduler.item_seed(deck, item))
            store.undo(last, deck, item, restored)

    def suspend(self, deck: str, item: str, suspended: bool, when: datetime) -> None:
        with self.current(when), self.store() as store:
            store.set_flags(deck, item, Flags(suspended=suspended))

    def reset(self, deck: str, when: datetime) -> None:
        with self.current(when), self.store() as store:
            store.reset(deck)

    def fit(self, deck: str | None, parameters: tuple[float, ...], when: datetime) -> None:
        """Keep fitted parameters as ``quizcli optimize`` does when a fit predicts better."""
        with self.store() as store:
            store.save_fit(
                deck, Fit(parameters=parameters, reviews=600, loss_before=0.4, loss_after=0.3, fitted_at=when)
            )

    def forget_fit(self, deck: str | None, when: datetime) -> bool:
        """``quizcli optimize --reset``."""
        with self.current(when), self.store() as store:
            return store.forget_fit(deck)

    def sync(self, folder: Path | None, when: datetime, **options: Any) -> SyncReport:
        with self.current(when):
            return sync(folder, **options)

    def progress(self) -> dict[str, Any]:
        """Everything a sync must make equal: the review log (by id everywhere), card states, flags and fits."""
        with self.store() as store:
            db = store._db
            reviews = db.execute("SELECT uid, deck, item, reviewed_at, rating FROM reviews ORDER BY uid").fetchall()
            cards = db.execute("SELECT * FROM cards ORDER BY deck, item").fetchall()
            flags = db.execute("SELECT deck, item, suspended, buried_until FROM flags ORDER BY deck, item").fetchall()
            fits = db.execute(
                "SELECT deck, parameters, reviews, loss_before, loss_after, fitted_at FROM fitted_parameters"
                " ORDER BY deck"
            ).fetchall()
            return {
                "reviews": [tuple(row) for row in reviews],
                "cards": [tuple(row) for row in cards],
                "flags": [tuple(row) for row in flags],
                "fits": [tuple(row) for row in fits],
            }

    def states_unlike_their_log(self) -> list[tuple[str, str]]:
        """The items whose stored state is not the replay of `item_log` (what undo and ``doctor --repair`` replay)."""
        with self.store() as store:
            return [
                (deck, item)
                for deck, item in store.logged_items()
                if scheduler.replay(store.item_log(deck, item), scheduler.item_seed(deck, item))
                != store.state(deck, item)
            ]

    def replayed_union(self) -> list[tuple[Any, ...]]:
        """Each item's state replayed from its log in time order (ties by review id), as card rows."""
        with self.store() as store:
            rows = store._db.execute(
                "SELECT deck, item, rating, reviewed_at FROM reviews WHERE kind = 'review' ORDER BY reviewed_at, uid"
            ).fetchall()
        logs: dict[tuple[str, str], list[scheduler.Review]] = {}
        for row in rows:
            when = datetime.fromisoformat(row["reviewed_at"])
            logs.setdefault((row["deck"], row["item"]), []).append(
                scheduler.Review(rating=Rating(row["rating"]), when=when, settings=SETTINGS)
            )
        states = []
        for (deck, item), log in sorted(logs.items()):
            state = scheduler.replay(log, scheduler.item_seed(deck, item))
            assert state is not None
            states.append((deck, item, state))
        return [
            (deck, item, int(s.state), to_text(s.due), s.step, s.stability, s.difficulty,
             None if s.last_review is None else to_text(s.last_review), s.reps, s.lapses)
            for deck, item, s in states
        ]  # fmt: skip

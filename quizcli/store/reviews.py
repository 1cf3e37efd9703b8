"""The review log and the card states derived from it, and the FSRS parameters sessions schedule with.

The append-only ``reviews`` table is the source of truth; ``cards`` holds each
item's current state, derived from the log and rebuildable from it.
"""

import json
import sqlite3
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from quizcli.clock import from_text, now, to_text
from quizcli.scheduler import CardState, Rating, Review, Settings, State
from quizcli.store.connection import Connection, Sync
from quizcli.store.guarded import GuardedConnection


class Answer(NamedTuple):
    """One answer to record.  ``after`` is None for practice (cram) answers, which leave the schedule alone."""

    deck: str
    item: str
    rating: Rating
    when: datetime
    before: CardState
    after: CardState | None
    settings: Settings
    retrievability: float | None = None
    duration_ms: int | None = None
    due_shift: int = 0  # days ``after.due`` was moved off a sibling's due day; replays honour it
    guessable: bool = False  # a right answer could have been a lucky guess (see `quizcli.session.guessable`)

    @property
    def kind(self) -> str:
        return "practice" if self.after is None else "review"


Rebase = Callable[[CardState | None], Answer]
STATE_COLUMNS = "state, due, step, stability, difficulty, last_review, reps, lapses"
# The one order a log is replayed in, on every device: by time, ties by the review's sync id, then by its local id
# (a review gets its sync id at its first sync, so two devices that synced replay alike).
REPLAY_ORDER = "r.reviewed_at, r.uid, r.id"
FORGOTTEN = "[]"  # the parameters of a fit forgotten with ``quizcli optimize --reset`` (see `quizcli.store.fits`)


class ReviewLog(Connection):
    """Recording answers, undoing them, and reading each item's log and state."""

    def __init__(self, connection: GuardedConnection, path: Path) -> None:
        super().__init__(connection, path)
        self._settings_ids: dict[Settings, int] = {}

    def record(self, answer: Answer) -> int:
        """Append an answer to the log and, for a review, update the item's state, atomically."""
        return self.record_review(answer)[0]

    def record_review(
        self, answer: Answer, rebase: Rebase | None = None, sync: Sync = Sync.AT_COMMIT
    ) -> tuple[int, Answer]:
        """`record`, but when another process changed the item's state since ``answer.before`` was read,
        ``rebase(current state)`` recomputes the answer inside the same transaction, so the log always
        replays to the stored state.  Returns the review id and the answer as saved."""
        with self._write("the last answer", sync) as db:
            if rebase is not None and answer.after is not None:
                current = get_state(db, answer.deck, answer.item)
                if current != answer.before and not (current is None and answer.before.state is State.NEW):
                    answer = rebase(current)
            before = answer.before
            last = before.last_review
            cursor = db.execute(
                "INSERT INTO reviews (deck, item, reviewed_at, rating, kind, state_before, elapsed_days,"
                " retrievability, duration_ms, settings_id, scheduled_days, due_shift, guessable) VALUES (:deck,"
                " :item, :reviewed_at, :rating, :kind, :state_before, :elapsed_days, :retrievability, :duration_ms,"
                " :settings_id, :scheduled_days, :due_shift, :guessable)",
                {
                    "deck": answer.deck,
                    "item": answer.item,
                    "reviewed_at": to_text(answer.when),
                    "rating": int(answer.rating),
                    "kind": answer.kind,
                    "state_before": int(before.state),
                    "elapsed_days": None if last is None else (answer.when - last).total_seconds() / 86400,
                    "retrievability": answer.retrievability,
                    "duration_ms": answer.duration_ms,
                    "settings_id": self._settings_id(db, answer.settings),
                    "scheduled_days": None if last is None else before.interval_days,
                    "due_shift": answer.due_shift,
                    "guessable": int(answer.guessable),
                },
            )
            if answer.after is not None:
                put_state(db, answer.deck, answer.item, answer.after)
            return int(cursor.lastrowid or 0), answer

    def undo(self, review_id: int, deck: str, item: str, restored: CardState | None) -> None:
        """Remove a logged answer and put back the state the log now implies (None: the item is new again)."""
        with self._write("the undo") as db:
            # A review with a sync id has gone out to the other devices: they are told to undo it too.
            db.execute(
                "INSERT OR IGNORE INTO undone_reviews (uid, deck, item) SELECT uid, deck, item FROM reviews"
                " WHERE id = ? AND uid IS NOT NULL",
                (review_id,),
            )
            db.execute("DELETE FROM reviews WHERE id = ?", (review_id,))
            if restored is None:
                db.execute("DELETE FROM cards WHERE deck = ? AND item = ?", (deck, item))
            else:
                put_state(db, deck, item, restored)

    def item_log(self, deck: str, item: str, without: int | None = None) -> list[Review]:
        """The item's scheduling reviews in replay order (practice answers excluded), but for review ``without``
        (an answer about to be undone, wherever another device's answers put it in that order)."""
        rows = self._db.execute(
            "SELECT r.rating, r.reviewed_at, r.due_shift, s.json FROM reviews r JOIN settings s ON s.id = r.settings_id"
            f" WHERE r.deck = ? AND r.item = ? AND r.kind = 'review' AND r.id IS NOT ? ORDER BY {REPLAY_ORDER}",
            (deck, item, without),
        )
        return [
            Review(
                rating=Rating(row["rating"]),
                when=from_text(row["reviewed_at"]),
                settings=Settings.from_json(row["json"]),
                due_shift=row["due_shift"],
            )
            for row in rows
        ]

    def states(self, deck: str) -> dict[str, CardState]:
        rows = self._db.execute(f"SELECT item, {STATE_COLUMNS} FROM cards WHERE deck = ?", (deck,))
        return {row["item"]: state_from_row(row) for row in rows}

    def state(self, deck: str, item: str) -> CardState | None:
        return get_state(self._db, deck, item)

    def states_of(self, deck: str, items: Collection[str]) -> dict[str, CardState]:
        """The states of those of ``items`` that have one (a few: an item's siblings)."""
        marks = ", ".join("?" * len(items))
        rows = self._db.execute(
            f"SELECT item, {STATE_COLUMNS} FROM cards WHERE deck = ? AND item IN ({marks})", (deck, *items)
        )
        return {row["item"]: state_from_row(row) for row in rows}

    def answered_since(self, deck: str, since: datetime) -> tuple[int, int]:
        """(new items introduced, answers to review cards) since ``since``, for the daily limits.

        As in Anki, only answers to cards in review count against the review limit: learning
        and relearning steps do not, or a day of new cards would crowd out the reviews due.
        """
        row = self._db.execute(
            "SELECT COUNT(DISTINCT CASE WHEN state_before = ? THEN item END) AS new,"
            " COUNT(CASE WHEN state_before = ? THEN 1 END) AS reviews"
            " FROM reviews WHERE deck = ? AND kind = 'review' AND reviewed_at >= ?",
            (int(State.NEW), int(State.REVIEW), deck, to_text(since)),
        ).fetchone()
        return int(row["new"]), int(row["reviews"])

    def due_outlook(self, deck: str, until: datetime) -> tuple[datetime | None, int]:
        """(when the next unsuspended item is due, how many are due before ``until``)."""
        row = self._db.execute(
            "SELECT MIN(c.due) AS next, COUNT(CASE WHEN c.due < ? THEN 1 END) AS due FROM cards c"
            " LEFT JOIN flags f ON f.deck = c.deck AND f.item = c.item"
            " WHERE c.deck = ? AND COALESCE(f.suspended, 0) = 0",
            (to_text(until), deck),
        ).fetchone()
        return (None if row["next"] is None else from_text(row["next"])), int(row["due"])

    def items_with_progress(self, deck: str) -> set[str]:
        rows = self._db.execute("SELECT DISTINCT item FROM reviews WHERE deck = ?", (deck,))
        return {row["item"] for row in rows}

    def reset(self, deck: str) -> int:
        """Forget a deck's progress; returns how many logged answers were removed.

        The reset is kept (``deck_resets``) so `quizcli sync` forgets the deck's earlier reviews on every device.
        """
        with self._write(f"the reset of {deck}") as db:
            # Stamped no earlier than anything it forgets, so every device forgets the same reviews and flags.
            db.execute(
                "INSERT OR IGNORE INTO deck_resets (deck, reset_at) SELECT :deck, max(:now,"
                " coalesce((SELECT max(reviewed_at) FROM reviews WHERE deck = :deck), ''),"
                " coalesce((SELECT max(changed_at) FROM flags WHERE deck = :deck), ''))",
                {"deck": deck, "now": to_text(now())},
            )
            removed = db.execute("DELETE FROM reviews WHERE deck = ?", (deck,)).rowcount
            db.execute("DELETE FROM cards WHERE deck = ?", (deck,))
            db.execute("DELETE FROM flags WHERE deck = ?", (deck,))
        return int(removed)

    def logged_items(self) -> list[tuple[str, str]]:
        """Every (deck, item) with a scheduling review in the log."""
        rows = self._db.execute("SELECT DISTINCT deck, item FROM reviews WHERE kind = 'review'")
        return [(row["deck"], row["item"]) for row in rows]

    def put_states(self, states: Iterable[tuple[str, str, CardState]]) -> None:
        """Replace the derived card states (rebuilt from the log by the caller) in one transaction."""
        with self._write("the rebuilt card states") as db:
            db.execute("DELETE FROM cards")
            for deck, item, state in states:
                put_state(db, deck, item, state)

    def fitted_parameters(self, deck: str | None) -> tuple[float, ...]:
        """The deck's fitted FSRS parameters, else those fitted for every deck, else () for py-fsrs's defaults.

        Read by every session; `quizcli.store.fits` writes them, and a fit it forgot is skipped.
        """
        row = self._db.execute(
            "SELECT parameters FROM fitted_parameters WHERE deck IN (?, '') AND parameters != ?"
            " ORDER BY deck = '' LIMIT 1",
            (deck or "", FORGOTTEN),
        ).fetchone()
        return () if row is None else tuple(json.loads(row["parameters"]))

    def _settings_id(self, db: sqlite3.Connection, settings: Settings) -> int:
        if settings not in self._settings_ids:
            self._settings_ids[settings] = settings_row(db, settings.to_json())
        return self._settings_ids[settings]


def settings_row(db: sqlite3.Connection, settings_json: str) -> int:
    """The id of the settings row holding ``settings_json``, added when no review used those settings yet."""
    db.execute("INSERT OR IGNORE INTO settings (json) VALUES (?)", (settings_json,))
    return int(db.execute("SELECT id FROM settings WHERE json = ?", (settings_json,)).fetchone()["id"])


def get_state(db: sqlite3.Connection, deck: str, item: str) -> CardState | None:
    row = db.execute(f"SELECT {STATE_COLUMNS} FROM cards WHERE deck = ? AND item = ?", (deck, item)).fetchone()
    return None if row is None else state_from_row(row)


def put_state(db: sqlite3.Connection, deck: str, item: str, s: CardState) -> None:
    db.execute(
        f"INSERT OR REPLACE INTO cards (deck, item, {STATE_COLUMNS}) VALUES (:deck, :item, :state, :due, :step,"
        " :stability, :difficulty, :last_review, :reps, :lapses)",
        {
            "deck": deck,
            "item": item,
            "state": int(s.state),
            "due": to_text(s.due),
            "step": s.step,
            "stability": s.stability,
            "difficulty": s.difficulty,
            "last_review": None if s.last_review is None else to_text(s.last_review),
            "reps": s.reps,
            "lapses": s.lapses,
        },
    )


def state_from_row(row: sqlite3.Row | Mapping[str, Any]) -> CardState:
    """The card state in a row holding the `STATE_COLUMNS` (of ``cards``, or aliased from it), or in a record
    of the same names (a state another device sent)."""
    last = row["last_review"]
    return CardState(
        state=State(row["state"]),
        due=from_text(row["due"]),
        step=row["step"],
        stability=row["stability"],
        difficulty=row["difficulty"],
        last_review=None if last is None else from_text(last),
        reps=row["reps"],
        lapses=row["lapses"],
    )

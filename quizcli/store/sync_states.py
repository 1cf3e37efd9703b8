"""Card states after a sync: replayed from each touched item's whole log, or taken as another device sent them.

A device sends, with its new reviews, each of their items' state and a digest of the
item's log as it saw it (the review ids in replay order).  A receiver whose log of the
item is the same (the same digest) takes that state as it is: it is what the replay
would give, so a device coming back after months need not replay every answer again.
Any other item is replayed from its log, in `REPLAY_ORDER`.
"""

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from itertools import groupby
from operator import itemgetter
from typing import Any

from quizcli.clock import from_text, to_text
from quizcli.scheduler import Rating, Review, Settings, item_seed, replay
from quizcli.store.reviews import REPLAY_ORDER, STATE_COLUMNS, put_state, state_from_row

Record = dict[str, Any]
Key = tuple[str, str]


def interleaved(db: sqlite3.Connection, device: str, own: list[int]) -> set[Key]:
    """The items this device answered since its last sync whose log is not just its own answers in the order
    it gave them (another device's are in it, or this device's clock went back): they are replayed."""
    rows = db.execute(
        "WITH mine AS (SELECT DISTINCT deck, item FROM reviews WHERE id IN (SELECT value FROM json_each(:own))),"
        " logs AS (SELECT r.deck, r.item, r.uid, r.reviewed_at,"
        " lag(r.reviewed_at) OVER (PARTITION BY r.deck, r.item ORDER BY r.id) AS previous"
        " FROM reviews r JOIN mine m ON m.deck = r.deck AND m.item = r.item)"
        " SELECT deck, item FROM logs GROUP BY deck, item"
        " HAVING sum(substr(uid, 1, length(:prefix)) != :prefix) > 0 OR sum(previous > reviewed_at) > 0",
        {"own": json.dumps(own), "prefix": f"{device}:"},
    )
    return {(row["deck"], row["item"]) for row in rows}


def rebuild(db: sqlite3.Connection, items: set[Key], shipped: dict[Key, Record], digest: Callable[[str], str]) -> None:
    """Put each item's state: the shipped one when its log digest matches, else the replay of its log."""
    taken = {key for key, uids in _uid_logs(db, items & shipped.keys()) if shipped[key]["log"] == digest(uids)}
    for key in sorted(taken):
        put_state(db, *key, state_from_row(shipped[key]["state"]))
    settings: dict[int, Settings] = {}
    found = set(taken)
    for key, rows in _logs(db, items - taken):
        found.add(key)
        log = []
        for row in rows:
            if row["settings_id"] not in settings:
                settings[row["settings_id"]] = _settings(db, row["settings_id"])
            log.append(
                Review(
                    rating=Rating(row["rating"]),
                    when=from_text(row["reviewed_at"]),
                    settings=settings[row["settings_id"]],
                    due_shift=row["due_shift"],
                )
            )
        state = replay(log, item_seed(*key))
        if state is not None:
            put_state(db, *key, state)
    db.executemany("DELETE FROM cards WHERE deck = ? AND item = ?", sorted(items - found))


def state_records(db: sqlite3.Connection, own: list[int], digest: Callable[[str], str]) -> list[Record]:
    """A state record for each item this device answered since its last sync, with its log's digest."""
    mine = {
        (row["deck"], row["item"])
        for row in db.execute(
            "SELECT DISTINCT deck, item FROM reviews WHERE kind = 'review' AND id IN (SELECT value FROM json_each(?))",
            (json.dumps(own),),
        )
    }
    records = []
    for key, uids in _uid_logs(db, mine):
        row = db.execute(f"SELECT {STATE_COLUMNS} FROM cards WHERE deck = ? AND item = ?", key).fetchone()
        if row is not None:
            state = state_from_row(row)
            records.append(
                {
                    "t": "state",
                    "deck": key[0],
                    "item": key[1],
                    "log": digest(uids),
                    "state": {
                        **state._asdict(),
                        "state": int(state.state),
                        "due": to_text(state.due),
                        "last_review": None if state.last_review is None else to_text(state.last_review),
                    },
                }
            )
    return records


def _settings(db: sqlite3.Connection, settings_id: int) -> Settings:
    return Settings.from_json(db.execute("SELECT json FROM settings WHERE id = ?", (settings_id,)).fetchone()["json"])


def _uid_logs(db: sqlite3.Connection, items: set[Key]) -> Iterator[tuple[Key, str]]:
    """Each item's scheduling reviews' ids in `REPLAY_ORDER`, a line each: the text its log's digest is taken of."""
    for key, rows in groupby(_log_rows(db, items, "r.uid"), key=itemgetter("deck", "item")):
        yield key, "\n".join(map(itemgetter("uid"), rows))


def _logs(db: sqlite3.Connection, items: set[Key]) -> Iterator[tuple[Key, list[sqlite3.Row]]]:
    """Each item's scheduling reviews in `REPLAY_ORDER`, with what its replay reads (the id of each review's settings:
    `_settings` reads each settings row once, since most reviews share one)."""
    columns = "r.rating, r.reviewed_at, r.due_shift, r.settings_id"
    for key, rows in groupby(_log_rows(db, items, columns), key=itemgetter("deck", "item")):
        yield key, list(rows)


def _log_rows(db: sqlite3.Connection, items: set[Key], columns: str) -> Iterable[sqlite3.Row]:
    """The deck, item and ``columns`` of the items' scheduling reviews, item by item, each in `REPLAY_ORDER`."""
    if not items:
        return ()
    db.execute("CREATE TEMP TABLE IF NOT EXISTS sync_items (deck TEXT, item TEXT, PRIMARY KEY (deck, item))")
    db.execute("DELETE FROM temp.sync_items")
    db.executemany("INSERT INTO temp.sync_items VALUES (?, ?)", sorted(items))
    return db.execute(
        f"SELECT r.deck, r.item, {columns}"
        " FROM temp.sync_items t JOIN reviews r ON r.deck = t.deck AND r.item = t.item AND r.kind = 'review'"
        f" ORDER BY r.deck, r.item, {REPLAY_ORDER}"
    )

"""Which sessions are studying which deck: one row per live ``quizcli study``, so a second one can warn.

A session claims its deck when it starts and releases it when it ends, without waiting for
the disk: a claim a crash loses is one the next session would have found stale.  A row
left behind by a crash is removed by the next claim, once the caller's
``stale`` test says its process is gone.
"""

from collections.abc import Callable
from datetime import datetime
from typing import NamedTuple

from quizcli.clock import from_text, to_text
from quizcli.store.connection import Connection, Sync


class Holder(NamedTuple):
    """A session holding a deck: where it runs and since when (wall-clock time, not ``QUIZCLI_NOW``)."""

    host: str
    pid: int
    started: datetime


class Presence(Connection):
    def claim_deck(self, deck: str, me: Holder, stale: Callable[[Holder], bool]) -> tuple[int, list[Holder]]:
        """Record ``me`` as studying ``deck``; returns the claim's id and the other live sessions on it."""
        with self._write("the session's claim on the deck", Sync.WITH_THE_NEXT) as db:
            rows = db.execute("SELECT id, host, pid, started_at FROM live_sessions WHERE deck = ?", (deck,))
            holders = {
                row["id"]: Holder(host=row["host"], pid=row["pid"], started=from_text(row["started_at"]))
                for row in rows
            }
            gone = [(claim,) for claim, holder in holders.items() if stale(holder)]
            db.executemany("DELETE FROM live_sessions WHERE id = ?", gone)
            cursor = db.execute(
                "INSERT INTO live_sessions (deck, host, pid, started_at) VALUES (?, ?, ?, ?)",
                (deck, me.host, me.pid, to_text(me.started)),
            )
        others = [holder for claim, holder in holders.items() if (claim,) not in gone]
        return int(cursor.lastrowid or 0), others

    def release_deck(self, claim: int) -> None:
        with self._write("the end of the session's claim on the deck", Sync.WITH_THE_NEXT) as db:
            db.execute("DELETE FROM live_sessions WHERE id = ?", (claim,))

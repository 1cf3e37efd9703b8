"""Suspended and buried items: one row per item that has ever been either."""

from collections.abc import Collection, Iterable
from datetime import datetime
from sqlite3 import Row
from typing import NamedTuple

from quizcli.clock import from_text, now, to_text
from quizcli.store.connection import Connection


class Flags(NamedTuple):
    suspended: bool = False
    buried_until: datetime | None = None


class FlagTable(Connection):
    def set_flags(self, deck: str, item: str, flags: Flags) -> None:
        self.set_flags_of(deck, [item], flags)

    def set_flags_of(self, deck: str, items: Iterable[str], flags: Flags) -> None:
        """The same flags for several items, in one transaction (one wait for the disk)."""
        buried = None if flags.buried_until is None else to_text(flags.buried_until)
        changed = to_text(now())  # stamped for `quizcli sync`, where the latest change of a flag wins
        with self._write("the card flag") as db:
            db.executemany(
                "INSERT INTO flags (deck, item, suspended, buried_until, changed_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (deck, item) DO UPDATE SET suspended = excluded.suspended,"
                " buried_until = excluded.buried_until, changed_at = excluded.changed_at, device = NULL, sent = 0",
                [(deck, item, int(flags.suspended), buried, changed) for item in items],
            )

    def flags(self, deck: str) -> dict[str, Flags]:
        rows = self._db.execute("SELECT item, suspended, buried_until FROM flags WHERE deck = ?", (deck,))
        return _by_item(rows)

    def flags_of(self, deck: str, items: Collection[str]) -> dict[str, Flags]:
        """The flags of those of ``items`` that have a row (a few: an item's siblings)."""
        marks = ", ".join("?" * len(items))
        rows = self._db.execute(
            f"SELECT item, suspended, buried_until FROM flags WHERE deck = ? AND item IN ({marks})", (deck, *items)
        )
        return _by_item(rows)


def _by_item(rows: Iterable[Row]) -> dict[str, Flags]:
    return {
        row["item"]: Flags(
            suspended=bool(row["suspended"]),
            buried_until=None if row["buried_until"] is None else from_text(row["buried_until"]),
        )
        for row in rows
    }

"""The deck index: each deck file's stamp and summary, and its items, so an unchanged deck is never parsed again.

Each card is kept once, in ``deck_cards``, as ``card.to_record()`` (JSON the store does
not look into) but for its line, a column beside it; it is rebuilt with ``Card.from_record``.
Each of its items is a row of ``deck_items``.  The study queues and the exam draws read
items from here; `quizcli.store.index_write` writes them when a deck is re-indexed.
"""

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from quizcli.cards import Card, Item, ItemRef
from quizcli.clock import to_text
from quizcli.scheduler import CardState, State
from quizcli.store.connection import Connection
from quizcli.store.reviews import STATE_COLUMNS, state_from_row

if TYPE_CHECKING:
    from quizcli.store.index_write import Streamed, Summary

RANGE_READ = 500  # card ids asked for by more ranks than this are read as one range of ranks


class Stamp(NamedTuple):
    """What identifies one version of a deck file, as git's index does: path, size, mtime, parser version.

    ``digest`` (of the content) settles the racy case of an edit made in the same
    instant the index was written; ``indexed_ns`` is when that was.
    """

    path: str
    size: int
    mtime_ns: int
    parser: int
    digest: str = ""
    indexed_ns: int = 0


class IndexEntry(NamedTuple):
    """An indexed deck: its stamp and what ``quizcli decks`` shows of it."""

    name: str
    stamp: Stamp
    title: str
    description: str
    cards: int
    items: int
    errors: int
    tags: tuple[str, ...] = ()  # the deck's own (each card holds them too)


_STATE_COLUMNS_OF_C = ", ".join(f"c.{column}" for column in STATE_COLUMNS.split(", "))
# An indexed item with the tag :tag (its tags are one space-separated string).
_TAGGED = "instr(' ' || i.tags || ' ', ' ' || :tag || ' ') > 0"
# An indexed item that is not suspended, not buried at :now, and has :tag (when one is given).
_AVAILABLE = (
    "NOT EXISTS (SELECT 1 FROM flags f WHERE f.deck = i.deck AND f.item = i.item"
    f" AND (f.suspended = 1 OR f.buried_until > :now)) AND (:tag IS NULL OR {_TAGGED})"
)
_BY_RANK = "INDEXED BY deck_items_rank"
# An item's card, as JSON, and its line in the deck file: read beside the item (``i``) from its card's row.
_DATA = (
    "(SELECT k.data FROM deck_cards k WHERE k.deck = i.deck AND k.card = i.card) AS data,"
    " (SELECT k.line FROM deck_cards k WHERE k.deck = i.deck AND k.card = i.card) AS line"
)
_ITEM = f"i.item, i.card, {_DATA}"  # what `_item` reads


class BrokenCard(NamedTuple):
    """An error of a card left out of the index, where its deck file has it."""

    line: int
    column: int
    code: str
    message: str


class Unparsed(NamedTuple):
    """An item as a row of the deck index held it, its card not parsed yet: a session's new items wait so,
    and only those shown are parsed (`parsed`), each as the deck stood when the session began."""

    id: str
    card_id: str
    tag_text: str
    data: str
    line: int = 0

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(self.tag_text.split())

    def parsed(self) -> Item:
        return _parsed(self.id, self.card_id, self.data, self.line)


class DeckIndex(Connection):
    def index_entry(self, deck: str) -> IndexEntry | None:
        row = self._db.execute("SELECT * FROM deck_index WHERE deck = ?", (deck,)).fetchone()
        if row is None:
            return None
        stamp = Stamp(**{field: row[field] for field in Stamp._fields})  # the columns bear the fields' names
        shown = {field: row[field] for field in IndexEntry._fields if field not in ("name", "stamp", "tags")}
        return IndexEntry(name=deck, stamp=stamp, tags=tuple(row["tags"].split()), **shown)

    def replace_index(
        self,
        name: str,
        cards: Iterable[Card],
        entry: IndexEntry,
        broken: Sequence[BrokenCard] = (),
    ) -> IndexEntry:
        """Swap a deck's index for ``cards`` (a whole parse's valid cards; the deck's entry is ``entry``) in one
        transaction.  ``broken`` are the errors of the cards left out, kept so that an unchanged deck need not be
        parsed again to name them."""
        from quizcli.store import index_write

        with self._write(f"the index of {name}") as db:
            entry, written = index_write.replace_index(db, name, cards, entry, broken)
        return self._after_index_write(entry, written)

    def update_index(self, name: str, cards: "Streamed", summary: "Summary") -> IndexEntry | None:
        """Bring a deck's index to a stream of its cards in one transaction: ``cards(reusable, tags)`` makes the
        stream, in which a card whose source digest is in ``reusable`` (parsed under the deck tags ``tags``) comes
        unparsed and keeps its rows (see `quizcli.store.index_write`).  ``summary(cards, items)`` is asked for the
        deck's entry once they are all written, and None from it undoes the write (the stream stopped short),
        returning None."""
        from quizcli.store import index_write

        try:
            with self._write(f"the index of {name}") as db:
                entry, written = index_write.update_index(db, name, cards, summary)
        except index_write.Unfinished:
            return None
        return self._after_index_write(entry, written)

    def _after_index_write(self, entry: IndexEntry, written: int) -> IndexEntry:
        """After a big write, shrink the WAL back.

        SQLite checkpoints the WAL by itself past its auto-checkpoint size but keeps the file at its
        largest, so a big deck's index would leave a WAL as big behind.  A small write never gets
        there, and truncating after it would only cost two more syncs.
        """
        from quizcli.store.index_write import BULK_ITEMS

        if written > BULK_ITEMS:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return entry

    def broken_cards(self, deck: str) -> list[BrokenCard]:
        """The errors of the deck's cards left out when it was indexed, in line order."""
        row = self._db.execute("SELECT broken FROM deck_index WHERE deck = ?", (deck,)).fetchone()
        errors = [] if row is None else json.loads(row["broken"])
        return [
            BrokenCard(line=line, column=column, code=code, message=message) for line, column, code, message in errors
        ]

    def restamp_index(self, deck: str, indexed_ns: int) -> None:
        """Record that the deck file's content was found unchanged at ``indexed_ns``."""
        with self._write(f"the index of {deck}") as db:
            db.execute("UPDATE deck_index SET indexed_ns = ? WHERE deck = ?", (indexed_ns, deck))

    def has_tag(self, deck: str, tag: str) -> bool:
        """Whether any item of the deck has ``tag``: the search stops at the first one."""
        query = f"SELECT EXISTS (SELECT 1 FROM deck_items i WHERE i.deck = :deck AND {_TAGGED}) AS found"
        return bool(self._db.execute(query, {"deck": deck, "tag": tag}).fetchone()["found"])

    def deck_tags(self, deck: str) -> list[str]:
        return _deck_tags(self._db, deck)

    def new_items(self, deck: str, now: datetime, limit: int, tag: str | None) -> list[Unparsed]:
        """Unseen, available items in deck order, as the index holds them now; each card is parsed when shown."""
        rows = self._db.execute(
            f"SELECT i.item, i.card, i.tags, {_DATA} FROM deck_items i INDEXED BY deck_items_new"
            f" WHERE i.deck = :deck AND i.seen = 0 AND {_AVAILABLE} ORDER BY i.position LIMIT :limit",
            {"deck": deck, "now": to_text(now), "tag": tag, "limit": limit},
        )
        return [Unparsed(id=row["item"], card_id=row["card"], tag_text=row["tags"], data=row["data"], line=row["line"])
                for row in rows]  # fmt: skip

    def scheduled_items(
        self, deck: str, states: tuple[State, ...], now: datetime, due_by: datetime | None, limit: int, tag: str | None
    ) -> list[tuple[Item, CardState]]:
        """Available items in ``states`` due by ``due_by`` (any time for None), soonest due first.

        The plan walks the ``cards (deck, due)`` index from the soonest due and stops at
        ``due_by`` and at ``limit``: the cost follows the items asked for, not the deck.
        """
        wanted = ", ".join(str(int(state)) for state in states)
        due = "" if due_by is None else " AND c.due <= :due"
        rows = self._db.execute(
            f"SELECT {_ITEM}, {_STATE_COLUMNS_OF_C} FROM cards c INDEXED BY cards_queue"
            " CROSS JOIN deck_items i ON i.deck = c.deck AND i.item = c.item"  # cards first: CROSS fixes the order
            f" WHERE c.deck = :deck{due} AND c.state IN ({wanted}) AND {_AVAILABLE}"
            " ORDER BY c.due, i.position LIMIT :limit",
            {"deck": deck, "now": to_text(now), "due": None if due_by is None else to_text(due_by), "tag": tag,
             "limit": limit},
        )  # fmt: skip
        return [(_item(row), state_from_row(row)) for row in rows]

    def available_items(self, deck: str, now: datetime, tag: str | None) -> list[Item]:
        """Every item not suspended or buried, in deck order (cram)."""
        rows = self._db.execute(
            f"SELECT {_ITEM} FROM deck_items i WHERE i.deck = :deck AND {_AVAILABLE} ORDER BY i.position",
            {"deck": deck, "now": to_text(now), "tag": tag},
        )
        return [_item(row) for row in rows]

    def indexed_items_with_progress(self, deck: str) -> frozenset[str]:
        """The deck's indexed items that have a schedule or are suspended.

        Looked up from the progress side, one index probe each: the cost follows the progress, not the deck.
        """
        indexed = "EXISTS (SELECT 1 FROM deck_items i WHERE i.deck = :deck AND i.item = p.item)"
        rows = self._db.execute(
            f"SELECT p.item FROM cards p WHERE p.deck = :deck AND {indexed}"
            f" UNION SELECT p.item FROM flags p WHERE p.deck = :deck AND p.suspended = 1 AND {indexed}",
            {"deck": deck},
        )
        return frozenset(row["item"] for row in rows)

    def graded_refs(self, deck: str) -> list[ItemRef]:
        """Every item quizcli can mark by itself, by id and tags, in deck order (that of their ranks), flags aside."""
        rows = self._db.execute(
            "SELECT item, tags FROM deck_items WHERE deck = ? AND graded = 1 ORDER BY position", (deck,)
        )
        return [ItemRef(row["item"], row["tags"]) for row in rows]

    def graded_count(self, deck: str) -> int:
        """How many items quizcli can mark by itself: one more than the highest rank, found without counting."""
        row = self._db.execute(
            "SELECT max(rank) AS top FROM deck_items INDEXED BY deck_items_rank WHERE deck = ? AND rank IS NOT NULL",
            (deck,),
        ).fetchone()
        return 0 if row["top"] is None else int(row["top"]) + 1

    def indexed_cards(self, deck: str) -> list[Card]:
        """Every valid card of the deck, in deck order, as the index holds it."""
        rows = self._db.execute("SELECT data, line FROM deck_cards WHERE deck = ? ORDER BY position", (deck,))
        return [_card(row["data"], row["line"]) for row in rows]

    def markable_cards(self, deck: str) -> int:
        """How many of the deck's cards have a markable item: as many as the items when no card has two."""
        row = self._db.execute("SELECT markable_cards FROM deck_index WHERE deck = ?", (deck,)).fetchone()
        return 0 if row is None else int(row["markable_cards"])

    def items_by_id(self, deck: str, ids: list[str]) -> list[Item]:
        """The indexed items with these ids, in the order asked."""
        found = {row["key"]: _item(row) for row in self._rows_keyed(deck, "item", "", ids, _ITEM)}
        return [found[value] for value in ids]

    def items_by_rank(self, deck: str, ranks: list[int]) -> list[Item]:
        """The markable items at these ranks (places from 0 among them, in deck order), in the order asked."""
        found = {row["key"]: _item(row) for row in self._rows_keyed(deck, "rank", _BY_RANK, ranks, _ITEM)}
        return [found[value] for value in ranks]

    def cards_by_rank(self, deck: str, ranks: list[int]) -> list[str]:
        """The card id of the markable item at each of these ranks, in the order asked; no card is parsed.

        Many ranks (a whole-deck exam asks for all of them) are read as one range of the rank index, not looked
        up a few hundred at a time.
        """
        if len(ranks) <= RANGE_READ:
            found = {row["key"]: row["card"] for row in self._rows_keyed(deck, "rank", _BY_RANK, ranks, "i.card")}
            return [found[value] for value in ranks]
        rows = self._db.execute(
            f"SELECT rank, card FROM deck_items {_BY_RANK} WHERE deck = ? AND rank BETWEEN ? AND ?",
            (deck, min(ranks), max(ranks)),
        )
        in_range = dict(rows.fetchall())
        return [in_range[rank] for rank in ranks]

    def _rows_keyed(
        self, deck: str, key: str, hint: str, values: Sequence[str | int], columns: str
    ) -> Iterator[sqlite3.Row]:
        """The deck's rows (``columns`` of ``deck_items i``) whose ``key`` column holds these values, as ``key``.

        Without statistics SQLite would rather scan the deck's primary key than look ranks
        up, hence the ``hint`` (an ``INDEXED BY`` clause).
        """
        for start in range(0, len(values), 500):  # SQLite limits the number of bound parameters
            chunk = values[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            yield from self._db.execute(
                f"SELECT i.{key} AS key, {columns} FROM deck_items i {hint} WHERE i.deck = ? AND i.{key} IN ({marks})",
                (deck, *chunk),
            )


def _item(row: sqlite3.Row) -> Item:
    """The item in a row of ``deck_items`` (its ``item``, ``card`` and ``data`` columns)."""
    return _parsed(row["item"], row["card"], row["data"], row["line"])


def _parsed(item: str, card: str, data: str, line: int) -> Item:
    return Item(_card(data, line), item[len(card) + 1 :])


def _card(data: str, line: int) -> Card:
    """A card from its row of ``deck_cards``: its JSON, and its line kept beside it."""
    record = json.loads(data)
    record["line"] = line
    return Card.from_record(record)


def _deck_tags(db: sqlite3.Connection, deck: str) -> list[str]:
    rows = db.execute("SELECT DISTINCT tags FROM deck_items WHERE deck = ?", (deck,))
    return sorted({tag for row in rows for tag in row["tags"].split()})


def indexed_tags(path: Path, deck: str) -> list[str]:
    """The deck's tags as last indexed, for shell completion: read-only, no YAML, [] when nothing is known.

    Completion must never create, migrate or lock the database, nor fail: any error reads as no tags.
    """
    try:
        from quizcli.store.read_only import open_read_only

        db = open_read_only(path)
    except sqlite3.Error:
        return []
    try:
        return _deck_tags(db, deck)
    except sqlite3.Error:
        return []
    finally:
        db.close()

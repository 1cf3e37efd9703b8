"""The deck index: each deck file's stamp and summary, and its items, so an unchanged deck is never parsed again.

Each card is kept once, in ``deck_cards``, as ``card.to_record()`` (JSON the store does
not look into), rebuilt with ``Card.from_record``; each of its items is a row of
``deck_items``.  The study queues and the exam draws read items from here.
"""

import itertools
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from quizcli.cards import Card, Item, ItemRef
from quizcli.clock import to_text
from quizcli.scheduler import CardState, State
from quizcli.store.connection import Connection
from quizcli.store.reviews import STATE_COLUMNS, state_from_row

RANGE_READ = 500  # card ids asked for by more ranks than this are read as one range of ranks
WRITE_BATCH = 1_000  # index rows made, then written, at a time
BULK_ITEMS = 5_000  # an index write of more items leaves megabytes of WAL: truncate it afterwards


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
# An item's card, as JSON: read beside the item (``i``), one lookup of its card's row.
_DATA = "(SELECT k.data FROM deck_cards k WHERE k.deck = i.deck AND k.card = i.card) AS data"
_ITEM = f"i.item, i.card, {_DATA}"  # what `_item` reads


class BrokenCard(NamedTuple):
    """An error of a card left out of the index, where its deck file has it."""

    line: int
    column: int
    code: str
    message: str


class _Unfinished(Exception):
    """A streamed index write whose stream stopped short: its transaction is rolled back."""


class Unparsed(NamedTuple):
    """An item as a row of the deck index held it, its card not parsed yet: a session's new items wait so,
    and only those shown are parsed (`parsed`), each as the deck stood when the session began."""

    id: str
    card_id: str
    tag_text: str
    data: str

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(self.tag_text.split())

    def parsed(self) -> Item:
        return _parsed(self.id, self.card_id, self.data)


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
        summary: Callable[[], IndexEntry | None],
        broken: Sequence[BrokenCard] = (),
    ) -> IndexEntry | None:
        """Swap a deck's index for ``cards`` in one transaction; after a big one, shrink the WAL back.

        ``cards`` may be a stream, written as it comes: the deck's ``summary`` (its entry) is asked for once
        they are all written, and None from it undoes the write (the stream stopped short), returning None.
        ``broken`` are the errors of the cards left out, kept so that an unchanged deck need not be parsed
        again to name them.
        SQLite checkpoints the WAL by itself past its auto-checkpoint size but keeps the file at its
        largest, so a big deck's index would leave a WAL as big behind.  A small deck's write never
        gets there, and truncating after it would only cost two more syncs.
        """
        try:
            with self._write(f"the index of {name}") as db:
                entry = self._write_index(db, name, cards, summary, broken)
        except _Unfinished:
            return None
        if entry.items > BULK_ITEMS:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return entry

    @staticmethod
    def _write_index(
        db: sqlite3.Connection,
        name: str,
        cards: Iterable[Card],
        summary: Callable[[], IndexEntry | None],
        broken: Sequence[BrokenCard],
    ) -> IndexEntry:
        db.execute("DELETE FROM deck_items WHERE deck = ?", (name,))
        db.execute("DELETE FROM deck_cards WHERE deck = ?", (name,))
        rows = index_rows(name, cards)
        markable_cards = 0
        while batch := list(itertools.islice(rows, WRITE_BATCH)):  # a stream's parse and writes take turns
            markable_cards += sum(any(row["graded"] for row in item_rows) for _, item_rows in batch)
            db.executemany(
                "INSERT INTO deck_cards (deck, card, position, data) VALUES (:deck, :card, :position, :data)",
                [card_row for card_row, _ in batch],
            )
            db.executemany(
                "INSERT INTO deck_items (deck, item, card, position, graded, tags, rank)"
                " VALUES (:deck, :item, :card, :position, :graded, :tags, :rank)",
                [item_row for _, item_rows in batch for item_row in item_rows],
            )
        entry = summary()
        if entry is None:
            raise _Unfinished
        db.execute(
            "UPDATE deck_items SET seen = 1 WHERE deck = :deck AND item IN (SELECT item FROM cards WHERE deck = :deck)",
            {"deck": name},
        )
        db.execute(
            "INSERT OR REPLACE INTO deck_index (deck, path, size, mtime_ns, parser, digest, indexed_ns, title,"
            " description, cards, items, errors, broken, markable_cards, tags) VALUES (:deck, :path, :size, :mtime_ns,"
            " :parser, :digest, :indexed_ns, :title, :description, :cards, :items, :errors, :broken, :markable_cards,"
            " :tags)",
            {
                "deck": name,
                **entry.stamp._asdict(),
                "title": entry.title,
                "description": entry.description,
                "cards": entry.cards,
                "items": entry.items,
                "errors": entry.errors,
                "broken": json.dumps([list(error) for error in broken], ensure_ascii=False),
                "markable_cards": markable_cards,
                "tags": " ".join(entry.tags),
            },  # fmt: skip
        )
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
        return [Unparsed(id=row["item"], card_id=row["card"], tag_text=row["tags"], data=row["data"]) for row in rows]

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
        rows = self._db.execute("SELECT data FROM deck_cards WHERE deck = ? ORDER BY position", (deck,))
        return [Card.from_record(json.loads(row["data"])) for row in rows]

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


def index_rows(deck: str, cards: Iterable[Card]) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Each card's row of ``deck_cards`` and its rows of ``deck_items``: position counts every item, rank only the
    markable ones (None for the rest)."""
    position = rank = 0
    for place, card in enumerate(cards):
        tags = " ".join(card.tags)  # tags never hold white space (the parser refuses it)
        graded = card.kind.auto_graded
        items = []
        for item in card.items():
            items.append({"deck": deck, "item": item.id, "card": card.id, "position": position,
                          "graded": int(graded), "tags": tags, "rank": rank if graded else None})  # fmt: skip
            position += 1
            rank += graded
        data = json.dumps(card.to_record(), ensure_ascii=False, separators=(",", ":"))
        yield {"deck": deck, "card": card.id, "position": place, "data": data}, items


def _item(row: sqlite3.Row) -> Item:
    """The item in a row of ``deck_items`` (its ``item``, ``card`` and ``data`` columns)."""
    return _parsed(row["item"], row["card"], row["data"])


def _parsed(item: str, card: str, data: str) -> Item:
    return Item(Card.from_record(json.loads(data)), item[len(card) + 1 :])


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

"""Writing a deck's index (``deck_cards``, ``deck_items``, ``deck_index``), loaded only when a deck is re-indexed.

A deck parsed whole replaces its index.  A streamed deck updates it: each card comes with the
digest of its text in the file (its source), and the cards whose text the index already holds
come unparsed, a run of them at a time; their rows stay, and are moved only when their place,
line or first item changed.  Only the cards whose text changed are written again.

What an update needs of the index as it stands, each card's id, source, line, item count and
whether its items are ranked, in deck order, is kept beside it in ``deck_sources``, one row a
deck read and written whole: read row by row from ``deck_cards``, it would cost much of an
update in which one card changed.
"""

from __future__ import annotations  # for array[int], not subscriptable at run time before Python 3.12

import functools
import json
import sqlite3
import sys
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import accumulate
from typing import Any, NamedTuple, Protocol

from quizcli.cards import PARSER_VERSION, SOURCE_BYTES, Card
from quizcli.store.deck_index import BrokenCard, IndexEntry

WRITE_BATCH = 1_000  # index rows made, then written, at a time
BULK_ITEMS = 5_000  # an index write of more items leaves megabytes of WAL: truncate it afterwards
NO_SOURCE = bytes(SOURCE_BYTES)  # the source of a card not to be reused by its text

_INSERT_CARD = (
    "INSERT INTO deck_cards (deck, card, position, data, line) VALUES (:deck, :card, :position, :data, :line)"
)
# An item is new to the index, but not always to the learner: it is seen when it has a schedule.
_INSERT_ITEM = (
    "INSERT INTO deck_items (deck, item, card, position, graded, tags, rank, seen)"
    " VALUES (:deck, :item, :card, :position, :graded, :tags, :rank,"
    " EXISTS (SELECT 1 FROM cards c WHERE c.deck = :deck AND c.item = :item))"
)
# A card's items: its id alone, and its id and ':variant' (card ids hold no colon); apart, as each is one search
# of the primary key, where their OR would scan the deck's items.
_ITEMS_OF = ("deck = :deck AND item = :card", "deck = :deck AND item > :card || ':' AND item < :card || ';'")


class Sourced(Protocol):
    """Consecutive cards of a streamed deck file as the index takes them (`quizcli.parser.Sourced`)."""

    @property
    def card(self) -> Card | None:
        """The one card parsed; None for cards whose texts the index holds parsed already (``sources``)."""

    @property
    def sources(self) -> Sequence[bytes | None]:
        """The digests of the cards' texts in the file; None for a card the index must not reuse so."""

    @property
    def lines(self) -> Sequence[int]:
        """The lines the cards start on."""


Summary = Callable[[int, int], IndexEntry | None]  # (cards, items) -> the deck's entry, None: the stream stopped short
# A deck's streamed cards, made given the indexed cards that may be reused (source digest -> card id) and the
# deck tags they were parsed under.
Streamed = Callable[[Mapping[bytes, str], tuple[str, ...]], Iterable[Sourced]]


class Unfinished(Exception):
    """A streamed index write whose stream stopped short: its transaction is rolled back."""


class _Cards(NamedTuple):
    """A deck's indexed cards in order, as ``deck_sources`` keeps them."""

    ids: list[str]
    sources: list[bytes]
    lines: array[int]
    items: array[int]
    graded: bytearray  # 1: its items are ranked (markable), 0: not


def _no_cards() -> _Cards:
    return _Cards(ids=[], sources=[], lines=array("q"), items=array("q"), graded=bytearray())


def replace_index(
    db: sqlite3.Connection, name: str, cards: Iterable[Card], entry: IndexEntry, broken: Sequence[BrokenCard]
) -> tuple[IndexEntry, int]:
    """Swap the deck's index for ``cards``, none of them reusable by its text: the entry, and the items written."""
    writer = _Writer(db, name, _wiped(db, name))
    writer.write(_Parsed(card, (None,), (card.line,)) for card in cards)
    return _finish(writer, entry, broken)


def update_index(db: sqlite3.Connection, name: str, cards: Streamed, summary: Summary) -> tuple[IndexEntry, int]:
    """Bring the deck's index to the streamed cards ``cards(reusable, tags)`` makes: those whose text has a digest
    in ``reusable`` (the indexed cards, parsed under the deck tags ``tags``) come unparsed and keep their rows.
    The entry, and the items written."""
    entry = db.execute("SELECT parser, cards, items, tags FROM deck_index WHERE deck = ?", (name,)).fetchone()
    indexed = None if entry is None else _indexed(db, name, entry["cards"], entry["items"])
    if indexed is None:
        indexed = _wiped(db, name)
    writer = _Writer(db, name, indexed)
    reusable = dict(zip(indexed.sources, indexed.ids, strict=True))
    reusable.pop(NO_SOURCE, None)
    if entry is None or entry["parser"] != PARSER_VERSION:
        reusable.clear()  # parsed by other rules
    writer.write(cards(reusable, () if entry is None else tuple(entry["tags"].split())))
    del reusable  # not needed past the stream
    summed = _summed(writer, summary)
    writer.delete([place for place, met in enumerate(writer.met) if not met])
    return _finish(writer, summed, ())


class _Parsed(NamedTuple):
    """A card of a deck parsed whole, as the stream's `Sourced` would hand it on, with no source to be known by."""

    card: Card | None
    sources: tuple[bytes | None]
    lines: tuple[int]


def _indexed(db: sqlite3.Connection, name: str, indexed: int, items: int) -> _Cards | None:
    """The deck's indexed cards in order; None when ``deck_sources`` does not describe the ``indexed`` cards and
    their ``items``."""
    row = db.execute("SELECT cards, sources, lines, items, graded FROM deck_sources WHERE deck = ?", (name,)).fetchone()
    if row is None:
        return None
    blob: bytes = row["sources"]
    cards = _Cards(
        ids=row["cards"].split("\n") if row["cards"] else [],
        sources=[blob[start : start + SOURCE_BYTES] for start in range(0, len(blob), SOURCE_BYTES)],
        lines=_unpacked(row["lines"]),
        items=_unpacked(row["items"]),
        graded=bytearray(row["graded"]),
    )
    return cards if all(len(column) == indexed for column in cards) and sum(cards.items) == items else None


def _packed(numbers: array[int]) -> bytes:
    """Integers as ``deck_sources`` keeps them: 8 bytes each, little-endian, whatever the machine."""
    if sys.byteorder == "big":
        numbers = array("q", numbers)
        numbers.byteswap()
    return numbers.tobytes()


def _unpacked(blob: bytes) -> array[int]:
    numbers = array("q", blob)
    if sys.byteorder == "big":
        numbers.byteswap()
    return numbers


def _wiped(db: sqlite3.Connection, name: str) -> _Cards:
    """No card indexed: the deck's rows deleted, all at once."""
    db.execute("DELETE FROM deck_items WHERE deck = ?", (name,))
    db.execute("DELETE FROM deck_cards WHERE deck = ?", (name,))
    return _no_cards()


_Rows = tuple[dict[str, Any], list[dict[str, Any]]]  # a card's row of deck_cards, and its rows of deck_items
_Move = tuple[str, int, int, int, int, int]  # card, new place and line, its items' shifts of place and rank, items


class _Writer:
    """The cards' rows, written a batch at a time as the cards come: a parsed card's rows are inserted (once the
    rows of the indexed card of the same id are deleted), a reused card's rows are moved if its place changed;
    the deck's cards in order are gathered for ``deck_sources``.  Indexed cards are known by their places."""

    def __init__(self, db: sqlite3.Connection, name: str, indexed: _Cards) -> None:
        self.db, self.name, self.indexed = db, name, indexed
        self.first_item = array("q", accumulate(indexed.items, initial=0))  # where each indexed card's items start
        self.first_rank = array("q", accumulate(map(int.__mul__, indexed.items, indexed.graded), initial=0))
        self.met = bytearray(len(indexed.ids))  # 1: the indexed card at that place was met again or replaced
        self.cards = _no_cards()  # the deck's cards as written
        self.items = self.ranks = self.written = 0  # items and ranks given; item rows inserted, moved or deleted

    @functools.cached_property
    def by_source(self) -> dict[bytes, int]:
        """The place of each indexed card of a reusable text, by its digest: asked for only by cards that moved."""
        places = dict(zip(self.indexed.sources, range(len(self.indexed.ids)), strict=True))
        places.pop(NO_SOURCE, None)
        return places

    def write(self, entries: Iterable[Sourced]) -> None:
        parsed: list[_Rows] = []
        moved: list[_Move] = []
        for entry in entries:
            if entry.card is None:
                self._reused(entry.sources, entry.lines, moved)  # type: ignore[arg-type]
            else:
                parsed.append(self._parsed(entry.card, entry.sources[0]))
            if len(parsed) + len(moved) >= WRITE_BATCH:  # a stream's parse and writes take turns
                self._flush(parsed, moved)
                parsed, moved = [], []
        self._flush(parsed, moved)

    def _reused(self, sources: list[bytes], lines: array[int], moved: list[_Move]) -> None:
        """Consecutive cards kept by their texts: in place when they are the indexed cards at this place, on the
        same lines, with their items where they were (the usual edit leaves most cards so); else moved."""
        start, end = len(self.cards.ids), len(self.cards.ids) + len(sources)
        indexed = self.indexed
        if (indexed.sources[start:end] == sources and indexed.lines[start:end] == lines
                and self.first_item[start] == self.items and self.first_rank[start] == self.ranks):  # fmt: skip
            self.met[start:end] = b"\1" * (end - start)
            self.cards.ids.extend(indexed.ids[start:end])
            self.cards.sources.extend(sources)
            self.cards.lines.extend(lines)
            self.cards.items.extend(indexed.items[start:end])
            self.cards.graded.extend(indexed.graded[start:end])
            self.items += self.first_item[end] - self.first_item[start]
            self.ranks += self.first_rank[end] - self.first_rank[start]
            return
        for source, line in zip(sources, lines, strict=True):
            place = self.by_source[source]
            self.met[place] = 1
            card, items, graded = indexed.ids[place], indexed.items[place], indexed.graded[place]
            by, ranks = self.items - self.first_item[place], self.ranks - self.first_rank[place] if graded else 0
            if place != len(self.cards.ids) or line != indexed.lines[place] or by or ranks:
                moved.append((card, len(self.cards.ids), line, by, ranks, items))
            self._add(card, source, line, items, graded)

    def _parsed(self, card: Card, source: bytes | None) -> _Rows:
        card_row, item_rows = card_rows(self.name, card, len(self.cards.ids), self.items, self.ranks)
        self._add(card.id, source or NO_SOURCE, card.line, len(item_rows), int(card.kind.auto_graded))
        return card_row, item_rows

    def _add(self, card: str, source: bytes, line: int, items: int, graded: int) -> None:
        self.cards.ids.append(card)
        self.cards.sources.append(source)
        self.cards.lines.append(line)
        self.cards.items.append(items)
        self.cards.graded.append(graded)
        self.items += items
        self.ranks += items * graded

    def _flush(self, parsed: list[_Rows], moved: list[_Move]) -> None:
        if self.indexed.ids:
            self.delete(self._places([row["card"] for row, _ in parsed]))  # replaced
        self._move(moved)
        self.db.executemany(_INSERT_CARD, [card_row for card_row, _ in parsed])
        item_rows = [item_row for _, rows in parsed for item_row in rows]
        self.db.executemany(_INSERT_ITEM, item_rows)
        self.written += len(item_rows)

    def _places(self, cards: list[str]) -> list[int]:
        """The places of those of these cards the index held (read from deck_cards: no id is looked up in memory)."""
        places = []
        for start in range(0, len(cards), 500):  # SQLite limits the number of bound parameters
            chunk = cards[start : start + 500]
            rows = self.db.execute(
                f"SELECT position FROM deck_cards WHERE deck = ? AND card IN ({', '.join('?' * len(chunk))})",
                (self.name, *chunk),
            )
            places += [row["position"] for row in rows]
        return places

    def delete(self, places: list[int]) -> None:
        """Delete the rows of the indexed cards at these places (replaced, or gone from the file)."""
        keys = [{"deck": self.name, "card": self.indexed.ids[place]} for place in places]
        self.db.executemany("DELETE FROM deck_cards WHERE deck = :deck AND card = :card", keys)
        for items_of in _ITEMS_OF:
            self.db.executemany(f"DELETE FROM deck_items WHERE {items_of}", keys)
        for place in places:
            self.met[place] = 1
            self.written += self.indexed.items[place]

    def _move(self, moved: list[_Move]) -> None:
        """Move reused cards' rows: each card's place and line, and its items' places and ranks by its shifts."""
        keys = [{"deck": self.name, "card": card, "position": position, "line": line, "by": by, "ranks": ranks}
                for card, position, line, by, ranks, _ in moved]  # fmt: skip
        self.db.executemany(
            "UPDATE deck_cards SET position = :position, line = :line WHERE deck = :deck AND card = :card", keys
        )
        shifted = [key for key, (_, _, _, by, ranks, _) in zip(keys, moved, strict=True) if by or ranks]
        for items_of in _ITEMS_OF:
            self.db.executemany(
                f"UPDATE deck_items SET position = position + :by, rank = rank + :ranks WHERE {items_of}", shifted
            )
        self.written += sum(items for _, _, _, by, ranks, items in moved if by or ranks)


def _summed(writer: _Writer, summary: Summary) -> IndexEntry:
    """The deck's entry once its cards are written; `Unfinished` when the stream stopped short."""
    entry = summary(len(writer.cards.ids), writer.items)
    if entry is None:
        raise Unfinished
    return entry


def _finish(writer: _Writer, entry: IndexEntry, broken: Sequence[BrokenCard]) -> tuple[IndexEntry, int]:
    """The deck's entry and its cards in order written, once its cards are; the entry, and the items written."""
    cards = writer.cards
    markable = sum(1 for items, graded in zip(cards.items, cards.graded, strict=True) if items and graded)
    writer.db.execute(
        "INSERT OR REPLACE INTO deck_sources (deck, cards, sources, lines, items, graded) VALUES (?, ?, ?, ?, ?, ?)",
        (writer.name, "\n".join(cards.ids), b"".join(cards.sources), _packed(cards.lines), _packed(cards.items),
         bytes(cards.graded)),
    )  # fmt: skip
    writer.db.execute(
        "INSERT OR REPLACE INTO deck_index (deck, path, size, mtime_ns, parser, digest, indexed_ns, title,"
        " description, cards, items, errors, broken, markable_cards, tags) VALUES (:deck, :path, :size, :mtime_ns,"
        " :parser, :digest, :indexed_ns, :title, :description, :cards, :items, :errors, :broken, :markable_cards,"
        " :tags)",
        {
            "deck": writer.name,
            **entry.stamp._asdict(),
            "title": entry.title,
            "description": entry.description,
            "cards": entry.cards,
            "items": entry.items,
            "errors": entry.errors,
            "broken": json.dumps([list(error) for error in broken], ensure_ascii=False),
            "markable_cards": markable,
            "tags": " ".join(entry.tags),
        },  # fmt: skip
    )
    return entry, writer.written


def card_rows(deck: str, card: Card, place: int, position: int, rank: int) -> _Rows:
    """The card's row of ``deck_cards`` and its rows of ``deck_items``: ``position`` is its first item's place
    among the deck's items, ``rank`` among the markable ones (None for the rest)."""
    tags = " ".join(card.tags)  # tags never hold white space (the parser refuses it)
    graded = card.kind.auto_graded
    items = []
    for item in card.items():
        items.append({"deck": deck, "item": item.id, "card": card.id, "position": position,
                      "graded": int(graded), "tags": tags, "rank": rank if graded else None})  # fmt: skip
        position += 1
        rank += graded
    record = card.to_record()
    del record["line"]  # a column of its own: a card moved by an edit above it keeps its JSON
    data = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    return {"deck": deck, "card": card.id, "position": place, "data": data, "line": card.line}, items

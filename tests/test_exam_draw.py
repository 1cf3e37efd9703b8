"""Exams drawn from the deck index by rank: ranks written when a deck is indexed, and by migration 5 for decks
indexed before it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from quizcli import catalog
from quizcli.decks import DeckFile, Source
from quizcli.parser import load_deck
from quizcli.store import MIGRATIONS, SCHEMA_VERSION, IndexEntry, Stamp, Store, _index_rows

from conftest import LONG_CONTEXT, write_deck


def generated(count: int) -> str:
    """A deck whose ranks are not its card positions: flashcards between the markable cards, two-deletion clozes."""
    cards = []
    for n in range(count):
        head = f"  - id: c{n}\n    tags: [part-{n % 3}]\n"
        body = (
            f"    front: front {n}\n    back: back {n}\n",
            f"    question: pick {n}\n    choices: [one, two, three, four]\n    answer: {'ABCD'[n % 4]}\n",
            f'    cloze: "{{{{c1::first {n}}}}} and {{{{c2::second {n}}}}}"\n',
            f"    question: statement {n}\n    answer: {'true' if n % 2 else 'false'}\n",
        )[n % 4]
        cards.append(head + body)
    return "title: Generated\ncards:\n" + "".join(cards)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "progress.db") as opened:
        yield opened


@pytest.fixture
def big(tmp_path: Path) -> DeckFile:
    return DeckFile("big", write_deck(tmp_path, "big", generated(120)), Source.PATH)


def ranks(db: sqlite3.Connection, deck: str) -> list[tuple[str, int | None]]:
    return db.execute("SELECT item, rank FROM deck_items WHERE deck = ? ORDER BY position", (deck,)).fetchall()


def markable(deck: DeckFile) -> list[str]:
    """The ids of the items an exam can ask, in deck order, from the parsed deck."""
    return [item.id for item in load_deck(deck.path, deck.name).items() if item.card.kind.auto_graded]


def test_indexing_ranks_the_markable_items_in_deck_order(store: Store, big: DeckFile) -> None:
    catalog.open_deck(store, big)
    rows = ranks(store._db, "big")
    ids = markable(big)
    assert [item for item, rank in rows if rank is not None] == ids == [ref.id for ref in store.graded_refs("big")]
    assert [rank for _, rank in rows if rank is not None] == list(range(len(ids)))
    assert [item for item, rank in rows if rank is None] == [f"c{n}" for n in range(0, 120, 4)]  # the flashcards
    assert store.graded_count("big") == len(ids) == 120
    assert store.graded_count("unknown") == 0


def test_items_are_loaded_by_rank_in_the_order_asked(store: Store, big: DeckFile) -> None:
    catalog.open_deck(store, big)
    ids = markable(big)
    wanted = [119, 0, 60, *range(120)] * 5  # more than one query's worth of bound parameters (500)
    assert [item.id for item in store.items_by_rank("big", wanted)] == [ids[rank] for rank in wanted]
    assert store.items_by_rank("big", []) == []


def version_4_database(path: Path, decks: dict[str, Path]) -> None:
    """A database as quizcli wrote it before migration 5, with these decks indexed."""
    db = sqlite3.connect(path)
    for statement in (statement for migration in MIGRATIONS[:4] for statement in migration):
        db.execute(statement)
    for name, deck_path in decks.items():
        cards = load_deck(deck_path, name).cards
        rows = [row[:7] for row in _index_rows(name, cards)]  # every column but the rank
        db.executemany("INSERT INTO deck_items (deck, item, card, position, graded, tags, data)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?)", rows)  # fmt: skip
    db.execute("PRAGMA user_version = 4")
    db.commit()
    db.close()


def test_migration_5_ranks_the_decks_indexed_before_it(tmp_path: Path, big: DeckFile) -> None:
    decks = {"big": big.path, "long-context": LONG_CONTEXT}
    old, new = tmp_path / "old.db", tmp_path / "new.db"
    version_4_database(old, decks)
    with Store.open(old) as migrated, Store.open(new) as fresh:
        assert migrated.schema_version() == SCHEMA_VERSION >= 5
        for name, path in decks.items():
            entry = IndexEntry(name, Stamp(str(path), 0, 0, 0), name, "", 0, 0, 0)
            fresh.replace_index(entry, load_deck(path, name).cards)
            assert ranks(migrated._db, name) == ranks(fresh._db, name)
            assert migrated.graded_count(name) == fresh.graded_count(name) > 0
        assert [item.id for item in migrated.items_by_rank("long-context", [19, 0])] == [
            item.id for item in fresh.items_by_rank("long-context", [19, 0])
        ]
    indexes = {row[0] for row in sqlite3.connect(old).execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "deck_items_rank" in indexes

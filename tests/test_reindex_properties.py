"""Property test: a deck edited any way and re-indexed reusing its unchanged cards has the index a new one writes.

A re-index parses only the cards whose text changed and keeps (moving them if need be) the rows
of the others (`quizcli.store.index_write`).  Whatever the edits, one after another (cards
changed, added, removed, moved, lengthened by a line, made wrong, given another's id; the deck's
title or tags changed), the index kept up to date so must equal, row for row, the index a fresh
database writes from the same file, and the errors named must be the same.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizcli import catalog, parser
from quizcli.decks import DeckFile, Source
from quizcli.diagnostics import Diagnostic
from quizcli.errors import DeckError
from quizcli.store import Store

from conftest import examples

KINDS = ("flashcard", "reversed", "cloze", "choice", "typed")
STYLES = ("block", "flow", "next line")  # next line: the card's first key under its '-', not beside it
STUDIED = ("c1", "c2:reverse", "c3:2", "c4")  # items with progress, in both databases: seen in the index


class CardSpec(NamedTuple):
    id: str | None  # None: derived from its text
    kind: str
    text: int  # which text: a cloze card has 1 to 3 deletions by it
    style: str
    tags: tuple[str, ...]
    longer: bool  # an explanation on a line of its own
    note: bool  # a comment line after it
    broken: bool = False  # a flashcard with no back


class DeckSpec(NamedTuple):
    title: str
    tags: tuple[str, ...]
    cards: tuple[CardSpec, ...]


def fields(card: CardSpec) -> list[tuple[str, str]]:
    words = f"text {card.text} of {card.kind}"
    if card.kind in ("flashcard", "reversed"):
        pairs = [("front", f'"{words}?"')] + ([] if card.broken else [("back", '"The back."')])
        pairs += [("reverse", "true")] if card.kind == "reversed" else []
    elif card.kind == "cloze":
        pairs = [("cloze", '"' + " ".join(f"{{{{c{n}::gap {n}}}}}" for n in range(1, card.text % 3 + 2)) + '"')]
    elif card.kind == "choice":
        pairs = [("question", f'"{words}?"'), ("choices", "[one, two, three]"), ("answer", "B")]
    else:
        pairs = [("question", f'"{words}?"'), ("answer", f'"answer {card.text}"')]
    pairs = ([("id", card.id)] if card.id else []) + pairs
    return pairs + ([("tags", f"[{', '.join(card.tags)}]")] if card.tags else [])


def card_text(card: CardSpec) -> str:
    pairs = fields(card)
    if card.style == "flow":
        text = "  - {" + ", ".join(f"{key}: {value}" for key, value in pairs) + "}\n"
    else:
        lines = [f"    {key}: {value}" for key, value in pairs]
        text = ("  -\n" if card.style == "next line" else "  - " + lines.pop(0).lstrip() + "\n") + "".join(
            f"{line}\n" for line in lines
        )
    text += '    explanation: "Why it is so."\n' if card.longer and card.style != "flow" else ""
    return text + ("  # a note\n" if card.note else "")


def deck_text(deck: DeckSpec) -> str:
    tags = f"tags: [{', '.join(deck.tags)}]\n" if deck.tags else ""
    return f"title: {deck.title}\n{tags}cards:\n" + "".join(card_text(card) for card in deck.cards)


card_specs = st.builds(
    CardSpec,
    id=st.none(),  # given a unique id below, mostly
    kind=st.sampled_from(KINDS),
    text=st.integers(0, 5),
    style=st.sampled_from(STYLES[:1] * 4 + STYLES[1:]),
    tags=st.lists(st.sampled_from(["a", "b"]), max_size=2, unique=True).map(tuple),
    longer=st.booleans(),
    note=st.integers(0, 3).map(lambda n: n == 0),
    broken=st.just(False),
)


@st.composite
def decks(draw: st.DrawFn) -> DeckSpec:
    cards = draw(st.lists(card_specs, min_size=1, max_size=12))
    named = tuple(card._replace(id=None if draw(st.integers(0, 9)) == 0 else f"c{n}") for n, card in enumerate(cards))
    return DeckSpec(draw(st.sampled_from(["One", "Two"])), draw(st.sampled_from([(), ("x",), ("x", "y")])), named)


@st.composite
def edits(draw: st.DrawFn, deck: DeckSpec) -> DeckSpec:
    """The deck after one edit."""
    cards, count = list(deck.cards), len(deck.cards)
    place = draw(st.integers(0, count - 1))
    edit = draw(st.sampled_from(["text", "kind", "longer", "style", "insert", "delete", "move", "deck tags",
                                 "title", "break", "fix", "same id", "nothing"]))  # fmt: skip
    card = cards[place]
    if edit == "text":
        cards[place] = card._replace(text=(card.text + draw(st.integers(1, 5))) % 6)
    elif edit == "kind":
        cards[place] = card._replace(kind=draw(st.sampled_from(KINDS)))
    elif edit == "longer":
        cards[place] = card._replace(longer=not card.longer)
    elif edit == "style":
        cards[place] = card._replace(style=draw(st.sampled_from(STYLES)))
    elif edit == "insert":
        cards.insert(draw(st.integers(0, count)), draw(card_specs)._replace(id=f"n{draw(st.integers(0, 99))}"))
    elif edit == "delete" and count > 1:
        del cards[place]
    elif edit == "move":
        cards.insert(draw(st.integers(0, count - 1)), cards.pop(place))
    elif edit == "deck tags":
        return deck._replace(tags=draw(st.sampled_from([(), ("x",), ("y",)])))
    elif edit == "title":
        return deck._replace(title=draw(st.sampled_from(["One", "Two", "Three"])))
    elif edit in ("break", "fix"):
        cards[place] = card._replace(kind="flashcard", broken=edit == "break")
    elif edit == "same id":
        cards[place] = card._replace(id=cards[draw(st.integers(0, count - 1))].id)
    return deck._replace(cards=tuple(cards))


def index_rows(db: sqlite3.Connection, deck: str) -> dict[str, Any]:
    """Every row of the deck's index, but for when and where from (the stamp's path, mtime and time of indexing)."""
    return {
        "entry": db.execute("SELECT title, description, tags, cards, items, errors, broken, markable_cards, parser,"
                            " size, digest FROM deck_index WHERE deck = ?", (deck,)).fetchall(),
        "cards": db.execute("SELECT * FROM deck_cards WHERE deck = ? ORDER BY position", (deck,)).fetchall(),
        "items": db.execute("SELECT * FROM deck_items WHERE deck = ? ORDER BY position", (deck,)).fetchall(),
        "sources": db.execute("SELECT * FROM deck_sources WHERE deck = ?", (deck,)).fetchall(),
    }  # fmt: skip


def indexed(store: Store, deck: DeckFile) -> tuple[list[Diagnostic], dict[str, Any]]:
    """The errors named as the deck is opened (re-indexed first when it changed), and its index."""
    try:
        errors = catalog.open_valid_cards(store, deck)[1]
    except DeckError as exc:
        errors = list(exc.diagnostics)
    return errors, index_rows(store._db, deck.name)


def studied(store: Store) -> Store:
    for item in STUDIED:
        store._db.execute(
            "INSERT INTO cards (deck, item, state, due, reps, lapses) VALUES ('deck', ?, 2, '2026-11-28', 1, 0)",
            (item,),
        )
    return store


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Chunks of a few cards composed, and batches of a few written, so that every edge between them is met."""
    monkeypatch.setattr(parser, "CHUNK_CARDS", 3)
    monkeypatch.setattr("quizcli.store.index_write.WRITE_BATCH", 4)
    yield


@pytest.fixture(scope="module")
def empty_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database as a first run creates it, made once: each example's databases are copies of it (migrating an
    empty file takes most of an example's time otherwise)."""
    path = tmp_path_factory.mktemp("empty") / "progress.db"
    Store.open(path).close()
    return path


def fresh(empty: Path, path: Path) -> Store:
    shutil.copyfile(empty, path)
    return Store.open(path)


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), deck=decks())
def test_an_index_kept_up_with_edits_is_the_index_a_new_database_writes(
    small_chunks: None, empty_database: Path, data: st.DataObject, deck: DeckSpec
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        deck_file = DeckFile("deck", root / "deck.yaml", Source.PATH)
        deck_file.path.write_text(deck_text(deck), encoding="utf-8")
        with studied(fresh(empty_database, root / "kept.db")) as kept:
            indexed(kept, deck_file)
            for step in range(data.draw(st.integers(1, 4), label="edits")):
                deck = data.draw(edits(deck), label=f"edit {step}")
                deck_file.path.write_text(deck_text(deck), encoding="utf-8")
                with studied(fresh(empty_database, root / f"new-{step}.db")) as new:
                    assert indexed(kept, deck_file) == indexed(new, deck_file), deck_text(deck)

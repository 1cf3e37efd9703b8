"""``quizcli decks``: a summary of every deck, from the index where it is fresh."""

from __future__ import annotations

from typing import Any, NamedTuple

from quizcli.catalog import fresh_entry, reindex
from quizcli.decks import DeckFile
from quizcli.store import Store, StoreError


class DeckSummary(NamedTuple):
    """What ``quizcli decks`` shows of one deck."""

    deck_file: DeckFile
    title: str
    cards: int
    items: int
    errors: int

    def to_dict(self) -> dict[str, Any]:
        return self.deck_file.to_dict() | {
            "title": self.title,
            "cards": self.cards,
            "items": self.items,
            "errors": self.errors,
        }


def summarize(deck_files: list[DeckFile]) -> list[DeckSummary]:
    """A summary of each deck, from the index (re-indexing changed decks); parsed directly when the
    progress database cannot be opened, so listing decks works even on a read-only data directory."""
    try:
        store = Store.open()
    except StoreError:
        return [_parsed_summary(deck_file) for deck_file in deck_files]
    with store:
        return [_indexed_summary(store, deck_file) for deck_file in deck_files]


def _indexed_summary(store: Store, deck_file: DeckFile) -> DeckSummary:
    entry = fresh_entry(store, deck_file) or reindex(store, deck_file)
    return DeckSummary(deck_file, entry.title, entry.cards, entry.items, entry.errors)


def _parsed_summary(deck_file: DeckFile) -> DeckSummary:
    from quizcli.parser import read_deck

    result = read_deck(deck_file.path, deck_file.name)
    deck = result.deck
    return DeckSummary(deck_file, deck.title, len(deck.cards), sum(1 for _ in deck.items()), len(result.errors))

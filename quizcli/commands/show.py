"""``quizcli show``: the deck to print, from the deck index while its file is unchanged."""

from quizcli import catalog
from quizcli.cards import Deck
from quizcli.decks import resolve_deck
from quizcli.store import Store, StoreError


def shown_deck(deck: str) -> Deck:
    """Every card of the deck, read from the index (re-indexed first when the file changed); parsed from the
    file when the progress database cannot be used (a read-only home, a damaged database)."""
    deck_file = resolve_deck(deck)
    try:
        with Store.open_to_read() as store:
            return catalog.indexed_deck(store, deck_file)
    except StoreError:
        from quizcli.parser import load_deck

        return load_deck(deck_file.path, deck_file.name)

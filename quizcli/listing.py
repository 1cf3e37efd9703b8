"""``quizcli decks``: a summary of every deck, from the index where it is fresh."""

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from quizcli.catalog import fresh_entry, reindex
from quizcli.decks import DeckFile, Source
from quizcli.store import DamagedError, Store, StoreError
from quizcli.text import inert

MIN_PATH = 20  # characters of a deck's path kept however narrow the terminal (the file name, at least)


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
    except DamagedError:
        raise
    except StoreError:
        return [_parsed_summary(deck_file) for deck_file in deck_files]
    with store:
        return [_indexed_summary(store, deck_file) for deck_file in deck_files]


def _indexed_summary(store: Store, deck_file: DeckFile) -> DeckSummary:
    entry = fresh_entry(store, deck_file) or reindex(store, deck_file)
    return DeckSummary(
        deck_file=deck_file, title=entry.title, cards=entry.cards, items=entry.items, errors=entry.errors
    )


def _parsed_summary(deck_file: DeckFile) -> DeckSummary:
    from quizcli.parser import read_deck

    result = read_deck(deck_file.path, deck_file.name)
    deck = result.deck
    return DeckSummary(
        deck_file=deck_file,
        title=deck.title,
        cards=len(deck.cards),
        items=sum(1 for _ in deck.items()),
        errors=len(result.errors),
    )


def deck_lines(rows: Sequence[DeckSummary], width: int) -> list[str]:
    """One aligned line per deck under a header, the path last, titles cut to fit ``width``.

    Plain text rather than a Rich table: the list is printed before anything else is needed,
    and loading Rich to draw it would cost more than finding and summarising the decks.
    """
    if not rows:
        return ["No decks found."]
    cells = [_deck_cells(row) for row in rows]
    header = ("deck", "title", "cards", "source", "path")
    widths = [max(len(row[i]) for row in [header, *cells]) for i in range(4)]
    widths[1] = min(widths[1], max(12, width - widths[0] - widths[2] - widths[3] - 30))
    path_width = max(MIN_PATH, width - sum(widths) - 2 * len(widths) - 1)
    return [_deck_line(row, widths, path_width) for row in [header, *cells]]


def decks_dir_line(rows: Sequence[DeckSummary], decks_dir: Path) -> str:
    """Where your decks are looked for, said even (and most of all) when there are none yet."""
    if any(row.deck_file.source is Source.USER for row in rows):
        return f"Your decks directory: {inert(str(decks_dir))}"
    none_yet = "No decks of your own yet; 'quizcli new NAME' writes one into your decks directory:"
    return f"{none_yet}\n  {inert(str(decks_dir))}"


def _fitted_path(path: str, width: int) -> str:
    """A path cut to ``width`` from the left, so its file name stays: ``…/decks/long-context.yaml``."""
    home = str(Path.home())
    if path.startswith(home + os.sep):
        path = "~" + path[len(home) :]
    return path if len(path) <= width else "…" + path[len(path) - width + 1 :]


def _deck_cells(row: DeckSummary) -> tuple[str, str, str, str, str]:
    title = f"{row.errors} error(s): run quizcli check" if row.errors else row.title
    deck_file = row.deck_file
    return inert(deck_file.name), inert(title), str(row.cards), str(deck_file.source), inert(str(deck_file.path))


def _deck_line(cells: tuple[str, ...], widths: list[int], path_width: int) -> str:
    name, title, cards, source, path = cells
    if len(title) > widths[1]:
        title = title[: widths[1] - 1] + "…"
    path = _fitted_path(path, path_width)
    columns = (name.ljust(widths[0]), title.ljust(widths[1]), cards.rjust(widths[2]), source.ljust(widths[3]), path)
    return "  ".join(columns)

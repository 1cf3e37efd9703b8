"""Decks as sessions and exams use them: indexed in the progress database, re-read only when the file changes.

Like git's index, each deck's entry is stamped with the file's path, size,
modification time (ns) and the parser version; a deck whose stamp matches is
used straight from the database, so starting a session costs the same for 100
cards as for 100,000.  An edit made in the same instant the index was written
could keep size and mtime ("racy" in git's words), so within that window the
content digest decides.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from quizcli.cards import PARSER_VERSION
from quizcli.decks import DeckFile, read_deck_file
from quizcli.errors import DeckError, QuizcliError
from quizcli.store import IndexEntry, Stamp, Store
from quizcli.text import blake2b_hex, os_text

if TYPE_CHECKING:
    from quizcli.exam import ExamSource
    from quizcli.parser import ParseResult

RACY_WINDOW_NS = 2_000_000_000
Progress = Callable[[int, int], None]


def open_deck(store: Store, deck_file: DeckFile, on_card: Progress | None = None) -> IndexEntry:
    """The deck's index entry, rebuilt first when the file changed; a deck with errors raises `DeckError`."""
    entry, parsed = fresh_entry(store, deck_file), None
    if entry is None:
        entry, parsed = _reindex(store, deck_file, on_card)
    if entry.errors:
        if parsed is None:  # indexed with errors earlier: the index keeps their count, not their text
            from quizcli.parser import read_deck

            parsed = read_deck(deck_file.path, deck_file.name)
        raise DeckError(parsed.diagnostics)
    return entry


def fresh_entry(store: Store, deck_file: DeckFile) -> IndexEntry | None:
    """The deck's index entry while it still describes the file; None when the file must be parsed again.

    In the racy window the content decides.  Once the content has been checked
    at a moment past the window, the entry is re-stamped with that moment: any
    later edit gets a newer mtime, so the next runs need not read the file.
    """
    entry = store.index_entry(deck_file.name)
    if entry is None:
        return None
    stat, stamp = stat_deck(deck_file), entry.stamp
    if (stamp.path, stamp.size, stamp.mtime_ns, stamp.parser) != (
        _key(deck_file), stat.st_size, stat.st_mtime_ns, PARSER_VERSION
    ):  # fmt: skip
        return None
    if stat.st_mtime_ns < stamp.indexed_ns - RACY_WINDOW_NS:
        return entry
    if _digest(read_deck_file(deck_file.path)) != stamp.digest:
        return None
    checked_ns = time.time_ns()
    if checked_ns - RACY_WINDOW_NS > stat.st_mtime_ns:
        store.restamp_index(deck_file.name, checked_ns)
    return entry


def reindex(store: Store, deck_file: DeckFile, on_card: Progress | None = None) -> IndexEntry:
    """Parse the deck file and replace its index entry (cards only when it has no errors)."""
    return _reindex(store, deck_file, on_card)[0]


def _reindex(store: Store, deck_file: DeckFile, on_card: Progress | None) -> tuple[IndexEntry, ParseResult]:
    from quizcli.parser import parse_bytes

    indexed_ns = time.time_ns()
    stat = stat_deck(deck_file)
    raw = read_deck_file(deck_file.path)
    if on_card is not None:
        on_card(0, 0)  # the parse is about to start: time to show progress
    result = parse_bytes(raw, str(deck_file.path), deck_file.name, on_card)
    deck = result.deck
    if on_card is not None:
        on_card(len(deck.cards), len(deck.cards))
    stamp = Stamp(
        path=_key(deck_file),
        size=len(raw),
        mtime_ns=stat.st_mtime_ns,
        parser=PARSER_VERSION,
        digest=_digest(raw),
        indexed_ns=indexed_ns,
    )
    entry = IndexEntry(
        name=deck_file.name,
        stamp=stamp,
        title=deck.title,
        description=deck.description,
        cards=len(deck.cards),
        items=sum(1 for _ in deck.items()),
        errors=len(result.errors),
    )
    store.replace_index(entry, () if entry.errors else deck.cards)
    return entry, result


def exam_source(store: Store, entry: IndexEntry) -> ExamSource:
    """What an exam draws from, out of the index: the drawn questions' cards are loaded by rank or id, and every
    markable item's reference (id and tags) is read at most once, and only when asked for."""
    from quizcli.exam import ExamSource

    name = entry.name
    refs = functools.cache(lambda: tuple(store.graded_refs(name)))
    return ExamSource(
        name=name,
        title=entry.title,
        cards=entry.cards,
        markable=store.graded_count(name),
        refs=refs,
        load=lambda ids: store.items_by_id(name, ids),
        load_ranked=lambda ranks: store.items_by_rank(name, ranks),
        cards_ranked=lambda ranks: store.cards_by_rank(name, ranks),
    )


def _key(deck_file: DeckFile) -> str:
    return os_text(str(deck_file.path.resolve()))


def stat_deck(deck_file: DeckFile) -> os.stat_result:
    try:
        return deck_file.path.stat()
    except OSError as exc:
        raise QuizcliError(f"cannot read deck {deck_file.path}: {exc.strerror or exc}") from exc


def _digest(raw: bytes) -> str:
    return blake2b_hex(raw, 16)

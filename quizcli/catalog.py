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
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

from quizcli.cards import PARSER_VERSION, Deck
from quizcli.decks import DeckFile, read_deck_file
from quizcli.errors import DeckError, QuizcliError
from quizcli.store import BrokenCard, IndexEntry, Stamp, Store
from quizcli.text import blake2b_hex, os_text, plural

if TYPE_CHECKING:
    from quizcli.diagnostics import Diagnostic
    from quizcli.exam import ExamSource
    from quizcli.parser import CardStream, ParseResult, Sourced

RACY_WINDOW_NS = 2_000_000_000
MAX_NAMED_ERRORS = 10  # a session names this many of a deck's errors at its start; check lists them all
Progress = Callable[[int, int], None]


def open_deck(store: Store, deck_file: DeckFile, on_card: Progress | None = None) -> IndexEntry:
    """The deck's index entry, rebuilt first when the file changed; a deck with errors raises `DeckError`."""
    entry, broken = open_valid_cards(store, deck_file, on_card)
    if broken:
        raise DeckError(broken)
    return entry


def open_valid_cards(
    store: Store, deck_file: DeckFile, on_card: Progress | None = None
) -> tuple[IndexEntry, list[Diagnostic]]:
    """The deck's index entry (its valid cards) and the errors of the cards left out, for a session to go on with.

    A deck with no valid card, or one that is not YAML at all, raises `DeckError` with
    every problem, read again from the file.  The index keeps the errors of the cards it
    left out, so an unchanged deck with broken cards is not parsed again to name them.
    """
    entry, parsed = fresh_entry(store, deck_file), None
    if entry is None:
        entry, parsed = _reindex(store, deck_file, on_card)
    if not entry.errors:
        return entry, []
    if not entry.cards:
        from quizcli.parser import read_deck

        raise DeckError((parsed or read_deck(deck_file.path, deck_file.name)).diagnostics)
    if parsed is not None:
        return entry, parsed.errors
    return entry, [_diagnostic(deck_file, broken) for broken in store.broken_cards(deck_file.name)]


def _diagnostic(deck_file: DeckFile, broken: BrokenCard) -> Diagnostic:
    from quizcli.diagnostics import Diagnostic, Severity

    return Diagnostic(path=str(deck_file.path), line=broken.line, column=broken.column, severity=Severity.ERROR,
                      code=broken.code, message=broken.message)  # fmt: skip


def indexed_deck(store: Store, deck_file: DeckFile) -> Deck:
    """The whole deck as the index holds it (re-indexed first when the file changed), without parsing an unchanged
    file: what ``quizcli show`` prints.  A deck with errors raises `DeckError`."""
    entry = open_deck(store, deck_file)
    cards = tuple(store.indexed_cards(entry.name))
    return Deck(name=entry.name, path=str(deck_file.path), title=entry.title, description=entry.description,
                tags=entry.tags, cards=cards)  # fmt: skip


def left_out_notice(deck: str, broken: list[Diagnostic]) -> str:
    """What a session says once at its start about the cards it leaves out: each error at its ``path:line``."""
    shown = [f"  {d.path}:{d.line}:{d.column}: {d.message} [{d.code}]" for d in broken[:MAX_NAMED_ERRORS]]
    if len(broken) > MAX_NAMED_ERRORS:
        shown.append(f"  and {len(broken) - MAX_NAMED_ERRORS} more")
    head = f"Cards with errors are left out until fixed ({plural(len(broken), 'error')}; quizcli check {deck}):"
    return "\n".join([head, *shown])


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
    """Parse the deck file and replace its index entry with its valid cards."""
    return _reindex(store, deck_file, on_card)[0]


def _reindex(store: Store, deck_file: DeckFile, on_card: Progress | None) -> tuple[IndexEntry, ParseResult | None]:
    """Parse the deck into its index: streamed card by card when it can be (a clean deck of the usual shape), so
    memory does not grow with the deck; else parsed whole, which reports every problem at once."""
    from quizcli.parser import card_stream, parse_bytes

    indexed_ns = time.time_ns()
    stat = stat_deck(deck_file)
    raw = read_deck_file(deck_file.path)
    if on_card is not None:
        on_card(0, 0)  # the parse is about to start: time to show progress
    stamp = Stamp(
        path=_key(deck_file),
        size=len(raw),
        mtime_ns=stat.st_mtime_ns,
        parser=PARSER_VERSION,
        digest=_digest(raw),
        indexed_ns=indexed_ns,
    )
    name = deck_file.name
    stream = card_stream(raw, str(deck_file.path), name)
    if stream is not None:
        entry = _streamed(store, name, stamp, stream, on_card)
        if entry is not None:
            return entry, None
    result = parse_bytes(raw, str(deck_file.path), name, on_card)
    deck = result.deck
    if on_card is not None:
        on_card(len(deck.cards), len(deck.cards))
    parsed = IndexEntry(
        name=name,
        stamp=stamp,
        title=deck.title,
        description=deck.description,
        cards=len(deck.cards),
        items=sum(1 for _ in deck.items()),
        errors=len(result.errors),
        tags=deck.tags,
    )
    broken = [BrokenCard(line=d.line, column=d.column, code=d.code, message=d.message) for d in result.errors]
    store.replace_index(name, deck.cards, parsed, broken)  # the valid cards, even when others have errors
    return parsed, result


def _streamed(store: Store, name: str, stamp: Stamp, stream: CardStream, on_card: Progress | None) -> IndexEntry | None:
    """The deck streamed into its index, parsing only the cards whose text the index does not hold (under the same
    deck tags); None when the stream stopped short, so the deck must be parsed whole."""

    def cards(reusable: Mapping[bytes, str], tags: tuple[str, ...]) -> Iterator[Sourced]:
        stream.reusing(reusable, tags)
        return stream.cards(on_card)

    def summary(cards: int, items: int) -> IndexEntry | None:
        if not stream.complete:
            return None
        return IndexEntry(name=name, stamp=stamp, title=stream.title, description=stream.description,
                          cards=cards, items=items, errors=0, tags=stream.tags)  # fmt: skip

    entry = store.update_index(name, cards, summary)
    if entry is not None and on_card is not None:
        on_card(entry.cards, entry.cards)
    return entry


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
        markable_cards=store.markable_cards(name),
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

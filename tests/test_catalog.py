"""The deck index: an unchanged deck is never parsed again, and any change to it is always picked up."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from quizcli import catalog, parser
from quizcli.cards import PARSER_VERSION, Card, Item
from quizcli.decks import DeckFile, Source, read_deck_file
from quizcli.errors import DeckError
from quizcli.store import Store

from conftest import LONG_CONTEXT, write_deck

DECK = "title: {title}\ncards:\n  - {{id: a, front: {front}, back: y}}\n  - {{id: b, question: q, choices: [x, z], answer: A}}\n"


@pytest.fixture
def deck(tmp_path: Path) -> DeckFile:
    path = tmp_path / "mine.yaml"
    path.write_text(DECK.format(title="One", front="x"))
    return DeckFile("mine", path, Source.PATH)


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every parse of a deck file, by path: streamed into the index, or whole (a deck that cannot stream)."""
    seen: list[str] = []
    real, real_stream = parser.parse_bytes, parser.card_stream

    def counting(raw: bytes, path: str, name: str, on_card: object = None) -> parser.ParseResult:
        seen.append(path)
        return real(raw, path, name, on_card)  # type: ignore[arg-type]

    def streaming(raw: bytes, path: str, name: str) -> parser.CardStream | None:
        stream = real_stream(raw, path, name)
        if stream is None:
            return None
        cards = stream.cards

        def read_through(on_card: parser.ProgressCallback | None = None) -> Iterator[parser.Sourced]:
            yield from cards(on_card)
            if stream.complete:  # a stream stopped short (at an error) is then parsed whole, and counted so
                seen.append(path)

        stream.cards = read_through  # type: ignore[method-assign]
        return stream

    monkeypatch.setattr(parser, "parse_bytes", counting)
    monkeypatch.setattr(parser, "card_stream", streaming)
    return seen


def age(path: Path, seconds: int = 60) -> None:
    """Move the file's mtime into the past, out of the racy window."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - seconds * 1_000_000_000))


def test_an_unchanged_deck_is_parsed_once(store: Store, deck: DeckFile, parses: list[str]) -> None:
    age(deck.path)
    first = catalog.open_deck(store, deck)
    again = catalog.open_deck(store, deck)
    assert parses == [str(deck.path)]
    assert first == again and (first.title, first.cards, first.items) == ("One", 2, 2)
    assert [item.id for item in new_items(store)] == ["a", "b"]


def test_an_edit_that_changes_the_size_is_picked_up(store: Store, deck: DeckFile, parses: list[str]) -> None:
    age(deck.path)
    catalog.open_deck(store, deck)
    deck.path.write_text(DECK.format(title="Two!", front="x"))
    assert catalog.open_deck(store, deck).title == "Two!"
    assert len(parses) == 2


def test_an_edit_that_keeps_the_size_and_the_second_is_picked_up(
    store: Store, deck: DeckFile, parses: list[str]
) -> None:
    catalog.open_deck(store, deck)
    stat = deck.path.stat()
    deck.path.write_text(DECK.format(title="Owe", front="x"))  # same size, written at once
    os.utime(deck.path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the very same mtime
    assert deck.path.stat().st_size == stat.st_size
    assert catalog.open_deck(store, deck).title == "Owe"  # the digest settles the racy case
    assert len(parses) == 2


def test_an_edit_that_keeps_the_size_with_a_new_mtime_is_picked_up(
    store: Store, deck: DeckFile, parses: list[str]
) -> None:
    age(deck.path, 120)
    catalog.open_deck(store, deck)
    deck.path.write_text(DECK.format(title="One", front="w"))
    age(deck.path, 60)
    entry = catalog.open_deck(store, deck)
    assert len(parses) == 2
    [item] = [i for i in new_items(store) if i.id == "a"]
    assert item.card.prompt == "w" and entry.cards == 2


def test_a_new_parser_version_rebuilds_every_index(
    store: Store, deck: DeckFile, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    age(deck.path)
    catalog.open_deck(store, deck)
    monkeypatch.setattr(catalog, "PARSER_VERSION", PARSER_VERSION + 1)
    catalog.open_deck(store, deck)
    assert len(parses) == 2


def test_another_file_with_the_same_name_is_indexed_anew(store: Store, deck: DeckFile, tmp_path: Path) -> None:
    catalog.open_deck(store, deck)
    other = tmp_path / "elsewhere" / "mine.yaml"
    other.parent.mkdir()
    other.write_text(DECK.format(title="Elsewhere", front="x"))
    assert catalog.open_deck(store, DeckFile("mine", other, Source.USER)).title == "Elsewhere"


def test_a_deck_with_errors_reports_them_every_time_until_fixed(
    store: Store, deck: DeckFile, parses: list[str]
) -> None:
    deck.path.write_text("cards:\n  - id: a\n    front: x\n")
    for opened in (1, 2):
        with pytest.raises(DeckError) as caught:
            catalog.open_deck(store, deck)
        assert [d.message for d in caught.value.diagnostics] == ["missing 'back'"]
        assert len(parses) == opened  # once to index it, then once a run for the messages: never twice a run
    deck.path.write_text(DECK.format(title="Fixed", front="x"))
    assert catalog.open_deck(store, deck).title == "Fixed"


def test_removed_cards_leave_the_index(store: Store, deck: DeckFile) -> None:
    catalog.open_deck(store, deck)
    deck.path.write_text("cards:\n  - {id: b, question: q, choices: [x, z], answer: A}\n")
    assert catalog.open_deck(store, deck).cards == 1
    assert [item.id for item in new_items(store)] == ["b"]


def _now() -> datetime:
    from quizcli.clock import now

    return now()


def new_items(store: Store, now: datetime | None = None) -> list[Item]:
    """The deck's first ten new items, their cards parsed from the index as a session shows them."""
    return [entry.parsed() for entry in store.new_items("mine", now or _now(), 10, None)]


def test_a_racy_entry_is_checked_once_then_trusted(
    store: Store, deck: DeckFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog.open_deck(store, deck)  # indexed in the same instant the file was written: racy
    later = time.time_ns() + 5_000_000_000
    monkeypatch.setattr(time, "time_ns", lambda: later)
    reads: list[Path] = []

    def read(path: Path) -> bytes:
        reads.append(path)
        return read_deck_file(path)

    monkeypatch.setattr(catalog, "read_deck_file", read)
    catalog.open_deck(store, deck)  # content compared, past the window: re-stamped
    catalog.open_deck(store, deck)  # trusted on its stamp
    assert reads == [deck.path]
    assert store.index_entry("mine").stamp.indexed_ns == later  # type: ignore[union-attr]


def test_new_items_follow_answers_undo_reset_and_reindexing(store: Store, deck: DeckFile) -> None:
    from quizcli.scheduler import Rating, Settings, new_card, review
    from quizcli.store import Answer

    catalog.open_deck(store, deck)
    now = _now()
    after = review(new_card(now), Rating.GOOD, now, Settings(), "mine/a")
    review_id = store.record(Answer("mine", "a", Rating.GOOD, now, new_card(now), after, Settings()))

    def new() -> list[str]:
        return [item.id for item in new_items(store, now)]

    assert new() == ["b"]
    deck.path.write_text(DECK.format(title="Re-indexed", front="x"))
    catalog.open_deck(store, deck)
    assert new() == ["b"]  # a rebuilt index still knows what was studied
    store.undo(review_id, "mine", "a", None)
    assert new() == ["a", "b"]
    store.record(Answer("mine", "b", Rating.GOOD, now, new_card(now), after, Settings()))
    assert new() == ["a"]
    store.reset("mine")
    assert new() == ["a", "b"]


def test_a_big_index_write_leaves_no_wal_behind_and_a_small_one_skips_the_extra_syncs(
    store: Store, deck: DeckFile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wal = tmp_path / "progress.db-wal"
    catalog.reindex(store, deck)  # 2 items: SQLite's own checkpointing is enough
    assert wal.stat().st_size > 0
    monkeypatch.setattr("quizcli.store.index_write.BULK_ITEMS", 1)
    deck.path.write_text(DECK.format(title="Two", front="w"))  # card a written again: its two rows, out and in
    catalog.reindex(store, deck)
    assert wal.stat().st_size == 0
    entry = store.index_entry("mine")
    assert entry is not None and entry.title == "Two"


def test_has_tag_matches_whole_tags_only(store: Store, deck: DeckFile) -> None:
    deck.path.write_text("cards:\n  - {id: a, front: x, back: y, tags: [part-1, attention]}\n")
    catalog.open_deck(store, deck)
    assert store.has_tag("mine", "part-1") and store.has_tag("mine", "attention")
    assert not store.has_tag("mine", "part") and not store.has_tag("mine", "tention")
    assert store.deck_tags("mine") == ["attention", "part-1"]


def test_an_index_written_by_the_previous_parser_version_is_rebuilt_once(
    store: Store, deck: DeckFile, parses: list[str], tmp_path: Path
) -> None:
    """Version 1 kept each card as a list of its fields by position; such an index is parsed again, once."""
    age(deck.path)
    catalog.open_deck(store, deck)
    positional = ["a", "flashcard", "v", "y", [], [], False, True, None, [], None, False, "", [], [], True, 3]
    with sqlite3.connect(tmp_path / "progress.db") as db:
        db.execute("UPDATE deck_cards SET data = ?", (json.dumps(positional),))
        db.execute("UPDATE deck_index SET parser = 1")
    catalog.open_deck(store, deck)
    catalog.open_deck(store, deck)
    assert len(parses) == 2
    items = new_items(store)
    assert [(item.id, item.card.to_dict()) for item in items] == [
        (card.id, card.to_dict()) for card in parser.read_deck(deck.path, "mine").deck.cards
    ]


def index_of(store: Store, deck: DeckFile) -> tuple[tuple[object, ...], list[tuple[object, ...]]]:
    """The deck's index entry (its stamp aside) and rows, after indexing it."""
    entry = catalog.reindex(store, deck)
    rows = store._db.execute("SELECT * FROM deck_items WHERE deck = ? ORDER BY position", (deck.name,)).fetchall()
    return (entry.title, entry.description, entry.cards, entry.items, entry.errors), [tuple(row) for row in rows]


WHOLE_ONLY = {
    "keys after the cards": "cards:\n  - {id: a, front: x, back: y}\ntitle: Late\n",
    "an error": "cards:\n  - {id: a, front: x}\n  - {id: b, front: x, back: y}\n",
    "a duplicate id": "cards:\n  - {id: a, front: x, back: y}\n  - {id: a, front: z, back: y}\n",
    "an alias": "t: &t x\ncards:\n  - {id: a, front: *t, back: y}\n",
    "a syntax error": "cards:\n  - {id: a, front: x, back: y}\n  - [unclosed\n",
    "no cards": "title: Empty\ncards: []\n",
    "two documents": "cards:\n  - {id: a, front: x, back: y}\n---\ncards: []\n",
    # libyaml counts these as line breaks, and the stream counts lines by '\n' alone.
    "a line separator in a text": 'cards:\n  - {id: a, front: "x\u2028y", back: y}\n  - {id: b, front: x, back: y}\n',
    "a lone carriage return in a text": 'cards:\n  - {id: a, front: "x\ry", back: y}\n  - {id: b, front: x, back: y}\n',
}


CUT_LOOKALIKES = {
    "a quoted text with a line like an entry": 'cards:\n  - id: a\n    front: "one\n  - two"\n    back: b\n'
    + "".join(f"  - {{id: c{n}, front: x, back: y}}\n" for n in range(9)),
    "a list of cards at the left margin": "cards:\n- id: a\n  front: x\n  back: y\n- id: b\n  question: q\n"
    "  choices:\n  - one\n  - two\n  answer: A\n",
    "comments and blank lines between cards": "title: T\ncards:\n  # first\n\n  - {id: a, front: x, back: y}\n\n"
    "  # second\n  - {id: b, front: x, back: y}\n# the end\n",
}


@pytest.mark.parametrize(
    "text",
    [LONG_CONTEXT.read_text(encoding="utf-8"), *CUT_LOOKALIKES.values(), *WHOLE_ONLY.values()],
    ids=["bundled", *CUT_LOOKALIKES, *WHOLE_ONLY],
)
def test_a_streamed_index_is_the_index_a_whole_parse_writes(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    """Card lines included (they are in each row's data), across chunks of a few cards."""
    monkeypatch.setattr(parser, "CHUNK_CARDS", 4)
    deck = DeckFile("mine", write_deck(tmp_path, "mine", text), Source.PATH)
    streamed = index_of(store, deck)
    monkeypatch.setattr(parser, "card_stream", lambda *args: None)
    assert streamed == index_of(store, deck)


def test_a_deck_streams_into_its_index_one_card_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[int] = []
    real = parser._card

    def counting(*args: object) -> Card | None:
        parsed.append(1)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(parser, "_card", counting)
    stream = parser.card_stream(LONG_CONTEXT.read_bytes(), str(LONG_CONTEXT), "long-context")
    assert stream is not None
    handed_on = []
    for entry in stream.cards():
        assert entry.card is not None and entry.sources != [None] and entry.lines == [entry.card.line]
        handed_on.append(entry.card.id)
        assert len(parsed) == len(handed_on)  # each card is handed on as soon as it is parsed
    assert stream.complete and stream.title == "Long-Context Attention Issues" and len(handed_on) == 30


@pytest.mark.parametrize("reason", list(WHOLE_ONLY))
def test_a_deck_that_cannot_stream_says_so(reason: str) -> None:
    stream = parser.card_stream(WHOLE_ONLY[reason].encode(), "mine.yaml", "mine")
    assert stream is None or (list(stream.cards()) is not None and not stream.complete)


@pytest.mark.parametrize(
    "text",
    [
        LONG_CONTEXT.read_text(encoding="utf-8"),
        "title: T\ndescription: D\ntags: [one, two]\ncards:\n- {front: a, back: b}\n",
    ],
)
def test_show_prints_an_unchanged_deck_from_the_index_as_the_parse_gives_it(
    tmp_path: Path, parses: list[str], text: str
) -> None:
    from typer.testing import CliRunner

    from quizcli.cli import app

    path = write_deck(tmp_path, "shown", text)
    age(path)
    expected = parser.read_deck(path, "shown").deck.to_dict()
    for _ in range(2):  # indexed as it is first shown, then read from the index
        shown = CliRunner().invoke(app, ["show", str(path), "--json"])
        assert json.loads(shown.stdout) == expected
    assert len(parses) == 2  # the parse above, and the index


def test_a_reindex_shows_its_progress_bar_once_it_has_lasted_a_moment() -> None:
    """On the clock given: a re-index done sooner (most cards unchanged) shows nothing, a longer one its bar."""
    import io

    from rich.console import Console

    from quizcli import ui

    for lasted in (ui.BAR_AFTER_S / 2, ui.BAR_AFTER_S):
        out, clock = io.StringIO(), iter([0.0, 0.0, lasted])  # started, first report, second report
        with ui.indexing_progress(Console(file=out, force_terminal=True, width=80), "big", True, clock.__next__) as on:
            assert on is not None
            on(0, 0)
            on(500, 1000)
        assert ("indexing big" in out.getvalue()) is (lasted >= ui.BAR_AFTER_S)


@pytest.mark.parametrize("line_break", ["\u2028", "\x85", "\u2029", "\r"])
def test_cards_after_a_line_break_libyaml_counts_keep_their_lines_after_an_edit(
    store: Store, deck: DeckFile, line_break: str
) -> None:
    """A text may hold a line break that is not '\\n'; the cards after it are on the lines the whole parse says."""
    text = (
        f'title: One\ncards:\n  - {{id: a, front: "x{line_break}y", back: y}}\n  - id: b\n    front: x\n    back: y\n'
    )
    for title in ("One", "Two"):  # indexed, then re-indexed after an edit that leaves the cards as they were
        deck.path.write_text(text.replace("One", title), encoding="utf-8")
        catalog.reindex(store, deck)
        parsed = parser.read_deck(deck.path, "mine").deck.cards
        assert [card.line for card in store.indexed_cards("mine")] == [card.line for card in parsed] == [3, 5]

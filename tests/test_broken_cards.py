"""One bad card never blocks a session: study and exam go on with the valid cards and name the broken ones once
at the start, `check` still fails, and the broken card's progress waits for it to be fixed."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizcli import catalog
from quizcli.cli import app
from quizcli.decks import DeckFile, Source
from quizcli.errors import DeckError
from quizcli.store import Store

from conftest import write_deck

runner = CliRunner()
GOOD = "cards:\n  - id: a\n    front: Hello\n    back: World\n  - id: b\n    question: Two plus two?\n    answer: '4'\n"
BROKEN = (
    "cards:\n  - id: a\n    front: Hello\n    back: World\n  - id: b\n    qestion: Two plus two?\n    answer: '4'\n"
)
LEFT_OUT = "Cards with errors are left out until fixed (1 error; quizcli check mine):"


def test_the_valid_cards_are_indexed_and_the_errors_kept_for_the_message(store: Store, tmp_path: Path) -> None:
    deck = DeckFile("mine", write_deck(tmp_path, "mine", BROKEN), Source.PATH)
    for _ in (1, 2):  # indexed, then from the index: the messages each time until fixed
        entry, broken = catalog.open_valid_cards(store, deck)
        assert (entry.cards, entry.errors) == (1, 1)
        assert [(d.line, d.column, d.code) for d in broken] == [(6, 5, "E102")]
    assert [row.id for row in store.new_items("mine", _now(), 10, None)] == ["a"]
    with pytest.raises(DeckError):  # what needs every card (show, export) still refuses
        catalog.open_deck(store, deck)


def test_an_unchanged_deck_with_broken_cards_names_them_from_the_index_without_parsing_it(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from quizcli import parser

    deck = DeckFile("mine", write_deck(tmp_path, "mine", BROKEN), Source.PATH)
    _, first = catalog.open_valid_cards(store, deck)

    def no_parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the deck was parsed again")

    for name in ("read_deck", "parse_bytes", "card_stream"):
        monkeypatch.setattr(parser, name, no_parse)
    entry, again = catalog.open_valid_cards(store, deck)
    assert again == first and len(first) == 1 and entry.errors == 1
    assert catalog.left_out_notice("mine", again) == catalog.left_out_notice("mine", first)


def test_a_deck_with_no_valid_card_still_refuses(store: Store, tmp_path: Path) -> None:
    deck = DeckFile("mine", write_deck(tmp_path, "mine", "cards:\n  - id: a\n    front: x\n"), Source.PATH)
    with pytest.raises(DeckError):
        catalog.open_valid_cards(store, deck)


def test_study_goes_on_with_the_valid_cards_naming_the_broken_ones_once(quizcli_home: Path, tmp_path: Path) -> None:
    path = write_deck(tmp_path, "mine", BROKEN)
    result = runner.invoke(app, ["study", str(path)], input="\n3\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.count(LEFT_OUT) == 1
    said = " ".join(result.stdout.split())  # the screen wraps long lines
    assert f"{path}:6:5: unknown key 'qestion' in card (did you mean 'question'?) [E102]" in said
    assert result.stdout.index(LEFT_OUT) < result.stdout.index("Hello")
    assert "Studied 1 card in" in result.stdout


def test_exam_goes_on_with_the_valid_cards(quizcli_home: Path, tmp_path: Path) -> None:
    path = write_deck(
        tmp_path, "mine", BROKEN.replace("front: Hello\n    back: World", "question: Hi?\n    answer: yo")
    )
    result = runner.invoke(app, ["exam", str(path)], input="yo\n")
    assert result.exit_code == 0, result.output
    assert result.stderr.count(LEFT_OUT) == 1 and f"{path}:6:5:" in result.stderr
    assert "Score: 1/1 (100%)" in result.stdout


def test_check_still_fails(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(write_deck(tmp_path, "mine", BROKEN))])
    assert result.exit_code == 1 and "1 error" in result.stdout


def test_a_broken_cards_progress_is_kept_until_it_is_fixed(quizcli_home: Path, tmp_path: Path) -> None:
    path = write_deck(tmp_path, "mine", GOOD)
    assert runner.invoke(app, ["study", str(path)], input="\n3\n4\n").exit_code == 0  # a: Good; b: right, Easy
    path.write_text(BROKEN)
    studied = runner.invoke(app, ["study", str(path), "--cram"], input="q\n")
    assert studied.exit_code == 0 and LEFT_OUT in studied.stdout
    with Store.open() as store:
        assert store.items_with_progress("mine") == {"a", "b"}
    path.write_text(GOOD)
    assert "W203" not in runner.invoke(app, ["check", str(path)]).stdout  # b's history was never dropped


def _now() -> datetime:
    from quizcli import clock

    return clock.now()

"""`quizcli add`: a card asked for (from piped lines here) or given as options, checked as `check` checks it, and
appended to the deck with every other byte of the file kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizcli.cli import app
from quizcli.parser import read_deck

from conftest import write_deck

runner = CliRunner()
DECK = (
    "# yaml-language-server: $schema=x   \n"
    "title: Mine   # a comment\n"
    "cards:\n"
    "  # the first card\n"
    "  - id: a\n"
    "    front: Hello\n"
    "    back: World\n"
    "\n"
    "# the end\n"
)


def add(deck: Path, *args: str, lines: list[str] | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["add", str(deck), *args], input=None if lines is None else "\n".join(lines) + "\n")


def test_a_flashcard_from_options_is_appended_keeping_every_other_byte(tmp_path: Path) -> None:
    deck = write_deck(tmp_path, "mine", DECK)
    result = add(deck, "--front", "Ratio: 3 to 1", "--back", "Three parts to one", "--tag", "maths")
    assert result.exit_code == 0, result.output
    assert f"Added 'ratio-3-to-1' to {deck} (line 8)." in result.stdout
    text = deck.read_text()
    head, tail = DECK.split("\n\n# the end")
    assert text == (
        f"{head}\n"
        "  - id: ratio-3-to-1\n"
        '    front: "Ratio: 3 to 1"\n'
        "    back: Three parts to one\n"
        "    tags: [maths]\n"
        f"\n# the end{tail}"
    )
    parsed = read_deck(deck)
    assert parsed.diagnostics == [] and [c.id for c in parsed.deck.cards] == ["a", "ratio-3-to-1"]


def test_cards_asked_for_line_by_line_one_after_another(tmp_path: Path) -> None:
    deck = write_deck(tmp_path, "mine", DECK)
    lines = [
        "choice", "Pick the bigger one", ">> x", "> y", "", "A", "", "",  # kind, question, choices, answer, no extras
        "", "y",  # the suggested id; another
        "typed", "Is it?", "no", "nope", "", "", "", "its-no", "n",
    ]  # fmt: skip
    result = add(deck, lines=lines)
    assert result.exit_code == 0, result.output
    assert "Added 'pick-the-bigger-one' to" in result.stdout and "Added 'its-no' to" in result.stdout
    cards = read_deck(deck).deck.cards
    assert [(c.id, c.kind.name) for c in cards] == [
        ("a", "flashcard"),
        ("pick-the-bigger-one", "choice"),
        ("its-no", "typed"),
    ]
    assert cards[1].content.choices == (">> x", "> y")  # type: ignore[attr-defined]
    assert cards[2].content.answer == "no" and cards[2].content.accept == ("nope",)  # type: ignore[attr-defined]
    assert read_deck(deck).diagnostics == []  # 'no' was quoted: no W204


def test_a_field_is_checked_as_soon_as_it_is_given(tmp_path: Path) -> None:
    deck = write_deck(tmp_path, "mine", DECK)
    lines = ["choice", "Pick", "x", "", "x", "y", "", "C", "B", "", "", "", "n"]
    result = add(deck, lines=lines)
    assert result.exit_code == 0, result.output
    assert "A choice card needs at least 2 choices." in result.stdout
    assert "C is not a choice: the card has 2 choices (A-B)." in result.stdout
    assert [c.id for c in read_deck(deck).deck.cards] == ["a", "pick"]


def test_a_card_with_an_error_is_explained_as_check_would_and_asked_again(tmp_path: Path) -> None:
    deck = write_deck(tmp_path, "mine", DECK)
    lines = ["flashcard", "Hi", "there", "", "", "a", "Hi", "there", "", "", "", "n"]  # the id 'a' is taken
    result = add(deck, lines=lines)
    assert result.exit_code == 0, result.output
    assert f"{deck}:8:5: error: duplicate id 'a' (first used on line 5) [E107]" in result.stdout
    assert "Not added; enter the card again." in result.stdout
    assert [c.id for c in read_deck(deck).deck.cards] == ["a", "hi"]


def test_options_with_an_error_write_nothing_and_exit_1(tmp_path: Path) -> None:
    deck = write_deck(tmp_path, "mine", DECK)
    result = add(deck, "--cloze", "nothing hidden")
    assert result.exit_code == 1
    assert f"{deck}:9:12: error: cloze text has no {{{{...}}}} deletion" in result.stderr
    assert "quizcli: error: card not added" in result.stderr
    assert deck.read_text() == DECK


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("cards: []  # none yet\ntitle: T\n", "cards:  # none yet\n  - id: what\n    cloze: A {{gap}}\ntitle: T\n"),
        (
            "cards:\n- id: x\n  front: a\n  back: b\ntitle: T",
            "cards:\n- id: x\n  front: a\n  back: b\n- id: what\n  cloze: A {{gap}}\ntitle: T",
        ),
        (
            "cards:\r\n  - id: x\r\n    front: a\r\n    back: b\r\n",
            "cards:\r\n  - id: x\r\n    front: a\r\n    back: b\r\n  - id: what\r\n    cloze: A {{gap}}\r\n",
        ),
    ],
)
def test_the_card_follows_the_decks_layout(tmp_path: Path, before: str, after: str) -> None:
    deck = tmp_path / "mine.yaml"
    deck.write_bytes(before.encode())
    result = add(deck, "--cloze", "A {{gap}}", "--id", "what")
    assert result.exit_code == 0, result.output
    assert deck.read_bytes() == after.encode()


def test_a_generated_id_is_unique_in_the_deck(tmp_path: Path) -> None:
    deck = write_deck(tmp_path, "mine", DECK)
    for _ in (1, 2):
        assert add(deck, "--question", "Is the sky blue?", "--answer", "true").exit_code == 0
    cards = read_deck(deck).deck.cards
    assert [(c.id, c.kind.name) for c in cards[1:]] == [
        ("is-the-sky-blue", "true-false"),
        ("is-the-sky-blue-2", "true-false"),
    ]


def test_cards_from_stdin_as_yaml_or_json_get_readable_ids(tmp_path: Path) -> None:
    deck = write_deck(tmp_path, "mine", DECK)
    given = '[{"front": "What is a sink?", "back": "A token"}, {"id": "own", "question": "Is it?", "answer": false}]'
    result = runner.invoke(app, ["add", str(deck), "--stdin"], input=given)
    assert result.exit_code == 0, result.output
    assert f"Added 'what-is-a-sink', 'own' to {deck} (line 8)." in result.stdout
    assert deck.read_text().startswith(DECK.split("\n\n# the end")[0] + "\n  - id: what-is-a-sink\n")
    cards = read_deck(deck).deck.cards
    assert [(c.id, c.kind.name) for c in cards] == [
        ("a", "flashcard"),
        ("what-is-a-sink", "flashcard"),
        ("own", "true-false"),
    ]
    one = runner.invoke(app, ["add", str(deck), "--stdin"], input="cloze: The {{middle}} is lost\n")
    assert one.exit_code == 0 and "Added 'the-middle-is-lost'" in one.stdout


def test_cards_from_stdin_with_an_error_add_nothing(tmp_path: Path) -> None:
    deck = write_deck(tmp_path, "mine", DECK)
    result = runner.invoke(
        app, ["add", str(deck), "--stdin"], input="- front: ok\n  back: fine\n- frnt: x\n  back: y\n"
    )
    assert result.exit_code == 1
    assert "<stdin>:3:3: error: unknown key 'frnt' in flashcard (did you mean 'front'?) [E102]" in result.stderr
    taken = runner.invoke(app, ["add", str(deck), "--stdin"], input="id: a\nfront: x\nback: y\n")
    assert taken.exit_code == 1 and "duplicate id 'a' (first used on line 5)" in taken.stderr
    assert deck.read_text() == DECK


def test_a_deck_that_is_not_valid_yaml_or_an_unknown_kind_is_refused(tmp_path: Path) -> None:
    broken = write_deck(tmp_path, "broken", "cards:\n  - id: a\n    front: [x\n")
    result = add(broken, "--front", "x", "--back", "y")
    assert result.exit_code == 1 and "is not a valid deck file; fix it first (quizcli check broken)" in result.stderr
    assert broken.read_text() == "cards:\n  - id: a\n    front: [x\n"
    unknown = add(write_deck(tmp_path, "mine", DECK), "--kind", "essay", lines=[])
    assert unknown.exit_code == 1 and "unknown card kind 'essay'" in unknown.stderr


def test_a_boolean_looking_typed_answer_is_written_quoted_so_check_has_nothing_to_say(tmp_path: Path) -> None:
    deck = write_deck(tmp_path, "mine", DECK)
    result = add(deck, "--question", "Is it", "--answer", "yes", "--kind", "typed")
    assert result.exit_code == 0 and "Added 'is-it'" in result.stdout and result.stderr == ""
    assert '    answer: "yes"\n' in deck.read_text() and read_deck(deck).diagnostics == []

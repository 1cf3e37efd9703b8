"""`quizcli add`: a card asked for (from piped lines here) or given as options, checked as `check` checks it, and
appended to the deck with every other byte of the file kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from typer.testing import CliRunner

from quizcli.adding import add_card, add_cards, card_fields
from quizcli.cards import Card, normalise_prompt
from quizcli.cli import app
from quizcli.kinds import all_kinds
from quizcli.kinds.authoring import Answer
from quizcli.kinds.choice import Choice
from quizcli.kinds.flashcard import Flashcard
from quizcli.kinds.matching import Matching
from quizcli.kinds.typed import Typed
from quizcli.parser import parse_deck, read_deck

from conftest import write_deck
from test_interop_properties import (
    SETTINGS,
    SPECIAL,
    choice_cards,
    cloze_cards,
    distinct,
    flashcards,
    matching_cards,
    ordering_cards,
    text,
    true_false_cards,
    typed_cards,
)

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


KIND_PROMPT = f"Kind ({', '.join(kind.name for kind in all_kinds())}) [flashcard]"


def test_piped_answers_are_echoed_after_their_prompts_one_a_line(tmp_path: Path) -> None:
    deck = write_deck(tmp_path, "mine", DECK)
    lines = ["matching", "Match the capitals", "Paris -> France", "Rome", "Rome -> Italy", "", "", "geo", "", "n"]
    result = add(deck, lines=lines)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{KIND_PROMPT}: matching",
        "Question: Match the capitals",
        "Pair 1 (item -> match; empty line ends): Paris -> France",
        "Pair 2 (item -> match; empty line ends): Rome",
        "Write a pair as item -> match, e.g. Paris -> France (an item cannot hold '->' here).",
        "Pair 2 (item -> match; empty line ends): Rome -> Italy",
        "Pair 3 (item -> match; empty line ends):",
        "Explanation (optional):",
        "Tags (optional; separated by spaces): geo",
        "Id [match-the-capitals]:",
        f"Added 'match-the-capitals' to {deck} (line 8).",
        "Add another? [y/N]: n",
    ]
    [_, card] = read_deck(deck).deck.cards
    assert card.content.pairs == (("Paris", "France"), ("Rome", "Italy"))  # type: ignore[attr-defined]
    assert card.tags == ("geo",)


def test_piped_input_that_ends_inside_a_card_says_the_card_was_not_added(tmp_path: Path) -> None:
    deck = write_deck(tmp_path, "mine", DECK)
    result = add(deck, lines=["ordering", "Count up", "one"])
    assert result.exit_code == 1, result.output
    assert (
        result.stdout
        == f"{KIND_PROMPT}: ordering\nQuestion: Count up\nItem 1 (in the right order; empty line ends): one\n"
    )
    assert result.stderr == "quizcli: error: the input ended before the card was complete; it was not added\n"
    assert deck.read_text() == DECK


def test_piped_input_that_ends_between_cards_ends_quietly(tmp_path: Path) -> None:
    deck = write_deck(tmp_path, "mine", DECK)
    result = add(deck, lines=["flashcard", "Capital of Peru?", "Lima", "", "", "", "y"])
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    assert result.stdout.endswith("Add another? [y/N]: y\n")
    assert "Capital of Peru?" in deck.read_text()


def test_an_ordering_card_is_asked_for_item_by_item_until_it_has_two(tmp_path: Path) -> None:
    deck = write_deck(tmp_path, "mine", DECK)
    lines = ["ordering", "Count up", "one", "", "one", "two", "three", "", "", "", "", "n"]
    result = add(deck, lines=lines)
    assert result.exit_code == 0, result.output
    assert "An ordering card needs at least 2 items." in result.stdout
    assert deck.read_text().endswith(
        "  - id: count-up\n    question: Count up\n    order:\n      - one\n      - two\n      - three\n\n# the end\n"
    )
    assert read_deck(deck).diagnostics == []


def test_matching_and_ordering_cards_from_options(tmp_path: Path) -> None:
    deck = write_deck(tmp_path, "mine", DECK)
    pairs = ["--pair", "Paris -> France", "--pair", "Rome->Italy, of course"]
    assert add(deck, "--question", "Capitals?", *pairs, "--id", "capitals").exit_code == 0
    assert add(deck, "--question", "Steps?", "--order", "Plan: first", "--order", "Do").exit_code == 0
    text = deck.read_text()
    assert '    pairs:\n      - [Paris, France]\n      - [Rome, "Italy, of course"]\n' in text
    assert '    order:\n      - "Plan: first"\n      - Do\n' in text
    cards = read_deck(deck).deck.cards
    assert [(c.id, c.kind.name) for c in cards] == [("a", "flashcard"), ("capitals", "matching"), ("steps", "ordering")]


def test_what_is_wrong_with_options_is_said_as_when_asked_and_nothing_is_written(tmp_path: Path) -> None:
    deck = write_deck(tmp_path, "mine", DECK)
    no_arrow = add(deck, "--question", "Capitals?", "--pair", "Paris France", "--pair", "Rome -> Italy")
    assert no_arrow.exit_code == 1
    assert "Write a pair as item -> match" in no_arrow.stderr and "card not added" in no_arrow.stderr
    one_item = add(deck, "--question", "Steps?", "--order", "Do")
    assert one_item.exit_code == 1 and "An ordering card needs at least 2 items." in one_item.stderr
    not_a_truth = add(deck, "--kind", "true-false", "--question", "Is it?", "--answer", "maybe")
    assert not_a_truth.exit_code == 1 and "Answer true or false." in not_a_truth.stderr
    out_of_range = add(deck, "--question", "Which?", "--choice", "x", "--choice", "y", "--answer", "C")
    assert out_of_range.exit_code == 1 and "C is not a choice: the card has 2 choices (A-B)." in out_of_range.stderr
    assert deck.read_text() == DECK


def test_options_of_two_kinds_or_of_another_kind_are_refused(tmp_path: Path) -> None:
    deck = write_deck(tmp_path, "mine", DECK)
    mixed = add(deck, "--front", "x", "--order", "a", "--order", "b")
    assert mixed.exit_code == 1 and "no kind of card has all of front, order" in mixed.stderr
    foreign = add(deck, "--kind", "flashcard", "--front", "x", "--back", "y", "--choice", "z")
    assert foreign.exit_code == 1
    assert "a flashcard has no choices (its fields: front, back, explanation, tags)" in foreign.stderr
    assert deck.read_text() == DECK


@pytest.mark.parametrize(
    ("options", "kind"),
    [
        (["--question", "Q", "--answer", "true"], "true-false"),
        (["--question", "Q", "--answer", "yes"], "typed"),
        (["--question", "Q", "--answer", "x", "--accept", "y"], "typed"),
        (["--question", "Q", "--choice", "x", "--choice", "y", "--answer", "a b"], "choice"),
        (["--question", "Q", "--pair", "x -> y", "--pair", "z -> w"], "matching"),
        (["--question", "Q", "--order", "x", "--order", "y"], "ordering"),
        (["--cloze", "A {{gap}}"], "cloze"),
    ],
)
def test_the_options_given_decide_the_kind_as_a_decks_keys_do(tmp_path: Path, options: list[str], kind: str) -> None:
    deck = write_deck(tmp_path, "mine", DECK)
    result = add(deck, *options)
    assert result.exit_code == 0, result.output
    assert read_deck(deck).deck.cards[-1].kind.name == kind


def test_matching_and_ordering_cards_from_stdin(tmp_path: Path) -> None:
    deck = write_deck(tmp_path, "mine", DECK)
    given = (
        '[{"question": "Pair up", "pairs": [["a, b", "c"], ["d", "e: f"]]}, {"question": "Sort", "order": ["z", "y"]}]'
    )
    result = runner.invoke(app, ["add", str(deck), "--stdin"], input=given)
    assert result.exit_code == 0, result.output
    cards = read_deck(deck).deck.cards
    assert cards[1].content.pairs == (("a, b", "c"), ("d", "e: f"))  # type: ignore[attr-defined]
    assert cards[2].content.items == ("z", "y")  # type: ignore[attr-defined]


def test_every_kind_says_what_add_asks_it_for_and_the_help_names_it() -> None:
    help_text = " ".join(runner.invoke(app, ["add", "--help"]).stdout.split())
    for kind in all_kinds():
        asked = kind.asks()
        assert asked and {ask.key for ask in asked} <= set(kind.keys), kind
        assert kind.name in help_text


# ---- what add writes reads back as the card it was given ---------------------------------------------------------


def answers_for(card: Card) -> dict[str, Answer]:
    """What ``add`` is given for ``card``, from its JSON form: true/false as the word, a pair as ``item -> match``."""
    data = card.content.to_json()
    answers = {ask.key: typed_in(data[ask.key]) for ask in card.kind.asks()}
    return answers | {"explanation": card.explanation, "tags": list(card.tags)}


def typed_in(value: Any) -> Answer:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return [f"{entry[0]} -> {entry[1]}" if isinstance(entry, list) else entry for entry in value]


def one_right_option_is_single_answer(card: Card) -> bool:
    """``add`` takes letters: one letter is a single-answer card, so a select-all card has two or more."""
    return not isinstance(card.content, Choice) or not card.content.multiple or len(card.content.correct) > 1


# Text YAML would read as something else unless quoted: booleans, null, numbers, indicators, a key.
YAML_LOOKALIKES = ["yes", "No", "on", "OFF", "y", "n", "true", "False", "null", "Null", "~", "nan", ".inf", "3.10",
                   "0x1F", "1e3", "- x", "? x", "x: y", "x #y", "'x'", '"x"', "*x", "&x", "!x", "%x", "@x", "`x`",
                   "{x}", "[x]", ">x", "|x", "x:", "x, y"]  # fmt: skip
any_text = st.text(st.characters(codec="utf-8"), min_size=1, max_size=30).map(str.strip).filter(normalise_prompt)
no_arrow = st.one_of(text(SPECIAL), any_text, st.sampled_from(YAML_LOOKALIKES)).filter(lambda t: "->" not in t)


@st.composite
def flashcards_and_typed(draw: st.DrawFn) -> Card:
    """Fronts, backs and typed answers of any text, YAML look-alikes among them (``answer: "yes"`` stays typed)."""
    if draw(st.booleans()):
        return Card(id="", content=Flashcard(front=draw(no_arrow), back=draw(no_arrow)))
    answers = draw(st.lists(no_arrow, min_size=1, max_size=3).filter(distinct))
    return Card(id="", content=Typed(question=draw(no_arrow), answer=answers[0], accept=tuple(answers[1:])))


added_cards = st.one_of(
    flashcards().map(lambda card: card._replace(content=card.content._replace(reverse=False))),  # type: ignore[attr-defined]
    flashcards_and_typed(),
    choice_cards(no_arrow).filter(one_right_option_is_single_answer),
    matching_cards(no_arrow),
    ordering_cards(no_arrow),
    true_false_cards(),
    typed_cards(tolerance=False),
    cloze_cards(),
)


@SETTINGS
@given(
    card=added_cards,
    explanation=st.one_of(st.just(""), text(SPECIAL)),
    tags=st.lists(st.from_regex(r"[a-z][a-z0-9_-]{0,6}", fullmatch=True), max_size=3, unique=True),
)
def test_the_card_add_writes_reads_back_as_the_card_given(card: Card, explanation: str, tags: list[str]) -> None:
    card = card._replace(explanation=explanation, tags=tuple(tags))
    added = add_card(DECK, "mine.yaml", "mine", "new", card_fields(card.kind, answers_for(card)))
    assert added.text.startswith(DECK.split("\n\n# the end")[0]) and added.text.endswith("\n\n# the end\n")
    assert added.result.diagnostics == []
    [_, new] = added.result.deck.cards
    assert (new.content, new.explanation, new.tags) == (card.content, card.explanation, card.tags)
    assert parse_deck(added.text, "mine.yaml", "mine").deck.cards == added.result.deck.cards


def without_shuffling(card: Card) -> Card:
    return card._replace(content=card.content._replace(shuffle=False)) if isinstance(card.content, Choice) else card


given_cards = st.one_of(
    flashcards(),
    flashcards_and_typed(),
    choice_cards(no_arrow),
    choice_cards().map(without_shuffling),
    matching_cards(no_arrow),
    ordering_cards(no_arrow),
    true_false_cards(),
    typed_cards(),
    cloze_cards(numbered=True),
)


@SETTINGS
@given(cards=st.lists(given_cards, min_size=1, max_size=3), explanation=st.one_of(st.just(""), no_arrow))
@example(  # a colon inside a flow list is YAML's mapping indicator there: such text is quoted
    cards=[Card(id="", content=Matching(question="0", pairs=(("0", "0"), ("A:?", "00"))), explicit_id=True)],
    explanation="",
)
def test_cards_given_on_stdin_are_written_to_read_back_as_given(cards: list[Card], explanation: str) -> None:
    cards = [card._replace(id=f"card-{n}", explanation=explanation, tags=("t",)) for n, card in enumerate(cards)]
    added = add_cards(DECK, "mine.yaml", "mine", cards)
    assert added.result.diagnostics == []
    assert [(c.id, c.content, c.explanation, c.tags) for c in added.result.deck.cards[1:]] == [
        (c.id, c.content, c.explanation, c.tags) for c in cards
    ]

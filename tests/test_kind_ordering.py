"""Ordering cards: parsed with located diagnostics, asked shuffled, marked per position in an exam, exported."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from kind_helpers import located_errors, marked_answer, one_item_json, the_only_card
from terminal import finish, press
from test_study_tty import spawn
from typer.testing import CliRunner

from quizcli.cards import Card, Deck, Item
from quizcli.cli import app
from quizcli.exam import ExamOptions, plan_exam
from quizcli.grading import grade, make_question
from quizcli.interop.aiken import export_aiken
from quizcli.interop.anki_export import export_anki
from quizcli.interop.gift_export import export_gift
from quizcli.kinds.ordering import Ordering, read_order

from conftest import write_deck

runner = CliRunner()
ITEMS = ("Split the context", "Summarize each part", "Process the summaries")
DECK = """\
title: Order
cards:
  - id: o
    question: Put the steps in order.
    order:
      - Split the context
      - Summarize each part
      - Process the summaries
"""


def card() -> Card:
    return Card(id="o", content=Ordering(question="Put the steps in order.", items=ITEMS))


def letters_in_order(order: tuple[int, ...]) -> str:
    """The right answer: for each place, the letter the item of that place is shown at."""
    return " ".join("ABC"[order.index(place)] for place in range(3))


def test_an_ordering_card_is_read_with_one_item_and_its_json_form() -> None:
    parsed = the_only_card(DECK, "o")
    assert parsed.content == Ordering(question="Put the steps in order.", items=ITEMS)
    assert parsed.to_dict() == one_item_json("o", "ordering", question="Put the steps in order.", order=list(ITEMS))


def test_every_problem_of_every_ordering_card_is_reported_at_its_place() -> None:
    text = """\
cards:
  - id: b
    question: One item
    order: [only]
  - id: c
    question: Twice
    order: [one, two, One]
  - id: d
    question: An empty one
    order: [one, '  ']
"""
    assert located_errors(text, "o") == [
        "4:12 E106 an ordering card needs 2 to 26 items, found 1",
        "7:23 E108 item 3 repeats item 1",
        "10:18 E104 'order item' is empty",
    ]


@pytest.mark.parametrize(
    ("response", "expected"),
    [("C A B", [2, 0, 1]), ("cab", [2, 0, 1]), ("3 1 2", [2, 0, 1]), ("c, a, b", [2, 0, 1]), ("C A", [2, 0]),
     ("D A B", None), ("A A B", None), ("4 1 2", None), ("", None), ("C then A", None)],
)  # fmt: skip
def test_an_order_is_read_as_letters_or_shown_numbers(response: str, expected: list[int] | None) -> None:
    assert read_order(response, 3) == expected


def test_study_marks_the_whole_order_and_an_exam_each_place() -> None:
    question = make_question(Item(card(), ""), random.Random(1))
    assert sorted(question.options) == sorted(ITEMS) and question.stems == ()
    right = letters_in_order(question.order)
    assert grade(question, right).correct and question.expected() == right
    first, second, third = right.split()
    verdict = grade(question, f"{first} {third} {second}")
    assert not verdict.correct and verdict.credit == pytest.approx(1 / 3)
    assert grade(question, first).credit == pytest.approx(1 / 3)  # an order begun: the rest are misplaced


def test_without_shuffling_the_items_are_never_shown_in_their_right_order() -> None:
    for items in (ITEMS, ("a", "b"), tuple("abcdef")):
        question = make_question(Item(Card(id="o", content=Ordering(question="q", items=items)), ""), None)
        assert question.options != items and sorted(question.options) == sorted(items)
        assert make_question(Item(Card(id="o", content=Ordering(question="q", items=items)), ""), None) == question


def test_an_exam_gives_a_share_per_item_in_its_place() -> None:
    exam = plan_exam(Deck("o", "o.yaml", "Order", cards=(card(),)), ExamOptions(seed=3))
    first, second, third = letters_in_order(exam.questions[0].order).split()
    result = marked_answer(exam, f"{first} {third} {second}", 2.0)
    assert (result.score, result.percent, result.outcomes[0].correct) == (0.33, 33, False)


def test_exam_and_study_in_line_mode(user_decks: Path) -> None:
    write_deck(user_decks, "order", DECK)
    exam = runner.invoke(app, ["exam", "order", "--no-shuffle", "--json"], input="A C B\n")
    data = json.loads(exam.stdout)
    assert "(type the letters in order, e.g. C A B (or 3 1 2))" in exam.stderr
    assert (data["score"], data["questions"][0]["expected"]) == (1, "A C B")
    study = runner.invoke(app, ["study", "order", "--seed", "1"], input="A B C\n\n")
    assert "Type the letters in order, e.g. C A B (or 3 1 2), then Enter" in study.stdout
    assert "Your answer: A B C" in study.stdout and "Studied 1 card" in study.stdout


def test_exports_anki_as_a_noted_basic_note_and_refuse_gift_and_aiken_with_a_reason() -> None:
    deck = Deck("o", "o.yaml", "Order", cards=(card(),))
    anki = export_anki(deck)
    assert "<br><br>- Process the summaries<br>- Split the context<br>- Summarize each part\t" in anki.text
    assert "\t1. Split the context<br>2. Summarize each part<br>3. Process the summaries\t" in anki.text
    assert [n.reason for n in anki.noted] == [
        "an ordering card: written as a Basic note to recall the order by yourself"
    ]
    gift = export_gift(deck)
    assert gift.text == "" and [left.reason for left in gift.left] == [
        "ordering card: GIFT has no ordering question (Moodle's ordering type has no GIFT syntax)"
    ]
    assert [left.reason for left in export_aiken(deck).left] == [
        "ordering card: Aiken holds single-answer multiple choice only"
    ]


def test_an_ordering_card_in_a_terminal(quizcli_home: Path, user_decks: Path) -> None:
    write_deck(user_decks, "order", DECK)
    child = spawn(quizcli_home, "order", "--seed", "1")
    press(child, "", "C) ", "Type the letters in order", "Your answer: ")
    press(child, "z\n", "✗ Wrong", "Enter: Again")
    press(child, "q", "Session over")  # records the suggested Again, then quits
    assert finish(child) == 0

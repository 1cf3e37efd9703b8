"""Matching cards: parsed with located diagnostics, asked as a whole, marked per pair in an exam, exported."""

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
from quizcli.interop.gift import import_gift
from quizcli.interop.gift_export import export_gift
from quizcli.kinds.matching import Matching, read_matches

from conftest import REPO, write_deck

runner = CliRunner()
PAIRS = (("Attention sink", "Excessive attention"), ("Verbatim repetition", "Repeated text"),
         ("Attention collapse", "Similar heads"))  # fmt: skip
DECK = """\
title: Match
cards:
  - id: m
    question: Match each issue.
    pairs:
      - [Attention sink, Excessive attention]
      - [Verbatim repetition, Repeated text]
      - [Attention collapse, Similar heads]
    explanation: From the lesson's table.
"""


def card() -> Card:
    return Card(id="m", content=Matching(question="Match each issue.", pairs=PAIRS), explanation="From the table.")


def right_answer(order: tuple[int, ...]) -> str:
    """The letters in number order: item i's match is shown at ``order.index(i)``."""
    return " ".join("ABC"[order.index(stem)] for stem in range(3))


def test_a_matching_card_is_read_with_one_item_and_its_json_form() -> None:
    parsed = the_only_card(DECK, "m")
    assert parsed.content == Matching(question="Match each issue.", pairs=PAIRS)
    assert [item.id for item in parsed.items()] == ["m"]
    pairs = [list(pair) for pair in PAIRS]
    explanation = "From the lesson's table."
    assert parsed.to_dict() == one_item_json("m", "matching", explanation, question="Match each issue.", pairs=pairs)


def test_every_problem_of_every_matching_card_is_reported_at_its_place() -> None:
    text = """\
cards:
  - id: b
    question: A pair of three
    pairs:
      - [x, y, z]
      - [u, v]
  - id: c
    question: One pair
    pairs:
      - [x, y]
  - id: d
    question: Same match twice
    pairs:
      - [x, same]
      - [y, Same]
  - id: e
    question: Matching with choices
    pairs:
      - [x, y]
      - [u, v]
    choices: [a, b]
"""
    assert located_errors(text, "m") == [
        "5:9 E101 a pair is [item, match], two texts (quote one that has a comma), found a list of 3",
        "10:7 E106 a matching card needs 2 to 26 pairs, found 1",
        "15:9 E108 pair 2 repeats the match of pair 1",
        "16:5 E113 needs an answer: add 'answer:' with the letter of the right choice",
        "18:5 E111 'pairs' does not belong on a choice card",
    ]  # in line order


@pytest.mark.parametrize(
    ("response", "expected"),
    [("1C 2A 3B", {0: 2, 1: 0, 2: 1}), ("1c,2a,3b", {0: 2, 1: 0, 2: 1}), ("1-C 3: b", {0: 2, 2: 1}),
     ("C A B", {0: 2, 1: 0, 2: 1}), ("cab", {0: 2, 1: 0, 2: 1}), ("4A", None), ("1D", None), ("1A 1B", None),
     ("", None), ("1A and 2B", None)],
)  # fmt: skip
def test_answers_are_read_as_numbered_letters_or_letters_in_number_order(
    response: str, expected: dict[int, int] | None
) -> None:
    assert read_matches(response, 3) == expected


def test_study_marks_the_whole_set_and_an_exam_counts_each_right_pair() -> None:
    question = make_question(Item(card(), ""), random.Random(4))
    assert question.stems == tuple(left for left, _ in PAIRS)
    assert sorted(question.options) == sorted(right for _, right in PAIRS)
    right = right_answer(question.order)
    assert grade(question, right).correct and grade(question, right).credit == 1
    one_swapped = right[2] + right[1] + right[0] + right[3:]  # items 1 and 2 swapped, item 3 right
    verdict = grade(question, one_swapped)
    assert not verdict.correct and verdict.credit == pytest.approx(1 / 3)
    assert question.expected() == " ".join(f"{n}{letter}" for n, letter in enumerate(right.split(), start=1))


def test_without_shuffling_the_matches_are_listed_in_alphabetical_order() -> None:
    question = make_question(Item(card(), ""), None)
    assert question.options == ("Excessive attention", "Repeated text", "Similar heads")


def test_an_exam_score_is_a_fraction_when_a_pair_is_wrong() -> None:
    deck = Deck("m", "m.yaml", "Match", cards=(card(),))
    exam = plan_exam(deck, ExamOptions(seed=1))
    order = exam.questions[0].order
    result = marked_answer(exam, f"1{'ABC'[order.index(0)]} 2{'ABC'[order.index(2)]} 3{'ABC'[order.index(1)]}", 3.0)
    assert (result.score, result.total, result.percent) == (0.33, 1, 33)
    assert result.outcomes[0].to_dict()["score"] == 0.3333


def test_exam_line_mode_prints_the_items_and_the_partial_score(user_decks: Path) -> None:
    write_deck(user_decks, "match", DECK)
    result = runner.invoke(app, ["exam", "match", "--no-shuffle", "--json"], input="1A 2C 3B\n")
    data = json.loads(result.stdout)
    assert " 1) Attention sink" in result.stderr and " A) Excessive attention" in result.stderr
    assert "(type the letter for each number, e.g. 1C 2A 3B (or C A B))" in result.stderr
    assert (data["score"], data["percent"], data["questions"][0]["score"]) == (0.33, 33, 0.3333)
    assert data["questions"][0]["expected"] == "1A 2B 3C"


def test_study_line_mode_asks_the_whole_set(user_decks: Path) -> None:
    write_deck(user_decks, "match", DECK)
    result = runner.invoke(app, ["study", "match", "--seed", "2"], input="1A 2B 3C\n\n")
    assert "Type the letter for each number, e.g. 1C 2A 3B (or C A B), then Enter" in result.stdout
    assert " 3) Attention collapse" in result.stdout
    assert "Your answer: 1A 2B 3C" in result.stdout and "Studied 1 card" in result.stdout


def test_show_lists_every_pair() -> None:
    path = REPO / "decks" / "long-context.yaml"
    result = runner.invoke(app, ["show", str(path)], env={"COLUMNS": "100"})
    assert "✓ 4) Attention sink → Some tokens (often the first) get excessive attention" in result.stdout


def test_gift_writes_one_matching_question_and_reads_it_back() -> None:
    deck = Deck("m", "m.yaml", "Match", cards=(card(),))
    exported = export_gift(deck)
    assert "\t=Attention sink -> Excessive attention\n" in exported.text and exported.left == ()
    [back] = import_gift(exported.text).cards
    assert (back.id, back.content, back.explanation) == ("m", card().content, "From the table.")


def test_a_gift_matching_question_is_imported_as_one_card_without_its_distractors() -> None:
    text = "::capitals::Match the capitals. {\n=Canada -> Ottawa\n=Italy -> Rome\n= -> Paris\n}\n"
    [imported] = import_gift(text).cards
    assert imported.content == Matching(question="Match the capitals.", pairs=(("Canada", "Ottawa"), ("Italy", "Rome")))


def test_anki_gets_a_basic_note_per_pair_and_a_note_saying_so() -> None:
    exported = export_anki(Deck("m", "m.yaml", "Match", cards=(card(),)))
    notes = [line.split("\t")[:2] for line in exported.text.splitlines() if line.startswith("m.")]
    assert notes == [["m.1", "Basic"], ["m.2", "Basic"], ["m.3", "Basic"]]
    assert [(n.card_id, n.reason) for n in exported.noted] == [
        ("m", "a matching card: written as one Basic note per pair (Anki has no matching note)")
    ]
    assert exported.left == ()


def test_aiken_cannot_hold_a_matching_card_and_says_why() -> None:
    exported = export_aiken(Deck("m", "m.yaml", "Match", cards=(card(),)))
    assert [(left.card_id, left.reason) for left in exported.left] == [
        ("m", "matching card: Aiken holds single-answer multiple choice only")
    ]


def test_export_reports_the_anki_note(user_decks: Path) -> None:
    write_deck(user_decks, "match", DECK)
    result = runner.invoke(app, ["export", "match", "--format", "anki"])
    assert result.exit_code == 0
    assert "note m: a matching card: written as one Basic note per pair" in result.stderr


def test_a_matching_card_in_a_terminal(quizcli_home: Path, user_decks: Path) -> None:
    write_deck(user_decks, "match", DECK)
    child = spawn(quizcli_home, "match", "--seed", "2")
    press(child, "", "1) Attention sink", "C) ", "Your answer: ")
    press(child, "1A 2B 3C\n", "Answer: ")
    child.expect("Enter: (Good|Again)")
    press(child, "q", "Session over")
    assert finish(child) == 0


def test_a_matching_question_in_a_terminal_exam_scores_a_share(quizcli_home: Path, user_decks: Path) -> None:
    from test_exam_terminal import spawn as spawn_exam

    write_deck(user_decks, "match", DECK)
    child = spawn_exam(quizcli_home, "exam", "match", "--no-shuffle")
    press(child, "", "1) Attention sink", "A) Excessive attention", "type the letter for each number")
    press(child, "\r", "Your answer: ")
    press(child, "1A 2C 3B\r", "Submit the exam?")
    press(child, "y", "Your answer:", "1A 2C 3B", "Correct:", "1A 2B 3C", "Score: 0.33/1 (33%)")
    assert finish(child) == 0

"""Typed cards with a numeric `tolerance`: parsed, checked and marked."""

from __future__ import annotations

from quizcli.grading import grade, make_question
from quizcli.kinds.typed import Typed
from quizcli.parser import parse_deck


def typed(extra: str) -> str:
    return f"cards:\n  - id: pi\n    question: Pi to two places?\n{extra}"


def test_tolerance_is_read_and_marks_numbers_within_it() -> None:
    result = parse_deck(typed("    answer: 3.14\n    tolerance: 0.01\n    accept: [pi]\n"), "d.yaml", "d")
    assert result.diagnostics == []
    card = result.deck.cards[0]
    assert isinstance(card.content, Typed) and card.content.tolerance == 0.01
    assert card.to_dict()["tolerance"] == 0.01
    question = make_question(next(card.items()))
    assert grade(question, "3.15").correct and grade(question, "3,13").correct
    assert not grade(question, "3.16").correct and not grade(question, "inf").correct
    assert grade(question, "pi").correct


def test_bad_tolerance_is_reported_and_drops_the_card() -> None:
    result = parse_deck(typed("    answer: 3.14\n    tolerance: lots\n"), "d.yaml", "d")
    assert [(d.line, d.code) for d in result.errors] == [(5, "E115")]
    assert "must be a number of 0 or more, found 'lots'" in result.errors[0].message
    assert result.deck.cards == ()


def test_tolerance_needs_a_numeric_answer() -> None:
    result = parse_deck(typed("    answer: three\n    tolerance: 1\n"), "d.yaml", "d")
    assert [d.code for d in result.errors] == ["E115"]
    assert "needs a numeric answer, but the answer is 'three'" in result.errors[0].message


def test_cards_without_tolerance_keep_the_old_json_shape() -> None:
    result = parse_deck(typed("    answer: '3.14'\n"), "d.yaml", "d")
    assert "tolerance" not in result.deck.cards[0].to_dict()

"""Moodle's Aiken format: the documentation's examples, CRLF, and Moodle's own error cases."""

from __future__ import annotations

from quizcli.cards import imported_id
from quizcli.interop.aiken import import_aiken
from quizcli.kinds.choice import Choice

from interop_helpers import fixture, skipped, written_back


def test_the_documented_examples_import_with_both_option_styles_and_crlf() -> None:
    result = import_aiken(fixture("moodle.aiken.txt"))
    assert result.skipped == () and result.format == "aiken"
    first, second, third = (card.content for card in result.cards)
    assert first == Choice(
        question="What is the correct answer to this question?",
        choices=("Is it this one?", "Maybe this answer?", "Possibly this one?", "Must be this one!"),
        correct=(3,),
    )
    assert isinstance(second, Choice) and second.choices[0] == "Moodle" and len(second.choices) == 6
    assert second.correct == (0,)
    assert third == Choice(question="What is 2 + 2?", choices=("3", "4"), correct=(1,))
    assert (result.cards[0].line, result.cards[2].line) == (1, 16)


def test_ids_are_derived_from_the_question_text_so_they_are_stable() -> None:
    result = import_aiken(fixture("moodle.aiken.txt"))
    assert [c.id for c in result.cards] == [imported_id(c.prompt) for c in result.cards]
    assert import_aiken(fixture("moodle.aiken.txt")) == result


def test_moodle_error_cases_are_reported_with_their_lines() -> None:
    result = import_aiken(fixture("errors.aiken.txt"))
    assert [c.prompt for c in result.cards] == ["A good question", "A second good question"]
    assert result.cards[1].content == Choice(
        question="A second good question", choices=("Incorrect (No space)", "Correct (No space)"), correct=(1,)
    )
    assert skipped(result) == [
        (1, "question must have at least 2 answers on line 3"),
        (5, "question not started on line 5"),
        (7, "question not started on line 7"),
        (14, "question not completed before next question start on line 18"),
        (23, "ANSWER E on line 26 is not one of the choices A-B"),
        (28, "question not completed before the end of the file (no ANSWER: line)"),
    ]
    assert result.summary() == "imported 2, skipped 6"


def test_duplicate_options_are_skipped_rather_than_written_as_a_broken_deck() -> None:
    result = import_aiken("Pick one\nA) same  text\nB) Same Text\nANSWER: A\n")
    assert skipped(result) == [(1, "two answer options are the same text")]


def test_options_differing_in_a_sign_or_symbol_are_imported() -> None:
    text = "x squared is 4; x is\nA) -2.0\nB) 2.0\nANSWER: A\n\nWhich?\nA) C\nB) C++\nC) C#\nANSWER: B\n"
    result = import_aiken(text + "Costs\nA) $10\nB) $-10\nANSWER: A\n")
    assert result.skipped == () and len(result.cards) == 3


def test_imported_decks_pass_check() -> None:
    for name in ("moodle.aiken.txt", "errors.aiken.txt"):
        assert written_back(import_aiken(fixture(name))).diagnostics == []

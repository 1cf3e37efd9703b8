"""check --strict lints: each fires on the mistake it names, and lint-ignore silences it per card."""

from __future__ import annotations

import re

import pytest

from quizcli.lint import LINTS, lint_result
from quizcli.parser import parse_deck

from conftest import REPO


def lint_codes(cards: str) -> list[tuple[int, str]]:
    result = lint_result(parse_deck(f"cards:\n{cards}", "deck.yaml", "deck"))
    return [(d.line, d.code) for d in result.diagnostics]


CHOICE = "    choices: [Paris, Lyon, Nice]\n    answer: A\n    explanation: Capital.\n"


def test_a_clean_card_has_no_findings() -> None:
    assert lint_codes(f"  - id: a\n    question: Capital of France?\n{CHOICE}") == []


def test_missing_id_is_q101_instead_of_w201() -> None:
    assert lint_codes("  - front: x\n    back: y\n") == [(2, "Q101")]


def test_near_duplicate_questions_are_q102_on_the_later_card() -> None:
    cards = (
        f"  - id: a\n    question: What is the capital of France?\n{CHOICE}"
        f"  - id: b\n    question: what is the capital of france\n{CHOICE}"
        "  - id: c\n    front: What is the capital of Spain?\n    back: Madrid\n"
    )
    assert lint_codes(cards) == [(7, "Q102")]


def test_a_give_away_long_right_option_is_q103() -> None:
    card = (
        "  - id: a\n    question: Attention dilution means\n"
        "    choices: [Too focused, Attention spreads thin over more positions, None]\n"
        "    answer: B\n    explanation: x\n"
    )
    assert lint_codes(card) == [(2, "Q103")]


@pytest.mark.parametrize(
    ("choices", "answer"),
    [
        ("['>>', '>', '<']", "A"),  # symbols are no words: their length gives nothing away
        ("[a, b, Quadratic complexity]", "C"),  # one or two words are never a give-away
        ("[Too focused, 'Spreads thin over positions', 'Some words here']", "B"),  # not more than every other
    ],
)
def test_q103_is_judged_by_words_and_skips_short_options(choices: str, answer: str) -> None:
    card = f"  - id: a\n    question: Pick\n    choices: {choices}\n    answer: {answer}\n    explanation: x\n"
    assert lint_codes(card) == []


@pytest.mark.parametrize("option", ["All of the above", "none of these", "Both of the above"])
def test_of_the_above_options_are_q104_unless_unshuffled(option: str) -> None:
    card = f"  - id: a\n    question: Pick\n    choices: [Paris, Lyon, {option}]\n    answer: A\n    explanation: e\n"
    assert lint_codes(card) == [(2, "Q104")]
    assert lint_codes(card + "    shuffle: false\n") == []


def test_choice_without_explanation_is_q105() -> None:
    assert lint_codes("  - id: a\n    question: Pick\n    choices: [x, y]\n    answer: A\n") == [(2, "Q105")]


def test_over_long_front_is_q106_but_code_blocks_do_not_count() -> None:
    long_front = "word " * 70
    assert lint_codes(f"  - id: a\n    front: {long_front}\n    back: y\n") == [(2, "Q106")]
    code = "\n".join(["      ```", *(["      print('a long line of code')"] * 20), "      ```"])
    assert lint_codes(f"  - id: a\n    front: |\n      Output?\n{code}\n    back: y\n") == []


def test_lint_ignore_silences_named_codes_and_flags_unknown_ones() -> None:
    card = "  - question: Pick\n    choices: [x, y]\n    answer: A\n"
    assert lint_codes(card + "    lint-ignore: [Q101, Q105]\n") == []
    assert lint_codes(card + "    lint-ignore: [Q101, Q105, Q999]\n") == [(2, "Q100")]


def test_every_lint_code_is_documented() -> None:
    documented = re.findall(r"^\| (Q\d{3}) \|", (REPO / "docs" / "deck-format.md").read_text(), re.MULTILINE)
    assert sorted(documented) == sorted(LINTS)


NUMBERS_CLOZE = '  - id: numbers\n    cloze: "Keep {{c1::0.3}} of it at 512 tokens, {{c2::0.05}} at 4096."\n'


def q107(cards: str) -> list[tuple[int, str]]:
    """The Q107 findings with their messages."""
    result = lint_result(parse_deck(f"cards:\n{cards}", "deck.yaml", "deck"))
    return [(d.line, d.message) for d in result.diagnostics if d.code == "Q107"]


def test_a_question_stating_another_cards_answer_is_q107() -> None:
    stem = "  - id: q5\n    question: For 512 tokens it might be 0,30, for 4096 only 0.05. This shows?\n"
    assert q107(NUMBERS_CLOZE + stem + CHOICE) == [
        (4, "the question states '0.3' and '0.05', the answers to card 'numbers' (line 2)")
    ]
    stem = "  - id: q5\n    question: Highest attention is 0.35 at 512 tokens and 0.05 at 4096. This shows?\n"
    assert q107(NUMBERS_CLOZE + stem + CHOICE) == [
        (4, "the question states '0.05', the answer to card 'numbers' (line 2)")
    ]
    typed = "  - id: t\n    question: What is it called?\n    answer: attention sink\n    accept: [sink, an attention sink]\n"
    stem = "  - id: tf\n    question: The first token often becomes an Attention Sink.\n    answer: true\n"
    assert q107(typed + stem) == [(6, "the question states 'an attention sink', the answer to card 't' (line 2)")]


def test_q107_passes_over_short_answers_parts_of_words_flashcards_and_the_cards_own_answers() -> None:
    typed = "  - id: t\n    question: Where is it lost?\n    answer: mid\n    accept: ['7']\n"
    assert q107(typed + "  - id: tf\n    question: It is lost in the mid part, 7 times.\n    answer: true\n") == []
    typed = "  - id: t\n    question: Where is it lost?\n    answer: middle\n"
    assert q107(typed + "  - id: tf\n    question: Middleware is 17 parts.\n    answer: true\n") == []
    assert q107(NUMBERS_CLOZE + "  - id: f\n    front: 0.3 at 512 and 0.05 at 4096?\n    back: dilution\n") == []
    assert q107(NUMBERS_CLOZE) == []  # a cloze card's prompt holds its own answers


def test_lint_ignore_silences_q107() -> None:
    stem = "  - id: q5\n    question: It might be 0.3, then 0.05. This shows?\n"
    assert q107(NUMBERS_CLOZE + stem + CHOICE + "    lint-ignore: [Q107]  # worded as in the lesson\n") == []


def test_the_bundled_deck_passes_the_strict_check() -> None:
    from quizcli.parser import load_deck

    deck = REPO / "decks" / "long-context.yaml"
    result = lint_result(parse_deck(deck.read_text(encoding="utf-8"), str(deck), "long-context"))
    assert [d for d in result.diagnostics if d.code == "Q107"] == []
    assert load_deck(deck, "long-context").cards  # it still parses

"""Moodle's GIFT format: every question type of the documentation, feedback, formats, escapes and mistakes."""

from __future__ import annotations

import pytest

from quizcli.cards import Card
from quizcli.interop.gift import import_gift
from quizcli.kinds.choice import Choice
from quizcli.kinds.cloze import Cloze
from quizcli.kinds.matching import Matching
from quizcli.kinds.true_false import TrueFalse
from quizcli.kinds.typed import Typed

from interop_helpers import by_id, fixture, skipped, written_back

CARDS = by_id(import_gift(fixture("moodle.gift.txt")))


def card_with(prompt_start: str) -> Card:
    return next(c for c in CARDS.values() if c.prompt.startswith(prompt_start))


def choice_with(prompt_start: str) -> Choice:
    content = card_with(prompt_start).content
    assert isinstance(content, Choice)
    return content


def test_multiple_choice_with_id_tags_and_per_answer_feedback() -> None:
    card = CARDS["grants-tomb"]
    assert card.content == Choice(question=card.prompt, choices=("Grant", "Jefferson", "no one"), correct=(2,))
    assert card.tags == ("US-Presidents", "grant")
    assert card.explanation == (
        "- Grant: No, he is in Riverside Park.\n- no one: Right: Grant and his wife are entombed, not buried."
    )


def test_title_is_the_id_and_general_feedback_is_the_explanation() -> None:
    card = CARDS["Q2"]
    assert card.content == Choice(question=card.prompt, choices=("yellow", "red", "blue"), correct=(0,))
    assert card.explanation.endswith("\n\nThe spectrum runs red, orange, yellow, green, blue.")


def test_percentage_weights_make_a_select_all_card() -> None:
    card = CARDS["Q3"].content
    assert isinstance(card, Choice) and card.multiple and card.correct == (1, 2)


@pytest.mark.parametrize(
    ("start", "truth", "explanation"),
    [("Grant was buried", True, ""), ("Grant is buried", False, "Right: entombed, not buried."), ("The sun", True, "")],
)
def test_true_false_in_every_spelling(start: str, truth: bool, explanation: str) -> None:
    card = card_with(start)
    assert card.content == TrueFalse(statement=card.prompt, truth=truth) and card.explanation == explanation


def test_short_answer_alternatives_become_accept() -> None:
    card = next(c.content for c in CARDS.values() if isinstance(c.content, Typed) and c.content.answer == "no one")
    assert isinstance(card, Typed) and card.accept == ("nobody",)


def test_missing_word_becomes_a_cloze_or_keeps_its_options() -> None:
    assert card_with("Two plus").content == Cloze(text="Two plus {{two}} equals four.")
    choice = choice_with("Moodle costs")
    assert choice.prompt == "Moodle costs _____ to download from moodle.org." and choice.correct == (1,)


@pytest.mark.parametrize(
    ("start", "answer", "tolerance"),
    [("When was Ulysses", "1822", 5.0), ("What is the value of pi", "3.14159", 0.0005), ("What is a number", "3", 2.0)],
)
def test_numerical_answers_become_typed_cards_with_a_tolerance(start: str, answer: str, tolerance: float) -> None:
    card = card_with(start)
    assert card.content == Typed(question=card.prompt, answer=answer, tolerance=tolerance)


def test_matching_becomes_one_matching_card() -> None:
    card = card_with("Match the following")
    assert isinstance(card.content, Matching)
    assert card.content.pairs == (("Canada", "Ottawa"), ("Italy", "Rome"), ("Japan", "Tokyo"), ("India", "New Delhi"))


def test_markdown_html_and_escapes() -> None:
    assert choice_with("The *American holiday").choices == ("second", "third", "fourth")
    html = choice_with("Which is **bold**")
    assert html.prompt == "Which is **bold** & *italic*?\nPick one." and html.choices == ("**bold**", "plain")
    escaped = choice_with("Which is true")
    assert escaped.prompt == "Which is true: 1 + 1 = 2 {always} \\ or # sometimes?"
    assert escaped.choices == ("always ~ forever", "sometimes")


def test_essays_and_descriptions_are_skipped_with_a_reason() -> None:
    result = import_gift(fixture("moodle.gift.txt"))
    assert skipped(result) == [
        (66, "essay question: it needs a teacher to mark it"),
        (68, "description (no answers): nothing to ask"),
    ]
    assert result.summary() == "imported 16, skipped 2"


def test_malformed_questions_are_skipped_with_line_and_reason() -> None:
    result = import_gift(fixture("errors.gift.txt"))
    assert skipped(result) == [
        (2, "missing '{' or '}' around the answers (escape a literal one as \\{ or \\})"),
        (4, "a matching answer needs '->' between the item and its match"),
        (6, "numerical answer 'lots' is not a number"),
        (8, "several options are fully right in a single-answer question; make it select-all"),
        (10, "no option gets any marks"),
        (12, "no answer gets full marks"),
    ]
    assert [c.prompt for c in result.cards] == ["A good one after all that."]


def test_imported_decks_pass_check() -> None:
    for name in ("moodle.gift.txt", "errors.gift.txt"):
        assert written_back(import_gift(fixture(name))).diagnostics == []


def test_comment_tags_and_ids_follow_moodles_escapes() -> None:
    from quizcli.cards import imported_id

    result = import_gift("// [tag:t\\]ag] [tag:plain]\n// [id:i\\]d]\nWhat? {=yes ~no}\n\n// [id:my\\-id]\nAnd? {T}\n")
    first, second = result.cards
    assert first.tags == ("t]ag", "plain") and first.id == imported_id("i]d")
    assert second.id == "my-id"


def test_tags_with_brackets_and_backslashes_survive_an_export_and_import() -> None:
    from quizcli.cards import Deck
    from quizcli.interop.gift_export import export_gift
    from quizcli.kinds.true_false import TrueFalse

    card = Card(id="a", content=TrueFalse(statement="Sky is blue", truth=True), tags=("t]ag", "b\\s"))
    exported = export_gift(Deck("d", "d.yaml", "D", cards=(card,)))
    assert "// [tag:t\\]ag]\n// [tag:b\\\\s]\n" in exported.text
    assert import_gift(exported.text).cards[0].tags == ("t]ag", "b\\s")

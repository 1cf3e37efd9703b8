"""Marking answers: typed matching, near misses, choices shown shuffled, true/false words."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from quizcli.cards import Card, Item
from quizcli.grading import (
    allowed_typos,
    edit_distance,
    grade,
    make_question,
    match_number,
    match_text,
    normalise_answer,
    parse_letters,
)
from quizcli.kinds.choice import Choice
from quizcli.kinds.cloze import Cloze
from quizcli.kinds.flashcard import Flashcard
from quizcli.kinds.true_false import TrueFalse
from quizcli.kinds.typed import Typed


def item(card: Card, variant: str = "") -> Item:
    return Item(card, variant)


@pytest.mark.parametrize(
    ("given", "expected", "correct", "almost"),
    [
        ("Attention Sink", "attention sink", True, False),
        ("  attention-sink! ", "attention sink", True, False),
        ("attention snik", "attention sink", False, True),
        ("attention", "attention sink", False, False),
        ("3.10", "3.10", True, False),
        ("310", "3.10", False, True),
        ("3,10", "3.10", True, False),
        ("cat", "car", False, False),  # too short for a typo allowance
        ("", "anything", False, False),
    ],
)
def test_typed_matching(given: str, expected: str, correct: bool, almost: bool) -> None:
    verdict = match_text(given, (expected,))
    assert (verdict.correct, verdict.almost) == (correct, almost)


@pytest.mark.parametrize(
    ("given", "expected", "correct"),
    [
        (".3", "0.3", True),
        ("0.30", "0.3", True),
        (".05", "0.05", True),
        ("0,05", "0.05", True),
        ("0.35", "0.3", False),
        ("1", "1,000", False),  # an author's comma groups thousands
    ],
)
def test_numbers_are_compared_as_numbers(given: str, expected: str, correct: bool) -> None:
    verdict = match_text(given, (expected,))
    assert (verdict.correct, verdict.almost) == (correct, False)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("the middle", "middle"),
        ("middle", "the middle"),
        ("an apple", "apple"),
        ("a", "a"),
        ("the attention sink phenomenon", "attention sink phenomenon"),
    ],
)
def test_a_leading_article_is_ignored_in_a_short_answer(given: str, expected: str) -> None:
    verdict = match_text(given, (expected,))
    assert verdict.correct and not verdict.almost


@pytest.mark.parametrize(
    ("given", "expected"), [("them middle", "middle"), ("the big red barn door", "big red barn door")]
)
def test_a_leading_article_is_ignored_only_there(given: str, expected: str) -> None:
    verdict = match_text(given, (expected,))
    assert not verdict.correct and not verdict.almost


def test_the_edit_distance_is_exact_however_long_the_answer() -> None:
    verdict = match_text("z" * 22, ("the attention sink phenomenon",))
    assert not verdict.correct and not verdict.almost


def test_accept_list_counts() -> None:
    card = Card(id="t", content=Typed(question="q", answer="attention sink", accept=("sink",)))
    assert grade(make_question(item(card)), "SINK").correct


def test_a_typed_question_has_one_blank_whatever_it_accepts_and_a_cloze_one_per_deletion() -> None:
    typed = make_question(
        item(Card(id="t", content=Typed(question="q", answer="attention sink", accept=("sink", "a sink"))))
    )
    assert typed.blanks == 1 and grade(typed, "a sink").correct
    cloze = make_question(item(Card(id="c", content=Cloze(text="{{c1::a}} and {{c1::b}}")), "c1"))
    assert cloze.blanks == 2 and grade(cloze, "a; b").correct and not grade(cloze, "a").correct


def test_shuffled_choice_is_marked_against_the_shown_letters() -> None:
    card = Card(id="c", content=Choice(question="q", choices=("a", "b", "c", "d"), correct=(1,)))
    question = make_question(item(card), random.Random(5))
    shown_right = question.order.index(1)
    assert grade(question, "ABCD"[shown_right]).correct
    assert not grade(question, "ABCD"[(shown_right + 1) % 4]).correct
    assert question.expected() == f"{'ABCD'[shown_right]}) b"


def test_select_all_is_right_only_when_exact() -> None:
    card = Card(id="m", content=Choice(question="q", choices=("a", "b", "c"), correct=(0, 2), multiple=True))
    question = make_question(item(card))
    assert grade(question, "A C").correct and grade(question, "ca").correct
    assert not grade(question, "A").correct and not grade(question, "A B C").correct


def test_true_false_words() -> None:
    card = Card(id="t", content=TrueFalse(statement="q", truth=True))
    question = make_question(item(card))
    assert grade(question, "T").correct and grade(question, "yes").correct
    verdict = grade(question, "f")
    assert not verdict.correct and verdict.given == "false"


def test_cloze_with_two_blanks_of_one_number() -> None:
    card = Card(id="z", content=Cloze(text="{{c1::a}} and {{c1::b}} and {{c2::c}}"))
    question = make_question(item(card, "c1"))
    assert question.prompt == "[...] and [...] and c"
    assert grade(question, "a; b").correct
    assert not grade(question, "a").correct


def test_reverse_flashcard_swaps_sides() -> None:
    card = Card(id="f", content=Flashcard(front="front", back="back", reverse=True))
    question = make_question(item(card, "reverse"))
    assert (question.prompt, question.answers) == ("back", ("front",))


@pytest.mark.parametrize(
    ("text", "count", "expected"),
    [("B", 4, {1}), ("a c", 3, {0, 2}), ("1,3", 3, {0, 2}), ("E", 4, None), ("", 4, None)],
)
def test_parse_letters(text: str, count: int, expected: set[int] | None) -> None:
    assert parse_letters(text, count) == expected


def levenshtein_with_swaps(a: str, b: str) -> int:
    """A slow reference: the edit distance by plain recursion."""
    if not a or not b:
        return len(a) + len(b)
    options = [
        levenshtein_with_swaps(a[1:], b) + 1,
        levenshtein_with_swaps(a, b[1:]) + 1,
        levenshtein_with_swaps(a[1:], b[1:]) + (a[0] != b[0]),
    ]
    if len(a) > 1 and len(b) > 1 and a[0] == b[1] and a[1] == b[0]:
        options.append(levenshtein_with_swaps(a[2:], b[2:]) + 1)
    return min(options)


@given(st.text("abc", max_size=6), st.text("abc", max_size=6))
def test_edit_distance_matches_the_reference(a: str, b: str) -> None:
    assert edit_distance(a, b) == levenshtein_with_swaps(a, b)


# Long answers too: lengths far apart, where allowed_typos allows more than three edits.
@given(st.text("abcz ", max_size=40), st.text("abcz ", max_size=40))
def test_edit_distance_matches_rapidfuzz_on_long_answers(a: str, b: str) -> None:
    assert edit_distance(a, b) == OSA.distance(a, b)


def test_a_long_answer_far_off_in_length_is_not_almost_right() -> None:
    target = normalise_answer("the attention sink phenomenon")
    assert edit_distance("z" * 22, target) == OSA.distance("z" * 22, target) > allowed_typos(target)


@given(st.text(max_size=40))
def test_normalising_is_idempotent(text: str) -> None:
    once = normalise_answer(text)
    assert normalise_answer(once) == once


@pytest.mark.parametrize(
    ("given", "correct"), [(".3", True), ("0.30", True), ("0,3", True), ("0.4", False), ("x", False)]
)
def test_a_tolerance_answer_reads_a_leading_point(given: str, correct: bool) -> None:
    assert match_number(given, "0.3", 0.001, ("0.3",)).correct is correct

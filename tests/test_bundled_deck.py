"""The long-context deck covers the lesson faithfully."""

from __future__ import annotations

import re
from collections import Counter

from quizcli.cards import LETTERS, Deck
from quizcli.kinds import all_kinds
from quizcli.kinds.choice import Choice
from quizcli.kinds.flashcard import Flashcard
from quizcli.parser import read_deck

from conftest import LONG_CONTEXT, REPO

# The lesson the deck was written from, in its own format (a copy kept with the tests: it holds the same questions).
LESSON = REPO / "tests" / "fixtures" / "lessons" / "long-context-attention-issues.txt"
ANSWER_KEY = "BBABBBBB"


def deck() -> Deck:
    result = read_deck(LONG_CONTEXT)
    assert result.diagnostics == []
    return result.deck


def lesson_questions() -> list[tuple[str, list[str]]]:
    """The lesson's eight questions with their options, as printed in the lesson text."""
    text = LESSON.read_text(encoding="utf-8")
    blocks = re.split(r"^Question \d+: ", text, flags=re.MULTILINE)[1:]
    questions = []
    for block in blocks:
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        options = [re.sub(r"^•\s*[A-D][)>]\s*", "", line) for line in lines[1:5]]
        questions.append((lines[0], options))
    return questions


def test_the_eight_lesson_questions_with_their_answers() -> None:
    quiz = [c for c in deck().cards if "lesson-quiz" in c.tags]
    choices = [c.content for c in quiz if isinstance(c.content, Choice)]
    assert len(quiz) == len(choices) == 8
    assert "".join(LETTERS[c.correct[0]] for c in choices) == ANSWER_KEY
    assert all(c.explanation for c in quiz) and not any(c.multiple for c in choices)


def test_questions_are_worded_as_in_the_lesson() -> None:
    quiz = [c for c in deck().cards if "lesson-quiz" in c.tags]
    for card, (question, options) in zip(quiz, lesson_questions(), strict=True):
        assert card.prompt == question
        assert isinstance(card.content, Choice) and list(card.content.choices) == options


def test_every_card_kind_and_a_reverse_card_are_present() -> None:
    cards = deck().cards
    assert {c.kind for c in cards} == set(all_kinds())
    assert any(isinstance(c.content, Flashcard) and c.content.reverse for c in cards)


def test_every_key_issue_statistical_issue_and_solution_has_a_flashcard() -> None:
    fronts = " ".join(c.prompt.lower() for c in deck().cards if isinstance(c.content, Flashcard))
    for topic in (
        "attention dilution", "lost-in-the-middle", "position degradation", "memory and speed",
        "attention sink", "verbatim repetition", "attention collapse",
        "retrieval augmentation", "hierarchical processing",
    ):  # fmt: skip
        assert topic in fronts, topic
    dilution = next(c.content for c in deck().cards if c.id == "dilution")
    assert isinstance(dilution, Flashcard) and all(figure in dilution.back for figure in ("512", "0.3", "4096", "0.05"))


def test_cards_are_grouped_by_section() -> None:
    sections = Counter(
        t for c in deck().cards for t in c.tags if t in {"key-issues", "statistical-issues", "solutions"}
    )
    assert set(sections) == {"key-issues", "statistical-issues", "solutions"}
    assert all(c.tags for c in deck().cards)

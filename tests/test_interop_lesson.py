"""Lesson text: the lesson's eight questions, answer keys when present, and section flashcards."""

from __future__ import annotations

import re

from quizcli.interop.lesson import import_lesson
from quizcli.kinds.choice import Choice
from quizcli.kinds.flashcard import Flashcard

from interop_helpers import LESSON, fixture, skipped, written_back


def test_the_lesson_gives_its_eight_questions_with_options_and_no_answers() -> None:
    result = import_lesson(LESSON.read_text(encoding="utf-8"))
    assert result.title == "Long-Context Attention Issues" and result.skipped == ()
    choices = [c.content for c in result.cards if isinstance(c.content, Choice)]
    assert len(result.cards) == len(choices) == 8 and all(len(c.choices) == 4 for c in choices)
    assert result.needs_answer == list(result.cards)
    first, second, *_, last = choices
    assert first.prompt == "Attention dilution means:" and result.cards[0].line == 39
    assert second.choices[3] == "No such issue"  # written "D> No such issue" in the lesson
    assert last.choices == ("Process all at once", "Summarize then process", "Ignore hierarchy", "Use single layer")


def test_the_written_deck_asks_for_each_answer_at_its_line() -> None:
    parsed = written_back(import_lesson(LESSON.read_text(encoding="utf-8")))
    assert [d.code for d in parsed.diagnostics] == ["E113"] * 8
    assert all("needs an answer" in d.message for d in parsed.diagnostics)


def test_flashcards_from_titled_sections() -> None:
    result = import_lesson(LESSON.read_text(encoding="utf-8"), flashcards=True)
    sections = [(c.front, c.back.split("\n")[0]) for c in (c.content for c in result.cards) if isinstance(c, Flashcard)]
    assert sections[1:3] == [
        ("Attention Dilution", "As sequence length increases, attention gets diluted across more positions:"),
        ("Lost-in-the-Middle", "Models often perform worse on information in the middle of long contexts."),
    ]
    assert [p for p, _ in sections] == ["Introduction", "Attention Dilution", "Lost-in-the-Middle",
                                        "Position Degradation", "Memory and Speed Trade-offs"]  # fmt: skip


def test_answer_lines_multi_line_questions_and_too_few_options() -> None:
    result = import_lesson(fixture("with-key.lesson.txt"))
    assert result.title == "Caching Basics"
    first, second = (c.content for c in result.cards)
    assert isinstance(first, Choice) and isinstance(second, Choice)
    assert first.correct == (0,) and first.choices[1] == "The cache was cleared"
    assert second.prompt == "Which policy evicts the least recently used entry first?" and second.correct == ()
    assert skipped(result) == [(23, "question 3 has 1 option; it needs at least 2")]


def test_bullets_and_option_marks_are_read_like_the_bundled_deck_reads_them() -> None:
    text = LESSON.read_text(encoding="utf-8")
    options = re.findall(r"^\s*•\s*[A-D][)>]\s*(.+)$", text, re.MULTILINE)
    cards = [card.content for card in import_lesson(text).cards if isinstance(card.content, Choice)]
    assert [c for card in cards for c in card.choices] == options

"""Lesson text: numbered ``Question N:`` blocks with lettered options, and optionally its sections.

Lessons like ``shared/lessons/long-context-attention-issues.txt`` print their
quiz without an answer key, so a question is imported with no answer and
``check`` asks the author for one.  An ``Answer: B`` line after the options is
read when a lesson has one.  Option markers may be ``A)``, ``A.``, ``A]`` or
the ``A>`` slip, after an optional bullet.  With ``flashcards``, each section
made of a short title and a short paragraph becomes a flashcard.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from quizcli.cards import LETTERS, Card, imported_id
from quizcli.interop.model import ImportResult, Skipped, build_result, source_lines
from quizcli.kinds.choice import Choice
from quizcli.kinds.flashcard import Flashcard
from quizcli.text import plural

QUESTION = re.compile(r"\s*Question\s+(\d+)\s*[:.)]\s*(.*)", re.IGNORECASE)
OPTION = re.compile(r"\s*(?:[•·*\-–]\s*)?([A-Z])\s*[).>\]]\s*(\S.*)")
ANSWER_KEY = re.compile(r"\s*(?:correct\s+)?answer\s*[:\-]\s*([A-Z])\b", re.IGNORECASE)
NUMBERED_TITLE = re.compile(r"\d+\.\s+")
SECTION_LIMIT = 400


@dataclass
class _Question:
    line: int
    number: str
    text: list[str]
    options: list[str] = field(default_factory=list)
    answer: str = ""


def import_lesson(text: str, flashcards: bool = False) -> ImportResult:
    lines = source_lines(text)
    entries: list[Card | Skipped] = [_question_card(q) for q in _questions(lines)]
    if flashcards:
        entries = _section_cards(lines) + entries
    return build_result("lesson", entries, _title(lines))


def _title(lines: list[str]) -> str:
    first = next((line.strip() for line in lines if line.strip()), "")
    return NUMBERED_TITLE.sub("", first, count=1) if len(first) <= 80 else ""


def _questions(lines: list[str]) -> list[_Question]:
    found: list[_Question] = []
    current: _Question | None = None
    for number, line in enumerate(lines, start=1):
        start, option, key = QUESTION.fullmatch(line), OPTION.fullmatch(line), ANSWER_KEY.match(line)
        if start:
            current = _Question(
                line=number, number=start.group(1), text=[start.group(2).strip()] if start.group(2).strip() else []
            )
            found.append(current)
        elif current is None or not line.strip():
            continue
        elif key and current.options:
            current.answer, current = key.group(1).upper(), None
        elif option and current.text:
            current.options.append(option.group(2).strip())
        elif current.options:
            current = None  # prose after the options: the question is over
        else:
            current.text.append(line.strip())
    return found


def _question_card(question: _Question) -> Card | Skipped:
    text = " ".join(question.text)
    if not text:
        return Skipped(question.line, f"question {question.number} has no text")
    if len(question.options) < 2:
        found = plural(len(question.options), "option")
        return Skipped(question.line, f"question {question.number} has {found}; it needs at least 2")
    index = LETTERS.find(question.answer) if question.answer else -1
    correct = (index,) if 0 <= index < len(question.options) else ()
    content = Choice(question=text, choices=tuple(question.options), correct=correct)
    return Card(id=imported_id(text), content=content, line=question.line)


def _section_cards(lines: list[str]) -> list[Card | Skipped]:
    """A title line between blank lines, followed by at most SECTION_LIMIT characters of prose."""
    cards: list[Card | Skipped] = []
    for index, line in enumerate(lines):
        if not _is_title(lines, index):
            continue
        body = _section_body(lines, index + 2)
        if body:
            title = NUMBERED_TITLE.sub("", line.strip(), count=1)
            cards.append(Card(id=imported_id(title), content=Flashcard(front=title, back=body), line=index + 1))
    return cards


def _is_title(lines: list[str], index: int) -> bool:
    text = lines[index].strip()
    blank_before = index == 0 or not lines[index - 1].strip()
    blank_after = index + 1 < len(lines) and not lines[index + 1].strip()
    return (
        bool(text)
        and blank_before
        and blank_after
        and len(text) <= 60
        and len(text.split()) <= 8
        and text[-1] not in ".:?!,;"
        and not QUESTION.fullmatch(text)
        and not OPTION.fullmatch(text)
    )


def _section_body(lines: list[str], start: int) -> str:
    """The paragraphs up to the next title, if they are prose and short enough to recall."""
    paragraphs: list[list[str]] = [[]]
    for index in range(start, len(lines)):
        text = lines[index].strip()
        if _is_title(lines, index) or QUESTION.fullmatch(text):
            break
        if text:
            paragraphs[-1].append(text)
        elif paragraphs[-1]:
            paragraphs.append([])
    body = "\n\n".join("\n".join(p) for p in paragraphs if p)
    first_sentence_ends = bool(paragraphs[0]) and paragraphs[0][0][-1] in ".:?!"
    return body if body and first_sentence_ends and len(body) <= SECTION_LIMIT else ""

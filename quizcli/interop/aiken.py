"""Moodle's Aiken format: one-line questions, lettered options, an ``ANSWER:`` line.

Read the way Moodle reads it: options are ``A)`` or ``A.`` with the space
optional, lines shorter than two characters are ignored, any other line
starts a question, and the problems are reported in Moodle's words with their
line numbers.  Moodle keeps only single-answer questions and no feedback, and
neither does this format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from quizcli.cards import LETTERS, Card, Deck, imported_id
from quizcli.interop.model import Exported, ImportResult, Left, Skipped, build_result, source_lines
from quizcli.kinds.choice import Choice
from quizcli.kinds.output import AikenQuestion

OPTION = re.compile(r"([A-Z])[).][ \t]?(.*)")
ANSWER = re.compile(r"ANSWER\s*:\s*(.*)")


@dataclass
class _Open:
    """The question being read: its line, text and options so far."""

    line: int
    text: str
    options: list[str] = field(default_factory=list)


def import_aiken(text: str) -> ImportResult:
    entries: list[Card | Skipped] = []
    question: _Open | None = None
    for number, raw in enumerate(source_lines(text), start=1):
        line = raw.strip()
        if len(line) < 2:
            continue
        option, answer = OPTION.match(line), ANSWER.match(line)
        if (option or answer) and question is None:
            entries.append(Skipped(number, f"question not started on line {number}"))
        elif option and question is not None:
            question.options.append(option.group(2).strip())
        elif answer and question is not None:
            entries.append(_finish(question, answer.group(1).strip(), number))
            question = None
        else:
            if question is not None:
                reason = f"question not completed before next question start on line {number}"
                entries.append(Skipped(question.line, reason))
            question = _Open(number, line)
    if question is not None:
        entries.append(Skipped(question.line, "question not completed before the end of the file (no ANSWER: line)"))
    return build_result("aiken", entries)


def _finish(question: _Open, letter: str, number: int) -> Card | Skipped:
    count = len(question.options)
    if count < 2:
        return Skipped(question.line, f"question must have at least 2 answers on line {number}")
    index = LETTERS.find(letter[:1].upper()) if letter else -1
    if not 0 <= index < min(count, len(LETTERS)):
        shown = letter or "(nothing)"
        return Skipped(
            question.line,
            f"ANSWER {shown} on line {number} is not one of the choices A-{LETTERS[min(count, len(LETTERS)) - 1]}",
        )
    return Card(
        id=imported_id(question.text),
        content=Choice(question=question.text, choices=tuple(question.options), correct=(index,)),
        line=question.line,
    )


def export_aiken(deck: Deck) -> Exported:
    """Single-answer choice cards, each question and option on one line; every other card is left out."""
    blocks: list[str] = []
    left: list[Left] = []
    for card in deck.cards:
        asked = card.content.aiken()
        if not isinstance(asked, AikenQuestion):
            left.append(Left(card.id, asked.reason))
            continue
        question = one_line(asked.question)
        if len(question) < 2 or OPTION.match(question) or ANSWER.match(question):
            left.append(Left(card.id, "the question would read back as an option or answer line"))
            continue
        options = [f"{LETTERS[i]}) {one_line(choice)}" for i, choice in enumerate(asked.options)]
        blocks.append("\n".join([question, *options, f"ANSWER: {LETTERS[asked.answer]}"]))
    return Exported(text="\n\n".join(blocks) + "\n" if blocks else "", written=len(blocks), left=tuple(left))


def one_line(text: str) -> str:
    return " ".join(text.split())

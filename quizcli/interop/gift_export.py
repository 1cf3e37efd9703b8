"""A deck as GIFT: every card kind GIFT can ask, with ids, tags and explanations kept.

Each question carries ``// [id:...]`` and ``// [tag:...]`` comments (read by
Moodle 4 and by quizcli's importer), the id as its ``::title::``, and its text
as ``[markdown]``.  Explanations become general feedback (``####``).  A cloze
card becomes one missing-word question per deletion number.  Flashcards are
left out: GIFT has no self-rated question.
"""

from __future__ import annotations

from quizcli.cards import Card, Deck, Kind, cloze_deletions, cloze_numbers
from quizcli.interop.exporting import Exported, Left
from quizcli.interop.yaml_writer import plain_number

_SPECIAL = str.maketrans({c: "\\" + c for c in "\\~=#{}:"} | {"\n": "\\n", "\r": ""})


def escape(text: str) -> str:
    """GIFT text: ``~ = # { } : \\`` escaped and newlines written as ``\\n``, so a question stays one block.

    Text that starts like a ``[format]`` marker gets an explicit ``[markdown]`` in front, so it stays text.
    """
    escaped = text.translate(_SPECIAL)
    return f"[markdown]{escaped}" if text.startswith("[") else escaped


def export_gift(deck: Deck) -> Exported:
    questions: list[str] = []
    left: list[Left] = []
    for card in deck.cards:
        if card.kind is Kind.FLASHCARD:
            left.append(Left(card.id, "flashcard: GIFT has no self-rated question (export it to Anki instead)"))
        elif card.kind is Kind.CLOZE:
            written, problems = _cloze_questions(card)
            questions += written
            left += problems
        elif card.kind is Kind.TYPED and card.tolerance is None and any("->" in a for a in (card.answer, *card.accept)):
            left.append(Left(card.id, "an answer with '->' would read back as a matching question"))
        else:
            body = f"{card.prompt.translate(_SPECIAL)}{{{_answers(card)}{_feedback(card)}\n}}"
            questions.append(_question(card, card.id, body))
    return Exported("\n\n".join(questions) + "\n" if questions else "", len(questions), tuple(left))


def _question(card: Card, question_id: str, body: str) -> str:
    comments = [f"// [id:{question_id}]", *(f"// [tag:{tag}]" for tag in card.tags)]
    return "\n".join([*comments, f"::{question_id}::[markdown]{body}"])


def _feedback(card: Card) -> str:
    return f"\n####{escape(card.explanation)}" if card.explanation else ""


def _cloze_questions(card: Card) -> tuple[list[str], list[Left]]:
    """One missing-word question per deletion number, the other deletions shown as text."""
    numbers = cloze_numbers(card.prompt)
    written, left = [], []
    for number in numbers:
        question_id = card.id if len(numbers) == 1 else f"{card.id}.c{number}"
        hidden = [d.answer for d in cloze_deletions(card.prompt) if d.number == number]
        if len(hidden) > 1:
            left.append(Left(question_id, f"cloze c{number} has {len(hidden)} blanks answered together; GIFT has one"))
            continue
        if "->" in hidden[0]:
            left.append(Left(question_id, "an answer with '->' would read back as a matching question"))
            continue
        written.append(_question(card, question_id, _missing_word(card, number)))
    return written, left


def _missing_word(card: Card, number: int) -> str:
    parts, last = [], 0
    for deletion in cloze_deletions(card.prompt):
        parts.append(card.prompt[last : deletion.start].translate(_SPECIAL))
        shown = escape(deletion.answer) if deletion.number == number else deletion.answer.translate(_SPECIAL)
        parts.append(f"{{={shown}{_feedback(card)}}}" if deletion.number == number else shown)
        last = deletion.end
    parts.append(card.prompt[last:].translate(_SPECIAL))
    return "".join(parts)


def _answers(card: Card) -> str:
    if card.kind is Kind.TRUE_FALSE:
        return "TRUE" if card.truth else "FALSE"
    if card.kind is Kind.TYPED and card.tolerance is not None:
        return f"#{escape(card.answer)}:{plain_number(card.tolerance)}"
    if card.kind is Kind.TYPED:
        return "".join(f"\n\t={escape(answer)}" for answer in (card.answer, *card.accept))
    return "".join(f"\n\t{_choice_mark(card, i)}{escape(choice)}" for i, choice in enumerate(card.choices))


def _choice_mark(card: Card, index: int) -> str:
    if not card.multiple:
        return "=" if index in card.correct else "~"
    if index not in card.correct:
        return "~%-100%"
    share = f"{100 / len(card.correct):.5f}".rstrip("0").rstrip(".")
    return f"~%{share}%"

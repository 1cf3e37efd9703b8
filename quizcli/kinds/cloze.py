"""Cloze deletions: text with ``{{...}}`` gaps, one item per deletion number (``{{c2::...}}``), hints allowed."""

import re
from typing import TYPE_CHECKING, Any, NamedTuple

from quizcli import grading  # as a module: grading imports kinds.base, so either may load first
from quizcli.kinds.base import Answering, Kind, Question, Verdict, empty_problem, json_text

if TYPE_CHECKING:
    import random

    from quizcli.cards import Card, Item
    from quizcli.kinds.authoring import Ask
    from quizcli.kinds.base import DeckFields, GiftText
    from quizcli.kinds.output import AikenQuestion, AnkiNotes, GiftQuestion, Refused, Shown, YamlField

# Patterns as text: `re` compiles (and caches) each on first use, so start-up pays only for those it uses.
CLOZE_PATTERN = r"\{\{(.*?)\}\}"
_CLOZE_NUMBER = r"(?i)c(\d+)::"
# Each question shows the whole text with one deletion hidden, so a card's screens grow with the square of its
# deletions: far more than any card needs, and few enough that the squares stay small.
MAX_DELETIONS = 500


class Cloze(NamedTuple):
    text: str

    @staticmethod
    def read(fields: "DeckFields") -> "Cloze | None":
        text = fields.required_text("cloze")
        value = fields.value("cloze")
        if text is None or value is None:
            return None
        deletions = cloze_deletions(text)
        if len(deletions) > MAX_DELETIONS:
            value.error(
                "E109",
                f"cloze text has {len(deletions)} deletions; a card holds at most {MAX_DELETIONS}: split it into cards",
            )
        elif not deletions:
            value.error("E109", "cloze text has no {{...}} deletion, e.g. 'The {{middle}} is lost'")
        elif any(not d.answer for d in deletions):
            value.error("E109", "cloze deletion is empty: write the hidden text inside {{...}}")
        elif "{{" in (leftover := outside_deletions(text, deletions)) or "}}" in leftover:
            value.error("E109", "cloze text has an unbalanced '{{' or '}}'")
        else:
            return Cloze(text=text)
        return None

    @staticmethod
    def from_json(data: dict[str, Any]) -> "Cloze":
        return Cloze(text=json_text(data, "cloze"))

    @staticmethod
    def asks() -> "tuple[Ask, ...]":
        from quizcli.kinds.authoring import Ask

        return (Ask(key="cloze", label="Text with {{deletions}}"),)

    @property
    def prompt(self) -> str:
        return self.text

    def variants(self) -> tuple[str, ...]:
        return tuple(f"c{number}" for number in cloze_numbers(self.text))

    def ask(self, item: "Item", rng: "random.Random | None") -> Question:
        number = int(item.variant[1:])
        answers = tuple(cloze_answers(self.text, number))
        prompt = cloze_prompt(self.text, number)
        return Question(
            item=item, prompt=prompt, answering=Answering.LINE, answers=answers, blanks=len(answers), blank="[...]"
        )

    def grade(self, question: Question, response: str) -> Verdict:
        if question.blanks == 1:
            return grading.match_text(response, question.answers)
        parts = re.split(r"[;|]", response)
        verdicts = [grading.match_text(p, (a,)) for p, a in zip(parts, question.answers, strict=False)]
        ok = len(parts) == len(question.answers) and all(v.correct for v in verdicts)
        return Verdict(
            correct=ok, almost=not ok and all(v.correct or v.almost for v in verdicts), given=response.strip()
        )

    def expected(self, question: Question) -> str:
        return "; ".join(question.answers)  # every blank of a deletion hidden in several places

    def describe(self, question: Question, response: str) -> str:
        return response

    def to_json(self) -> dict[str, Any]:
        return {"cloze": self.text}

    def shown(self) -> "Shown":
        from quizcli.kinds.output import Shown, Span

        spans, last = [], 0
        for deletion in cloze_deletions(self.text):
            spans += [Span(self.text[last : deletion.start]), Span(deletion.answer, True, f"c{deletion.number}")]
            last = deletion.end
        return Shown(prompt=self.text, spans=(*spans, Span(self.text[last:])))

    def problem(self) -> str | None:
        if empty := empty_problem(self.text):
            return empty
        deletions = cloze_deletions(self.text)
        if not deletions or any(not d.answer for d in deletions):
            return "a cloze text needs a non-empty {{...}} deletion"
        leftover = outside_deletions(self.text, deletions)
        if "{{" in leftover or "}}" in leftover:
            return "a cloze text with an unbalanced '{{' or '}}'"
        return None

    def yaml_fields(self) -> "list[YamlField]":
        return [("cloze", self.text)]

    def anki(self, card: "Card") -> "AnkiNotes":
        from quizcli.kinds.output import AnkiNotes, Note

        return AnkiNotes((Note(notetype="Cloze", first=anki_cloze(self.text), second=card.explanation),))

    def aiken(self) -> "AikenQuestion | Refused":
        from quizcli.kinds.output import not_in_aiken

        return not_in_aiken(KIND)

    def gift(self, card: "Card", gift: "GiftText") -> "list[GiftQuestion | Refused]":
        """One missing-word question per deletion number, the other deletions shown as text."""
        from quizcli.kinds.output import GiftQuestion, Refused

        numbers = cloze_numbers(self.text)
        written: list[GiftQuestion | Refused] = []
        for number in numbers:
            question_id = card.id if len(numbers) == 1 else f"{card.id}.c{number}"
            hidden = cloze_answers(self.text, number)
            if len(hidden) > 1:
                reason = f"cloze c{number} has {len(hidden)} blanks answered together; GIFT has one"
                written.append(Refused(reason, question_id))
            elif "->" in hidden[0]:
                written.append(Refused("an answer with '->' would read back as a matching question", question_id))
            else:
                written.append(GiftQuestion(question_id, self._missing_word(card, number, gift)))
        return written

    def _missing_word(self, card: "Card", number: int, gift: "GiftText") -> str:
        parts, last = [], 0
        for deletion in cloze_deletions(self.text):
            parts.append(gift.text(self.text[last : deletion.start]))
            if deletion.number == number:
                parts.append(f"{{={gift.escape(deletion.answer)}{gift.feedback(card)}}}")
            else:
                parts.append(gift.text(deletion.answer))
            last = deletion.end
        parts.append(gift.text(self.text[last:]))
        return "".join(parts)


class Deletion(NamedTuple):
    """One ``{{...}}`` in a cloze text: ``{{answer}}``, ``{{answer::hint}}``, ``{{c2::answer}}``."""

    number: int
    answer: str
    hint: str
    start: int
    end: int


def cloze_deletions(text: str) -> list[Deletion]:
    """Every deletion in order.  An unnumbered deletion takes its position (the n-th is cn)."""
    deletions = []
    # Only up to the last '}}': past it an unclosed '{{' can match nothing, and searching there
    # from every '{{' would take time quadratic in the text's length.
    closable = text[: text.rfind("}}") + 2] if "}}" in text else ""
    for position, match in enumerate(re.finditer(CLOZE_PATTERN, closable, re.DOTALL), start=1):
        body = match.group(1)
        number = position
        numbered = re.match(_CLOZE_NUMBER, body)
        if numbered:
            number = int(numbered.group(1))
            body = body[numbered.end() :]
        answer, _, hint = body.partition("::")
        deletions.append(
            Deletion(number=number, answer=answer.strip(), hint=hint.strip(), start=match.start(), end=match.end())
        )
    return deletions


def outside_deletions(text: str, deletions: list[Deletion]) -> str:
    """The text with every deletion cut out (where a stray '{{' or '}}' would show)."""
    bounds = [0, *(edge for d in deletions for edge in (d.start, d.end)), len(text)]
    return "".join(text[bounds[i] : bounds[i + 1]] for i in range(0, len(bounds), 2))


def cloze_numbers(text: str) -> list[int]:
    return sorted({d.number for d in cloze_deletions(text)})


def cloze_prompt(text: str, number: int, blank: str = "[...]") -> str:
    """The text with deletion ``number`` hidden (showing its hint) and every other one revealed."""
    parts, last = [], 0
    for deletion in cloze_deletions(text):
        parts.append(text[last : deletion.start])
        if deletion.number == number:
            parts.append(f"[{deletion.hint}]" if deletion.hint else blank)
        else:
            parts.append(deletion.answer)
        last = deletion.end
    parts.append(text[last:])
    return "".join(parts)


def cloze_answers(text: str, number: int) -> list[str]:
    return [d.answer for d in cloze_deletions(text) if d.number == number]


def anki_cloze(text: str) -> str:
    """Every deletion in Anki's numbered form: ``{{middle}}`` -> ``{{c1::middle}}``, hints kept."""
    parts, last = [], 0
    for deletion in cloze_deletions(text):
        hint = f"::{deletion.hint}" if deletion.hint else ""
        parts += [text[last : deletion.start], f"{{{{c{deletion.number}::{deletion.answer}{hint}}}}}"]
        last = deletion.end
    return "".join(parts) + text[last:]


KIND = Kind(name="cloze", keys=("cloze",), variants=Cloze.variants, content=Cloze)

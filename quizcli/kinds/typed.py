"""Typed answers: ``answer`` (and ``accept`` alternatives), or a number within ``tolerance``; near misses shown."""

import math
from typing import TYPE_CHECKING, Any, NamedTuple

from quizcli import grading  # as a module: grading imports kinds.base, so either may load first
from quizcli.kinds.base import Answering, BadCard, Kind, Question, Verdict, empty_problem, json_text, json_texts, short
from quizcli.text import plain_number

if TYPE_CHECKING:
    import random

    from quizcli.cards import Card, Item
    from quizcli.kinds.authoring import Ask
    from quizcli.kinds.base import DeckFields, GiftText
    from quizcli.kinds.output import AikenQuestion, AnkiNotes, GiftQuestion, Refused, Shown, YamlField


class Typed(NamedTuple):
    """``tolerance`` (numeric answers only): how far from ``answer`` a typed number may be."""

    question: str
    answer: str
    accept: tuple[str, ...] = ()
    tolerance: float | None = None

    @staticmethod
    def read(fields: "DeckFields") -> "Typed | None":
        question = fields.required_text("question")
        answer_value = fields.value("answer")
        if answer_value is None or answer_value.is_null():
            fields.error("E113", "needs an answer: add 'answer:' (text for a typed card, true/false for a statement)")
            return None
        if question is None:
            return None
        answer = fields.required_text("answer")
        accept = fields.text_list("accept") if "accept" in fields else ()
        tolerance = _tolerance(fields, answer)
        if answer is None or accept is None:
            return None
        return Typed(question=question, answer=answer, accept=accept, tolerance=tolerance)

    @staticmethod
    def from_json(data: dict[str, Any]) -> "Typed":
        tolerance = data.get("tolerance")
        if tolerance is not None and (not isinstance(tolerance, int | float) or isinstance(tolerance, bool)):
            raise BadCard("'tolerance' must be a number")
        return Typed(
            question=json_text(data, "question"),
            answer=json_text(data, "answer"),
            accept=json_texts(data, "accept"),
            tolerance=tolerance,
        )

    @staticmethod
    def asks() -> "tuple[Ask, ...]":
        from quizcli.kinds.authoring import Ask, Form, flow

        also = Ask(key="accept", label="Also accepted", form=Form.NUMBERED, optional=True, written=flow)
        return Ask(key="question", label="Question"), Ask(key="answer", label="Answer"), also

    @property
    def prompt(self) -> str:
        return self.question

    def ask(self, item: "Item", rng: "random.Random | None") -> Question:
        return Question(item=item, prompt=self.question, answering=Answering.LINE, answers=(self.answer, *self.accept))

    def grade(self, question: Question, response: str) -> Verdict:
        if self.tolerance is not None:
            return grading.match_number(response, self.answer, self.tolerance, question.answers)
        return grading.match_text(response, question.answers)

    def expected(self, question: Question) -> str:
        return self.answer

    def describe(self, question: Question, response: str) -> str:
        return response

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"question": self.question, "answer": self.answer, "accept": list(self.accept)}
        if self.tolerance is not None:
            data["tolerance"] = self.tolerance
        return data

    def shown(self) -> "Shown":
        from quizcli.kinds.output import Shown

        answer = self.answer if self.tolerance is None else f"{self.answer} ± {self.tolerance:g}"
        return Shown(prompt=self.question, answer=" | ".join((answer, *self.accept)))

    def problem(self) -> str | None:
        if empty := empty_problem(self.question, self.answer):
            return empty
        return "an empty alternative answer" if any(not a.strip() for a in self.accept) else None

    def yaml_fields(self) -> "list[YamlField]":
        from quizcli.kinds.output import FlowList

        fields: list[YamlField] = [("question", self.question), ("answer", self.answer)]
        fields += [("accept", FlowList(self.accept))] if self.accept else []
        return fields + ([("tolerance", self.tolerance)] if self.tolerance is not None else [])

    def anki(self, card: "Card") -> "AnkiNotes":
        from quizcli.kinds.output import AnkiNotes, Note

        return AnkiNotes((Note(notetype="Basic (type in the answer)", first=self.question, second=self.answer),))

    def aiken(self) -> "AikenQuestion | Refused":
        from quizcli.kinds.output import not_in_aiken

        return not_in_aiken(KIND)

    def gift(self, card: "Card", gift: "GiftText") -> "list[GiftQuestion | Refused]":
        from quizcli.kinds.output import GiftQuestion, Refused

        if self.tolerance is not None:
            answers = f"#{gift.escape(self.answer)}:{plain_number(self.tolerance)}"
        elif any("->" in a for a in (self.answer, *self.accept)):
            return [Refused("an answer with '->' would read back as a matching question")]
        else:
            answers = "".join(f"\n\t={gift.escape(answer)}" for answer in (self.answer, *self.accept))
        return [GiftQuestion(card.id, f"{gift.text(self.question)}{{{answers}{gift.feedback(card)}\n}}")]


def _tolerance(fields: "DeckFields", answer: str | None) -> float | None:
    """``tolerance: 0.01`` on a card with a numeric answer (a wrong one is reported, dropping the card)."""
    value = fields.value("tolerance")
    if value is None:
        return None
    number = _number(value.text())
    if number is None or number < 0:
        value.error("E115", f"'tolerance' must be a number of 0 or more, found {value.describe()}")
        return None
    if answer is not None and _number(answer) is None:
        value.error("E115", f"'tolerance' needs a numeric answer, but the answer is '{short(answer)}'")
        return None
    return number


def _number(text: str | None) -> float | None:
    """A finite number written as text (``3.14``, ``-2``, ``1e3``), or None."""
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None


KIND = Kind(name="typed", keys=("question", "answer", "accept", "tolerance"), content=Typed)

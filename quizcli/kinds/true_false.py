"""True/false statements: ``answer: true`` or ``answer: false`` (the words only; ``yes`` and ``no`` stay text)."""

from typing import TYPE_CHECKING, Any, NamedTuple

from quizcli import grading  # as a module: grading imports kinds.base, so either may load first
from quizcli.kinds.base import Answering, BadCard, Kind, Question, Verdict, empty_problem, json_text

if TYPE_CHECKING:
    import random

    from quizcli.cards import Card, Item
    from quizcli.kinds.authoring import Answer, Answers, Ask
    from quizcli.kinds.base import DeckFields, GiftText
    from quizcli.kinds.output import AikenQuestion, AnkiNotes, GiftQuestion, Refused, Shown, YamlField


class TrueFalse(NamedTuple):
    statement: str
    truth: bool

    @staticmethod
    def read(fields: "DeckFields") -> "TrueFalse | None":
        statement = fields.required_text("question")
        answer = fields.value("answer")
        truth = None if answer is None else answer.boolean()
        if statement is None or truth is None:
            return None
        return TrueFalse(statement=statement, truth=truth)

    @staticmethod
    def from_json(data: dict[str, Any]) -> "TrueFalse":
        if not isinstance(data.get("answer"), bool):
            raise BadCard("a true-false card's answer is true or false")
        return TrueFalse(statement=json_text(data, "question"), truth=data["answer"])

    @staticmethod
    def asks() -> "tuple[Ask, ...]":
        from quizcli.kinds.authoring import Ask

        truth = Ask(key="answer", label="True or false", problem=_not_a_truth, written=_truth)
        return Ask(key="question", label="Statement"), truth

    @property
    def prompt(self) -> str:
        return self.statement

    def ask(self, item: "Item", rng: "random.Random | None") -> Question:
        return Question(item=item, prompt=self.statement, answering=Answering.TRUE_FALSE)

    def grade(self, question: Question, response: str) -> Verdict:
        value = grading.parse_truth(response)
        given = response.strip() if value is None else str(value).lower()
        return Verdict(correct=value is self.truth, given=given)

    def expected(self, question: Question) -> str:
        return _word(self.truth)

    def describe(self, question: Question, response: str) -> str:
        return response

    def to_json(self) -> dict[str, Any]:
        return {"question": self.statement, "answer": self.truth}

    def shown(self) -> "Shown":
        from quizcli.kinds.output import Shown

        return Shown(prompt=self.statement, answer=_word(self.truth))

    def problem(self) -> str | None:
        return empty_problem(self.statement)

    def yaml_fields(self) -> "list[YamlField]":
        return [("question", self.statement), ("answer", self.truth)]

    def anki(self, card: "Card") -> "AnkiNotes":
        from quizcli.kinds.output import AnkiNotes, Note

        back = "\n\n".join(filter(None, ["True" if self.truth else "False", card.explanation]))
        return AnkiNotes((Note(notetype="Basic", first=f"{self.statement}\n\nTrue or false?", second=back),))

    def aiken(self) -> "AikenQuestion | Refused":
        from quizcli.kinds.output import not_in_aiken

        return not_in_aiken(KIND)

    def gift(self, card: "Card", gift: "GiftText") -> "list[GiftQuestion | Refused]":
        from quizcli.kinds.output import GiftQuestion

        answer = "TRUE" if self.truth else "FALSE"
        return [GiftQuestion(card.id, f"{gift.text(self.statement)}{{{answer}{gift.feedback(card)}\n}}")]


def _word(truth: bool) -> str:
    return "true" if truth else "false"


def _recognises(fields: "DeckFields") -> bool:
    answer = fields.value("answer")
    return answer is not None and answer.boolean() is not None


def _truth(answer: "Answer") -> bool | str:
    """``true`` or ``false`` (in any case) as true/false; anything else as typed, for ``check`` to explain."""
    from quizcli.kinds.authoring import text

    return {"true": True, "false": False}.get(text(answer).strip().lower(), text(answer))


def _not_a_truth(answers: "Answers") -> str:
    return "" if isinstance(_truth(answers["answer"]), bool) else "Answer true or false."


KIND = Kind(name="true-false", keys=("question", "answer"), recognises=_recognises, content=TrueFalse)

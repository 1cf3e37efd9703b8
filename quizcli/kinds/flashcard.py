"""Flashcards: a front to recall the back from, optionally asked back to front too; rated by the user."""

from typing import TYPE_CHECKING, Any, NamedTuple

from quizcli.kinds.base import Answering, Kind, Question, Verdict, empty_problem, json_text

if TYPE_CHECKING:
    import random

    from quizcli.cards import Card, Item
    from quizcli.kinds.authoring import Ask
    from quizcli.kinds.base import DeckFields, GiftText
    from quizcli.kinds.output import AikenQuestion, AnkiNotes, GiftQuestion, Refused, Shown, YamlField


class Flashcard(NamedTuple):
    front: str
    back: str
    reverse: bool = False

    @staticmethod
    def read(fields: "DeckFields") -> "Flashcard | None":
        front, back = fields.required_text("front"), fields.required_text("back")
        reverse = fields.optional_bool("reverse")
        if front is None or back is None:
            return None
        return Flashcard(front=front, back=back, reverse=bool(reverse))

    @staticmethod
    def from_json(data: dict[str, Any]) -> "Flashcard":
        return Flashcard(
            front=json_text(data, "front"), back=json_text(data, "back"), reverse=data.get("reverse") is True
        )

    @staticmethod
    def asks() -> "tuple[Ask, ...]":
        from quizcli.kinds.authoring import Ask

        return Ask(key="front", label="Front"), Ask(key="back", label="Back")

    @property
    def prompt(self) -> str:
        return self.front

    def variants(self) -> tuple[str, ...]:
        return ("", "reverse") if self.reverse else ("",)

    def ask(self, item: "Item", rng: "random.Random | None") -> Question:
        if item.variant == "reverse":
            return Question(item=item, prompt=self.back, answering=Answering.REVEAL, answers=(self.front,))
        return Question(item=item, prompt=self.front, answering=Answering.REVEAL, answers=(self.back,))

    def grade(self, question: Question, response: str) -> Verdict:
        raise ValueError("flashcards are rated by the user, not graded")

    def expected(self, question: Question) -> str:
        return question.answers[0]

    def describe(self, question: Question, response: str) -> str:
        return response

    def to_json(self) -> dict[str, Any]:
        return {"front": self.front, "back": self.back, "reverse": self.reverse}

    def shown(self) -> "Shown":
        from quizcli.kinds.output import Shown

        return Shown(prompt=self.front, back=self.back, notes=("(also asked back to front)",) if self.reverse else ())

    def problem(self) -> str | None:
        return empty_problem(self.front, self.back)

    def yaml_fields(self) -> "list[YamlField]":
        fields: list[YamlField] = [("front", self.front), ("back", self.back)]
        return fields + ([("reverse", True)] if self.reverse else [])

    def anki(self, card: "Card") -> "AnkiNotes":
        from quizcli.kinds.output import AnkiNotes, Note

        notetype = "Basic (and reversed card)" if self.reverse else "Basic"
        return AnkiNotes((Note(notetype=notetype, first=self.front, second=self.back),))

    def aiken(self) -> "AikenQuestion | Refused":
        from quizcli.kinds.output import not_in_aiken

        return not_in_aiken(KIND)

    def gift(self, card: "Card", gift: "GiftText") -> "list[GiftQuestion | Refused]":
        from quizcli.kinds.output import Refused

        return [Refused("flashcard: GIFT has no self-rated question (export it to Anki instead)")]


KIND = Kind(
    name="flashcard",
    label="flashcard",
    starts=("front", "back"),
    keys=("front", "back", "reverse"),
    auto_graded=False,
    variants=Flashcard.variants,
    content=Flashcard,
)

"""Ordering: put items in order (hascard's reorder cards, quizdown's sequences).

The items are shown shuffled and lettered; the answer is the letters (or the
shown numbers) in order, ``C A B`` or ``3 1 2``.  Study marks the whole order
right or wrong; an exam gives a share of the mark per item in its right place.
"""

import re
from typing import TYPE_CHECKING, Any, NamedTuple

from quizcli.kinds.base import LETTERS, Answering, Kind, Question, Verdict, empty_problem, has, json_text, json_texts
from quizcli.text import repeats

if TYPE_CHECKING:
    import random

    from quizcli.cards import Card, Item
    from quizcli.kinds.authoring import Ask
    from quizcli.kinds.base import DeckFields, GiftText
    from quizcli.kinds.output import AikenQuestion, AnkiNotes, GiftQuestion, Refused, Shown, YamlField

HOW = "the letters in order, e.g. C A B (or 3 1 2)"
_TOKENS = r"\d+|[A-Za-z]"  # compiled on first use


class Ordering(NamedTuple):
    """``items`` in their right order."""

    question: str
    items: tuple[str, ...]

    @staticmethod
    def read(fields: "DeckFields") -> "Ordering | None":
        question = fields.required_text("question")
        value = fields.marker("order")
        items = fields.text_list("order")
        if items is None:
            return None
        if not 2 <= len(items) <= len(LETTERS):
            value.error("E106", f"an ordering card needs 2 to {len(LETTERS)} items, found {len(items)}")
            return None
        listed = value.items() or []
        for index, earlier in repeats(items):
            listed[index].error("E108", f"item {index + 1} repeats item {earlier + 1}")
            return None
        return None if question is None else Ordering(question=question, items=items)

    @staticmethod
    def from_json(data: dict[str, Any]) -> "Ordering":
        return Ordering(question=json_text(data, "question"), items=json_texts(data, "order"))

    @staticmethod
    def asks() -> "tuple[Ask, ...]":
        from quizcli.kinds.authoring import Ask, Form, at_least

        few = at_least("order", 2, "An ordering card needs at least 2 items.")
        items = Ask(key="order", label="Item", form=Form.NUMBERED, how="in the right order", problem=few)
        return Ask(key="question", label="Question"), items

    @property
    def prompt(self) -> str:
        return self.question

    def ask(self, item: "Item", rng: "random.Random | None") -> Question:
        """The items shuffled with ``rng``; without one (an exam without shuffling) in an order fixed by the
        card's text, never the right one."""
        return Question.lettered(
            item=item,
            prompt=self.question,
            answering=Answering.LINE,
            texts=self.items,
            rng=rng,
            unshuffled=self._never_in_order,
            how=HOW,
        )

    def _never_in_order(self, order: list[int]) -> None:
        """Shuffle ``order`` with a generator seeded by the card's text until it is not the right order."""
        import random

        fixed = random.Random("\n".join(self.items))
        while order == sorted(order):
            fixed.shuffle(order)

    def grade(self, question: Question, response: str) -> Verdict:
        """Right when every item is in its place; an exam counts the share of items in their place."""
        shown = read_order(response, len(self.items))
        placed = None if shown is None else dict(enumerate(shown))
        return Verdict.placing(question, placed, response.strip() if shown is None else _letters(shown))

    def expected(self, question: Question) -> str:
        return _letters([question.order.index(place) for place in range(len(self.items))])

    def describe(self, question: Question, response: str) -> str:
        shown = read_order(response, len(self.items))
        return response if shown is None else _letters(shown)

    def to_json(self) -> dict[str, Any]:
        return {"question": self.question, "order": list(self.items)}

    def shown(self) -> "Shown":
        from quizcli.kinds.output import Row, Shown

        rows = tuple(Row(f"{n})", text, True) for n, text in enumerate(self.items, start=1))
        return Shown(prompt=self.question, notes=("(shown shuffled; in this order)",), rows=rows)

    def problem(self) -> str | None:
        if empty := empty_problem(self.question, *self.items):
            return empty
        if not 2 <= len(self.items) <= len(LETTERS):
            return f"an ordering card has 2 to {len(LETTERS)} items, found {len(self.items)}"
        return "two items are the same text" if any(repeats(self.items)) else None

    def yaml_fields(self) -> "list[YamlField]":
        from quizcli.kinds.output import BlockList

        return [("question", self.question), ("order", BlockList(self.items))]

    def anki(self, card: "Card") -> "AnkiNotes":
        """A ``Basic`` note (Anki has no ordering note): the items alphabetically in front, in order on the back."""
        from quizcli.kinds.output import AnkiNotes, Note

        listed = "\n".join(f"- {text}" for text in sorted(self.items, key=str.casefold))
        in_order = "\n".join(f"{n}. {text}" for n, text in enumerate(self.items, start=1))
        note = Note(notetype="Basic", first=f"{self.question}\n\n{listed}", second=in_order)
        return AnkiNotes((note,), lost="an ordering card: written as a Basic note to recall the order by yourself")

    def aiken(self) -> "AikenQuestion | Refused":
        from quizcli.kinds.output import not_in_aiken

        return not_in_aiken(KIND)

    def gift(self, card: "Card", gift: "GiftText") -> "list[GiftQuestion | Refused]":
        from quizcli.kinds.output import Refused

        return [Refused("ordering card: GIFT has no ordering question (Moodle's ordering type has no GIFT syntax)")]


def read_order(response: str, count: int) -> list[int] | None:
    """The shown positions (from 0) in the order given, from ``C A B``, ``cab`` or ``3 1 2``; None when any
    is not an item or is given twice.  Fewer than ``count`` is an order begun: the rest count as misplaced."""
    tokens = re.findall(_TOKENS, response)
    if re.sub(_TOKENS, "", response).strip(" ,;->") or not tokens:
        return None
    shown = [int(token) - 1 if token.isdigit() else LETTERS.find(token.upper()) for token in tokens]
    if any(not 0 <= position < count for position in shown) or len(set(shown)) < len(shown):
        return None
    return shown


def _letters(shown: list[int]) -> str:
    return " ".join(LETTERS[position] for position in shown)


KIND = Kind(name="ordering", keys=("question", "order"), recognises=has("order"), content=Ordering)

"""Matching: pairs to match, Moodle's matching question (GIFT ``{=a -> 1 =b -> 2}``).

The items (left) are numbered in the order written and their matches (right)
are lettered in a shuffled order; the answer gives the letter for each number,
``1C 2A 3B``, or just the letters in number order, ``C A B``.  Study marks the
whole set right or wrong; an exam gives a share of the mark per right pair.
"""

import re
from typing import TYPE_CHECKING, Any, NamedTuple

from quizcli.kinds.base import LETTERS, Answering, BadCard, Kind, Question, Verdict, empty_problem, has, json_text
from quizcli.text import repeats

if TYPE_CHECKING:
    import random

    from quizcli.cards import Card, Item
    from quizcli.kinds.authoring import Answer, Ask
    from quizcli.kinds.base import DeckFields, GiftText, Value
    from quizcli.kinds.output import AikenQuestion, AnkiNotes, BlockList, GiftQuestion, Refused, Shown, YamlField

HOW = "the letter for each number, e.g. 1C 2A 3B (or C A B)"
_NUMBERED = r"(\d+)\s*[-:=>.)]*\s*([A-Za-z])(?![A-Za-z])"  # 1C, 1-c, 1: C, 1) c; compiled on first use


class Matching(NamedTuple):
    """``pairs`` of (item, match) in authored order."""

    question: str
    pairs: tuple[tuple[str, str], ...]

    @staticmethod
    def read(fields: "DeckFields") -> "Matching | None":
        question = fields.required_text("question")
        value = fields.marker("pairs")
        pairs = _pairs(value)
        if question is None or pairs is None:
            return None
        return Matching(question=question, pairs=pairs)

    @staticmethod
    def from_json(data: dict[str, Any]) -> "Matching":
        pairs = data.get("pairs")
        if not isinstance(pairs, list) or not all(
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(side, str) for side in pair) for pair in pairs
        ):
            raise BadCard("'pairs' must be a list of [item, match] pairs of text")
        return Matching(question=json_text(data, "question"), pairs=tuple((left, right) for left, right in pairs))

    @staticmethod
    def asks() -> "tuple[Ask, ...]":
        from quizcli.kinds.authoring import Ask, Form, at_least

        pairs = Ask(
            key="pairs",
            label="Pair",
            form=Form.NUMBERED,
            how=f"item {ARROW} match",
            problem=at_least("pairs", 2, "A matching card needs at least 2 pairs."),
            entry_problem=_not_a_pair,
            written=_written_pairs,
        )
        return Ask(key="question", label="Question"), pairs

    @property
    def prompt(self) -> str:
        return self.question

    def ask(self, item: "Item", rng: "random.Random | None") -> Question:
        """The matches shuffled with ``rng``; without one (an exam without shuffling) in alphabetical order,
        so their order never gives the answer away."""
        return Question.lettered(
            item=item,
            prompt=self.question,
            answering=Answering.LINE,
            texts=tuple(match for _, match in self.pairs),
            rng=rng,
            unshuffled=self._alphabetical,
            stems=tuple(left for left, _ in self.pairs),
            how=HOW,
        )

    def _alphabetical(self, order: list[int]) -> None:
        order.sort(key=lambda index: self.pairs[index][1].casefold())

    def grade(self, question: Question, response: str) -> Verdict:
        """Right when every pair is; an exam counts the share of right pairs."""
        chosen = read_matches(response, len(self.pairs))
        return Verdict.placing(question, chosen, response.strip() if chosen is None else _written(chosen))

    def expected(self, question: Question) -> str:
        return _written({question.order[position]: position for position in range(len(question.order))})

    def describe(self, question: Question, response: str) -> str:
        chosen = read_matches(response, len(self.pairs))
        return response if chosen is None else _written(chosen)

    def to_json(self) -> dict[str, Any]:
        return {"question": self.question, "pairs": [list(pair) for pair in self.pairs]}

    def shown(self) -> "Shown":
        from quizcli.kinds.output import Row, Shown

        rows = tuple(Row(f"{n})", f"{left} → {right}", True) for n, (left, right) in enumerate(self.pairs, start=1))
        return Shown(prompt=self.question, rows=rows)

    def problem(self) -> str | None:
        if empty := empty_problem(self.question, *(text for pair in self.pairs for text in pair)):
            return empty
        return _pairs_problem(self.pairs)

    def yaml_fields(self) -> "list[YamlField]":
        from quizcli.kinds.output import BlockList, FlowList

        return [("question", self.question), ("pairs", BlockList(tuple(FlowList(pair) for pair in self.pairs)))]

    def anki(self, card: "Card") -> "AnkiNotes":
        """A ``Basic`` note per pair (Anki has no matching notetype), its guid the card id and ``.1``, ``.2``..."""
        from quizcli.kinds.output import AnkiNotes, Note

        notes = tuple(
            Note(notetype="Basic", first=f"{self.question}\n\n{left}", second=right, guid=f".{n}")
            for n, (left, right) in enumerate(self.pairs, start=1)
        )
        return AnkiNotes(notes, lost="a matching card: written as one Basic note per pair (Anki has no matching note)")

    def aiken(self) -> "AikenQuestion | Refused":
        from quizcli.kinds.output import not_in_aiken

        return not_in_aiken(KIND)

    def gift(self, card: "Card", gift: "GiftText") -> "list[GiftQuestion | Refused]":
        """One GIFT matching question, ``=item -> match`` per pair."""
        from quizcli.kinds.output import GiftQuestion, Refused

        if any("->" in text for pair in self.pairs for text in pair):
            return [Refused("a pair with '->' in its text cannot be told apart from GIFT's '->'")]
        answers = "".join(f"\n\t={gift.escape(left)} -> {gift.escape(right)}" for left, right in self.pairs)
        return [GiftQuestion(card.id, f"{gift.text(self.question)}{{{answers}{gift.feedback(card)}\n}}")]


def read_matches(response: str, count: int) -> dict[int, int] | None:
    """The shown match chosen for each item (both from 0) from ``1C 2A 3B`` or ``C A B``; None when it is neither.

    Items left out are simply not in the result (they count as wrong)."""
    if re.search(r"\d", response):
        found = [(int(number) - 1, letter) for number, letter in re.findall(_NUMBERED, response)]
        if not found or re.sub(_NUMBERED, "", response).strip(" ,;"):
            return None
    else:
        found = list(enumerate(re.findall(r"[A-Za-z]", response)))
    chosen: dict[int, int] = {}
    for stem, letter in found:
        position = LETTERS.find(letter.upper())
        if not 0 <= stem < count or not 0 <= position < count or stem in chosen:
            return None
        chosen[stem] = position
    return chosen or None


def _written(chosen: dict[int, int]) -> str:
    return " ".join(f"{stem + 1}{LETTERS[position]}" for stem, position in sorted(chosen.items()))


def _pairs_problem(pairs: tuple[tuple[str, str], ...]) -> str | None:
    if not 2 <= len(pairs) <= len(LETTERS):
        return f"a matching card has 2 to {len(LETTERS)} pairs, found {len(pairs)}"
    for side, name in ((0, "item"), (1, "match")):
        if any(repeats(pair[side] for pair in pairs)):
            return f"two pairs have the same {name}"
    return None


def _pairs(value: "Value") -> tuple[tuple[str, str], ...] | None:
    """``pairs:`` as a list of ``[item, match]``, each problem reported where it is."""
    listed = value.items()
    if listed is None:
        value.error("E101", f"'pairs' must be a list of [item, match] pairs, found {value.describe()}")
        return None
    pairs = [_pair(pair) for pair in listed]
    if any(pair is None for pair in pairs):
        return None
    found = tuple(pair for pair in pairs if pair is not None)
    if not 2 <= len(found) <= len(LETTERS):
        value.error("E106", f"a matching card needs 2 to {len(LETTERS)} pairs, found {len(found)}")
        return None
    return found if _distinct(found, listed) else None


def _pair(value: "Value") -> tuple[str, str] | None:
    sides = value.items()
    texts = [side.text() for side in sides] if sides is not None else []
    if sides is None or len(sides) != 2 or any(text is None for text in texts):
        found = f"a list of {len(sides)}" if sides is not None else value.describe()
        value.error("E101", f"a pair is [item, match], two texts (quote one that has a comma), found {found}")
        return None
    left, right = (text or "" for text in texts)
    if not left.strip() or not right.strip():
        value.error("E104", "a pair has an empty side")
        return None
    return left.strip("\n"), right.strip("\n")


def _distinct(pairs: tuple[tuple[str, str], ...], listed: "list[Value]") -> bool:
    """Items, and matches, each different from the others (a repeated one could not be told apart)."""
    ok = True
    for side, name in ((0, "item"), (1, "match")):
        for index, earlier in repeats(pair[side] for pair in pairs):
            listed[index].error("E108", f"pair {index + 1} repeats the {name} of pair {earlier + 1}")
            ok = False
    return ok


ARROW = "->"  # between an item and its match, as GIFT writes a pair, when `quizcli add` is given one


def _not_a_pair(entry: str) -> str:
    left, arrow, right = entry.partition(ARROW)
    if arrow and left.strip() and right.strip():
        return ""
    return f"Write a pair as item {ARROW} match, e.g. Paris {ARROW} France (an item cannot hold '{ARROW}' here)."


def _written_pairs(answer: "Answer") -> "BlockList":
    """``item -> match`` entries as ``- [item, match]``; one without its arrow as a list of one, for check to name."""
    from quizcli.kinds.authoring import entries
    from quizcli.kinds.output import BlockList, FlowList

    sides = [entry.partition(ARROW)[::2] for entry in entries(answer)]
    return BlockList(tuple(FlowList(tuple(side.strip() for side in pair if side.strip())) for pair in sides))


KIND = Kind(name="matching", keys=("question", "pairs"), recognises=has("pairs"), content=Matching)

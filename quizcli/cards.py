"""The deck model: cards as authored, and the study items they expand into.

A *card* is what an author writes.  An *item* is what gets scheduled and
asked: a flashcard with ``reverse: true`` gives two items, a cloze card gives
one item per deletion number.  Progress is keyed by the item id, which is
derived from the card id so it survives edits to the card's text.
"""

import re
import unicodedata
from collections.abc import Iterator
from enum import StrEnum
from typing import Any, NamedTuple

from quizcli.text import blake2b_hex

# Patterns as text: `re` compiles (and caches) each on first use, so start-up pays only for those it uses.
ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.-]*"
CLOZE_PATTERN = r"\{\{(.*?)\}\}"
_CLOZE_NUMBER = r"(?i)c(\d+)::"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Bump when parsing rules or the Card fields change: every deck index is then rebuilt.
PARSER_VERSION = 1


class Kind(StrEnum):
    FLASHCARD = "flashcard"
    CHOICE = "choice"
    TRUE_FALSE = "true-false"
    TYPED = "typed"
    CLOZE = "cloze"

    @property
    def label(self) -> str:
        """How messages name a card of this kind: "flashcard", "choice card", ..."""
        return "flashcard" if self is Kind.FLASHCARD else f"{self.value} card"

    @property
    def auto_graded(self) -> bool:
        """Whether quizcli can mark an answer right or wrong by itself."""
        return self is not Kind.FLASHCARD


class Card(NamedTuple):
    """One authored card.  Which fields matter depends on ``kind``:

    - flashcard: ``prompt`` is the front, ``answer`` the back, ``reverse`` adds a back->front item
    - choice: ``prompt`` is the question, ``choices`` the options in authored order,
      ``correct`` the indices of the right ones, ``multiple`` for select-all-that-apply
    - true-false: ``prompt`` is the statement, ``truth`` its value
    - typed: ``prompt`` is the question, ``answer`` the expected text, ``accept`` alternatives,
      ``tolerance`` (numeric answers only) how far from ``answer`` a typed number may be
    - cloze: ``prompt`` is the text with ``{{...}}`` deletions
    """

    id: str
    kind: Kind
    prompt: str
    answer: str = ""
    choices: tuple[str, ...] = ()
    correct: tuple[int, ...] = ()
    multiple: bool = False
    shuffle: bool = True
    truth: bool | None = None
    accept: tuple[str, ...] = ()
    tolerance: float | None = None
    reverse: bool = False
    explanation: str = ""
    tags: tuple[str, ...] = ()
    lint_ignore: tuple[str, ...] = ()
    explicit_id: bool = True
    line: int = 0

    def to_record(self) -> list[Any]:
        """Every field, positionally, for the deck index (compact; `from_record` reverses it)."""
        return list(self)

    @classmethod
    def from_record(cls, record: list[Any]) -> "Card":
        values = dict(zip(_CARD_FIELDS, record, strict=True))
        for name in _TUPLE_FIELDS:
            values[name] = tuple(values[name])
        values["kind"] = Kind(values["kind"])
        return cls(**values)

    def items(self) -> "Iterator[Item]":
        """The schedulable items this card expands into, in a stable order."""
        if self.kind is Kind.CLOZE:
            for number in cloze_numbers(self.prompt):
                yield Item(self, f"c{number}")
            return
        yield Item(self, "")
        if self.kind is Kind.FLASHCARD and self.reverse:
            yield Item(self, "reverse")

    def to_dict(self) -> dict[str, Any]:
        """The normalised JSON form shared by ``show --json``, ``check --json`` and export."""
        data: dict[str, Any] = {"id": self.id, "kind": str(self.kind)}
        if self.kind is Kind.FLASHCARD:
            data |= {"front": self.prompt, "back": self.answer, "reverse": self.reverse}
        elif self.kind is Kind.CHOICE:
            data |= {
                "question": self.prompt,
                "choices": list(self.choices),
                "answer": [LETTERS[i] for i in self.correct] if self.multiple else LETTERS[self.correct[0]],
                "shuffle": self.shuffle,
            }
        elif self.kind is Kind.TRUE_FALSE:
            data |= {"question": self.prompt, "answer": self.truth}
        elif self.kind is Kind.TYPED:
            data |= {"question": self.prompt, "answer": self.answer, "accept": list(self.accept)}
            if self.tolerance is not None:
                data["tolerance"] = self.tolerance
        else:
            data["cloze"] = self.prompt
        data |= {"explanation": self.explanation, "tags": list(self.tags)}
        data["items"] = [item.id for item in self.items()]
        return data


_CARD_FIELDS = Card._fields
_TUPLE_FIELDS = ("choices", "correct", "accept", "tags", "lint_ignore")


class Item(NamedTuple):
    """One schedulable unit of a card: the card itself, its reverse, or one cloze number."""

    card: Card
    variant: str

    @property
    def id(self) -> str:
        return f"{self.card.id}:{self.variant}" if self.variant else self.card.id


class ItemRef(NamedTuple):
    """An item known by id and tags only: enough to draw a ``--tag`` or retry exam before loading the chosen cards.

    Cheap to make 100,000 of, like every record here (a NamedTuple).  The tags
    stay as the index keeps them, one string, until they are asked for."""

    id: str
    tag_text: str

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(self.tag_text.split())


class Deck(NamedTuple):
    name: str
    path: str
    title: str
    description: str = ""
    tags: tuple[str, ...] = ()
    cards: tuple[Card, ...] = ()

    def items(self) -> Iterator[Item]:
        for card in self.cards:
            yield from card.items()

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "path": self.path,
            "title": self.title,
            "description": self.description,
            "tags": list(self.tags),
            "cards": [card.to_dict() for card in self.cards],
        }


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
        deletions.append(Deletion(number, answer.strip(), hint.strip(), match.start(), match.end()))
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


def valid_id(text: str) -> bool:
    """Letters, digits, ``-``, ``_`` and ``.``, starting with a letter or digit: no ``:`` (kept for item ids)."""
    return re.fullmatch(ID_PATTERN, text) is not None


def normalise_prompt(text: str) -> str:
    """Letters and digits only, lower-cased: the part of a prompt that identifies it."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def derived_id(prompt: str) -> str:
    """A stable id for a card written without one: a readable slug plus a hash of the prompt."""
    digest = blake2b_hex(normalise_prompt(prompt).encode(), 4)
    words = re.findall(r"[a-z0-9]+", unicodedata.normalize("NFKD", prompt).casefold())
    slug = "-".join(words[:4])[:32].strip("-")
    return f"{slug}-{digest}" if slug else f"card-{digest}"

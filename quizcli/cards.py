"""The deck model: cards as authored, and the study items they expand into.

A *card* is what an author writes.  An *item* is what gets scheduled and
asked: a flashcard with ``reverse: true`` gives two items, a cloze card gives
one item per deletion number.  Progress is keyed by the item id, which is
derived from the card id so it survives edits to the card's text.
"""

import re
import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from quizcli.kinds import kind_named, kind_of
from quizcli.kinds.base import LETTERS as LETTERS  # re-exported: the importers and lints letter choices with it
from quizcli.kinds.base import Kind
from quizcli.text import blake2b_hex
from quizcli.text import normalise_prompt as normalise_prompt  # re-exported: lints and importers compare prompts

if TYPE_CHECKING:
    from quizcli.kinds.base import CardContent

# Patterns as text: `re` compiles (and caches) each on first use, so start-up pays only for those it uses.
ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.-]*"
# Bump when parsing rules or the Card record change: every deck index is then rebuilt.
PARSER_VERSION = 5  # 4: decks with broken cards index their valid cards; 5: and keep their errors
SOURCE_BYTES = 16  # a card's source: the digest of its text in the deck file, by which the index knows it again


class Card(NamedTuple):
    """One authored card: its identity and tags around a kind's ``content`` (``Choice(...)``, ``Cloze(...)``...).

    What the card asks and how it is marked belong to the content's kind (``quizcli.kinds``).
    """

    id: str
    content: "CardContent"
    explanation: str = ""
    tags: tuple[str, ...] = ()
    lint_ignore: tuple[str, ...] = ()
    explicit_id: bool = True
    line: int = 0

    @property
    def kind(self) -> Kind:
        return kind_of(self.content)

    @property
    def prompt(self) -> str:
        """The text that identifies the card (front, question or cloze text)."""
        return self.content.prompt

    def to_record(self) -> dict[str, Any]:
        """The card for the deck index, by field name (`from_record` reverses it)."""
        return {
            "id": self.id,
            "kind": self.kind.name,
            "content": self.content.to_json(),
            "explanation": self.explanation,
            "tags": self.tags,
            "lint_ignore": self.lint_ignore,
            "explicit_id": self.explicit_id,
            "line": self.line,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> "Card":
        return cls(
            id=record["id"],
            content=kind_named(record["kind"]).from_json(record["content"]),
            explanation=record["explanation"],
            tags=tuple(record["tags"]),
            lint_ignore=tuple(record["lint_ignore"]),
            explicit_id=record["explicit_id"],
            line=record["line"],
        )

    def items(self) -> "Iterator[Item]":
        """The schedulable items this card expands into, in a stable order."""
        for variant in self.kind.variants(self.content):
            yield Item(self, variant)

    def to_dict(self) -> dict[str, Any]:
        """The normalised JSON form shared by ``show --json``, ``check --json`` and export."""
        data: dict[str, Any] = {"id": self.id, "kind": self.kind.name}
        data |= self.content.to_json()
        data |= {"explanation": self.explanation, "tags": list(self.tags)}
        data["items"] = [item.id for item in self.items()]
        return data


class Item(NamedTuple):
    """One schedulable unit of a card: the card itself, its reverse, or one cloze number."""

    card: Card
    variant: str

    @property
    def id(self) -> str:
        return f"{self.card.id}:{self.variant}" if self.variant else self.card.id

    @property
    def card_id(self) -> str:
        return self.card.id


class ItemRef(NamedTuple):
    """An item known by id and tags only: enough to draw a ``--tag`` or retry exam, or to order a session's new
    items, before loading the cards chosen.

    Cheap to make 100,000 of, like every record here (a NamedTuple).  The tags
    stay as the index keeps them, one string, until they are asked for."""

    id: str
    tag_text: str

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(self.tag_text.split())

    @property
    def card_id(self) -> str:
        """The id of the item's card: an item id is the card's, or it and ``:variant`` (card ids hold no colon)."""
        return self.id.partition(":")[0]


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
        return {**self._asdict(), "tags": list(self.tags), "cards": [card.to_dict() for card in self.cards]}


def valid_id(text: str) -> bool:
    """Letters, digits, ``-``, ``_`` and ``.``, starting with a letter or digit: no ``:`` (kept for item ids)."""
    return re.fullmatch(ID_PATTERN, text) is not None


def derived_id(prompt: str) -> str:
    """A stable id for a card written without one: a readable slug plus a hash of the prompt.

    The parser derives these on every load and progress is keyed by them, so the slug is frozen as
    it is: an accented letter splits a word here (``Máj`` -> ``ma-j``), and dropping the accent
    instead would move such cards' progress to new ids.  Importers use `imported_id`.
    """
    return _slug_id(unicodedata.normalize("NFKD", prompt).casefold(), prompt)


def imported_id(prompt: str) -> str:
    """The id an importer writes for a question that has none: `derived_id` with accents dropped.

    ``Májovci tvořili`` gives ``majovci-tvorili-...``.  The id is written into the new deck, so it is
    never derived again; for text without accented letters it is the same as `derived_id`.
    """
    decomposed = unicodedata.normalize("NFKD", prompt)
    return _slug_id("".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold(), prompt)


def _slug_id(folded: str, prompt: str) -> str:
    digest = blake2b_hex(normalise_prompt(prompt).encode(), 4)
    words = re.findall(r"[a-z0-9]+", folded)
    slug = "-".join(words[:4])[:32].strip("-")
    return f"{slug}-{digest}" if slug else f"card-{digest}"

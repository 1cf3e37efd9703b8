"""What every question kind provides, and the yaml-free, rich-free shapes it speaks in.

A kind is two things in its own module: a *content* record (the card as
authored: ``Choice(question=..., choices=..., correct=...)``) that satisfies
`CardContent`, and a `Kind` object that reads such content from a deck file,
from JSON and from the deck index.  The rest of quizcli asks these two
instead of branching on the kind; the registry in ``quizcli.kinds`` lists them.

Light on purpose: the study path imports every kind module at start-up.  The
protocols exist for the type checker only, and what a kind hands to ``show``
and the export formats is in ``quizcli.kinds.output``, which the kinds import
inside the methods that need it.
"""

from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import random
    from typing import Protocol

    from quizcli.cards import Card, Item
    from quizcli.kinds.authoring import Ask
    from quizcli.kinds.output import AikenQuestion, AnkiNotes, GiftQuestion, Refused, Shown, YamlField

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class Answering(Enum):
    """How a question is answered on screen: the one dispatch the screens make on a kind."""

    REVEAL = "reveal"  # self-rated: show the back, the user rates it
    CHOOSE = "choose"  # one option by its letter, or several (select-all) then Enter
    TRUE_FALSE = "true-false"  # t or f
    LINE = "line"  # a typed line: free text, blanks separated by ';', or letters in an order


class Question(NamedTuple):
    """An item as it is shown once: the prompt, what is listed under it, and what counts as right.

    ``stems`` are numbered (1, 2, ...) and ``options`` lettered (A, B, ...) in the
    order shown; ``order`` maps a shown option to its authored index and ``right``
    lists the shown options that are right (choice); ``answers`` are the accepted
    texts (typed, cloze) or the back (flashcard); ``blank`` is the gap the prompt
    shows (cloze); ``how`` says how to type a line answer that is not free text.
    """

    item: "Item"
    prompt: str
    answering: Answering
    options: tuple[str, ...] = ()
    order: tuple[int, ...] = ()
    right: tuple[int, ...] = ()
    answers: tuple[str, ...] = ()
    stems: tuple[str, ...] = ()
    multiple: bool = False
    blanks: int = 1
    blank: str = ""
    how: str = ""

    @classmethod
    def lettered(
        cls,
        *,
        item: "Item",
        prompt: str,
        answering: Answering,
        texts: tuple[str, ...],
        rng: "random.Random | None",
        unshuffled: Callable[[list[int]], None] | None = None,
        right: tuple[int, ...] = (),
        stems: tuple[str, ...] = (),
        multiple: bool = False,
        how: str = "",
    ) -> "Question":
        """A choice, matching or ordering question: ``texts`` become the lettered ``options``, and ``right``
        (the authored indices of the right texts) the shown options that are right.

        Shuffled with ``rng``; without one, as written unless ``unshuffled`` arranges the indices (in place).
        """
        order = list(range(len(texts)))
        if rng is not None:
            rng.shuffle(order)
        elif unshuffled is not None:
            unshuffled(order)
        return cls(
            item=item,
            prompt=prompt,
            answering=answering,
            options=tuple(texts[index] for index in order),
            order=tuple(order),
            right=tuple(shown for shown, index in enumerate(order) if index in right),
            stems=stems,
            multiple=multiple,
            how=how,
        )

    @property
    def kind(self) -> "Kind":
        return self.item.card.kind

    def expected(self) -> str:
        """The right answer as the user should see it, in the shown lettering."""
        return self.item.card.content.expected(self)


class Verdict(NamedTuple):
    """A marked response: right or wrong (all or nothing), a near miss, and the credit an exam gives it.

    ``partial`` is the share of the marks (0 to 1) for a kind with partial credit;
    otherwise the credit is 1 when correct and 0 when not.
    """

    correct: bool
    almost: bool = False
    given: str = ""
    partial: float | None = None

    @property
    def credit(self) -> float:
        return float(self.correct) if self.partial is None else self.partial

    @classmethod
    def placing(cls, question: Question, placed: dict[int, int] | None, given: str) -> "Verdict":
        """Matching and ordering: ``placed`` maps each part (an item; a place) to the shown option given for it.

        Right when every part has its own option (study); an exam gives a share of the mark per part that has.
        None, a response that could not be read, scores nothing.
        """
        if placed is None:
            return cls(correct=False, given=given, partial=0.0)
        right = sum(question.order[position] == part for part, position in placed.items())
        parts = len(question.order)
        return cls(correct=right == parts, given=given, partial=right / parts)


class BadCard(ValueError):
    """A card read from JSON that cannot be a card of its kind; the message says why."""


if TYPE_CHECKING:

    class GiftText(Protocol):
        """GIFT's escaping, lent to the kinds by the GIFT exporter (which owns the format)."""

        def escape(self, text: str) -> str:
            """An answer or feedback: special characters escaped, a leading ``[`` guarded."""
            ...

        def text(self, text: str) -> str:
            """Question text: special characters escaped."""
            ...

        def feedback(self, card: Card) -> str:
            """The card's explanation as general feedback (``####...``), or ""."""
            ...

    class Value(Protocol):
        """A value of a deck file with its place in it: the parser stands behind this, so kinds never see YAML."""

        def text(self) -> str | None:
            """A scalar's text exactly as written; None for lists, mappings and null."""
            ...

        def is_null(self) -> bool: ...

        def items(self) -> "list[Value] | None":
            """A list's values; None when it is not a list."""
            ...

        def boolean(self) -> bool | None:
            """True or false for the words true and false only; None otherwise."""
            ...

        def describe(self) -> str:
            """How a message names the value: ``a list``, ``nothing``, ``'text'``."""
            ...

        def error(self, code: str, message: str) -> None:
            """Report a problem at this value."""
            ...

    class DeckFields(Protocol):
        """A card's fields in a deck file, read by key; problems are reported where they are, all at once."""

        def __contains__(self, key: str) -> bool: ...

        def value(self, key: str) -> Value | None: ...

        def marker(self, key: str) -> Value:
            """The value under the key that marks the card as its kind (`has`): there is one."""
            ...

        def required_text(self, key: str) -> str | None:
            """The text under ``key``; a missing, empty or non-text value is reported and gives None."""
            ...

        def optional_bool(self, key: str) -> bool | None: ...

        def text_list(self, key: str) -> tuple[str, ...] | None:
            """A list of texts; anything else is reported and gives None."""
            ...

        def error(self, code: str, message: str) -> None:
            """Report a problem at the card."""
            ...

    class CardContent(Protocol):
        """What a kind's content record answers: everything about asking, marking and writing a card."""

        @property
        def prompt(self) -> str:
            """The text that identifies the card: its derived id, near-duplicate lints and messages use it."""
            ...

        def ask(self, item: Item, rng: random.Random | None) -> Question:
            """The item as it will be shown; options are shuffled with ``rng`` unless the card says not to."""
            ...

        def grade(self, question: Question, response: str) -> Verdict: ...

        def expected(self, question: Question) -> str: ...

        def describe(self, question: Question, response: str) -> str:
            """A response as the user should see it again (letters with their text)."""
            ...

        def to_json(self) -> dict[str, Any]:
            """The kind's fields of the normalised JSON form (`Kind.from_json` reads them back)."""
            ...

        def shown(self) -> Shown: ...

        def problem(self) -> str | None:
            """What ``quizcli check`` would reject in an imported card, said for the person importing it."""
            ...

        def yaml_fields(self) -> list[YamlField]: ...

        def anki(self, card: Card) -> AnkiNotes: ...

        def aiken(self) -> AikenQuestion | Refused: ...

        def gift(self, card: Card, gift: GiftText) -> list[GiftQuestion | Refused]: ...

    class ContentType(Protocol):
        """What a content record's class answers: how a card of the kind is read and authored."""

        def read(self, fields: DeckFields) -> CardContent | None:
            """The content of a deck file's card, or None after reporting its problems on ``fields``."""
            ...

        def from_json(self, data: dict[str, Any]) -> CardContent:
            """The content of the normalised JSON form (the deck index's too); `BadCard` when it is not one."""
            ...

        def asks(self) -> tuple[Ask, ...]:
            """The fields ``quizcli add`` asks a new card of the kind for (`quizcli.kinds.authoring`)."""
            ...


class Kind:
    """A question kind: its name (as JSON and the store write it), how messages call it (``<name> card``
    unless ``label`` says otherwise), and its readers.

    ``keys`` are the deck keys it reads.  ``starts`` are the keys that make a card one of this
    kind's family (``front`` or ``back``; ``question``; ``cloze``: by default the first of its
    ``keys``), the first naming it in messages; among the kinds
    of a family, the first in the registry that ``recognises`` the card's fields reads it (by default,
    any card of its family: the family's last kind).
    ``variants`` gives the items a card expands into, by variant ("" for the card itself; item
    ids follow from them): one item unless the kind says otherwise.  ``needs_answer`` says a card
    was imported without an answer key (a lesson's quiz: the author fills it in) and ``lints`` gives
    the ``check --strict`` findings particular to the kind, as (code, message); by default neither.
    ``content`` is the class of the kind's content records, which reads them from a deck file and from
    JSON and says what ``quizcli add`` asks for (`ContentType`); the kind hands these on as its own.
    A plain class, not a record: one of each is made at start-up and never compared.
    """

    __slots__ = (
        "name",
        "label",
        "starts",
        "keys",
        "recognises",
        "read",
        "from_json",
        "auto_graded",
        "variants",
        "needs_answer",
        "lints",
        "asks",
    )

    def __init__(
        self,
        *,
        name: str,
        label: str = "",
        keys: tuple[str, ...],
        starts: tuple[str, ...] = (),
        recognises: "Callable[[DeckFields], bool]" = lambda fields: True,
        content: "ContentType",
        auto_graded: bool = True,
        variants: "Callable[[Any], tuple[str, ...]]" = lambda content: ("",),
        needs_answer: "Callable[[Any], bool]" = lambda content: False,
        lints: "Callable[[Any, Card], list[tuple[str, str]]]" = lambda content, card: [],
    ) -> None:
        self.read, self.from_json, self.asks = content.read, content.from_json, content.asks
        self.variants = variants
        self.needs_answer, self.lints = needs_answer, lints
        self.name, self.label, self.starts, self.keys = name, label or f"{name} card", starts or keys[:1], keys
        self.recognises = recognises
        self.auto_graded = auto_graded

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"Kind({self.name!r})"


def has(key: str) -> "Callable[[DeckFields], bool]":
    """How a kind marked by a key of its own (``choices``, ``pairs``, ``order``) ``recognises`` its cards."""
    return lambda fields: key in fields


def json_text(data: dict[str, Any], key: str, default: str | None = None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise BadCard(f"'{key}' must be text")
    return value


def json_texts(data: dict[str, Any], key: str) -> tuple[str, ...]:
    values = data.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise BadCard(f"'{key}' must be a list of text")
    return tuple(values)


def empty_problem(*texts: str) -> str | None:
    """The import check every kind starts with: no empty question or answer."""
    if not texts[0].strip():
        return "empty question"
    return "empty answer" if any(not text.strip() for text in texts[1:]) else None


def short(text: str, limit: int = 40) -> str:
    """Text cut to ``limit`` characters for a message."""
    return text if len(text) <= limit else text[: limit - 3] + "..."

"""What a kind hands to ``quizcli show`` and to the export formats: loaded only when a card is shown or exported."""

from __future__ import annotations

from typing import NamedTuple

from quizcli.kinds.base import Kind


class Span(NamedTuple):
    """A piece of a card's text for proof-reading: plain text, or an answer drawn highlighted with its ``note``."""

    text: str
    answer: bool = False
    note: str = ""


class Row(NamedTuple):
    """A listed line for proof-reading: ``A) text``, marked when it is (part of) the answer."""

    label: str
    text: str
    right: bool = False


class Shown(NamedTuple):
    """A card as ``quizcli show`` draws it: the prompt (or its spans), the back, listed rows, the answer."""

    prompt: str
    spans: tuple[Span, ...] = ()
    back: str = ""
    notes: tuple[str, ...] = ()
    rows: tuple[Row, ...] = ()
    answer: str = ""


class Note(NamedTuple):
    """One Anki note: its notetype and two fields; ``guid`` is added to the card id when a card gives several."""

    notetype: str
    first: str
    second: str
    guid: str = ""


class AnkiNotes(NamedTuple):
    """A card's Anki notes, and what was lost on the way ("" when nothing)."""

    notes: tuple[Note, ...]
    lost: str = ""


class AikenQuestion(NamedTuple):
    question: str
    options: tuple[str, ...]
    answer: int


class Refused(NamedTuple):
    """A format cannot hold this card (or one of its questions), and why."""

    reason: str
    part: str = ""  # the question id when only a part of the card is refused


class GiftQuestion(NamedTuple):
    """One GIFT question of a card: its id (the card's, or the card's plus a part) and body."""

    id: str
    body: str


class FlowList(NamedTuple):
    """A list written on one line (``[a, b]``) in a deck file."""

    values: tuple[str, ...]


class BlockList(NamedTuple):
    """A list written one item a line (``- text``, or ``- [a, b]`` for a list in the list) in a deck file."""

    values: tuple[str | FlowList, ...]


class Plain(NamedTuple):
    """A value written as it is (an answer letter, ``[A, C]``, ``null  # ...``)."""

    text: str


# A field of a deck file: text (written as a YAML scalar), true/false, a number, a list or a value as is.
YamlValue = str | bool | float | FlowList | BlockList | Plain
YamlField = tuple[str, YamlValue]


def not_in_aiken(kind: Kind) -> Refused:
    return Refused(f"{kind.label}: Aiken holds single-answer multiple choice only")

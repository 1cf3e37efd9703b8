"""``quizcli add``'s logic: a new card as deck text, appended to a deck file with every other byte kept.

The card is written as text (never by dumping the whole file again), so the deck's
comments, order and formatting stay as the author left them; the file with the card
added is parsed before it is written, and any problem the new card has is reported
with the same diagnostics as ``quizcli check``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import NamedTuple

from quizcli.cards import Card
from quizcli.diagnostics import Diagnostic
from quizcli.errors import QuizcliError
from quizcli.interop.yaml_writer import quoted, scalar, written_fields
from quizcli.kinds import all_kinds
from quizcli.kinds.authoring import Answers, Ask, Form, entries, flow, text
from quizcli.kinds.base import Kind
from quizcli.kinds.output import FlowList, Plain, YamlField, YamlValue
from quizcli.parser import ParseResult, parse_deck
from quizcli.text import plain_number

ID_WORDS = 6  # words of the prompt a generated id keeps
_CARDS_KEY = re.compile(r"^cards:[ \t]*(?P<flow>\[\s*\])?[ \t]*(?:#.*)?$")
_TOP_LEVEL = re.compile(r"^[^\s#-]")
_YAML_WORDS = {"yes", "no", "y", "n", "on", "off", "true", "false", "null", "nan", "inf"}
_ITEM = re.compile(r"^(?P<indent>[ ]*)- ")

# What every card is asked for after its kind's fields (the keys every card may have).
COMMON = (
    Ask(key="explanation", label="Explanation", optional=True),
    Ask(
        key="tags",
        label="Tags",
        how="separated by spaces",
        optional=True,
        written=lambda tags: flow(text(tags).split()),
    ),
)


class Added(NamedTuple):
    """The deck text with the card in, the lines the card takes (1-based, end excluded), and the parse of it all."""

    text: str
    card_id: str
    line: int
    end: int
    result: ParseResult

    def problems(self) -> list[Diagnostic]:
        """The new card's errors and warnings, as ``quizcli check`` would report them."""
        return [d for d in self.result.diagnostics if self.line <= d.line < self.end]


def kind_names() -> list[str]:
    return [kind.name for kind in all_kinds()]


def kind_called(name: str) -> Kind:
    """The kind ``--kind`` (or the answer to "Kind") names."""
    kind = next((kind for kind in all_kinds() if kind.name == name), None)
    if kind is None:
        raise QuizcliError(f"unknown card kind '{name}'; one of: {', '.join(kind_names())}")
    return kind


def asks(kind: Kind) -> tuple[Ask, ...]:
    """What a new card of ``kind`` is asked for, in order: its kind's fields, then those every card may have."""
    return (*kind.asks(), *COMMON)


def kind_given(answers: Answers) -> Kind:
    """The kind of card the given fields make, as a deck's keys decide.

    The first kind, in the order a deck's cards are tried, that asks for every field given, is
    given each field it needs and finds nothing wrong with them (``answer: true`` is a true/false
    card, ``answer: yes`` a typed one); failing that, the last that asks for them all, whose
    problems are then reported.
    """
    given = set(answers) - {ask.key for ask in COMMON}
    fitting = [kind for kind in all_kinds() if given <= {ask.key for ask in kind.asks()}]
    if not fitting:
        raise QuizcliError(f"no kind of card has all of {', '.join(sorted(given))}: see 'quizcli help deck-format'")
    for kind in fitting:
        needed = {ask.key for ask in kind.asks() if not ask.optional}
        if needed <= given and not problems(kind, answers):
            return kind
    return fitting[-1]


def problems(kind: Kind, answers: Answers) -> list[str]:
    """What is wrong with the given fields of a card of ``kind``, said as ``add`` says it while asking."""
    found = []
    for ask in asks(kind):
        if ask.key in answers:
            found += [ask.entry_problem(entry) for entry in entries(answers[ask.key]) if ask.form is not Form.TEXT]
            found.append(ask.problem(answers))
    return [problem for problem in found if problem]


def card_fields(kind: Kind, answers: Answers) -> list[YamlField]:
    """The deck keys of a card of ``kind`` from the answers to its prompts (or its command-line options).

    A field not given is left out (``check`` names a missing one), and so is an optional one left empty.
    """
    asked = asks(kind)
    strays = sorted(set(answers) - {ask.key for ask in asked})
    if strays:
        fields = ", ".join(ask.key for ask in asked)
        raise QuizcliError(f"a {kind.label} has no {', '.join(strays)} (its fields: {fields})")
    return [
        (ask.key, ask.value(answers[ask.key]))
        for ask in asked
        if ask.key in answers and not (ask.optional and not entries(answers[ask.key]))
    ]


def readable_id(prompt: str, taken: set[str]) -> str:
    """An id from the prompt's first words, ``what-is-attention-dilution``, made unique in the deck."""
    ascii_text = unicodedata.normalize("NFKD", prompt).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", re.sub(r"\{\{|\}\}|::", " ", ascii_text))
    base = "-".join(words[:ID_WORDS]) or "card"
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def card_text(card_id: str, fields: Sequence[YamlField], indent: str, newline: str) -> str:
    """The card as deck lines: ``- id:`` at ``indent``, its keys lined up under it."""
    keys = indent + "  "
    lines = [f"{indent}- id: {card_id}", *(f"{keys}{key}:{_value(value, keys)}" for key, value in fields)]
    return newline.join("\n".join(lines).split("\n")) + newline


def _value(value: YamlValue, keys: str) -> str:
    """A field's value as it follows ``key:``, its key indented by ``keys``: a block list's entries on lines below."""
    if isinstance(value, bool):
        return " true" if value else " false"
    if isinstance(value, str):
        return f" {_plain(value) or scalar(value, keys)}"
    if isinstance(value, FlowList):
        return f" {_flow(value)}"
    if isinstance(value, Plain):
        return f" {value.text}"
    if isinstance(value, float):
        return f" {plain_number(value)}"
    return "".join(
        f"\n{keys}  - {_flow(entry) if isinstance(entry, FlowList) else _plain(entry) or quoted(entry)}"
        for entry in value.values
    )


def _flow(values: FlowList) -> str:
    return f"[{', '.join(_plain(v, flow=True) or quoted(v) for v in values.values)}]"


def _plain(text: str, flow: bool = False) -> str:
    """``text`` as typed, when YAML reads it back as the same text (in a ``[...]`` list too, with ``flow``)."""
    if not text.isprintable() or text != text.strip() or not text[:1].isalpha() or text.lower() in _YAML_WORDS:
        return ""
    if ": " in text or " #" in text or text.endswith(":") or (flow and any(c in text for c in ",[]{}:")):
        return ""
    return text


def add_card(text: str, path: str, name: str, card_id: str, fields: Sequence[YamlField]) -> Added:
    """``text`` with the card appended to its ``cards:`` list, and that text parsed."""
    return _append(text, path, name, card_id, lambda indent, newline: card_text(card_id, fields, indent, newline))


def add_cards(text: str, path: str, name: str, cards: Sequence[Card]) -> Added:
    """``text`` with whole cards (given on stdin) appended, written as a card asked for is."""

    def written(indent: str, newline: str) -> str:
        return "".join(card_text(card.id, written_fields(card), indent, newline) for card in cards)

    return _append(text, path, name, "', '".join(card.id for card in cards), written)  # shown quoted: 'a', 'b'


def _append(text: str, path: str, name: str, card_id: str, new_text: Callable[[str, str], str]) -> Added:
    """Insert ``new_text(indent, newline)`` at the end of the cards list, in the deck's own indent and line ends."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    start = _cards_line(lines)
    if start is None:
        raise QuizcliError(f"{path} has no 'cards:' list to add to (add 'cards:' at the top level, or use quizcli new)")
    end = _block_end(lines, start)
    indent = _item_indent(lines[start + 1 : end])
    if _CARDS_KEY.match(lines[start].rstrip("\r\n"))["flow"]:  # type: ignore[index]
        lines[start] = re.sub(r"\s*\[\s*\]", "", lines[start], count=1)
    if end > 0 and not lines[end - 1].endswith("\n"):
        lines[end - 1] += newline
    new = new_text(indent, newline)
    added = "".join([*lines[:end], new, *lines[end:]])
    first = end + 1
    return Added(
        text=added,
        card_id=card_id,
        line=first,
        end=first + new.count("\n"),
        result=parse_deck(added.lstrip("\ufeff"), path, name),
    )


def _cards_line(lines: list[str]) -> int | None:
    for number, line in enumerate(lines):
        if _CARDS_KEY.match(line.lstrip("\ufeff").rstrip("\r\n")):
            return number
    return None


def _block_end(lines: list[str], start: int) -> int:
    """The line after the cards list: the next top-level key or the end, less the blank and comment lines above."""
    end = next((n for n in range(start + 1, len(lines)) if _TOP_LEVEL.match(lines[n])), len(lines))
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return end


def _item_indent(block: list[str]) -> str:
    """The indentation of the list's items ("- "), as the deck writes them; two spaces in an empty list."""
    for line in block:
        match = _ITEM.match(line)
        if match is not None:
            return match["indent"]
    return "  "

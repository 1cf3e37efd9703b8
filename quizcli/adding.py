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
from quizcli.interop.yaml_writer import quoted, scalar
from quizcli.parser import ParseResult, parse_deck

KINDS = ("flashcard", "choice", "true-false", "typed", "cloze")
ID_WORDS = 6  # words of the prompt a generated id keeps
_CARDS_KEY = re.compile(r"^cards:[ \t]*(?P<flow>\[\s*\])?[ \t]*(?:#.*)?$")
_TOP_LEVEL = re.compile(r"^[^\s#-]")
_YAML_WORDS = {"yes", "no", "y", "n", "on", "off", "true", "false", "null", "nan", "inf"}
_ITEM = re.compile(r"^(?P<indent>[ ]*)- ")

Field = tuple[str, str | bool | Sequence[str]]  # a key and its value: text, true/false, or a list of texts


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


def card_fields(kind: str, answers: dict[str, str | list[str]]) -> list[Field]:
    """The deck keys of a card of ``kind`` from the answers to its prompts (or its command-line options)."""
    text = {key: value for key, value in answers.items() if isinstance(value, str) and value.strip()}
    lists = {key: [v for v in value if v.strip()] for key, value in answers.items() if isinstance(value, list)}
    fields: list[Field] = []
    match kind:
        case "flashcard":
            fields += [("front", text.get("front", "")), ("back", text.get("back", ""))]
        case "choice":
            letters = text.get("answer", "").upper().replace(",", " ").split()
            answer: str | list[str] = letters[0] if len(letters) == 1 else letters
            fields += [
                ("question", text.get("question", "")),
                ("choices", lists.get("choices", [])),
                ("answer", answer),
            ]
        case "true-false":
            fields += [("question", text.get("question", "")), ("answer", _truth(text.get("answer", "")))]
        case "typed":
            fields += [("question", text.get("question", "")), ("answer", text.get("answer", ""))]
            fields += [("accept", lists["accept"])] if lists.get("accept") else []
        case "cloze":
            fields += [("cloze", text.get("cloze", ""))]
        case _:
            raise QuizcliError(f"unknown card kind '{kind}'; one of: {', '.join(KINDS)}")
    if text.get("explanation"):
        fields.append(("explanation", text["explanation"]))
    if lists.get("tags"):
        fields.append(("tags", lists["tags"]))
    return fields


def _truth(answer: str) -> bool | str:
    word = answer.strip().lower()
    return {"true": True, "t": True, "false": False, "f": False}.get(word, answer)


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


def card_text(card_id: str, fields: Sequence[Field], indent: str, newline: str) -> str:
    """The card as deck lines: ``- id:`` at ``indent``, its keys lined up under it."""
    keys = indent + "  "
    lines = [f"{indent}- id: {card_id}"]
    for key, value in fields:
        if isinstance(value, bool):
            lines.append(f"{keys}{key}: {'true' if value else 'false'}")
        elif isinstance(value, str):
            lines.append(f"{keys}{key}: {_plain(value) or scalar(value, keys)}")
        elif key == "choices":
            lines.append(f"{keys}{key}:" + "".join(f"\n{keys}  - {_plain(c) or quoted(c)}" for c in value))
        else:
            lines.append(f"{keys}{key}: [{', '.join(_plain(v, flow=True) or quoted(v) for v in value)}]")
    return newline.join("\n".join(lines).split("\n")) + newline


def _plain(text: str, flow: bool = False) -> str:
    """``text`` as typed, when YAML reads it back as the same text (in a ``[...]`` list too, with ``flow``)."""
    if not text.isprintable() or text != text.strip() or not text[:1].isalpha() or text.lower() in _YAML_WORDS:
        return ""
    if ": " in text or " #" in text or text.endswith(":") or (flow and any(c in text for c in ",[]{}")):
        return ""
    return text


def add_card(text: str, path: str, name: str, card_id: str, fields: Sequence[Field]) -> Added:
    """``text`` with the card appended to its ``cards:`` list, and that text parsed."""
    return _append(text, path, name, card_id, lambda indent, newline: card_text(card_id, fields, indent, newline))


def add_cards(text: str, path: str, name: str, cards: Sequence[Card]) -> Added:
    """``text`` with whole cards (given on stdin) appended, each written as ``quizcli import`` writes cards."""
    from quizcli.interop.yaml_writer import card_lines

    def written(indent: str, newline: str) -> str:
        lines = [
            f"{indent}{line[2:]}" if line else line
            for card in cards
            for line in "\n".join(card_lines(card)).split("\n")
        ]
        return newline.join(lines) + newline

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

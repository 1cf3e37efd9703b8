"""Cards to deck YAML text, without importing yaml (``quizcli.parser`` owns that library).

Single-line text is written as a JSON string, which is also a valid YAML
double-quoted scalar; multi-line text as a ``|-`` literal block when that
keeps it exactly, else as a JSON string too.  Characters YAML does not allow
raw (C1 controls, line and paragraph separators, a stray BOM) are escaped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from decimal import Decimal

from quizcli.cards import LETTERS, Card, Kind

_NOT_RAW = re.compile("[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_BLOCK_UNSAFE = re.compile("[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff\n]")


def quoted(text: str) -> str:
    """A double-quoted YAML scalar for any text."""
    return _NOT_RAW.sub(_escape, json.dumps(text, ensure_ascii=False))


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _block_safe(text: str) -> bool:
    lines = text.split("\n")
    return (
        len(lines) > 1
        and not _BLOCK_UNSAFE.search(text)
        and not text[0].isspace()
        and not text[-1].isspace()
        and all(line.strip() or not line for line in lines)
    )


def scalar(text: str, indent: str) -> str:
    """``text`` as the value after ``key:``; ``indent`` is the indentation of the key."""
    if _block_safe(text):
        body = "\n".join(f"{indent}  {line}" if line else "" for line in text.split("\n"))
        return f"|-\n{body}"
    return quoted(text)


def flow_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(quoted(v) for v in values) + "]"


def deck_yaml(cards: Sequence[Card], title: str, header: Sequence[str] = ()) -> str:
    """A deck file: ``header`` lines become comments at the top, each card notes its source line."""
    lines = [f"# {line}" for line in header]
    lines += [f"title: {quoted(title)}", "cards:" if cards else "cards: []"]
    for card in cards:
        if card.line:
            lines.append(f"  # source line {card.line}")
        lines += card_lines(card)
    return "\n".join(lines) + "\n"


def card_lines(card: Card) -> list[str]:
    fields = [("id", card.id)] + _kind_fields(card)
    if card.explanation:
        fields.append(("explanation", scalar(card.explanation, "    ")))
    if card.tags:
        fields.append(("tags", flow_list(card.tags)))
    if card.lint_ignore:
        fields.append(("lint-ignore", flow_list(card.lint_ignore)))
    first, *rest = fields
    return [f"  - {first[0]}: {first[1]}"] + [f"    {key}:{_spaced(value)}" for key, value in rest]


def _spaced(value: str) -> str:
    return value if value.startswith("\n") else f" {value}"


def block_list(values: Sequence[str], indent: str) -> str:
    return "".join(f"\n{indent}- {quoted(v)}" for v in values)


def plain_number(value: float) -> str:
    """A float YAML 1.1 reads back as a number (``1e-05`` would be read as text)."""
    text = repr(value)
    return format(Decimal(text), "f") if "e" in text or "E" in text else text


def _kind_fields(card: Card) -> list[tuple[str, str]]:
    text = scalar(card.prompt, "    ")
    if card.kind is Kind.FLASHCARD:
        fields = [("front", text), ("back", scalar(card.answer, "    "))]
        return fields + ([("reverse", "true")] if card.reverse else [])
    if card.kind is Kind.CLOZE:
        return [("cloze", text)]
    if card.kind is Kind.TRUE_FALSE:
        return [("question", text), ("answer", "true" if card.truth else "false")]
    if card.kind is Kind.TYPED:
        fields = [("question", text), ("answer", scalar(card.answer, "    "))]
        fields += [("accept", flow_list(card.accept))] if card.accept else []
        return fields + ([("tolerance", plain_number(card.tolerance))] if card.tolerance is not None else [])
    return [("question", text), ("choices", block_list(card.choices, "      ")), ("answer", _choice_answer(card))] + (
        [] if card.shuffle else [("shuffle", "false")]
    )


def _choice_answer(card: Card) -> str:
    if not card.correct:
        return "null  # needs an answer: the letter of the right choice"
    letters = [LETTERS[i] for i in card.correct]
    return "[" + ", ".join(letters) + "]" if card.multiple else letters[0]

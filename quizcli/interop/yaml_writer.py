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

from quizcli.cards import Card
from quizcli.kinds.output import BlockList, FlowList, Plain, YamlField, YamlValue
from quizcli.text import plain_number

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


def written_fields(card: Card) -> list[YamlField]:
    """The card's fields after its id, as values: its kind's, then its explanation, tags and lint-ignore codes."""
    fields = card.content.yaml_fields()
    fields += [("explanation", card.explanation)] if card.explanation else []
    fields += [("tags", FlowList(card.tags))] if card.tags else []
    return fields + ([("lint-ignore", FlowList(card.lint_ignore))] if card.lint_ignore else [])


def card_lines(card: Card) -> list[str]:
    fields = [("id", card.id)] + [(key, _written(value)) for key, value in written_fields(card)]
    first, *rest = fields
    return [f"  - {first[0]}: {first[1]}"] + [f"    {key}:{_spaced(value)}" for key, value in rest]


def _spaced(value: str) -> str:
    return value if value.startswith("\n") else f" {value}"


def block_list(values: Sequence[str | FlowList], indent: str) -> str:
    return "".join(f"\n{indent}- {flow_list(v.values) if isinstance(v, FlowList) else quoted(v)}" for v in values)


def _written(value: YamlValue) -> str:
    """A kind's field value as deck text: text as a scalar, lists in flow or block form, true/false, numbers."""
    if isinstance(value, Plain):
        return value.text
    if isinstance(value, BlockList):
        return block_list(value.values, "      ")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return scalar(value, "    ")
    if isinstance(value, FlowList):
        return flow_list(value.values)
    return plain_number(value)

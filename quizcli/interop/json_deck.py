"""The normalised JSON deck (``Deck.to_dict``, as ``show --json`` prints it): export and import."""

from __future__ import annotations

import json
import sys
from typing import Any

from quizcli.cards import Card, Deck, imported_id, valid_id
from quizcli.interop.model import ImportFormatError, ImportResult, LineCounter, Skipped, build_result
from quizcli.kinds import all_kinds, kind_named
from quizcli.kinds.base import BadCard, json_text, json_texts


def export_json(deck: Deck) -> str:
    return json.dumps(deck.to_dict(), indent=2, ensure_ascii=False) + "\n"


def import_json(text: str) -> ImportResult:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFormatError(f"not valid JSON: {exc.msg} (column {exc.colno})", exc.lineno) from exc
    except RecursionError as exc:
        raise ImportFormatError("JSON nested too deeply") from exc
    except ValueError as exc:  # a number of more digits than Python converts (its guard against slow parsing)
        raise ImportFormatError(f"a number has more than {sys.get_int_max_str_digits():,} digits") from exc
    if not isinstance(data, dict) or not isinstance(data.get("cards"), list):
        raise ImportFormatError(
            "a JSON deck is an object with a 'cards' list, as 'quizcli export --format json' writes"
        )
    entries: list[Card | Skipped] = []
    search_from, lines = 0, LineCounter(text)
    for item in data["cards"]:
        search_from, line = _locate(text, item, search_from, lines)
        try:
            entries.append(_card(item, line))
        except BadCard as exc:
            entries.append(Skipped(line, str(exc)))
    title = data.get("title") if isinstance(data.get("title"), str) else ""
    return build_result("json", entries, title or "")


def _locate(text: str, item: object, start: int, lines: LineCounter) -> tuple[int, int]:
    """Where a card's id appears in the text (after the previous card's), for its line number."""
    card_id = item.get("id") if isinstance(item, dict) else None
    found = text.find(json.dumps(card_id, ensure_ascii=False), start) if isinstance(card_id, str) else -1
    return (found, lines.line_of(found)) if found >= 0 else (start, lines.line_of(start))


def _card(item: Any, line: int) -> Card:
    if not isinstance(item, dict):
        raise BadCard("a card must be an object")
    try:
        kind = kind_named(str(item.get("kind")))
    except KeyError:
        raise BadCard(f"unknown kind {item.get('kind')!r}; one of {', '.join(k.name for k in all_kinds())}") from None
    content = kind.from_json(item)
    return Card(
        id=_id(item, content.prompt),
        content=content,
        explanation=json_text(item, "explanation", ""),
        tags=json_texts(item, "tags"),
        line=line,
    )


def _id(item: dict[str, Any], prompt: str) -> str:
    card_id = item.get("id")
    return card_id if isinstance(card_id, str) and valid_id(card_id) else imported_id(prompt)

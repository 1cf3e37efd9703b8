"""The normalised JSON deck (``Deck.to_dict``, as ``show --json`` prints it): export and import."""

from __future__ import annotations

import json
from typing import Any

from quizcli.cards import LETTERS, Card, Deck, Kind, derived_id, valid_id
from quizcli.interop.model import ImportFormatError, ImportResult, Skipped, build_result, line_of


class _BadCard(Exception):
    """One card of the JSON cannot be read; it is skipped with this message."""


def export_json(deck: Deck) -> str:
    return json.dumps(deck.to_dict(), indent=2, ensure_ascii=False) + "\n"


def import_json(text: str) -> ImportResult:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFormatError(f"not valid JSON: {exc.msg} (column {exc.colno})", exc.lineno) from exc
    except RecursionError as exc:
        raise ImportFormatError("JSON nested too deeply") from exc
    if not isinstance(data, dict) or not isinstance(data.get("cards"), list):
        raise ImportFormatError(
            "a JSON deck is an object with a 'cards' list, as 'quizcli export --format json' writes"
        )
    entries: list[Card | Skipped] = []
    search_from = 0
    for item in data["cards"]:
        search_from, line = _locate(text, item, search_from)
        try:
            entries.append(_card(item, line))
        except _BadCard as exc:
            entries.append(Skipped(line, str(exc)))
    title = data.get("title") if isinstance(data.get("title"), str) else ""
    return build_result("json", entries, title or "")


def _locate(text: str, item: object, start: int) -> tuple[int, int]:
    """Where a card's id appears in the text (after the previous card's), for its line number."""
    card_id = item.get("id") if isinstance(item, dict) else None
    found = text.find(json.dumps(card_id, ensure_ascii=False), start) if isinstance(card_id, str) else -1
    return (found, line_of(text, found)) if found >= 0 else (start, line_of(text, start))


def _card(item: Any, line: int) -> Card:
    if not isinstance(item, dict):
        raise _BadCard("a card must be an object")
    try:
        kind = Kind(str(item.get("kind")))
    except ValueError:
        raise _BadCard(f"unknown kind {item.get('kind')!r}; one of {', '.join(Kind)}") from None
    prompt = _text(item, {Kind.FLASHCARD: "front", Kind.CLOZE: "cloze"}.get(kind, "question"))
    card = Card(_id(item, prompt), kind, prompt, explanation=_text(item, "explanation", ""), line=line)
    return card._replace(tags=_texts(item, "tags"), **_kind_fields(kind, item))


def _kind_fields(kind: Kind, item: dict[str, Any]) -> dict[str, Any]:
    if kind is Kind.FLASHCARD:
        return {"answer": _text(item, "back"), "reverse": item.get("reverse") is True}
    if kind is Kind.TRUE_FALSE:
        if not isinstance(item.get("answer"), bool):
            raise _BadCard("a true-false card's answer is true or false")
        return {"truth": item["answer"]}
    if kind is Kind.TYPED:
        tolerance = item.get("tolerance")
        if tolerance is not None and (not isinstance(tolerance, int | float) or isinstance(tolerance, bool)):
            raise _BadCard("'tolerance' must be a number")
        return {"answer": _text(item, "answer"), "accept": _texts(item, "accept"), "tolerance": tolerance}
    if kind is Kind.CHOICE:
        return _choice_fields(item)
    return {}


def _choice_fields(item: dict[str, Any]) -> dict[str, Any]:
    choices = _texts(item, "choices")
    answer = item.get("answer")
    letters = answer if isinstance(answer, list) else [answer]
    if not letters or not all(isinstance(x, str) and x in LETTERS[: len(choices)] for x in letters):
        raise _BadCard(f"answer {answer!r} is not a letter (or list of letters) of the {len(choices)} choices")
    correct = tuple(sorted({LETTERS.index(str(x)) for x in letters}))
    shuffle = item.get("shuffle") is not False
    return {"choices": choices, "correct": correct, "multiple": isinstance(answer, list), "shuffle": shuffle}


def _id(item: dict[str, Any], prompt: str) -> str:
    card_id = item.get("id")
    return card_id if isinstance(card_id, str) and valid_id(card_id) else derived_id(prompt)


def _text(item: dict[str, Any], key: str, default: str | None = None) -> str:
    value = item.get(key, default)
    if not isinstance(value, str):
        raise _BadCard(f"'{key}' must be text")
    return value


def _texts(item: dict[str, Any], key: str) -> tuple[str, ...]:
    values = item.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise _BadCard(f"'{key}' must be a list of text")
    return tuple(values)

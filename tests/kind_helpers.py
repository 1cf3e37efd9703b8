"""What the tests of each question kind share: a deck file of one card read back, its located errors, a one-question
exam marked."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from quizcli.cards import Card
from quizcli.exam import Ending, Exam, Sheet
from quizcli.marking import Result, mark
from quizcli.parser import parse_deck


def the_only_card(text: str, name: str) -> Card:
    """The deck file's one card, read without a diagnostic; its JSON record reads back as the same card."""
    result = parse_deck(text, f"{name}.yaml", name)
    assert result.diagnostics == []
    [card] = result.deck.cards
    assert Card.from_record(json.loads(json.dumps(card.to_record()))) == card
    return card


def one_item_json(card_id: str, kind: str, explanation: str = "", **fields: object) -> dict[str, object]:
    """The JSON form of a card that is one item and has no tags: its id, kind, the kind's ``fields`` and explanation."""
    return {"id": card_id, "kind": kind, **fields, "explanation": explanation, "tags": [], "items": [card_id]}


def located_errors(text: str, name: str) -> list[str]:
    """Each error the deck file gets, as ``line:column code message``."""
    return [f"{d.line}:{d.column} {d.code} {d.message}" for d in parse_deck(text, f"{name}.yaml", name).errors]


def marked_answer(exam: Exam, answer: str, seconds: float) -> Result:
    """The exam's one question answered with ``answer`` and submitted after ``seconds``."""
    sheet = Sheet(1)
    sheet.answer(answer)
    return mark(exam, sheet.finish(Ending.SUBMITTED, seconds), started_at=datetime(2026, 11, 28, tzinfo=UTC))

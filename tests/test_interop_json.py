"""The JSON deck: what show --json prints comes back as the same cards; bad cards are skipped at their line."""

from __future__ import annotations

import json

import pytest

from quizcli.interop.json_deck import export_json, import_json
from quizcli.interop.model import ImportFormatError
from quizcli.parser import load_deck

from conftest import LONG_CONTEXT


def test_the_bundled_deck_survives_json() -> None:
    deck = load_deck(LONG_CONTEXT)
    result = import_json(export_json(deck))
    assert result.title == deck.title and result.skipped == ()
    assert [c.to_dict() for c in result.cards] == [c.to_dict() for c in deck.cards]


def test_cards_that_do_not_fit_are_skipped_with_the_line_of_their_id() -> None:
    cards: list[dict[str, object]] = [
        {"id": "ok", "kind": "flashcard", "front": "f", "back": "b"},
        {"id": "odd", "kind": "essay", "question": "q"},
        {"id": "far", "kind": "choice", "question": "q", "choices": ["a", "b"], "answer": "C"},
        {"id": "tf", "kind": "true-false", "question": "q", "answer": "yes"},
    ]
    text = json.dumps({"title": "T", "cards": cards}, indent=2)
    result = import_json(text)
    assert [c.id for c in result.cards] == ["ok"]
    lines = {card["id"]: text.splitlines().index(f'      "id": "{card["id"]}",') + 1 for card in cards}
    assert [(s.line, s.reason) for s in result.skipped] == [
        (lines["odd"], "unknown kind 'essay'; one of flashcard, choice, matching, ordering, true-false, typed, cloze"),
        (lines["far"], "answer 'C' is not a letter (or list of letters) of the 2 choices"),
        (lines["tf"], "a true-false card's answer is true or false"),
    ]


@pytest.mark.parametrize(
    ("text", "message"), [("[1, 2]", "an object with a 'cards' list"), ('{"cards": [}', "not valid JSON")]
)
def test_text_that_is_not_a_json_deck_is_an_error(text: str, message: str) -> None:
    with pytest.raises(ImportFormatError, match=message):
        import_json(text)

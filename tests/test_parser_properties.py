"""Property tests: whatever text or YAML-shaped data arrives, the parser returns a deck or a located error."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizcli.diagnostics import Severity
from quizcli.kinds import all_kinds
from quizcli.parser import ALL_CARD_KEYS, DECK_KEYS, parse_deck

from conftest import examples

SETTINGS = settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30),
    st.sampled_from(["A", "B", "z", "yes", "{{x}}", "a {{b}} c", "{{", "}}", "true", ""]),
)  # fmt: skip
keys = st.one_of(st.sampled_from(sorted(set(ALL_CARD_KEYS) | set(DECK_KEYS))), st.text(max_size=8))
yamlish: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=5), st.dictionaries(keys, children, max_size=6)),
    max_leaves=25,
)
cards = st.lists(st.dictionaries(keys, yamlish, max_size=7), max_size=6)
decks = st.one_of(yamlish, st.fixed_dictionaries({"cards": cards}, optional={"title": yamlish, "tags": yamlish}))


def check_outcome(text: str) -> None:
    result = parse_deck(text, "fuzz.yaml", "fuzz")
    for diagnostic in result.diagnostics:
        assert diagnostic.line >= 1 and diagnostic.column >= 1
        assert diagnostic.message and diagnostic.code
    if not result.errors:
        for card in result.deck.cards:
            assert card.id and card.prompt.strip()
            assert card.kind in all_kinds()
            assert list(card.items())


@SETTINGS
@given(st.text(max_size=400))
def test_arbitrary_text_never_raises(text: str) -> None:
    check_outcome(text)


@SETTINGS
@given(decks)
def test_arbitrary_yaml_shaped_data_never_raises(data: Any) -> None:
    check_outcome(yaml.safe_dump(data, allow_unicode=True))


@SETTINGS
@given(st.lists(st.sampled_from(["front", "back", "question", "choices", "answer", "cloze", "id", "tags"]), max_size=4))
def test_partial_cards_either_load_or_name_the_problem(present: list[str]) -> None:
    values = {"front": "f", "back": "b", "question": "q", "choices": ["x", "y"], "answer": "A",
              "cloze": "a {{b}}", "id": "card", "tags": ["t"]}  # fmt: skip
    text = yaml.safe_dump({"cards": [{k: values[k] for k in present}]})
    result = parse_deck(text, "p.yaml", "p")
    assert result.deck.cards or any(d.severity is Severity.ERROR for d in result.diagnostics)

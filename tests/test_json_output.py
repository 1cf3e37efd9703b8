"""JSON as quizcli prints it (``--json``): indented, a list of objects one object a line."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from quizcli.text import dump_json

# Text without controls, format marks or surrogates: what the output escapes besides JSON has its own test.
TEXT = st.text(st.characters(exclude_categories=("Cc", "Cf", "Cs")), max_size=8)
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=20,
)


def rows_in(value: Any) -> bool:
    """Whether ``value`` holds a non-empty list of objects anywhere."""
    if isinstance(value, dict):
        return any(rows_in(v) for v in value.values())
    if isinstance(value, list):
        return (bool(value) and all(isinstance(v, dict) for v in value)) or any(rows_in(v) for v in value)
    return False


@given(VALUES)
def test_the_output_reads_back_as_the_data_and_is_indented_json_where_no_list_holds_objects(value: Any) -> None:
    text = dump_json(value)
    assert json.loads(text) == value and text.endswith("\n")
    if not rows_in(value):
        assert text == json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def test_a_list_of_objects_prints_one_object_a_line() -> None:
    data = {"title": "T", "cards": [{"id": "a", "tags": ["x"]}, {"id": "b", "tags": []}], "empty": []}
    assert dump_json(data) == (
        "{\n"
        '  "title": "T",\n'
        '  "cards": [\n'
        '    {"id": "a", "tags": ["x"]},\n'
        '    {"id": "b", "tags": []}\n'
        "  ],\n"
        '  "empty": []\n'
        "}\n"
    )


def test_text_a_terminal_would_act_on_is_escaped_in_rows_too() -> None:
    assert dump_json([{"bidi": "a\u202eb"}]) == '[\n  {"bidi": "a\\u202eb"}\n]\n'

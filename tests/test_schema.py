"""The shipped JSON Schema accepts every good deck quizcli knows of and rejects the broken ones."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
import yaml

from quizcli.interop.formats import ImportFormat
from quizcli.interop.importing import import_text
from quizcli.parser import parse_deck
from quizcli.schema import SCHEMA_FILE, schema_text
from quizcli.starter import starter_text

from conftest import REPO
from interop_helpers import FIXTURES, LESSON
from test_docs import yaml_examples

SCHEMA = json.loads(schema_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def errors(deck_text: str) -> list[str]:
    data: Any = yaml.safe_load(deck_text)
    return [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(data)]


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA_FILE.parent.name == "quizcli"  # shipped inside the package


@pytest.mark.parametrize("path", sorted((REPO / "decks").glob("*.yaml")), ids=lambda p: p.name)
def test_every_bundled_deck_validates(path: Any) -> None:
    assert errors(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("example", yaml_examples())
def test_every_documented_example_validates(example: str) -> None:
    assert errors(example) == []


def test_the_starter_deck_validates() -> None:
    assert errors(starter_text("demo", "# yaml-language-server: $schema=x")) == []


IMPORTS = [
    ("moodle.aiken.txt", None), ("errors.aiken.txt", None), ("moodle.gift.txt", None), ("errors.gift.txt", None),
    ("headers.anki.txt", None), ("header-row.anki.csv", None), ("plain.anki.tsv", None), ("errors.anki.txt", None),
    ("with-key.lesson.txt", ImportFormat.LESSON),
]  # fmt: skip


@pytest.mark.parametrize(("name", "format_name"), IMPORTS)
def test_every_deck_the_importers_write_validates(name: str, format_name: ImportFormat | None) -> None:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    written = import_text(text, name, format_name, "x").yaml
    filled = written.replace("answer: null", "answer: A")  # the lesson leaves answers for the author
    assert errors(filled) == []


def test_the_schema_flags_the_answers_a_lesson_import_leaves_out() -> None:
    written = import_text(LESSON.read_text(encoding="utf-8"), "lesson.txt", None, "x").yaml
    assert len([e for e in errors(written) if "answer" in e or "None" in e]) >= 8


BROKEN = {
    "not a deck": "- just\n- a list\n",
    "no cards": "title: Empty\n",
    "unknown deck key": "titel: x\ncards: []\n",
    "unknown card key": "cards:\n  - {id: a, frnt: x, back: y}\n",
    "missing back": "cards:\n  - {id: a, front: x}\n",
    "empty front": "cards:\n  - {id: a, front: '  ', back: y}\n",
    "bad id": "cards:\n  - {id: 'a b', front: x, back: y}\n",
    "one choice": "cards:\n  - {id: a, question: q, choices: [x], answer: A}\n",
    "answer not a letter": "cards:\n  - {id: a, question: q, choices: [x, y], answer: AB}\n",
    "choice without answer": "cards:\n  - {id: a, question: q, choices: [x, y]}\n",
    "choices not a list": "cards:\n  - {id: a, question: q, choices: foo, answer: A}\n",
    "key of another kind": "cards:\n  - {id: a, front: x, back: y, choices: [a, b]}\n",
    "front and question": "cards:\n  - {id: a, front: x, back: y, question: z, answer: w}\n",
    "cloze without deletion": "cards:\n  - {id: a, cloze: no blanks here}\n",
    "cloze with an empty deletion": "cards:\n  - {id: a, cloze: 'an {{ }} blank'}\n",
    "reverse not a boolean": "cards:\n  - {id: a, front: x, back: y, reverse: maybe}\n",
    "tag with a space": "tags: [two words]\ncards: []\n",
    "negative tolerance": "cards:\n  - {id: a, question: q, answer: 3, tolerance: -1}\n",
    "typed answer missing": "cards:\n  - {id: a, question: q}\n",
}


@pytest.mark.parametrize("text", BROKEN.values(), ids=BROKEN.keys())
def test_broken_decks_the_parser_rejects_the_schema_rejects_too(text: str) -> None:
    assert parse_deck(text, "broken.yaml", "broken").errors, "the fixture should be broken for the parser"
    assert errors(text), "the schema accepted a broken deck"

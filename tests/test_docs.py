"""The documentation cannot drift from the code: its examples load, its help matches --help."""

from __future__ import annotations

import re

import pytest

from quizcli.kinds import all_kinds
from quizcli.parser import parse_deck

from conftest import REPO

FORMAT_DOC = REPO / "docs" / "deck-format.md"
YAML_BLOCK = re.compile(r"^(`{3,})yaml\n(.*?)^\1$", re.MULTILINE | re.DOTALL)


def yaml_examples() -> list[str]:
    return [m.group(2) for m in YAML_BLOCK.finditer(FORMAT_DOC.read_text(encoding="utf-8"))]


def test_the_format_doc_has_examples() -> None:
    assert len(yaml_examples()) >= 9


@pytest.mark.parametrize("example", yaml_examples())
def test_every_deck_format_example_loads_cleanly(example: str) -> None:
    result = parse_deck(example, "docs/deck-format.md", "example")
    assert result.diagnostics == []
    assert result.deck.cards


def test_the_examples_cover_every_card_kind() -> None:
    kinds = {card.kind for ex in yaml_examples() for card in parse_deck(ex, "doc", "example").deck.cards}
    assert kinds == set(all_kinds())


def test_every_message_code_is_documented() -> None:
    paths = [REPO / "quizcli" / name for name in ("parser.py", "check.py")] + sorted(
        (REPO / "quizcli" / "kinds").glob("*.py")
    )
    sources = "".join(path.read_text(encoding="utf-8") for path in paths)
    used = set(re.findall(r'"([EW]\d{3})"', sources))
    documented = set(re.findall(r"^\| ([EW]\d{3}) \|", FORMAT_DOC.read_text(encoding="utf-8"), re.MULTILINE))
    assert used == documented

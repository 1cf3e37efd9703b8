"""Shared by the interop tests: fixture paths, and importing then parsing back what `import` writes."""

from __future__ import annotations

from quizcli.cards import Card
from quizcli.interop.model import ImportResult
from quizcli.interop.yaml_writer import deck_yaml
from quizcli.parser import ParseResult, parse_deck

from conftest import REPO

FIXTURES = REPO / "tests" / "fixtures" / "interop"
LESSON = REPO / "tests" / "fixtures" / "lessons" / "long-context-attention-issues.txt"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_bytes().decode("utf-8")


def written_back(result: ImportResult) -> ParseResult:
    """The deck `import` writes for ``result``, parsed as `check` would."""
    return parse_deck(deck_yaml(result.cards, "imported"), "imported.yaml", "imported")


def by_id(result: ImportResult) -> dict[str, Card]:
    return {card.id: card for card in result.cards}


def skipped(result: ImportResult) -> list[tuple[int, str]]:
    return [(s.line, s.reason) for s in result.skipped]

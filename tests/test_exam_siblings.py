"""An exam asks at most one item of a card (the deletions of one cloze card show each other's answers), unless
``--all-items``; a reversed flashcard is never asked (flashcards are self-rated)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizcli.cli import app

from conftest import write_deck

runner = CliRunner()
DECK = """\
title: Siblings
cards:
  - id: capital
    front: Capital of France?
    back: Paris
    reverse: true
  - id: numbers
    cloze: "Keep {{c1::0.3}} of the prompt, drop {{c2::0.05}}, and repeat {{c3::twice}}."
  - id: colour
    question: Which colour is the sky?
    choices: [blue, green]
    answer: A
  - id: boils
    question: Water boils at 100 C at sea level.
    answer: true
  - id: letters
    question: Which letter comes first?
    choices: [a, b, c]
    answer: A
"""
CARDS = 4  # the markable cards: the cloze card and three others; its three deletions make six items


@pytest.fixture
def deck(tmp_path: Path) -> str:
    return str(write_deck(tmp_path, "siblings", DECK))


def drawn(deck: str, *args: str) -> list[str]:
    """The items an exam asked, handed in blank (no input), as its JSON result lists them."""
    result = runner.invoke(app, ["exam", deck, "--json", *args], input="")
    assert result.exit_code == 0, result.stderr
    return [question["item"] for question in json.loads(result.stdout)["questions"]]


def card_of(item: str) -> str:
    return item.partition(":")[0]


@pytest.mark.parametrize("count", [2, 3, 4])
def test_no_exam_asks_two_items_of_one_card(deck: str, count: int) -> None:
    for seed in range(40):
        items = drawn(deck, "--seed", str(seed), "--count", str(count))
        assert len(items) == count
        assert len({card_of(item) for item in items}) == count, (seed, items)
        assert "capital" not in map(card_of, items)


def test_a_whole_exam_asks_every_card_once_and_a_different_deletion_by_seed(deck: str) -> None:
    asked: set[str] = set()
    for seed in range(30):
        items = drawn(deck, "--seed", str(seed))
        assert sorted(map(card_of, items)) == ["boils", "colour", "letters", "numbers"]
        asked.update(item for item in items if item.startswith("numbers:"))
    assert asked == {"numbers:c1", "numbers:c2", "numbers:c3"}
    assert drawn(deck, "--no-shuffle") == ["numbers:c1", "colour", "boils", "letters"]  # authored order: the first


def test_a_seed_replays_the_same_exam(deck: str) -> None:
    assert drawn(deck, "--seed", "11", "-n", "3") == drawn(deck, "--seed", "11", "-n", "3")


def test_all_items_lets_siblings_be_asked_together(deck: str) -> None:
    draws = [drawn(deck, "--seed", str(seed), "-n", "3", "--all-items") for seed in range(40)]
    assert any(sum(item.startswith("numbers:") for item in items) > 1 for items in draws)  # deletions together
    everything = ["boils", "colour", "letters", "numbers:c1", "numbers:c2", "numbers:c3"]
    assert sorted(drawn(deck, "--all-items")) == everything


def test_a_count_over_the_cards_says_how_many_can_be_drawn(deck: str) -> None:
    result = runner.invoke(app, ["exam", deck, "--count", "9"], input="")
    assert result.exit_code == 0
    assert "only 4 questions can be drawn, not 9: an exam asks one item per card" in result.stderr
    assert "Score: 0/4 (0%)" in result.stdout
    result = runner.invoke(app, ["exam", deck, "--count", "9", "--all-items"], input="")
    assert "only 6 questions can be drawn, not 9: asking all of them" in result.stderr
    assert "Score: 0/6 (0%)" in result.stdout
    assert "can be drawn" not in runner.invoke(app, ["exam", deck, "--count", "4"], input="").stderr

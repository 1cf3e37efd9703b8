"""hashcards decks: Q:/A: and C: cards, multi-line answers, bracket deletions, front matter and mistakes."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizcli.cards import imported_id
from quizcli.interop.hashcards import _CLOZE_TOKEN, NO_CARDS, _cloze, import_hashcards
from quizcli.interop.model import ImportFormatError
from quizcli.kinds.cloze import Cloze
from quizcli.kinds.flashcard import Flashcard

from interop_helpers import fixture, skipped, written_back
from test_interop_properties import SETTINGS, text


def test_the_fixture_deck_with_latex_images_and_separators() -> None:
    result = import_hashcards(fixture("series.md"))
    assert result.skipped == ()
    first, harmonic, ratio, leibniz = result.cards
    assert first.content == Flashcard(
        front=r"What does $\sum_{n=1}^{\infty} \frac{1}{n^2}$ converge to?",
        back=r"$\frac{\pi^2}{6}$ (the Basel problem)",
    )
    assert harmonic.content == Cloze(text=r"The harmonic series $\sum_{n=1}^{\infty} \frac{1}{n}$ {{c1::diverges}}.")
    assert ratio.line == 6 and isinstance(ratio.content, Flashcard)
    assert ratio.content.back == "The ratio test:\n\n- $L < 1$: converges\n- $L > 1$: diverges"
    assert leibniz.content == Cloze(
        text="An ![icon](img/sum.png) alternating series $\\sum (-1)^n b_n$ converges when $b_n$ "
        "{{c1::decreases to 0}}\n(the {{c2::Leibniz}} test); [brackets] stay."
    )
    assert [item.id for item in leibniz.items()] == [f"{leibniz.id}:c1", f"{leibniz.id}:c2"]
    assert written_back(result).diagnostics == []


def test_front_matter_names_the_deck_and_ids_come_from_the_text() -> None:
    result = import_hashcards('---\nname = "Neuro"\n---\n\nQ: How many neurons?\nA: ~80 billion.\n')
    assert result.title == "Neuro"
    [card] = result.cards
    assert card.id == imported_id("How many neurons?") and card.line == 5


def test_every_mistake_is_reported_with_its_line() -> None:
    source = "stray text\nmore of it\n\nA: orphan\nQ: no answer\nQ: second\nA: fine\nC: no deletion here\n\nC: [ok]\n"
    result = import_hashcards(source)
    expected: list[object] = [Flashcard(front="second", back="fine"), Cloze(text="{{c1::ok}}")]
    assert [c.content for c in result.cards] == expected
    assert skipped(result) == [
        (1, "text that is not part of a card (a missing 'Q:' or 'C:'?)"),
        (4, "found an answer ('A:') without a question"),
        (5, "a question ('Q:') without an answer ('A:')"),
        (8, "a cloze card ('C:') must contain at least one [...] deletion"),
    ]


def test_markdown_without_any_card_is_an_error_with_a_hint() -> None:
    with pytest.raises(ImportFormatError, match="no hashcards cards here"):
        import_hashcards("# My notes\n\nJust prose, $\\sum_{n=1}$.\n")
    assert "give --format" in NO_CARDS


def test_an_unclosed_front_matter_is_an_error() -> None:
    with pytest.raises(ImportFormatError, match="no closing '---'"):
        import_hashcards("---\nname = 'x'\nQ: a\nA: b\n")


card_text = text().filter(lambda t: t[:2] not in ("Q:", "A:", "C:") and "[" not in t and "]" not in t)
multi_line = st.lists(card_text, min_size=1, max_size=3).map("\n".join)


@SETTINGS
@given(cards=st.lists(st.tuples(card_text, multi_line), min_size=1, max_size=5))
def test_written_cards_come_back(cards: list[tuple[str, str]]) -> None:
    deck = "\n\n".join(f"Q: {question}\nA: {answer}" for question, answer in cards)
    result = import_hashcards(deck)
    assert result.skipped == ()
    assert [c.content for c in result.cards] == [Flashcard(front=q, back=a) for q, a in cards]


@SETTINGS
@given(parts=st.lists(st.tuples(card_text, card_text.filter(lambda t: "{" not in t and "}" not in t)), min_size=1,
                      max_size=3))  # fmt: skip
def test_each_bracketed_deletion_is_a_numbered_cloze(parts: list[tuple[str, str]]) -> None:
    plain = [(before.replace("{", "").replace("}", ""), answer) for before, answer in parts]
    result = import_hashcards("C: " + " ".join(f"{before} [{answer}]" for before, answer in plain) + "\n")
    expected = " ".join(f"{before} {{{{c{n}::{answer}}}}}" for n, (before, answer) in enumerate(plain, start=1))
    assert [c.content for c in result.cards] == [Cloze(text=expected.strip())]


def test_an_answer_of_many_lines_is_one_card_holding_every_line() -> None:
    lines = [f"line {n}" for n in range(20_000)]
    result = import_hashcards("Q: What follows?\nA: " + "\n".join(lines) + "\nC: The [end].\n")
    first, second = result.cards
    assert first.content == Flashcard(front="What follows?", back="\n".join(lines))
    assert first.line == 1 and second.line == 20_002


@given(st.text(alphabet="[]!\\ab\n", max_size=60))
def test_a_cloze_text_reads_as_one_pass_of_the_token_pattern_over_the_whole_text(text: str) -> None:
    """The tail past the last ']' is read on its own (so it is not scanned again from every '[' in it), to the
    same result as the pattern over the whole text."""
    numbers = iter(range(1, len(text) + 1))

    def token(match: re.Match[str]) -> str:
        return match.group(1) or match.group(2) or f"{{{{c{next(numbers)}::{match.group(3)}}}}}"

    whole = _CLOZE_TOKEN.sub(token, text)
    assert _cloze(text) == (Cloze(text=whole) if "{{c1::" in whole else None)

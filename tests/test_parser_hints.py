"""Deck mistakes as a person makes them: each YAML slip explained in plain words at the exact place, in line order,
a cause reported once rather than as a cascade, and YAML boolean words that change a card's meaning warned about."""

from __future__ import annotations

import pytest

from quizcli.parser import parse_deck


def located(text: str) -> list[str]:
    return [f"{d.line}:{d.column} {d.code} {d.message}" for d in parse_deck(text, "deck.yaml", "deck").diagnostics]


@pytest.mark.parametrize(
    ("text", "place", "hint"),
    [
        (  # an unquoted ': ' inside text
            "cards:\n  - id: a\n    front: Ratio: 3\n    back: y\n",
            "3:17",
            """text containing ': ' must be quoted: `front: "Ratio: 3"`""",
        ),
        (  # a key indented one space too far
            "cards:\n  - id: a\n    front: x\n     back: y\n",
            "4:10",
            "line 4 is indented more than the key above it",
        ),
        (  # a 3-space indent
            "cards:\n  - id: a\n    front: x\n   back: y\n",
            "4:4",
            "line 4 is not indented like the lines around it (the list began at line 2, column 3)",
        ),
        (  # an unquoted choice starting with '>'
            "cards:\n  - id: a\n    question: q\n    choices:\n      - >> x\n      - y\n    answer: A\n",
            "5:9",
            """a value starting with '>' begins a block of text on the lines below ('>' folds them into one """
            """paragraph); if '>' is part of the text, quote it: `- ">> x"`""",
        ),
        ("cards:\n  - id: a\n    front: @home\n    back: y\n", "3:12", """quoted: `front: "@home"`"""),
        ("cards:\n  - id: a\n    front: *bold* text\n    back: y\n", "3:12", "'*' starts a YAML alias"),
        (  # an unclosed '[' names the line it was opened on
            "cards:\n  - id: a\n    question: q\n    choices: [x, y\n    answer: A\n",
            "5:11",
            "the '[' opened at line 4, column 14 is not closed",
        ),
        (  # an unclosed quote is reported where it opened, not at the end of the file
            'cards:\n  - id: a\n    front: "unclosed\n    back: y\n  - id: b\n    front: x\n    back: y\n',
            "3:12",
            'the quote " opened here is never closed',
        ),
        (  # 'answer:B' is reported on its own line, not the next
            "cards:\n  - id: a\n    question: q\n    choices: [x, y]\n    answer:B\n  - id: b\n    front: x\n"
            "    back: y\n",
            "5:5",
            "a key needs a space after ':': `answer: B`",
        ),
        ("cards:\n  - id: a\n    front: x\n    back: y\n  -id: b\n", "5:3", "a list item needs a space after '-'"),
        ("cards:\n\t- id: a\n", "2:1", "YAML cannot indent with tabs: use spaces"),
        (
            'cards:\n  - id: a\n    front: "x" y\n    back: y\n',
            "3:16",
            "text goes on after the closing quote; quote the whole text",
        ),
    ],
)
def test_each_yaml_mistake_has_a_plain_hint_at_its_place(text: str, place: str, hint: str) -> None:
    [message] = located(text)
    assert message.startswith(f"{place} E100 YAML syntax: ") and hint in message, message


def test_diagnostics_come_out_in_line_order() -> None:
    text = (
        "cards:\n  - id: a\n    front: x\n    back: y\n  - id: a\n    front: z\n    back: w\n"
        "  - id: c\n    front: v\n    back: u\n    reverse: maybe\n"
    )
    assert [m.split(" ")[:2] for m in located(text)] == [["5:5", "E107"], ["11:14", "E101"]]


def test_a_missing_list_marker_is_reported_once_with_its_cause() -> None:
    text = "cards:\n  - id: a\n    front: x\n    back: y\n    id: b\n    question: z\n    answer: w\n"
    assert located(text) == [
        "5:5 E110 duplicate key 'id' (first on line 2): is '- ' missing before it, to start a new card (`- id: ...`)?"
    ]


def test_a_repeated_key_that_starts_no_card_is_a_plain_duplicate() -> None:
    text = "cards:\n  - id: a\n    front: x\n    back: y\n    back: z\n"
    assert located(text) == ["5:5 E110 duplicate key 'back' (first on line 4)"]


@pytest.mark.parametrize(
    ("card", "expected"),
    [
        ("    qestion: q\n    answer: x\n", "3:5 E102 unknown key 'qestion' in card (did you mean 'question'?)"),
        ("    front: q\n    bak: x\n", "4:5 E102 unknown key 'bak' in flashcard (did you mean 'back'?)"),
        (
            "    question: q\n    choices: [x, y]\n    anwser: A\n",
            "5:5 E102 unknown key 'anwser' in choice card (did you mean 'answer'?)",
        ),
    ],
)
def test_a_misspelled_key_is_reported_once_not_again_as_missing(card: str, expected: str) -> None:
    assert located(f"cards:\n  - id: a\n{card}") == [expected]


@pytest.mark.parametrize(("word", "truth"), [("no", "false"), ("Yes", "true"), ("off", "false"), ("on", "true")])
def test_a_boolean_looking_typed_answer_is_warned_about(word: str, truth: str) -> None:
    [warning] = located(f"cards:\n  - id: a\n    question: Is it?\n    answer: {word}\n")
    assert warning.startswith(f"4:13 W204 'answer: {word}' makes a typed-answer card")
    assert f"write 'answer: {truth}'" in warning and f"""'answer: "{word}"'""" in warning


@pytest.mark.parametrize("answer", ["'no'", '"yes"', "nope", "true"])
def test_a_quoted_or_other_answer_is_not_warned_about(answer: str) -> None:
    assert located(f"cards:\n  - id: a\n    question: Is it?\n    answer: {answer}\n") == []

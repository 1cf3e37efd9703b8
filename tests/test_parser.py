"""The deck parser: what it builds from good decks, and the located message for each kind of mistake."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from quizcli.diagnostics import Severity
from quizcli.errors import DeckError
from quizcli.kinds.choice import Choice
from quizcli.kinds.cloze import cloze_answers, cloze_prompt
from quizcli.kinds.flashcard import Flashcard
from quizcli.kinds.true_false import TrueFalse
from quizcli.kinds.typed import Typed
from quizcli.parser import load_deck, parse_deck, read_deck


def parse(text: str):  # type: ignore[no-untyped-def]
    return parse_deck(textwrap.dedent(text), "deck.yaml", "deck")


def messages(text: str) -> list[str]:
    return [f"{d.line}:{d.column} {d.message}" for d in parse(text).errors]


def test_every_card_kind_is_built() -> None:
    result = parse(
        """
        title: T
        tags: [shared]
        cards:
          - id: f
            front: Front
            back: Back
            reverse: true
          - id: c
            question: Pick
            choices: [one, two, three]
            answer: b
            explanation: Because.
          - id: m
            question: Pick several
            choices: [one, two, three]
            answer: [A, C]
          - id: t
            question: Statement
            answer: false
          - id: y
            question: Typed
            answer: 3.10
            accept: [three point one]
          - id: z
            cloze: The {{middle::where?}} and the {{c1::end}} and {{start}}.
            tags: [own]
        """
    )
    assert result.diagnostics == []
    cards = {c.id: c for c in result.deck.cards}
    assert cards["f"].content == Flashcard(front="Front", back="Back", reverse=True)
    assert cards["c"].content == Choice(question="Pick", choices=("one", "two", "three"), correct=(1,), multiple=False)
    assert cards["c"].explanation == "Because."
    assert cards["m"].content == Choice(question="Pick several", choices=("one", "two", "three"), correct=(0, 2),
                                        multiple=True)  # fmt: skip
    assert cards["t"].content == TrueFalse(statement="Statement", truth=False)
    assert cards["y"].content == Typed(question="Typed", answer="3.10", accept=("three point one",))
    assert cards["z"].tags == ("shared", "own")
    assert [i.id for i in result.deck.items()] == ["f", "f:reverse", "c", "m", "t", "y", "z:c1", "z:c3"]


def test_cloze_numbering_groups_and_hints() -> None:
    text = "The {{middle::where?}} and the {{c1::end}} and {{start}}."
    assert cloze_prompt(text, 1) == "The [where?] and the [...] and start."
    assert cloze_answers(text, 1) == ["middle", "end"]
    assert cloze_prompt(text, 3) == "The middle and the end and [...]."


def test_yes_and_no_stay_text() -> None:
    card = parse("cards:\n  - {id: a, question: Is it?, answer: yes}\n").deck.cards[0]
    assert card.content == Typed(question="Is it?", answer="yes")


def test_card_without_id_gets_stable_derived_id_and_warning() -> None:
    first = parse("cards:\n  - front: What is   Attention Dilution?\n    back: x\n")
    second = parse("cards:\n  - front: what is attention dilution\n    back: changed\n")
    assert first.deck.cards[0].id == second.deck.cards[0].id
    assert first.deck.cards[0].id.startswith("what-is-attention-dilution-")
    [warning] = first.warnings
    assert (warning.line, warning.column, warning.code) == (2, 5, "W201")
    assert "editing its text will reset its progress" in warning.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cards: [\n", "YAML syntax"),
        (
            "cards:\n  - id: a\n    frnt: x\n    back: y\n",
            "3:5 unknown key 'frnt' in flashcard (did you mean 'front'?)",
        ),
        ("titel: x\ncards: []\n", "1:1 unknown key 'titel' in deck (did you mean 'title'?)"),
        ("title: x\n", "1:1 missing 'cards'"),
        ("cards:\n  - id: a\n    front: x\n", "2:5 missing 'back'"),
        (
            "cards:\n  - id: a\n    question: q\n    choices: [x, y]\n    answer: C\n",
            "5:13 answer C is out of range: the card has 2 choices (A-B)",
        ),
        (
            "cards:\n  - id: a\n    question: q\n    choices: [x]\n    answer: A\n",
            "4:14 a choice card needs at least 2 choices, found 1",
        ),
        (
            "cards:\n  - id: a\n    front: x\n    back: y\n  - id: a\n    front: z\n    back: w\n",
            "5:5 duplicate id 'a' (first used on line 2)",
        ),
        (
            "cards:\n  - id: a\n    question: q\n    choices: [a  b, ' A B ']\n    answer: A\n",
            "4:21 choice B repeats choice A",
        ),
        ("cards:\n  - id: a\n    front: ''\n    back: y\n", "3:12 'front' is empty"),
        ("cards:\n  - id: a\n    cloze: no deletions here\n", "3:12 cloze text has no {{...}} deletion"),
        ("cards:\n  - id: a\n    question: q\n    choices: foo\n    answer: A\n", "4:14 'choices' must be a list"),
        ("cards:\n  - id: a\n    question: q\n    pairs: nope\n", "4:12 'pairs' must be a list of [item, match] pairs"),
        ("cards:\n  - id: a\n    question: q\n    order: first\n", "4:12 'order' must be a list, e.g. [first, second]"),
        ("cards:\n  - id: a\n    question: q\n    choices: [x, y]\n", "2:5 needs an answer"),
        ("cards:\n  - id: a\n    question: q\n    choices: [x, y]\n    answer: null\n", "2:5 needs an answer"),
        ("cards:\n  - id: a\n    front: x\n    front: y\n    back: z\n", "4:5 duplicate key 'front' (first on line 3)"),
        ("cards:\n  - id: a b\n    front: x\n    back: y\n", "2:9 id must be letters, digits"),
        (
            "cards:\n  - id: a\n    front: x\n    question: y\n",
            "2:5 a card has one of 'front', 'question' or 'cloze', not front and question",
        ),
        (
            "cards:\n  - id: a\n    front: x\n    back: y\n    choices: [a, b]\n",
            "5:5 'choices' does not belong on a flashcard",
        ),
        ("cards:\n  - just a string\n", "2:5 expected a card as 'key: value' lines, found 'just a string'"),
        (
            "cards:\n  - id: a\n    front: !!python/object/apply:os.system [ls]\n    back: y\n",
            "is not allowed in a deck",
        ),
        ("cards:\n  - id: a\n    front: x\n    back: y\n    reverse: maybe\n", "5:14 'reverse' must be true or false"),
        ("cards:\n  - id: a\n    front: [x]\n    back: y\n", "3:12 'front' must be text, found a list"),
        ("cards:\n  - id: a\n    question: q\n    answer: [x]\n", "4:13 'answer' must be text, found a list"),
        ("cards:\n  - id: a\n    cloze: 'x {{}} y'\n", "cloze deletion is empty"),
        ("cards:\n  - id: a\n    cloze: 'x {{y}} }} z'\n", "unbalanced"),
        ("cards:\n  - id: a\n    front: x\n    back: y\n    tags: [two words]\n", "contains a space"),
        ("", "the file is empty"),
        ("- a\n- b\n", "1:1 expected a deck as 'key: value' lines, found a list"),
    ],
)
def test_each_mistake_has_a_located_message(text: str, expected: str) -> None:
    found = messages(text)
    assert any(expected in m for m in found), found


def test_all_problems_are_reported_at_once() -> None:
    found = messages(
        """
        cards:
          - id: a
            front: x
          - id: b
            question: q
            choices: [x, y]
            answer: Z
          - id: c
            cloze: nothing hidden
        """
    )
    assert len(found) == 3


def test_yaml_syntax_error_is_located() -> None:
    [error] = parse("cards:\n  - id: a\n    front: [unclosed\n    back: y\n").errors
    assert error.code == "E100" and error.line >= 3


def test_load_deck_raises_deck_error_with_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("cards:\n  - id: a\n    front: x\n  - id: b\n    back: y\n")
    with pytest.raises(DeckError) as caught:
        load_deck(path)
    assert len(caught.value.diagnostics) == 2
    assert f"{path}:2:5" in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"cards:\n  - id: a\n    front: caf\xe9\n    back: y\n", "3:15 file is not valid UTF-8"),
        (b"cards: []\x00\n", "NUL bytes"),
    ],
)
def test_bad_encodings_are_errors(tmp_path: Path, raw: bytes, expected: str) -> None:
    path = tmp_path / "enc.yaml"
    path.write_bytes(raw)
    found = [f"{d.line}:{d.column} {d.message}" for d in read_deck(path).errors]
    assert any(expected in m for m in found), found


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_bom_encodings_decode(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes("cards:\n  - {id: a, front: café, back: y}\n".encode(encoding))
    result = read_deck(path)
    assert result.errors == [] and result.deck.cards[0].prompt == "café"


def test_warnings_do_not_block_loading(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text("cards:\n  - front: x\n    back: y\n")
    assert load_deck(path).cards[0].explicit_id is False
    assert read_deck(path).diagnostics[0].severity is Severity.WARNING


@pytest.mark.parametrize(
    "choices", [["-2.0", "2.0"], ["C", "C++", "C#"], ["$10", "$-10"], ["x", "x."], ["1/2", "12"], ["a-b", "ab"]]
)
def test_options_differing_in_a_sign_or_symbol_are_distinct(choices: list[str]) -> None:
    text = (
        "cards:\n  - id: a\n    question: q\n    choices: ["
        + ", ".join(f"'{c}'" for c in choices)
        + "]\n    answer: A\n"
    )
    result = parse(text)
    assert result.errors == [] and result.deck.cards[0].content.problem() is None
    ordering = "cards:\n  - id: o\n    question: q\n    order: [" + ", ".join(f"'{c}'" for c in choices) + "]\n"
    assert parse(ordering).errors == []


def test_derived_ids_are_stable_blake2b_digests() -> None:
    """Progress is keyed by these ids: they must never change with how the digest is computed."""
    import hashlib

    from quizcli.cards import derived_id, normalise_prompt
    from quizcli.text import blake2b_hex

    prompt = "What does attention sink mean?"
    expected = hashlib.blake2b(normalise_prompt(prompt).encode(), digest_size=4).hexdigest()
    assert derived_id(prompt) == "what-does-attention-sink-0e7ee8eb" == f"what-does-attention-sink-{expected}"
    assert blake2b_hex(b"deck", 16) == hashlib.blake2b(b"deck", digest_size=16).hexdigest()


def test_derived_ids_keep_their_slug_and_imported_ids_drop_accents() -> None:
    """A deck's derived ids are progress keys and stay as they were; an importer writes its ids once, transliterated."""
    from quizcli.cards import derived_id, imported_id

    assert derived_id("Májovci tvořili") == "ma-jovci-tvor-ili-" + derived_id("Májovci tvořili").rsplit("-", 1)[1]
    assert imported_id("Májovci tvořili").startswith("majovci-tvorili-")
    assert imported_id("Májovci tvořili").rsplit("-", 1)[1] == derived_id("Májovci tvořili").rsplit("-", 1)[1]
    for plain in ("What does attention sink mean?", "x = 2 + 2?", "ﬁnal ① straße"):
        assert imported_id(plain) == derived_id(plain)

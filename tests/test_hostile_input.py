"""Hostile and malformed deck files and import sources: a deck or a located error, fast, in bounded memory.

The limits (docs/reliability.md): file size, nesting depth, alias count and expanded size, cards
per deck; tags that would construct Python objects are refused; odd encodings get a clear error or
a correct decode; 4x the adversarial text costs about 4x the work (no quadratic blow-up), counted in
function calls rather than seconds so that a busy machine cannot fail it (the timings themselves are
benchmarks/adversarial.py).  The crashers corpus replays every input that once misbehaved.
"""

from __future__ import annotations

import sys
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from quizcli import catalog, parser
from quizcli.cli import app
from quizcli.decks import DeckFile, Source
from quizcli.kinds.cloze import MAX_DELETIONS, Cloze
from quizcli.parser import MAX_ALIASES, parse_bytes, parse_deck
from quizcli.store import Store

from conftest import REPO, write_deck

sys.path.insert(0, str(REPO / "fuzz"))
from targets import ADVERSARIAL_PATTERNS, TARGETS  # noqa: E402

CRASHERS = sorted((REPO / "tests" / "fixtures" / "crashers").glob("*.txt"))
runner = CliRunner()


def errors_of(text: str) -> list[str]:
    return [f"{d.code} {d.message}" for d in parse_deck(text, "x.yaml", "x").errors]


def laughs(levels: int = 10) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\ncards: *a9\n"


def test_a_billion_laughs_is_refused_in_little_memory() -> None:
    tracemalloc.start()
    [error] = errors_of(laughs())
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "E100 aliases expand the deck beyond 64 MiB" in error
    assert peak < 5 * 2**20


def test_one_big_text_repeated_by_alias_on_many_cards_is_refused() -> None:
    big = "x" * 1_000_000
    text = f"title: &t {big}\ncards:\n" + "".join(f"  - {{id: c{i}, front: *t, back: b}}\n" for i in range(100))
    assert any("expand the deck beyond" in e for e in errors_of(text))


def test_a_few_aliases_are_fine() -> None:
    text = "tags: &t [bio]\ncards:\n  - {front: a, back: b, tags: *t}\n  - {front: c, back: d, tags: *t}\n"
    assert errors_of(text) == []


def test_too_many_aliases_and_a_recursive_alias_are_refused() -> None:
    many = "x: &a 1\ncards: [" + ",".join(["*a"] * (MAX_ALIASES + 1)) + "]\n"
    assert any(f"more than {MAX_ALIASES:,} aliases" in e for e in errors_of(many))
    assert any("refers to a node that contains it" in e for e in errors_of("cards: &c [*c]\n"))


@pytest.mark.parametrize(
    "text",
    [
        "cards: " + "[" * 5000 + "]" * 5000,
        "".join(" " * i + "-\n" for i in range(1500)),
        "c: " + "{a: " * 3000 + "1" + "}" * 3000,
    ],
    ids=["flow-lists", "block-lists", "flow-maps"],
)
def test_deep_nesting_is_refused(text: str) -> None:
    [error] = errors_of(text)
    assert "nesting depth (at most 1000 levels" in error


def test_a_deck_at_the_card_limit_is_fine_and_one_more_card_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parser, "MAX_CARDS", 50)
    cards = "".join(f"- {{front: a{n}, back: b}}\n" for n in range(51))
    assert errors_of("cards:\n" + cards.replace("- {front: a50, back: b}\n", "")) == []
    assert errors_of("cards:\n" + cards) == ["E100 51 cards: a deck holds at most 50; split it"]


def test_a_deck_over_the_card_limit_is_refused_with_the_way_out_when_it_is_opened(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Opening a deck streams it into the index; past the limit the stream stops and the refusal is the same."""
    monkeypatch.setattr(parser, "MAX_CARDS", 50)
    deck = tmp_path / "many.yaml"
    deck.write_text("cards:\n" + "".join(f"- {{front: a{n}, back: b}}\n" for n in range(51)), encoding="utf-8")
    result = CliRunner().invoke(app, ["study", str(deck)])
    assert result.exit_code == 1
    assert "E100" in result.output and "51 cards: a deck holds at most 50; split it" in result.output


def test_a_cloze_card_at_the_deletion_limit_is_fine_and_one_more_deletion_is_refused() -> None:
    text = " ".join(f"{{{{w{n}}}}}" for n in range(MAX_DELETIONS))
    assert errors_of(f"cards:\n- cloze: '{text}'\n") == []
    assert errors_of(f"cards:\n- cloze: '{text} {{{{one more}}}}'\n") == [
        f"E109 cloze text has {MAX_DELETIONS + 1} deletions; a card holds at most {MAX_DELETIONS}: split it into cards"
    ]


def test_a_cloze_cards_content_is_stored_once_however_many_items_it_makes(tmp_path: Path, store: Store) -> None:
    """Each of a cloze card's items held a copy of the whole card: the index grew with the square of its deletions."""
    text = " ".join(f"{{{{word number {n}}}}}" for n in range(MAX_DELETIONS))
    deck = DeckFile("cloze", write_deck(tmp_path, "cloze", f"cards:\n- id: big\n  cloze: '{text}'\n"), Source.PATH)
    entry = catalog.open_deck(store, deck)
    assert entry.items == MAX_DELETIONS
    stored = store._db.execute("SELECT count(*), sum(length(data)) FROM deck_cards").fetchone()
    assert stored[0] == 1 and len(text) < stored[1] < 2 * len(text)
    items = store.items_by_rank("cloze", [0, MAX_DELETIONS - 1])
    assert [item.id for item in items] == ["big:c1", f"big:c{MAX_DELETIONS}"]
    assert items[0].card.content == items[1].card.content == Cloze(text=text)


def test_a_file_over_the_size_limit_is_refused_unread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parser, "MAX_FILE_BYTES", 2 * 2**20)
    at_the_limit = b"cards: [{id: a, front: a, back: b}]\n" + b"#" * (2 * 2**20 - 37) + b"\n"
    assert len(at_the_limit) == 2 * 2**20 and parse_bytes(at_the_limit, "x.yaml", "x").diagnostics == []

    def must_not_parse(*args: object) -> None:
        raise AssertionError("a file over the limit was parsed")

    monkeypatch.setattr(parser, "parse_deck", must_not_parse)
    result = parse_bytes(at_the_limit + b"#", "x.yaml", "x")
    assert [(d.code, d.line, d.message) for d in result.diagnostics] == [
        ("E100", 1, "file is larger than 2 MiB; split the deck")
    ]


@pytest.mark.parametrize(
    "tag", ["!!python/object/apply:os.system ['echo hi']", "!!python/name:os.system", "!!binary aGk=", "!custom x"]
)
def test_tags_that_would_build_objects_are_refused(tag: str) -> None:
    assert any(e.startswith("E114") for e in errors_of(f"cards:\n  - front: {tag}\n    back: b\n"))


ENCODINGS = {
    "utf-8": ("title: Café\ncards: [{front: é, back: b}]\n".encode(), None),
    "utf-8 with BOM": (b"\xef\xbb\xbf" + "title: Café\ncards: [{front: é, back: b}]\n".encode(), None),
    "utf-16 LE with BOM": ("\ufefftitle: Café\ncards: [{front: é, back: b}]\n".encode("utf-16-le"), None),
    "utf-16 BE with BOM": ("\ufefftitle: Café\ncards: [{front: é, back: b}]\n".encode("utf-16-be"), None),
    "latin-1": ("title: Café\ncards: [{front: é, back: b}]\n".encode("latin-1"), "not valid UTF-8"),
    "NUL bytes": (b"title: x\x00\ncards: []\n", "NUL bytes"),
    "a PNG": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not valid UTF-8"),
    "broken utf-16": (b"\xff\xfet\x00i\x00\x00\xd8", "not valid UTF-16"),
}


@pytest.mark.parametrize("name", sorted(ENCODINGS))
def test_encodings_decode_correctly_or_fail_clearly(name: str, tmp_path: Path) -> None:
    raw, problem = ENCODINGS[name]
    result = parse_bytes(raw, "x.yaml", "x")
    if problem is None:
        assert not result.errors and result.deck.title == "Café" and result.deck.cards[0].prompt == "é"
    else:
        assert any(problem in d.message for d in result.errors)
    path = tmp_path / "in.txt"
    path.write_bytes(raw)
    outcome = runner.invoke(app, ["import", str(path), "--format", "anki"])
    assert outcome.exception is None or isinstance(outcome.exception, SystemExit)
    assert "Traceback" not in outcome.stdout + outcome.stderr


# ---- work linear in the input: counted, not timed ------------------------------------------


def calls(target: str, text: str) -> int:
    """Python function calls (to Python and to C) made by one run of ``target``: the same on any machine, at any load."""
    count = 0

    def profile(frame: object, event: str, arg: object) -> None:
        nonlocal count
        count += event in ("call", "c_call")

    sys.setprofile(profile)
    try:
        TARGETS[target](text)
    finally:
        sys.setprofile(None)
    return count


def fill(pattern: str, size: int) -> str:
    return (pattern * (size // len(pattern) + 1))[:size]


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_four_times_the_text_costs_about_four_times_the_work(target: str) -> None:
    for pattern in ADVERSARIAL_PATTERNS:
        small = calls(target, fill(pattern, 2_500))
        large = calls(target, fill(pattern, 10_000))
        assert large < 6 * small + 500, f"{target} on {pattern!r}: {small} calls, then {large}"


@pytest.mark.parametrize("crasher", CRASHERS, ids=[c.name for c in CRASHERS])
def test_every_crasher_found_so_far_is_handled(crasher: Path) -> None:
    target, _, text = crasher.read_text(encoding="utf-8").partition("\n")
    TARGETS[target](text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet="&*[]{}:-, \nab!|>'\"#", max_size=200))
def test_anchors_and_aliases_in_any_arrangement_give_a_deck_or_a_located_error(text: str) -> None:
    TARGETS["parser"](text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300), st.sampled_from(sorted(TARGETS)))
def test_any_text_through_any_target(text: str, target: str) -> None:
    TARGETS[target](text)


NOT_UTF8_COMMANDS = [["study"], ["exam"], ["check"], ["show", "--json"], ["decks"], ["check", "--all"], ["stats"]]


@pytest.mark.parametrize("command", NOT_UTF8_COMMANDS, ids=" ".join)
def test_a_file_name_that_is_not_utf8_is_handled_and_shown_escaped(
    quizcli_home: Path, user_decks: Path, command: list[str]
) -> None:
    """``deck\\x9b.yaml``: the name as the OS gives it, stored as ``deck\\x9b`` and shown escaped."""
    import os
    import subprocess

    source = (REPO / "tests" / "fixtures" / "every-kind.yaml").read_bytes()
    path = os.path.join(os.fsencode(user_decks), b"deck\x9b.yaml")
    with open(path, "wb") as file:
        file.write(source)
    quizcli = str(Path(sys.executable).with_name("quizcli"))
    arguments = [a for a in command if a != "--all"]
    deck = [path] if command[0] in {"study", "exam", "show"} or command == ["check"] else []
    env = dict(os.environ, QUIZCLI_HOME=str(quizcli_home))
    result = subprocess.run([quizcli, arguments[0], *deck, *arguments[1:]], input=b"\n3\n" * 8, env=env,
                            capture_output=True, timeout=60)  # fmt: skip
    output = (result.stdout + result.stderr).decode("utf-8")  # strict: every byte printed is UTF-8
    assert result.returncode == 0, output
    assert "Traceback" not in output
    if command == ["decks"]:
        assert "deck\\x9b" in output


def test_import_applies_the_deck_limits_and_says_how_to_split(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from quizcli.interop import files, importing

    assert importing.MAX_IMPORTED_CARDS == parser.MAX_CARDS and files.MAX_SOURCE_BYTES == parser.MAX_FILE_BYTES
    monkeypatch.setattr(importing, "MAX_IMPORTED_CARDS", 3)
    source = tmp_path / "four.txt"
    source.write_text("".join(f"Front {n}\tBack {n}\n" for n in range(4)), encoding="utf-8")
    result = runner.invoke(app, ["import", "-f", "anki", str(source), "-o", str(tmp_path / "out.yaml")])
    assert result.exit_code == 1 and "4 cards; a deck holds at most 3" in result.stderr and "split" in result.stderr
    assert not (tmp_path / "out.yaml").exists()


def test_an_oversize_import_source_is_refused_without_reading_it_whole(tmp_path: Path) -> None:
    from quizcli.interop.files import MAX_SOURCE_BYTES

    source = tmp_path / "huge.txt"
    with source.open("wb") as file:
        file.truncate(MAX_SOURCE_BYTES * 40)  # sparse: 2.5 GiB that were never written
    tracemalloc.start()
    result = runner.invoke(app, ["import", "-f", "anki", str(source), "-o", str(tmp_path / "out.yaml")])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert result.exit_code == 1 and "larger than 64 MiB" in result.stderr and "split it" in result.stderr
    assert peak < 2 * MAX_SOURCE_BYTES


def test_json_import_locates_every_card_in_one_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each card's line number counts only the line breaks since the previous card's (it was quadratic)."""
    import json
    import re

    from quizcli.interop import model
    from quizcli.interop.json_deck import import_json

    scanned: list[int] = []

    class Counting:
        def findall(self, text: str, start: int, end: int) -> list[str]:
            scanned.append(end - start)
            return re.findall(r"\r\n|\r|\n", text[start:end])

    monkeypatch.setattr(model, "_LINE_BREAK", Counting())
    text = json.dumps(
        {"cards": [{"id": f"c{n}", "kind": "flashcard", "front": "F", "back": "B"} for n in range(2000)]}, indent=2
    )
    result = import_json(text)
    assert len(result.cards) == 2000 and result.cards[-1].line == text.count("\n", 0, text.rindex('"c1999"')) + 1
    assert sum(scanned) <= len(text)


def test_a_json_number_of_100000_digits_is_one_line(tmp_path: Path) -> None:
    source = tmp_path / "big.json"
    source.write_text('{"cards": [' + "1" * 100_000 + "]}", encoding="utf-8")
    result = runner.invoke(app, ["import", "-f", "json", str(source), "-o", str(tmp_path / "out.yaml")])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert result.stderr.endswith("big.json:1: a number has more than 4,300 digits\n")


def test_a_deck_of_gigabytes_is_refused_reading_no_more_than_the_limit(tmp_path: Path) -> None:
    """``truncate -s 3G x.yaml; quizcli check x.yaml`` read all 3 GB (25 s) before the size check."""
    from quizcli.decks import MAX_DECK_BYTES

    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as file:
        file.truncate(3 * 2**30)  # sparse: nothing written
    tracemalloc.start()
    result = runner.invoke(app, ["check", str(huge)])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert result.exit_code == 1 and "E100" in result.stdout + result.stderr
    assert "file is larger than 64 MiB; split the deck" in result.stdout + result.stderr
    assert MAX_DECK_BYTES == parser.MAX_FILE_BYTES and peak < 3 * MAX_DECK_BYTES

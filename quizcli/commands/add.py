"""``quizcli add``: prompt for a card (or take it from options), check it as ``quizcli check`` would, append it."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

from quizcli.adding import KINDS, Added, add_card, add_cards, card_fields, readable_id
from quizcli.decks import DeckFile, read_deck_file, resolve_deck
from quizcli.diagnostics import Severity
from quizcli.errors import QuizcliError
from quizcli.kinds.base import LETTERS
from quizcli.parser import ParseResult, parse_bytes, parse_cards
from quizcli.text import inert

# What each kind asks for, in order: (key, prompt); the keys in LISTS are asked one line per item.
PROMPTS = {
    "flashcard": (("front", "Front"), ("back", "Back")),
    "choice": (("question", "Question"), ("choices", "Choice"), ("answer", "Right choice letter(s), e.g. B or A C")),
    "true-false": (("question", "Statement"), ("answer", "True or false")),
    "typed": (("question", "Question"), ("answer", "Answer"), ("accept", "Also accepted")),
    "cloze": (("cloze", "Text with {{deletions}}"),),
}
LISTS = ("choices", "accept")
INTERRUPTED = 130


class AddRequest(NamedTuple):
    """A card given on the command line; with no content option, the card is asked for."""

    deck: str
    kind: str | None = None
    answers: dict[str, str | list[str]] = {}
    card_id: str | None = None
    from_stdin: bool = False


class EndOfInput(Exception):
    """Input ended (Ctrl-D, or the end of piped lines)."""


def add(request: AddRequest) -> int:
    """Add one card from the options, or cards as asked for until the user stops; returns the exit status."""
    deck_file = resolve_deck(request.deck)
    if request.kind is not None and request.kind not in KINDS:
        raise QuizcliError(f"unknown card kind '{request.kind}'; one of: {', '.join(KINDS)}")
    if request.from_stdin:
        _add_from_stdin(deck_file, sys.stdin.read())
        return 0
    if request.answers:
        kind = request.kind or _kind_of(request.answers)
        added = _check(deck_file, kind, request.answers, request.card_id)
        for problem in added.problems():
            print(inert(str(problem)), file=sys.stderr)
        if any(d.severity is Severity.ERROR for d in added.problems()):
            raise QuizcliError("card not added: fix the problems above")
        _write(deck_file, added)
        return 0
    try:
        while True:
            _ask_and_add(deck_file, request.kind)
            if _ask("Add another? [y/N]").strip().lower() not in ("y", "yes"):
                return 0
    except EndOfInput:
        print()
        return 0
    except KeyboardInterrupt:  # the cards added so far are in the file; the one being asked for is dropped
        print()
        return INTERRUPTED


def _add_from_stdin(deck_file: DeckFile, text: str) -> None:
    """Cards as YAML or JSON, as a deck writes them: all added, or none when any has an error."""
    given = parse_cards(text, "<stdin>")
    problems = [d for d in given.diagnostics if d.code != "W201"]  # a card without an id gets a readable one here
    if not given.errors and given.deck.cards:
        raw = read_deck_file(deck_file.path)
        taken = {card.id for card in _parsed_deck(raw, deck_file).deck.cards}
        cards = []
        for card in given.deck.cards:
            card_id = card.id if card.explicit_id else readable_id(card.prompt, taken)
            taken.add(card_id)
            cards.append(card._replace(id=card_id, explicit_id=True))
        added = add_cards(_utf8(raw, deck_file), str(deck_file.path), deck_file.name, cards)
        problems = added.problems()
    for problem in problems:
        print(inert(str(problem)), file=sys.stderr)
    if given.errors or not given.deck.cards or any(d.severity is Severity.ERROR for d in problems):
        raise QuizcliError("no card added: fix the problems above")
    _write(deck_file, added)


def _parsed_deck(raw: bytes, deck_file: DeckFile) -> ParseResult:
    """The deck as it is; one that is not valid YAML is refused: where a card would go cannot be told."""
    parsed = parse_bytes(raw, str(deck_file.path), deck_file.name)
    if any(d.code == "E100" for d in parsed.errors):
        raise QuizcliError(f"{deck_file.path} is not a valid deck file; fix it first (quizcli check {deck_file.name})")
    return parsed


def _utf8(raw: bytes, deck_file: DeckFile) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise QuizcliError(f"{deck_file.path} is not UTF-8 text; quizcli add writes only to UTF-8 decks") from None


def _kind_of(answers: dict[str, str | list[str]]) -> str:
    """The kind the given options make: as in a deck, the keys decide."""
    if "front" in answers:
        return "flashcard"
    if "cloze" in answers:
        return "cloze"
    if "choices" in answers:
        return "choice"
    answer = answers.get("answer", "")
    return "true-false" if isinstance(answer, str) and answer.strip().lower() in ("true", "false") else "typed"


def _ask_and_add(deck_file: DeckFile, kind: str | None) -> None:
    """Ask for one card until it has no error, then add it."""
    chosen = kind or _ask_kind()
    while True:
        answers: dict[str, str | list[str]] = {}
        for key, label in PROMPTS[chosen]:
            answers[key] = _ask_field(key, label)
            while mistake := _field_problem(chosen, key, answers):
                print(mistake)
                answers[key] = _ask_field(key, label)
        answers["explanation"] = _ask("Explanation (optional)")
        answers["tags"] = _ask("Tags (optional, separated by spaces)").split()
        added = _check(deck_file, chosen, answers, None)
        suggested = added.card_id
        card_id = _ask(f"Id [{suggested}]").strip() or suggested
        added = _check(deck_file, chosen, answers, card_id)
        for problem in added.problems():
            print(inert(str(problem)))
        if not any(d.severity is Severity.ERROR for d in added.problems()):
            _write(deck_file, added)
            return
        print("Not added; enter the card again.")


def _check(deck_file: DeckFile, kind: str, answers: dict[str, str | list[str]], card_id: str | None) -> Added:
    """The deck with the card added, parsed: its problems are the new card's, as ``quizcli check`` reports them."""
    raw = read_deck_file(deck_file.path)
    before = _parsed_deck(raw, deck_file)
    text = _utf8(raw, deck_file)
    fields = card_fields(kind, answers)
    prompt = next((value for key, value in fields if isinstance(value, str)), "")
    taken = {card.id for card in before.deck.cards}
    chosen = card_id or readable_id(prompt, taken)
    return add_card(text, str(deck_file.path), deck_file.name, chosen, fields)


def _write(deck_file: DeckFile, added: Added) -> None:
    """Replace the deck file with the text that has the card, in one step: the file is never half written."""
    path = deck_file.path
    fd, partial = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(added.text)
        os.chmod(partial, path.stat().st_mode & 0o7777)
        os.replace(partial, path)
    except OSError as exc:
        Path(partial).unlink(missing_ok=True)
        raise QuizcliError(f"cannot write {path}: {exc.strerror or exc}") from exc
    print(f"Added '{inert(added.card_id)}' to {inert(str(path))} (line {added.line}).")


def _ask(prompt: str) -> str:
    try:
        return input(f"{prompt}: ")
    except EOFError:
        raise EndOfInput from None


def _field_problem(kind: str, key: str, answers: dict[str, str | list[str]]) -> str:
    """What is wrong with the field just given, said at once rather than once the card is complete."""
    value = answers[key]
    if key == "choices" and len(value) < 2:
        return "A choice card needs at least 2 choices."
    if kind == "choice" and key == "answer" and isinstance(value, str):
        count = len(answers["choices"])
        wrong = [letter for letter in value.upper().replace(",", " ").split() if letter not in LETTERS[:count]]
        if wrong:
            return f"{', '.join(wrong)} is not a choice: the card has {count} choices (A-{LETTERS[count - 1]})."
    if kind == "true-false" and key == "answer" and str(value).strip().lower() not in ("true", "false"):
        return "Answer true or false."
    return ""


def _ask_field(key: str, label: str) -> str | list[str]:
    return _ask_list(label, lettered=key == "choices") if key in LISTS else _ask_text(label)


def _ask_text(label: str) -> str:
    """A required text: asked again while empty."""
    while not (answer := _ask(label)).strip():
        print(f"{label} cannot be empty.")
    return answer.strip()


def _ask_list(label: str, lettered: bool) -> list[str]:
    """Items one per line (choices lettered as the deck letters them), an empty line ending the list."""
    items: list[str] = []
    while item := _ask(f"{label} {LETTERS[len(items)] if lettered else len(items) + 1} (empty line ends)").strip():
        items.append(item)
        if len(items) == len(LETTERS):
            break
    return items


def _ask_kind() -> str:
    while (kind := _ask(f"Kind ({', '.join(KINDS)}) [flashcard]").strip().lower() or "flashcard") not in KINDS:
        print(f"Not a kind: {kind!r}.")
    return kind

"""``quizcli add``: prompt for a card (or take it from options), check it as ``quizcli check`` would, append it.

What a card is asked for comes from its kind (`quizcli.kinds.authoring`).  On a terminal each
prompt waits on its line for the answer; when the answers are piped, each prompt is printed with
the answer it read, a line each, as a study session in line mode prints a typed answer.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from quizcli.adding import (
    Added,
    add_card,
    add_cards,
    asks,
    card_fields,
    kind_called,
    kind_given,
    kind_names,
    problems,
    readable_id,
)
from quizcli.decks import DeckFile, read_deck_file, resolve_deck
from quizcli.diagnostics import Diagnostic, Severity
from quizcli.errors import QuizcliError
from quizcli.kinds.authoring import Answer, Ask, Form
from quizcli.kinds.base import LETTERS, Kind
from quizcli.parser import ParseResult, parse_bytes, parse_cards
from quizcli.text import inert

INTERRUPTED = 130


class AddRequest(NamedTuple):
    """A card given on the command line; with no content option, the card is asked for."""

    deck: str
    kind: str | None = None
    answers: dict[str, Answer] = {}
    card_id: str | None = None
    from_stdin: bool = False


class EndOfInput(Exception):
    """Input ended (Ctrl-D, or the end of piped lines)."""


def add(request: AddRequest) -> int:
    """Add one card from the options, or cards as asked for until the user stops; returns the exit status."""
    deck_file = resolve_deck(request.deck)
    kind = None if request.kind is None else kind_called(request.kind)
    if request.from_stdin:
        _add_from_stdin(deck_file, sys.stdin.read())
        return 0
    if request.answers:
        _add_given(deck_file, kind or kind_given(request.answers), request)
        return 0
    prompter = Prompter(on_terminal=sys.stdin.isatty())
    try:
        while True:
            begun = prompter.answers
            try:
                _ask_and_add(deck_file, kind, prompter)
            except EndOfInput:
                if prompter.answers == begun:  # the input ended before a new card began: nothing is lost
                    raise
                prompter.end_line()
                raise QuizcliError("the input ended before the card was complete; it was not added") from None
            if prompter.ask("Add another? [y/N]").strip().lower() not in ("y", "yes"):
                return 0
    except EndOfInput:
        prompter.end_line()
        return 0
    except KeyboardInterrupt:  # the cards added so far are in the file; the one being asked for is dropped
        prompter.end_line()
        return INTERRUPTED


def _add_given(deck_file: DeckFile, kind: Kind, request: AddRequest) -> None:
    """The card the options give: checked as it would be while asked for, then as ``check`` checks it."""
    _report(problems(kind, request.answers), "card not added")
    added = _check(deck_file, kind, request.answers, request.card_id)
    _report(added.problems(), "card not added")
    _write(deck_file, added)


def _add_from_stdin(deck_file: DeckFile, text: str) -> None:
    """Cards as YAML or JSON, as a deck writes them: all added, or none when any has an error."""
    given = parse_cards(text, "<stdin>")
    found = [d for d in given.diagnostics if d.code != "W201"]  # a card without an id gets a readable one here
    if not given.errors and given.deck.cards:
        raw = read_deck_file(deck_file.path)
        taken = {card.id for card in _parsed_deck(raw, deck_file).deck.cards}
        cards = []
        for card in given.deck.cards:
            card_id = card.id if card.explicit_id else readable_id(card.prompt, taken)
            taken.add(card_id)
            cards.append(card._replace(id=card_id, explicit_id=True))
        added = add_cards(_utf8(raw, deck_file), str(deck_file.path), deck_file.name, cards)
        found = added.problems()
    _report(found, "no card added", failed=bool(given.errors) or not given.deck.cards)
    _write(deck_file, added)


def _report(found: Sequence[Diagnostic | str], refusal: str, failed: bool = False) -> None:
    """Print the problems on stderr; stop with ``refusal`` when any is an error (a problem said in words is one)."""
    for problem in found:
        print(inert(str(problem)), file=sys.stderr)
    if failed or any(isinstance(problem, str) or problem.severity is Severity.ERROR for problem in found):
        raise QuizcliError(f"{refusal}: fix the problems above")


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


def _ask_and_add(deck_file: DeckFile, kind: Kind | None, prompter: Prompter) -> None:
    """Ask for one card until it has no error, then add it."""
    chosen = kind or prompter.ask_kind()
    while True:
        answers: dict[str, Answer] = {}
        for ask in asks(chosen):
            answers[ask.key] = prompter.ask_field(ask)
            while mistake := ask.problem(answers):
                prompter.say(mistake)
                answers[ask.key] = prompter.ask_field(ask)
        suggested = _check(deck_file, chosen, answers, None).card_id
        card_id = prompter.ask(f"Id [{suggested}]").strip() or suggested
        added = _check(deck_file, chosen, answers, card_id)
        for problem in added.problems():
            prompter.say(str(problem))
        if not any(d.severity is Severity.ERROR for d in added.problems()):
            _write(deck_file, added)
            return
        prompter.say("Not added; enter the card again.")


def _check(deck_file: DeckFile, kind: Kind, answers: dict[str, Answer], card_id: str | None) -> Added:
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


class Prompter:
    """Asks for one answer at a time: on a terminal after its prompt, from a pipe with the prompt and answer echoed."""

    def __init__(self, on_terminal: bool) -> None:
        self.on_terminal = on_terminal
        self.answers = 0  # how many answers were read

    def ask(self, prompt: str) -> str:
        try:
            answer = input(f"{prompt}: " if self.on_terminal else "")
        except EOFError:
            raise EndOfInput from None
        self.answers += 1
        if not self.on_terminal:
            self.say(f"{prompt}: {answer}".rstrip())
        return answer

    def say(self, text: str) -> None:
        print(inert(text))

    def end_line(self) -> None:
        """End the line a prompt left open on a terminal (piped, every prompt ended its own)."""
        if self.on_terminal:
            print()

    def ask_field(self, ask: Ask) -> Answer:
        return self._text(ask) if ask.form is Form.TEXT else self._entries(ask)

    def _text(self, ask: Ask) -> str:
        """One text, asked again while empty unless it may be."""
        while not (answer := self.ask(ask.prompt()).strip()) and not ask.optional:
            self.say(f"{ask.label} cannot be empty.")
        return answer

    def _entries(self, ask: Ask) -> list[str]:
        """Entries one a line (lettered or numbered as the kind says), each checked as given; an empty line ends."""
        entries: list[str] = []
        while len(entries) < len(LETTERS) and (entry := self.ask(ask.prompt(len(entries))).strip()):
            if mistake := ask.entry_problem(entry):
                self.say(mistake)
            else:
                entries.append(entry)
        return entries

    def ask_kind(self) -> Kind:
        names = kind_names()
        while (name := self.ask(f"Kind ({', '.join(names)}) [{names[0]}]").strip().lower() or names[0]) not in names:
            self.say(f"Not a kind: {name!r}.")
        return kind_called(name)

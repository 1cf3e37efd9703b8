"""``quizcli study``: load the deck and settings, open the store, run the screen, print the summary."""

from __future__ import annotations

import random
import time
from contextlib import nullcontext
from dataclasses import dataclass, replace

from quizcli import clock
from quizcli.cards import Deck
from quizcli.config import load_config, retention
from quizcli.decks import resolve_deck
from quizcli.errors import QuizcliError
from quizcli.parser import load_deck
from quizcli.session import Session, StudyOptions
from quizcli.store import Store

INTERRUPTED = 130


@dataclass(frozen=True, slots=True)
class StudyRequest:
    """What the command line asked for; None means "use the configured value"."""

    deck: str
    new: int | None = None
    limit: int | None = None
    retention: float | None = None
    tag: str | None = None
    cram: bool = False
    ahead: bool = False
    seed: int | None = None


def study(request: StudyRequest) -> int:
    """Run a study session; returns the exit status (130 after Ctrl-C)."""
    deck_file = resolve_deck(request.deck)
    deck = load_deck(deck_file.path, deck_file.name)
    options = study_options(deck, request)
    from quizcli import terminal, ui
    from quizcli.ui.study import StudyScreen, print_nothing_due, print_summary

    console = ui.make_console()
    with Store.open() as store:
        fitted = replace(options.settings, parameters=store.fitted_parameters(deck.name))
        session = Session(deck, store, replace(options, settings=fitted), clock.now)
        if session.next() is None:
            print_nothing_due(console, deck.title, session.next_due(), clock.now())
            return 0
        keys = terminal.open_input()
        screen = StudyScreen(session, console, keys, random.Random(request.seed))
        started, status = time.monotonic(), 0
        try:
            with terminal.cbreak() if keys.interactive else nullcontext():
                screen.run()
        except KeyboardInterrupt:
            console.print()
            status = INTERRUPTED
        print_summary(console, session.summary(time.monotonic() - started), clock.now())
    return status


def study_options(deck: Deck, request: StudyRequest) -> StudyOptions:
    """Configured settings for the deck, overridden by the command line; checks the tag selects something."""
    config = load_config(deck.name)
    settings = config.settings
    if request.retention is not None:
        try:
            settings = replace(settings, desired_retention=retention(request.retention))
        except ValueError as exc:
            raise QuizcliError(str(exc)) from None
    if not deck.cards:
        raise QuizcliError(f"deck '{deck.name}' has no cards yet; add some to {deck.path}")
    if request.tag is not None and not any(request.tag in card.tags for card in deck.cards):
        tags = sorted({t for card in deck.cards for t in card.tags})
        raise QuizcliError(f"no card in '{deck.name}' has the tag '{request.tag}'; its tags: {', '.join(tags)}")
    return StudyOptions(
        new_limit=config.new_per_day if request.new is None else request.new,
        review_limit=config.reviews_per_day if request.limit is None else request.limit,
        tag=request.tag,
        cram=request.cram,
        ahead=request.ahead,
        settings=settings,
        leech_action=config.leech_action,
    )

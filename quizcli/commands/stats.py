"""``quizcli stats``: find the decks, sum the log up in the store, compute the figures, print them."""

from __future__ import annotations

import sys
from datetime import date, datetime, timedelta

from quizcli import catalog, clock, stats, ui
from quizcli.config import load_config
from quizcli.decks import DeckFile, find_decks, resolve_deck
from quizcli.errors import QuizcliError
from quizcli.store import Store
from quizcli.text import dump_json

Decks = dict[str, stats.DeckItems | None]


def show_stats(deck: str | None, days: int, as_json: bool) -> None:
    """Statistics of one deck, or of every deck quizcli knows (files and progress) when ``deck`` is None."""
    now = clock.now()
    with Store.open_to_read() as store:
        decks = _named_deck(deck, store) if deck is not None else _every_deck(store)
        name = next(iter(decks)) if deck is not None else None
        result = stats.compute(gather(store, name, decks, now, days))
    if as_json:
        sys.stdout.write(dump_json(result.to_dict()))
        return
    from quizcli.ui.stats import print_stats

    print_stats(ui.make_console(), result)


def gather(store: Store, deck: str | None, decks: Decks, now: datetime, days: int) -> stats.StatsInput:
    """Everything the figures are computed from: the store's sums, the decks' items, the configured retention."""
    config = load_config(deck)  # first: it sets the hour study days begin at
    today = clock.study_day(now)

    def first_day(period: int) -> date:
        return today - timedelta(days=period - 1)

    windows = [first_day(period) for period in (*stats.RETENTION_PERIODS, days)]
    log = store.study_log(deck, config.max_answer_seconds * 1000, windows)
    return stats.StatsInput(
        deck=deck,
        now=now,
        days=days,
        decks=decks,
        cards=store.card_rows(deck),
        activity=log.activity,
        retention={
            period: stats.tallies_by_maturity(log.since[first_day(period)]) for period in stats.RETENTION_PERIODS
        },
        calibration=stats.calibration_rows(log.since[first_day(days)]),
        attempts=store.exam_attempts(deck),
        desired_retention=config.settings.desired_retention,
        parameters={name: store.fitted_parameters(name) for name in decks},
    )


def deck_name(deck: str, store: Store) -> str:
    """The name progress is kept under, for a deck name or path; a deck whose file is gone, from the store."""
    return _locate(deck, store)[0]


def _locate(deck: str, store: Store) -> tuple[str, DeckFile | None]:
    try:
        deck_file = resolve_deck(deck)
    except QuizcliError:
        if deck in store.decks_with_progress():
            return deck, None
        raise
    return deck_file.name, deck_file


def _named_deck(deck: str, store: Store) -> Decks:
    """The deck's items; a deck whose file is gone still has statistics while the store has its progress."""
    name, deck_file = _locate(deck, store)
    return {name: None if deck_file is None else _items(store, deck_file)}


def _every_deck(store: Store) -> Decks:
    decks: Decks = {deck_file.name: _items(store, deck_file) for deck_file in find_decks()}
    return decks | {name: None for name in store.decks_with_progress() if name not in decks}


def _items(store: Store, deck_file: DeckFile) -> stats.DeckItems | None:
    """The deck's current items, from its index (re-indexed only when the file changed); None when the file cannot
    be loaded (its statistics then cover every item with progress)."""
    try:
        entry = catalog.fresh_entry(store, deck_file) or catalog.reindex(store, deck_file)
    except QuizcliError:
        return None
    if entry.errors:
        return None
    return stats.DeckItems(total=entry.items, tracked=store.indexed_items_with_progress(deck_file.name))

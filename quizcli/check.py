"""``quizcli check``: every problem in a set of decks, and a one-line verdict."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn

from quizcli import paths
from quizcli.decks import DeckFile
from quizcli.diagnostics import Diagnostic, Severity
from quizcli.parser import ParseResult, read_deck
from quizcli.text import plural

if TYPE_CHECKING:
    from quizcli.store import Store


POLL_SECONDS = 0.5  # how often --watch looks at the decks' modification times

Stamps = tuple[tuple[int, int] | None, ...]


class CheckReport(NamedTuple):
    results: tuple[ParseResult, ...]
    strict: bool = False

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [d for r in self.results for d in r.diagnostics]

    @property
    def error_count(self) -> int:
        return sum(len(r.errors) for r in self.results)

    @property
    def warning_count(self) -> int:
        return sum(len(r.warnings) for r in self.results)

    @property
    def card_count(self) -> int:
        return sum(len(r.deck.cards) for r in self.results)

    @property
    def failed(self) -> bool:
        """Any error fails a check; with ``--strict`` any warning (lints included) does too."""
        return bool(self.error_count or (self.strict and self.warning_count))

    def summary(self) -> str:
        return (
            f"{plural(len(self.results), 'deck')}, {plural(self.card_count, 'card')}, "
            f"{plural(self.error_count, 'error')}, {plural(self.warning_count, 'warning')}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "decks": [{"name": r.deck.name, "path": r.deck.path, "cards": len(r.deck.cards)} for r in self.results],
            "diagnostics": [d.to_dict() for d in self.diagnostics],
            "errors": self.error_count,
            "warnings": self.warning_count,
            "cards": self.card_count,
            "summary": self.summary(),
            "strict": self.strict,
        }


def check_decks(deck_files: list[DeckFile], strict: bool = False) -> CheckReport:
    results = [read_deck(f.path, f.name) for f in deck_files]
    if strict:
        from quizcli.lint import lint_result

        results = [lint_result(r) for r in results]
    if paths.progress_db().exists():  # never create a database just to check decks
        from quizcli.store import Store

        with Store.open() as store:
            for result in results:
                result.diagnostics.extend(_orphans(result, store))
    return CheckReport(tuple(results), strict)


def _orphans(result: ParseResult, store: Store) -> list[Diagnostic]:
    """Progress kept for items that are no longer in the deck (their history stays in the store)."""
    if result.errors:
        return []
    deck = result.deck
    orphaned = sorted(store.items_with_progress(deck.name) - {item.id for item in deck.items()})
    if not orphaned:
        return []
    shown = ", ".join(orphaned[:5]) + (f" and {len(orphaned) - 5} more" if len(orphaned) > 5 else "")
    message = (
        f"{plural(len(orphaned), 'item')} with study progress no longer in the deck: {shown} "
        "(their history is kept; restore the id to pick it up again, or 'quizcli reset' to forget it)"
    )
    return [Diagnostic(path=deck.path, line=1, column=1, severity=Severity.WARNING, code="W203", message=message)]


def watch(
    deck_files: list[DeckFile],
    strict: bool,
    show: Callable[[CheckReport], None],
    wait: Callable[[float], None] = time.sleep,
) -> NoReturn:
    """``check --watch``: check now, then again each time a deck is saved, until interrupted (Ctrl-C).

    A save is seen by polling each file's modification time and size: no file-watching
    library, and it works the same on every system and on network drives.
    """
    seen = _stamps(deck_files)
    show(check_decks(deck_files, strict))
    while True:
        wait(POLL_SECONDS)
        now = _stamps(deck_files)
        if now != seen and None not in now:  # a deck missing for a moment: checked once it is back
            seen = now
            show(check_decks(deck_files, strict))


def _stamps(deck_files: list[DeckFile]) -> Stamps:
    """Each deck file's modification time and size, None while it is missing (an editor saving by rename)."""
    stamps: list[tuple[int, int] | None] = []
    for deck_file in deck_files:
        try:
            stat = deck_file.path.stat()
        except OSError:
            stamps.append(None)
            continue
        stamps.append((stat.st_mtime_ns, stat.st_size))
    return tuple(stamps)

"""``quizcli unsuspend``: list a deck's suspended cards and bring them back into study."""

from __future__ import annotations

from quizcli.decks import resolve_deck
from quizcli.errors import QuizcliError
from quizcli.store import Store
from quizcli.text import plural


def unsuspend(deck: str, items: list[str], every: bool) -> list[str]:
    """Unsuspend ``items``, or every suspended item with ``every``; with neither, list them.

    Returns the lines to print, as they are: the CLI makes them inert for the terminal."""
    name = resolve_deck(deck).name
    with Store.open() as store:
        flags = store.flags(name)
        suspended = sorted(item for item, flag in flags.items() if flag.suspended)
        if not items and not every:
            return _listing(name, suspended)
        chosen = suspended if every else items
        unknown = [item for item in chosen if item not in suspended]
        if unknown:
            raise QuizcliError(
                f"not suspended in '{name}': {', '.join(unknown)}; suspended: {', '.join(suspended) or 'none'}"
            )
        for item in chosen:
            store.set_flags(name, item, flags[item]._replace(suspended=False))
    return [f"Unsuspended {plural(len(chosen), 'card')} in '{name}': {', '.join(chosen) or 'none'}."]


def _listing(deck: str, suspended: list[str]) -> list[str]:
    if not suspended:
        return [f"No suspended cards in '{deck}'."]
    lines = [f"{plural(len(suspended), 'suspended card')} in '{deck}':"]
    lines += [f"  {item}" for item in suspended]
    lines.append(f"Bring them back with: quizcli unsuspend {deck} ITEM... (or --all)")
    return lines

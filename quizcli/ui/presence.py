"""The warning shown when another live session studies the same deck."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console
from rich.text import Text

from quizcli.store import Holder
from quizcli.text import inert


def print_deck_in_use(console: Console, title: str, others: Iterable[Holder]) -> None:
    """Name each other session on the deck; the session goes on (answers from both are kept)."""
    for other in others:
        since = other.started.astimezone().strftime("%H:%M")
        console.print(
            Text.assemble(
                ("Warning: ", "bold yellow"), "another quizcli session is studying ", (inert(title), "bold"),
                f" (process {other.pid} on {inert(other.host)}, since {since}).",
            )
        )  # fmt: skip
    console.print("Both sessions log their answers, so a card may come up in each. Going on.")

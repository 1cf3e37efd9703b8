"""``quizcli history``: past exams, oldest first, and each deck's best and latest score."""

import sys
from pathlib import Path

from quizcli.decks import DECK_SUFFIXES
from quizcli.store import Store
from quizcli.text import dump_json, os_text


def show_history(deck: str | None, as_json: bool) -> None:
    """Past attempts, oldest first, and each deck's best and latest score."""
    name = None if deck is None else os_text(Path(deck).stem if deck.endswith(DECK_SUFFIXES) else deck)
    with Store.open_to_read() as store:
        attempts = store.exam_attempts(name)
    from quizcli import history

    records = history.deck_records(attempts)
    if as_json:
        sys.stdout.write(
            dump_json({"attempts": [a.to_dict() for a in attempts], "decks": [r.to_dict() for r in records]})
        )
        return
    from quizcli import ui
    from quizcli.ui.exam import print_history

    print_history(ui.make_console(), attempts, records)

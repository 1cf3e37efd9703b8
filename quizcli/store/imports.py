"""Progress brought in from another tool (an Anki package's review log) in one transaction, and sent out to one.

The imported items' earlier log, states and flags are replaced, so importing
the same package again gives the same progress instead of doubling the log.
"""

import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping

from quizcli.clock import to_text
from quizcli.scheduler import CardState, Settings
from quizcli.store import review_sums
from quizcli.store.connection import bulk_page_cache
from quizcli.store.flags import Flags
from quizcli.store.reviews import Answer, put_state


def replace_progress(
    db: sqlite3.Connection,
    deck: str,
    items: Collection[str],
    answers: Iterable[Answer],
    settings_id: Callable[[sqlite3.Connection, Settings], int],
    states: Callable[[], Mapping[str, CardState]],
    flags: Mapping[str, Flags],
) -> int:
    """Forget ``items``' progress, insert ``answers`` (read as they come), then ``states()`` (known once they
    are all read) and ``flags``, and sum the log up for ``stats``; returns how many answers were inserted.  The
    page cache is enlarged meanwhile."""
    with bulk_page_cache(db):
        keys = [(deck, item) for item in items]
        for table in ("reviews", "cards", "flags"):
            db.executemany(f"DELETE FROM {table} WHERE deck = ? AND item = ?", keys)
        written = [0]
        ids: dict[Settings, int] = {}

        def rows() -> Iterator[tuple[object, ...]]:
            settings, settings_row = None, 0
            for answer in answers:
                last = answer.before.last_review
                if answer.settings is not settings:  # an import's answers share one Settings: skip hashing it per row
                    settings = answer.settings
                    settings_row = ids.get(settings) or ids.setdefault(settings, settings_id(db, settings))
                written[0] += 1
                yield (
                    answer.deck,
                    answer.item,
                    to_text(answer.when),
                    int(answer.rating),
                    answer.kind,
                    int(answer.before.state),
                    None if last is None else (answer.when - last).total_seconds() / 86400,
                    answer.duration_ms,
                    settings_row,
                    None if last is None else answer.before.interval_days,
                )

        db.executemany(
            "INSERT INTO reviews (deck, item, reviewed_at, rating, kind, state_before, elapsed_days, duration_ms,"
            " settings_id, scheduled_days) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows(),
        )
        for item, state in states().items():
            put_state(db, deck, item, state)
        db.executemany(
            "INSERT INTO flags (deck, item, suspended, buried_until) VALUES (?, ?, ?, ?)",
            [
                (deck, item, int(flag.suspended), None if flag.buried_until is None else to_text(flag.buried_until))
                for item, flag in flags.items()
            ],
        )
        review_sums.sum_up(db)
        return written[0]


def logged_reviews(db: sqlite3.Connection, deck: str) -> list[tuple[str, str, int, int, int | None]]:
    """The deck's scheduling reviews in order, for an export with progress: (item, when, rating, state before,
    milliseconds taken)."""
    rows = db.execute(
        "SELECT item, reviewed_at, rating, state_before, duration_ms FROM reviews"
        " WHERE deck = ? AND kind = 'review' ORDER BY id",
        (deck,),
    )
    return [(r["item"], r["reviewed_at"], r["rating"], r["state_before"], r["duration_ms"]) for r in rows]

"""An Anki review log replayed through quizcli's scheduler, so a learner keeps memory states and due dates.

Each review of a card quizcli imported (a button press, 1 to 4) becomes an
answer to its item at the same moment with the same rating and time taken,
and FSRS is replayed over them in order.  Manual changes in Anki's log (a
reschedule, "set due date", no button pressed) are not answers and are left
out; reviews of cards that did not become items (of a note that was skipped,
or a template beyond the second) are counted as unmatched.  Suspended and
buried cards keep their flags (a burial lasts until the next study day).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

from quizcli.clock import next_day_start
from quizcli.interop.anki_collection import Collection
from quizcli.scheduler import CardState, Rating, Settings, item_seed, new_card, review
from quizcli.store.flags import Flags
from quizcli.store.reviews import Answer

SUSPENDED_QUEUE = -1
BURIED_QUEUES = (-2, -3)
_RATINGS = {int(rating): rating for rating in Rating}


class Replay:
    """The answers of a collection's log for ``deck``'s items (a generator), and the states and counts they leave."""

    def __init__(self, collection: Collection, items: dict[int, str], deck: str, settings: Settings) -> None:
        self.collection, self.items, self.deck, self.settings = collection, items, deck, settings
        self.states: dict[str, CardState] = {}
        self.unmatched = 0
        self.manual = 0

    def answers(self, on_review: Callable[[int], None] | None = None) -> Iterator[Answer]:
        """Every matched review as an answer, in time order; ``on_review(n)`` after each n-th log row read."""
        for count, row in enumerate(self.collection.revlog(), start=1):
            if on_review is not None:
                on_review(count)
            if not 1 <= row.ease <= 4:
                self.manual += 1
                continue
            item = self.items.get(row.card)
            if item is None:
                self.unmatched += 1
                continue
            when = datetime.fromtimestamp(row.id / 1000, UTC)
            before = self.states.get(item) or new_card(when)
            rating = _RATINGS[row.ease]
            after = review(before, rating, when, self.settings, item_seed(self.deck, item))
            self.states[item] = after
            yield Answer(
                deck=self.deck,
                item=item,
                rating=rating,
                when=when,
                before=before,
                after=after,
                settings=self.settings,
                duration_ms=max(0, row.duration_ms),
            )

    def final_states(self) -> dict[str, CardState]:
        return self.states


def card_flags(collection: Collection, items: dict[int, str], now: datetime) -> dict[str, Flags]:
    """Suspended and buried Anki cards as quizcli flags on their items."""
    flags = {}
    for card in collection.cards:
        item = items.get(card.id)
        if item is None:
            continue
        if card.queue == SUSPENDED_QUEUE:
            flags[item] = Flags(suspended=True)
        elif card.queue in BURIED_QUEUES:
            flags[item] = Flags(buried_until=next_day_start(now))
    return flags

"""Progress between Anki and quizcli: an Anki review log replayed through quizcli's scheduler on import, so a
learner keeps memory states and due dates, and quizcli's states and log as Anki's scheduling on export.

Each review of a card quizcli imported (a button press, 1 to 4) becomes an
answer to its item at the same moment with the same rating and time taken,
and FSRS is replayed over them in order.  Manual changes in Anki's log (a
reschedule, "set due date", no button pressed) are not answers and are left
out; reviews of cards that did not become items (of a note that was skipped,
or a template beyond the second) are counted as unmatched.  Suspended and
buried cards keep their flags (a burial lasts until the next study day).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from quizcli.clock import next_day_start
from quizcli.interop.anki_collection import Collection, NewReview, Schedule
from quizcli.scheduler import CardState, Rating, Settings, State, item_seed, new_card, review
from quizcli.store.flags import Flags
from quizcli.store.reviews import Answer

if TYPE_CHECKING:
    from quizcli.store import Store

SUSPENDED_QUEUE = -1
BURIED_QUEUES = (-2, -3)
REPORT_EVERY = 1000
_RATINGS = {int(rating): rating for rating in Rating}


class Replay:
    """The answers of a collection's log for ``deck``'s items (a generator), and the states and counts they leave."""

    def __init__(self, collection: Collection, items: dict[int, str], deck: str, settings: Settings) -> None:
        self.collection, self.items, self.deck, self.settings = collection, items, deck, settings
        self.states: dict[str, CardState] = {}
        self.unmatched = 0
        self.manual = 0

    def answers(self, on_review: Callable[[int], None] | None = None) -> Iterator[Answer]:
        """Every matched review as an answer, in time order; ``on_review(n)`` every `REPORT_EVERY` log rows read."""
        for count, row in enumerate(self.collection.revlog(), start=1):
            if on_review is not None and count % REPORT_EVERY == 0:
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
                settings=self.settings,
                rating=rating,
                when=when,
                before=before,
                after=after,
                duration_ms=max(0, row.duration_ms),
            )


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


class DeckProgress:
    """A deck's progress as Anki keeps it, for an export with ``--with-progress``: each card's scheduling columns
    and the review log, from quizcli's states, flags and log.  ``created`` is the collection's creation (a day's
    start, seconds since the epoch): Anki counts review due dates in days from it."""

    def __init__(self, store: Store, deck: str, created: int, now: datetime) -> None:
        self.states = store.states(deck)
        self.flags = store.flags(deck)
        self.reviews = store.logged_reviews(deck)
        self.created, self.now = created, now

    def schedule(self, item: str, position: int) -> Schedule:
        state = self.states.get(item)
        flags = self.flags.get(item, Flags())
        if state is None or state.state is State.NEW:
            schedule = Schedule(due=position)
        elif state.state is State.REVIEW:
            schedule = Schedule(
                type=2,
                queue=2,
                due=int((state.due.timestamp() - self.created) // 86400),
                ivl=max(1, round(state.interval_days)),
                factor=2500,
                reps=state.reps,
                lapses=state.lapses,
                data=self._memory(state),
            )
        else:
            relearning = state.state is State.RELEARNING
            schedule = Schedule(
                type=3 if relearning else 1,
                queue=1,
                due=int(state.due.timestamp()),
                ivl=max(1, round(state.interval_days)) if relearning else 0,
                factor=2500,
                reps=state.reps,
                lapses=state.lapses,
                left=1,
                data=self._memory(state),
            )
        if flags.suspended:
            return schedule._replace(queue=-1)
        if flags.buried_until is not None and flags.buried_until > self.now:
            return schedule._replace(queue=-3)
        return schedule

    def revlog(self, card_ids: dict[str, int]) -> list[NewReview]:
        """Each logged review of an exported item, its id the moment in ms (moved on by 1 ms past a clash)."""
        rows, taken = [], set()
        for item, when, rating, state_before, duration_ms in self.reviews:
            card = card_ids.get(item)
            if card is None:
                continue
            review_id = int(datetime.fromisoformat(when).timestamp() * 1000)
            while review_id in taken:
                review_id += 1
            taken.add(review_id)
            rows.append(
                NewReview(
                    id=review_id,
                    card=card,
                    ease=rating,
                    ivl=0,
                    last_ivl=0,
                    duration_ms=duration_ms or 0,
                    type=_REVLOG_TYPES.get(State(state_before), 0),
                )
            )
        return rows

    @staticmethod
    def _memory(state: CardState) -> str:
        if state.stability is None or state.difficulty is None:
            return ""
        memory: dict[str, float] = {"s": round(state.stability, 4), "d": round(state.difficulty, 4)}
        if state.last_review is not None:
            memory["lrt"] = int(state.last_review.timestamp())
        return json.dumps(memory)


_REVLOG_TYPES = {State.NEW: 0, State.LEARNING: 0, State.REVIEW: 1, State.RELEARNING: 2}

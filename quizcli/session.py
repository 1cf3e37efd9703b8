"""A study session: which item comes next, and what an answer does.  No terminal here.

The order is Anki's: learning and relearning items that are due, then due
reviews (most overdue first), then new items up to the daily limit.  A review
item is due on its due *day*: every review due before the next study day
begins (`quizcli.clock.next_day_start`) is shown today; learning steps go by
time.  Items answered Again come back after their learning step; when nothing
else is left, learning items due within the learn-ahead window (20 minutes) are
shown early.  Only answers to review items count against the review limit.

Items of one card (a flashcard and its reverse, the deletions of a cloze) are
siblings: answering one buries its new and review siblings until the next study
day (Anki's "bury new/review siblings", on unless the config turns them off),
and learning siblings are kept apart unless nothing else is left.  New items
come in the deck's order, or spread (`spread`) so related ones do not follow
each other.  A review's due day is kept off its siblings' due days within the
fuzz range, or days 1-3 for an interval py-fsrs does not fuzz (`disperse`,
Anki's "disperse siblings", widened), so burying one does not hold another back
a day; a review already late is neither held back by a sibling nor holds one
back.  Every answer is in the store before
`answer` returns.  An answer that makes an item a leech (its 8th lapse, then
every 4th, as Anki warns) is flagged, and the item suspended unless the
config says ``leech_action = "tag"``.

The study policy lives here too, so the screen only draws and reads keys: the
rating suggested after an auto-graded answer, what counts as a correct answer,
and what each key does at each stage of an item (`key_action`).
"""

import random
from bisect import bisect_left, bisect_right, insort_right
from collections.abc import Callable, Collection
from datetime import date, datetime, timedelta
from enum import Enum, StrEnum
from typing import NamedTuple

from quizcli import scheduler
from quizcli.cards import Item
from quizcli.clock import day_start, next_day_start, study_day
from quizcli.config import GuessableRating, LeechAction, NewOrder, StudyConfig
from quizcli.grading import Verdict, make_question
from quizcli.kinds.base import Answering, Question
from quizcli.scheduler import LEECH_LAPSES, CardState, Rating, State
from quizcli.store import Answer, Flags, IndexEntry, Store, Sync, Unparsed

LEARN_AHEAD = timedelta(minutes=20)
SPREAD_WINDOW = 50  # how far ahead `spread` looks for the next new item


class StudyOptions(NamedTuple):
    """One sitting's choices beside the deck's configured settings (with the command line's overrides applied)."""

    config: StudyConfig = StudyConfig()
    new_limit: int = 20
    review_limit: int = 200
    tag: str | None = None
    cram: bool = False
    ahead: bool = False


Queued = Item | Unparsed  # a queue entry: an item, or a new one whose card is not parsed yet


class Result(NamedTuple):
    item: Item
    rating: Rating
    review_id: int
    before: CardState
    after: CardState | None
    correct: bool
    leech: bool = False


class Counts(NamedTuple):
    new: int
    learning: int
    review: int


class CramTally(NamedTuple):
    """Where a cram pass stands: items left in it (the one on screen included), and answers right and wrong."""

    left: int
    right: int
    wrong: int


class Summary(NamedTuple):
    studied: int
    correct: int
    seconds: float
    next_due: datetime | None
    due_tomorrow: int
    leeches: tuple[str, ...] = ()

    @property
    def percent(self) -> int:
        return round(100 * self.correct / self.studied) if self.studied else 0


class Session:
    """One sitting over an indexed deck; queues come from the store, so start-up does not grow with the deck."""

    def __init__(
        self,
        deck: IndexEntry,
        store: Store,
        options: StudyOptions,
        clock: Callable[[], datetime],
        changed_elsewhere: Callable[[], Collection[str]] | None = None,
    ) -> None:
        """``changed_elsewhere`` gives the items another writer (a sync beside the session) changed since it was
        last asked; the session takes them in before choosing each item (see `take_in`)."""
        self.deck, self.store, self.options, self.clock = deck, store, options, clock
        self.changed_elsewhere = changed_elsewhere
        self.started = clock()
        self.results: list[Result] = []
        self.states: dict[str, CardState] = {}
        self._shown: dict[str, set[str]] = {}
        self._pending: list[Item] = []
        self._buried_with: dict[int, list[tuple[Queued, list[Queued] | None]]] = {}  # review id -> siblings it buried
        self._late_cards: set[str] = set()  # cards with a review answered late in this session
        self._rng = random.Random()
        # Queues; a new item's card is parsed when it is first shown (see `_first`).
        self.learning: list[Queued] = []
        self.reviews: list[Queued] = []
        self.new: list[Queued] = []
        if options.cram:
            self._build_cram_queue()
        else:
            self._build_queues()

    def _build_cram_queue(self) -> None:
        items = self.store.available_items(self.deck.name, self.started, self.options.tag)
        self._rng.shuffle(items)
        self.new = list(items)

    def _build_queues(self) -> None:
        name, now, tag, options = self.deck.name, self.started, self.options.tag, self.options
        new_done, reviews_done = self.store.answered_since(name, day_start(now))
        learning = self.store.scheduled_items(name, _LEARNING, now, None, _ALL, tag)
        horizon = None if options.ahead else next_day_start(now)
        reviews = self.store.scheduled_items(name, (State.REVIEW,), now, horizon,
                                             max(0, options.review_limit - reviews_done), tag)  # fmt: skip
        self.states = {item.id: state for item, state in learning + reviews}
        self.learning = sorted((item for item, _ in learning), key=self._due)  # kept in due order: see `next`
        self.reviews = [item for item, _ in reviews]
        new = self.store.new_items(name, now, max(0, options.new_limit - new_done), tag)
        self.new = list(spread(new) if options.config.new_order is NewOrder.SPREAD else new)

    def _state(self, item: Queued) -> CardState:
        return self.states.get(item.id) or self.store.state(self.deck.name, item.id) or scheduler.new_card(self.started)

    def _due(self, item: Queued) -> datetime:
        return self._state(item).due

    # ---- choosing ------------------------------------------------------------------------

    def next(self) -> Item | None:
        """The next item to show, or None when the session is over."""
        if self.changed_elsewhere is not None:
            self.take_in(self.changed_elsewhere())
        if self._pending:
            return self._pending.pop()
        now = self.clock()
        learn_ahead = self.learning[: bisect_right(self.learning, now + LEARN_AHEAD, key=self._due)]
        due_learning = learn_ahead[: bisect_right(learn_ahead, now, key=self._due)]
        for allow_siblings in (False, True):
            for queue in (due_learning, self.reviews, self.new, learn_ahead):
                item = self._first(queue, allow_siblings)
                if item is not None:
                    return item
        return None

    def _first(self, queue: list[Queued], allow_siblings: bool) -> Item | None:
        for place, entry in enumerate(queue):
            if allow_siblings or not self._shown.get(entry.card_id, set()) - {entry.id}:
                item = queue[place] = entry if isinstance(entry, Item) else entry.parsed()
                return item
        return None

    def take_in(self, items: Collection[str]) -> None:
        """Take in what another writer (a sync with another device) changed of ``items`` since they were queued.

        A queued item answered, reset, suspended or buried elsewhere leaves a queue it no longer belongs in (it
        is never moved to another: the next session finds it there), and one that stays is scheduled from its
        stored state.  Cram schedules nothing and keeps its pass.
        """
        if not items or self.options.cram:  # asked before every card: nothing has changed, most times
            return
        queued = {
            entry.id: queue for queue in (self.learning, self.reviews, self.new) for entry in queue if entry.id in items
        }
        if not queued:
            return
        states = self.store.states_of(self.deck.name, list(queued))
        flags = self.store.flags_of(self.deck.name, list(queued))
        now = self.clock()
        horizon = None if self.options.ahead else next_day_start(self.started)
        leaving: set[str] = set()
        for item, queue in queued.items():
            state, flag = states.get(item), flags.get(item, Flags())
            hidden = flag.suspended or (flag.buried_until is not None and flag.buried_until > now)
            if queue is self.new:
                stays = state is None
            elif queue is self.reviews:
                stays = state is not None and state.state is State.REVIEW and (horizon is None or state.due <= horizon)
            else:
                stays = state is not None and state.state in _LEARNING
            if hidden or not stays:
                leaving.add(item)
                self.states.pop(item, None)
            elif state is not None:
                self.states[item] = state
        for queue in (self.learning, self.reviews, self.new) if leaving else ():
            queue[:] = [entry for entry in queue if entry.id not in leaving]
        self.learning.sort(key=self._due)

    def counts(self) -> Counts:
        return Counts(len(self.new), len(self.learning), len(self.reviews))

    def cram_tally(self) -> CramTally:
        """A cram session's progress: it has no new, learning or review items, only a pass through the deck."""
        right = sum(result.correct for result in self.results)
        return CramTally(left=len(self.new), right=right, wrong=len(self.results) - right)

    # ---- answering -----------------------------------------------------------------------

    def preview(self, item: Item) -> dict[Rating, timedelta]:
        """The next interval for each rating, shown under the rating keys."""
        return scheduler.preview(self._state(item), self.clock(), self.options.config.settings, self._seed(item))

    def suggest(self, question: Question, verdict: Verdict) -> Rating:
        """The rating offered after an auto-graded answer to ``question`` (see `suggested_rating`)."""
        state = self._state(question.item).state
        in_review = state is State.REVIEW and not self.options.cram
        chance = in_review and guessable(question)
        return suggested_rating(verdict, guessable=chance, policy=self.options.config.guessable_rating)

    def settle(self) -> None:
        """Put the answers given so far on the disk: run before reading the key that follows one."""
        self.store.settle_writes()

    def answer(self, item: Item, rating: Rating, correct: bool, duration_ms: int | None = None) -> Result:
        """Record the answer (on the disk at `settle`; a killed process keeps it), then move the item to where it
        belongs next.

        Another session may have answered the item meanwhile: the store then has the answer
        recomputed from the state it holds, so the log always replays to the stored state.
        """
        now = self.clock()
        if duration_ms is not None:
            duration_ms = min(duration_ms, self.options.config.max_answer_seconds * 1000)

        siblings = self._sibling_states(item)
        taken = self._taken_days(siblings, now)
        chance = guessable(make_question(item))  # once: a rebased answer drafts again

        def draft(before: CardState | None) -> Answer:
            return self._draft(item, rating, now, before or scheduler.new_card(now), duration_ms, taken, chance)

        # On the disk before the next key is read (`settle`), not before the next card is drawn.
        review_id, saved = self.store.record_review(draft(self._state(item)), draft, Sync.BEFORE_NEXT_KEY)
        before, after = saved.before, saved.after
        self._remove(item)
        self._place(item, after, rating)
        self._shown.setdefault(item.card.id, set()).add(item.id)
        if late_review(before, study_day(now)):
            self._late_cards.add(item.card.id)
        if after is not None:
            self._bury_siblings(item, review_id, now, siblings)
        leech = after is not None and leech_lapse(before, after)
        result = Result(
            item=item, rating=rating, review_id=review_id, before=before, after=after, correct=correct, leech=leech
        )
        self.results.append(result)
        if result.leech and self.options.config.leech_action is LeechAction.SUSPEND:
            self.suspend(item)
        return result

    def _bury_siblings(self, item: Item, review_id: int, now: datetime, states: dict[str, CardState]) -> None:
        """Bury the answered item's new and review siblings until the next study day, as the options say.

        As Anki does, every sibling is buried, queued in this session or not: a new sibling past today's
        new-card limit would otherwise come up in a later session the same day.  Reviews due after
        today need no burying.  A review already late (due on an earlier study day) is never held
        back, nor does a card whose review was answered late today hold its other reviews back: one of
        them would be late either way, so both are shown today (see `late_review`).
        """
        siblings = [sibling for sibling in item.card.items() if sibling.id != item.id]
        if not siblings:
            return
        config, today = self.options.config, study_day(now)
        tomorrow = next_day_start(now)
        spare_reviews = item.card.id in self._late_cards
        ids = {sibling.id for sibling in siblings}
        queued = {entry.id: (entry, queue) for queue in (self.new, self.reviews) for entry in queue if entry.id in ids}
        learning = {entry.id for entry in self.learning if entry.id in ids}
        buried: list[tuple[Queued, list[Queued] | None]] = []
        for sibling in siblings:
            state = states.get(sibling.id)
            if sibling.id in learning:
                continue
            entry, queue = queued.get(sibling.id, (sibling, None))
            if state is None or state.state is State.NEW:
                wanted = config.bury_new_siblings
            else:
                ahead = queue is self.reviews  # queued before its day: --ahead
                due = state.due < tomorrow or ahead
                wanted = config.bury_review_siblings and state.state is State.REVIEW and due
                wanted = wanted and not spare_reviews and not late_review(state, today)
            if wanted:
                buried.append((entry, queue))
        buried = self._not_flagged(buried, tomorrow)
        if not buried:
            return
        self.store.set_flags_of(self.deck.name, [entry.id for entry, _ in buried], Flags(buried_until=tomorrow))
        for entry, queue in buried:
            if queue is not None:
                queue.remove(entry)
        self._buried_with[review_id] = buried

    def _not_flagged(
        self, buried: list[tuple[Queued, list[Queued] | None]], until: datetime
    ) -> list[tuple[Queued, list[Queued] | None]]:
        """Those of the siblings to bury that are not suspended or buried already (a queued one never is).

        Burying must not unsuspend a sibling, and an undo must not unbury one an earlier answer buried.
        """
        unqueued = [sibling.id for sibling, queue in buried if queue is None]
        flags = self.store.flags_of(self.deck.name, unqueued) if unqueued else {}
        kept = {
            item for item, flag in flags.items()
            if flag.suspended or (flag.buried_until is not None and flag.buried_until >= until)
        }  # fmt: skip
        return [(sibling, queue) for sibling, queue in buried if sibling.id not in kept]

    def _sibling_states(self, item: Item) -> dict[str, CardState]:
        """The states of the item's siblings that have one (none in cram, which schedules and buries nothing)."""
        siblings = [other.id for other in item.card.items() if other.id != item.id]
        if self.options.cram or not siblings:
            return {}
        return self.store.states_of(self.deck.name, siblings)

    def _taken_days(self, siblings: dict[str, CardState], now: datetime) -> set[date]:
        """The study days a review of this card should keep off: those its siblings are due on.

        A sibling review due today or earlier, which burying holds back (or which is still to come
        today), counts as due on the next study day, the first day an answer can be scheduled for.
        """
        tomorrow = study_day(now) + timedelta(days=1)
        held = self.options.config.bury_review_siblings
        return {
            max(study_day(state.due), tomorrow) if held and state.state is State.REVIEW else study_day(state.due)
            for state in siblings.values()
        }

    def _draft(
        self,
        item: Item,
        rating: Rating,
        now: datetime,
        before: CardState,
        duration_ms: int | None,
        taken: set[date],
        chance: bool,
    ) -> Answer:
        settings = self.options.config.settings
        after = None if self.options.cram else scheduler.review(before, rating, now, settings, self._seed(item))
        shift = 0
        if after is not None and after.state is State.REVIEW and study_day(after.due) in taken:
            earliest, latest = scheduler.dispersal_window(before, rating, now, settings)
            candidate = study_day(after.due)
            shift = (disperse(candidate, (study_day(earliest), study_day(latest)), taken) - candidate).days
            after = scheduler.shift_due(after, shift)
        odds = scheduler.retrievability(before, now, settings)
        return Answer(
            deck=self.deck.name,
            item=item.id,
            rating=rating,
            when=now,
            before=before,
            after=after,
            settings=settings,
            retrievability=odds,
            duration_ms=duration_ms,
            due_shift=shift,
            guessable=chance,
        )

    def _place(self, item: Item, after: CardState | None, rating: Rating) -> None:
        if after is None:  # cram: Again comes back at the end of the queue
            if rating is Rating.AGAIN:
                self.new.append(item)
            return
        self.states[item.id] = after
        if after.state in _LEARNING:
            insort_right(self.learning, item, key=self._due)

    def _remove(self, item: Item) -> None:
        """Take the item out of its queue.  It is held once at most, in the queue its state puts it in: there
        at its due time in the learning queue, and near the front of the others (items are shown from there), so
        neither a cram of the whole deck nor a long queue the item is not in is walked on every answer.  An item
        not found there is looked for in every queue."""
        state = self.states.get(item.id)
        expected = self._queue_for(state)
        start = bisect_left(expected, state.due, key=self._due) if state and expected is self.learning else 0
        if not _take(expected, item, start):
            for queue in (self.learning, self.reviews, self.new):
                _take(queue, item, 0)

    def undo(self) -> Item | None:
        """Take back the last answer: its log entry goes, its previous state returns, and it is shown again."""
        if not self.results:
            return None
        last = self.results.pop()
        item = last.item
        log = self.store.item_log(self.deck.name, item.id, without=last.review_id)
        restored = scheduler.replay(log, self._seed(item))
        self.store.undo(last.review_id, self.deck.name, item.id, restored)
        buried = self._buried_with.pop(last.review_id, [])
        cleared = [sibling.id for sibling, _ in buried]  # unburied, and the leech unsuspended
        if last.leech and self.options.config.leech_action is LeechAction.SUSPEND:
            cleared.append(item.id)
        if cleared:
            self.store.set_flags_of(self.deck.name, cleared, Flags())
        for sibling, queue in buried:
            if queue is not None:
                queue.insert(0, sibling)
        self._remove(item)
        if restored is None:
            self.states.pop(item.id, None)
        else:
            self.states[item.id] = restored
        self._requeue(item, restored)
        self._pending.append(item)
        return item

    def _requeue(self, item: Item, state: CardState | None) -> None:
        """Put an undone item back in the queue of its state, so the counts include it again."""
        queue = self._queue_for(state)
        if queue is self.learning:
            insort_right(queue, item, key=self._due)
        else:
            queue.insert(0, item)

    def _queue_for(self, state: CardState | None) -> list[Queued]:
        """The queue an item in ``state`` is held in (None: never studied)."""
        if state is None or self.options.cram:
            return self.new
        return self.reviews if state.state is State.REVIEW else self.learning

    def suspend(self, item: Item) -> None:
        self.store.set_flags(self.deck.name, item.id, Flags(suspended=True))
        self._drop(item)

    def bury(self, item: Item) -> None:
        """Hide the item until the next study day begins."""
        until = next_day_start(self.clock())
        self.store.set_flags(self.deck.name, item.id, Flags(buried_until=until))
        self._drop(item)

    def _drop(self, item: Item) -> None:
        self._remove(item)
        if item in self._pending:
            self._pending.remove(item)

    def _seed(self, item: Item) -> str:
        return scheduler.item_seed(self.deck.name, item.id)

    # ---- the end -------------------------------------------------------------------------

    def summary(self, seconds: float) -> Summary:
        now = self.clock()
        tomorrow = next_day_start(next_day_start(now))
        next_due, due_tomorrow = self.store.due_outlook(self.deck.name, tomorrow)
        studied = len(self.results)
        correct = sum(r.correct for r in self.results)
        leeches = tuple(dict.fromkeys(r.item.id for r in self.results if r.leech))
        return Summary(
            studied=studied,
            correct=correct,
            seconds=seconds,
            next_due=next_due,
            due_tomorrow=due_tomorrow,
            leeches=leeches,
        )

    def next_due(self) -> datetime | None:
        """When the next item can be studied: a learning step at its time, a review at the start of its due day."""
        name, now, tag = self.deck.name, self.clock(), self.options.tag
        learning = self.store.scheduled_items(name, _LEARNING, now, None, 1, tag)
        reviews = self.store.scheduled_items(name, (State.REVIEW,), now, None, 1, tag)
        times = [state.due for _, state in learning] + [day_start(state.due) for _, state in reviews]
        return min(times, default=None)


# ---- the study policy --------------------------------------------------------------------


class Stage(Enum):
    """Where an item on screen is: what its keys can do."""

    FRONT = "front"  # a flashcard's front: Space/Enter turns it over
    ASKED = "asked"  # a question waits for its response (the answer keys are its kind's)
    RATING = "rating"  # the rating keys are shown: a flashcard's back, or an auto-graded answer


class Command(StrEnum):
    """The keys that act on the session rather than answer: the same letter at every stage."""

    UNDO = "u"
    SUSPEND = "s"
    BURY = "b"
    QUIT = "q"


class Action(NamedTuple):
    """What a key does; the screen carries it out: ``rating`` is recorded first, then ``command`` runs.

    ``reveal`` turns a flashcard over.  An action with nothing set means the key
    does nothing at this stage.
    """

    reveal: bool = False
    rating: Rating | None = None
    command: Command | None = None


ACCEPT_KEYS = ("enter", " ")  # Enter (as `quizcli.terminal` names it) and Space
RATING_KEYS = {str(int(rating)): rating for rating in Rating}
DEFAULT_RATING = Rating.GOOD  # what Space/Enter records on a flashcard's back
_RECORDED_FIRST = frozenset({Command.SUSPEND, Command.BURY, Command.QUIT})


def suggested_rating(
    verdict: Verdict, guessable: bool = False, policy: GuessableRating = GuessableRating.HARD
) -> Rating:
    """The rating offered after an auto-graded answer: Good when right, Again when wrong (an "almost" too).

    A right answer that could have been guessed (``guessable``: a choice or true/false card in review)
    gets Hard under the ``hard`` policy, so a lucky guess does not grow the memory as much as recall.
    Learning steps are never ``guessable`` here: Hard keeps a learning card at its step, so suggesting
    it there would repeat the step for as long as the answers are right.
    """
    if not verdict.correct:
        return Rating.AGAIN
    return Rating.HARD if guessable and policy is GuessableRating.HARD else Rating.GOOD


def guessable(question: Question) -> bool:
    """A question a learner who does not remember can still get right by chance: one option among a few."""
    return question.answering is Answering.TRUE_FALSE or (
        question.answering is Answering.CHOOSE and not question.multiple
    )


def counts_correct(rating: Rating) -> bool:
    """Whether an answer counts as correct: rated Hard, Good or Easy, not Again.

    The one definition of "% correct", in the session summary, the cram tally and ``quizcli stats``
    (which reads it from the review log: ``rating > 1``), as Anki counts it.  A marked answer whose
    suggested rating was overridden counts as rated: a wrong choice raised to Good is correct.
    """
    return rating is not Rating.AGAIN


def key_action(stage: Stage, key: str, suggested: Rating | None = None) -> Action:
    """What ``key`` does at ``stage``; ``suggested`` is the rating offered after an auto-graded answer.

    Once an answer is given (a suggested rating exists), s, b and q record the
    suggested rating first, so an answer once given is never lost; u takes back
    the previous rating instead, and the item on screen comes back later.
    """
    command = _command(key)
    if stage is Stage.FRONT and key in ACCEPT_KEYS:
        return Action(reveal=True)
    if stage is Stage.RATING:
        if key in RATING_KEYS:
            return Action(rating=RATING_KEYS[key])
        if key in ACCEPT_KEYS:
            return Action(rating=suggested or DEFAULT_RATING)
        if suggested is not None and command in _RECORDED_FIRST:
            return Action(rating=suggested, command=command)
    return Action(command=command)


def _command(key: str) -> Command | None:
    try:
        return Command(key)
    except ValueError:
        return None


_LEARNING = (State.LEARNING, State.RELEARNING)
_ALL = -1  # SQLite: no LIMIT


def _take(queue: list[Queued], item: Item, start: int) -> bool:
    """Delete ``item`` from ``queue``, looking from ``start`` on; False when it is not there."""
    place = next((n for n in range(start, len(queue)) if queue[n].id == item.id), None)
    if place is None:
        return False
    del queue[place]
    return True


def spread(items: list[Unparsed]) -> list[Unparsed]:
    """New items reordered so that related ones do not follow each other, else in their order.

    Related means of one card, or sharing a tag that not every item has (a deck's own tags
    are on all of them).  Each next item is the first of those least related to the last
    one shown, among the next `SPREAD_WINDOW` still to place (so a big batch costs no more
    per item than a small one), and a fact's flashcard is not followed at once by the
    question testing it.
    """
    tags = [frozenset(item.tags) for item in items]
    common = frozenset.intersection(*tags) if tags else frozenset()
    left = [(item, item_tags - common) for item, item_tags in zip(items, tags, strict=True)]
    placed: list[Unparsed] = []
    last_tags = frozenset[str]()
    while left:
        nearest = 0
        if placed:
            card, own = placed[-1].card_id, last_tags
            nearest = min(range(min(len(left), SPREAD_WINDOW)),
                          key=lambda n: (left[n][0].card_id == card, len(left[n][1] & own), n))  # fmt: skip
        item, last_tags = left.pop(nearest)
        placed.append(item)
    return placed


def disperse(candidate: date, window: tuple[date, date], taken: Collection[date]) -> date:
    """The due day for a review: ``candidate``, or when a sibling is due that day the nearest day of
    the fuzz ``window`` (first and last day, inclusive) that none is due on, the earlier of two as
    near; ``candidate`` still when every day of the window is taken.

    Anki's "disperse siblings": the fuzz moves the due date anyway, so moving it within the same
    range costs the schedule nothing, and siblings due on different days are not buried for each
    other.
    """
    if candidate not in taken:
        return candidate
    first, last = window
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    free = [day for day in days if day not in taken]
    return min(free, key=lambda day: (abs((day - candidate).days), day), default=candidate)


def late_review(state: CardState, today: date) -> bool:
    """Whether a review was due on a study day before ``today``: a day has gone by without it."""
    return state.state is State.REVIEW and study_day(state.due) < today


def leech_lapse(before: CardState, after: CardState) -> bool:
    """True when this answer's lapse makes the item a leech: lapse 8, then every 4 more (Anki's warning at half)."""
    lapses = after.lapses
    return lapses > before.lapses and lapses >= LEECH_LAPSES and (lapses - LEECH_LAPSES) % (LEECH_LAPSES // 2) == 0

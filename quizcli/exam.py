"""Exams: drawing the questions, the answer sheet and the time keeping (`marking` marks them, `history` keeps them).

Pure: no terminal and no database.  An exam asks the auto-gradable *items*
of a deck (flashcards are self-rated and never appear), at most one of each
card unless ``all_items`` (the deletions of one cloze card show each other's
answers), optionally restricted to a tag, sampled to ``size`` and shuffled,
all from one seeded generator so ``--seed`` replays the same exam.  Each
question scores 1 or 0 (a select-all question only when exactly the right
options are chosen, a typed or cloze "almost" is wrong), or a share of 1
where its kind gives partial credit (matching, ordering).  The percent is
rounded half up to a whole number, and that shown number is what
the pass mark is compared with.
"""

import itertools
import math
import random
import time
from collections.abc import Callable, Iterator, Sequence
from enum import Enum, StrEnum
from typing import NamedTuple, overload

from quizcli.cards import Deck, Item, ItemRef
from quizcli.errors import QuizcliError
from quizcli.grading import make_question
from quizcli.kinds import all_kinds
from quizcli.kinds.base import Question
from quizcli.text import plural

DEFAULT_PASS_MARK = 70


class ExamError(QuizcliError):
    """An exam that cannot be set: no markable question, nothing to retry."""


class Ending(StrEnum):
    SUBMITTED = "submitted"
    TIMED_OUT = "timed-out"
    ABANDONED = "abandoned"


class ExamOptions(NamedTuple):
    """How to draw and mark an exam; ``time_limit`` is in seconds, ``only`` limits the pool to item ids."""

    seed: int
    tag: str | None = None
    size: int | None = None  # how many questions to draw; None: every one in the pool
    shuffle: bool = True
    pass_mark: int = DEFAULT_PASS_MARK
    time_limit: float | None = None
    only: frozenset[str] | None = None
    all_items: bool = False  # every item of a card may be drawn; by default at most one (siblings show answers)


class ExamSource(NamedTuple):
    """What an exam draws from: a deck's markable items, how many there are, and how to load the drawn ones.

    An item's *rank* is its place (from 0) among the markable items in deck order.
    An exam of the whole pool draws ranks and loads only those items, so 20 questions
    from a 100,000-card deck start as quickly as from a 100-card deck.  ``refs``, the
    id and tags of every markable item, may read the whole deck: it is called only for
    a ``--tag`` or a retry list, and for the score per tag once the exam is over.
    """

    name: str
    title: str
    cards: int
    markable: int  # how many markable items there are
    markable_cards: int  # how many cards they come from: fewer than ``markable`` when a card has several
    refs: Callable[[], Sequence[ItemRef]]  # every markable item, in rank order
    load: Callable[[list[str]], list[Item]]  # items by id, in the order asked
    load_ranked: Callable[[list[int]], list[Item]]  # markable items by rank, in the order asked
    cards_ranked: Callable[[list[int]], list[str]]  # the card id of each markable item by rank, in the order asked

    @property
    def tag_order(self) -> list[str]:
        """Tags in the order the deck first uses them: its sections, top to bottom."""
        return list(dict.fromkeys(tag for ref in self.refs() for tag in ref.tags))


def source_of(deck: Deck) -> ExamSource:
    """The markable items of a parsed deck."""
    by_id = {item.id: item for item in deck.items() if item.card.kind.auto_graded}
    items = list(by_id.values())
    refs = tuple(ItemRef(item.id, " ".join(item.card.tags)) for item in items)
    return ExamSource(
        name=deck.name,
        title=deck.title,
        cards=len(deck.cards),
        markable=len(items),
        markable_cards=len({item.card.id for item in items}),
        refs=lambda: refs,
        load=lambda ids: [by_id[i] for i in ids],
        load_ranked=lambda ranks: [items[r] for r in ranks],
        cards_ranked=lambda ranks: [items[r].card.id for r in ranks],
    )


class DrawnQuestions(Sequence[Question]):
    """An exam's drawn questions, loaded and built only once asked for: a whole-deck exam of 100,000 items shows
    its first question without loading the others.

    Each question's options are shuffled with the exam's generator in question order, so the questions are built
    in that order (all those before the one asked for first): a seed draws the same exam whichever is shown first.
    """

    BATCH = 50  # questions loaded at a time: a few queries for a short exam, a short wait for the first screen

    def __init__(self, places: list[int], load: Callable[[list[int]], list[Item]], rng: random.Random | None) -> None:
        self._places = places
        self._load = load
        self._rng = rng
        self._built: list[Question] = []

    def __len__(self) -> int:
        return len(self._places)

    @overload
    def __getitem__(self, index: int) -> Question: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Question]: ...

    def __getitem__(self, index: int | slice) -> Question | Sequence[Question]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        place = index + len(self) if index < 0 else index
        if not 0 <= place < len(self):
            raise IndexError(index)
        while len(self._built) <= place:
            start = len(self._built)
            batch = self._places[start : max(place + 1, start + self.BATCH)]
            self._built.extend(make_question(item, self._rng) for item in self._load(batch))
        return self._built[place]

    @property
    def built(self) -> int:
        """How many questions have been loaded so far."""
        return len(self._built)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Sequence)
            and len(other) == len(self)
            and all(a == b for a, b in zip(self, other, strict=True))
        )

    __hash__ = None  # type: ignore[assignment]


class Exam(NamedTuple):
    deck: ExamSource
    questions: Sequence[Question]
    options: ExamOptions


def new_seed() -> int:
    """A seed short enough to retype: ``--seed`` replays the exam it drew."""
    return random.SystemRandom().randrange(100_000, 1_000_000)


def plan_exam(deck: Deck | ExamSource, options: ExamOptions) -> Exam:
    """Draw the questions: the pool in authored order, sampled to ``size``, then shuffled with options.

    What is drawn are places in the pool, so the draw is the same whether the pool
    is every markable item (places are ranks) or a part of them (places index its
    references): a seed gives the same exam as it always did, unless it drew two
    items of one card, which by default an exam no longer asks together.
    """
    source = deck if isinstance(deck, ExamSource) else source_of(deck)
    pool = _pool_of(source, options)
    rng = random.Random(options.seed)
    places = _draw(pool, options, rng)
    if options.shuffle:
        rng.shuffle(places)
    return Exam(source, DrawnQuestions(places, pool.load, rng if options.shuffle else None), options)


class _Pool(NamedTuple):
    """What an exam draws from: how many items, and the items and card ids at given places among them."""

    size: int
    load: Callable[[list[int]], list[Item]]
    cards_at: Callable[[list[int]], list[str]]
    siblings: bool  # whether two of its items may share a card


def _pool_of(source: ExamSource, options: ExamOptions) -> _Pool:
    """The pool to draw from.

    With no tag and no retry list the pool is every markable item and a place is a
    rank: nothing else of the deck is read.  Otherwise the pool is filtered from
    every item's reference first.
    """
    siblings = source.markable_cards < source.markable  # some card has more than one markable item
    if options.tag is None and options.only is None:
        _require_markable(source)
        return _Pool(size=source.markable, load=source.load_ranked, cards_at=source.cards_ranked, siblings=siblings)
    refs = exam_pool(source, options)
    return _Pool(
        size=len(refs),
        load=lambda places: source.load([refs[i].id for i in places]),
        cards_at=lambda places: [refs[i].card_id for i in places],
        siblings=siblings,
    )


def _draw(pool: _Pool, options: ExamOptions, rng: random.Random) -> list[int]:
    """The places drawn, in pool order: a sample of ``size`` (or all), then, unless ``all_items``, one per card."""
    wanted = pool.size if options.size is None else min(options.size, pool.size)
    places = rng.sample(range(pool.size), wanted) if wanted < pool.size else list(range(pool.size))
    if pool.siblings and not options.all_items:  # without siblings, every draw has one item per card already
        places = _one_per_card(pool, places, wanted, rng, options.shuffle)
    return sorted(places)


def _one_per_card(pool: _Pool, places: list[int], wanted: int, rng: random.Random, shuffle: bool) -> list[int]:
    """``places`` with every item after the first of its card replaced by a new draw, up to ``wanted`` cards.

    Only the drawn places' card ids are looked up, so a draw of 20 from 100,000 items
    stays 20 look-ups (a few more when siblings were drawn).  A draw without siblings is
    returned as it is and uses the generator no further: its seed replays the same exam.
    A whole-pool exam asks every card once: which of its items is drawn too, unless the
    exam keeps the authored order, which asks each card's first item.
    """
    cards = pool.cards_at(places)
    if len(set(cards)) == len(cards):
        return places
    if wanted == pool.size:
        if shuffle:
            order = list(range(len(places)))
            rng.shuffle(order)
            places, cards = [places[i] for i in order], [cards[i] for i in order]
        return list(_keep_first({}, places, cards).values())
    kept = _keep_first({}, places, cards)
    more = _untried_places(pool.size, set(places), rng)
    while len(kept) < wanted and (places := list(itertools.islice(more, wanted - len(kept)))):
        _keep_first(kept, places, pool.cards_at(places))
    return list(kept.values())


def _keep_first(kept: dict[str, int], places: list[int], cards: list[str]) -> dict[str, int]:
    """``kept`` (card id -> place) with each place whose card it does not hold yet added."""
    for place, card in zip(places, cards, strict=True):
        kept.setdefault(card, place)
    return kept


def _untried_places(size: int, tried: set[int], rng: random.Random) -> Iterator[int]:
    """The places not in ``tried``, in random order: drawn one by one while most are untried, then the rest shuffled.

    Drawing one by one costs no list of the pool when only a few places are wanted.
    """
    while len(tried) < size // 2:
        place = rng.randrange(size)
        if place not in tried:
            tried.add(place)
            yield place
    rest = [place for place in range(size) if place not in tried]
    rng.shuffle(rest)
    yield from rest


def short_draw(exam: Exam, asked: int) -> str:
    """Why an exam asks fewer than the ``asked`` questions (``--count``): how many could be drawn, and from what."""
    drawn = len(exam.questions)
    if exam.options.all_items:
        return f"only {plural(drawn, 'question')} can be drawn, not {asked}: asking all of them"
    return (
        f"only {plural(drawn, 'question')} can be drawn, not {asked}: an exam asks one item per card "
        "(--all-items asks every cloze deletion); asking all of them"
    )


def exam_pool(deck: Deck | ExamSource, options: ExamOptions) -> list[ItemRef]:
    """Every auto-gradable item with the tag (and among ``only``), or an `ExamError` saying why there is none."""
    source = deck if isinstance(deck, ExamSource) else source_of(deck)
    _require_markable(source)
    refs = source.refs()
    pool = [ref for ref in refs if options.tag is None or options.tag in ref.tags]
    if not pool:
        tags = sorted({tag for ref in refs for tag in ref.tags})
        raise ExamError(f"no question in '{source.name}' has the tag '{options.tag}'; its tags: {', '.join(tags)}")
    if options.only is not None:
        pool = [ref for ref in pool if ref.id in options.only]
        if not pool:
            raise ExamError(f"none of the questions missed last time on '{source.name}' is in this exam any more")
    return pool


def _require_markable(source: ExamSource) -> None:
    if not source.markable:
        raise ExamError(nothing_to_mark(source.name, source.cards))


def nothing_to_mark(deck: str, cards: int) -> str:
    """Why a deck of ``cards`` cards without one markable question cannot be examined."""
    if not cards:
        return f"'{deck}' has no cards, so there is nothing to examine"
    kinds = all_kinds()
    asked = [kind.name for kind in kinds if kind.auto_graded]
    labels = [kind.label for kind in kinds if not kind.auto_graded]
    cards_are = (f"its one card is a {' or '.join(labels)}" if cards == 1
                 else f"its {plural(cards, 'card')} are {' or '.join(f'{label}s' for label in labels)}")  # fmt: skip
    return (
        f"'{deck}' has no question an exam can mark: exams ask {', '.join(asked[:-1])} and {asked[-1]} cards, "
        f"and {cards_are}; study {'it' if cards == 1 else 'them'} with 'quizcli study {deck}'"
    )


def retry_pool(deck: str, missed: Sequence[str] | None) -> frozenset[str]:
    """The item ids to ask again for ``--retry-wrong``, from the last attempt's misses (None: no attempt)."""
    if missed is None:
        raise ExamError(f"no exam taken on '{deck}' yet, so there is nothing to retry")
    if not missed:
        raise ExamError(f"the last exam on '{deck}' had no wrong or skipped question: nothing to retry")
    return frozenset(missed)


ON_TIME_UP = Ending.TIMED_OUT
"""How an exam ends when its time runs out: handed in as it stands, blanks wrong, a half-typed answer as typed."""


class Deadline(NamedTuple):
    """An exam's time keeping, on the monotonic clock: ``QUIZCLI_NOW`` fixes dates, never durations.

    The screen only asks it: how much time is left and what the clock shows, when
    the shown clock next changes, whether the time is up (the exam then ends as
    `ON_TIME_UP`), and how long the exam took.
    """

    started: float
    ends: float | None  # None: an untimed exam
    clock: Callable[[], float] = time.monotonic

    @classmethod
    def start(cls, seconds: float | None, clock: Callable[[], float] = time.monotonic) -> "Deadline":
        now = clock()
        return cls(started=now, ends=None if seconds is None else now + seconds, clock=clock)

    def remaining(self) -> float | None:
        """Seconds left (never negative), or None for an untimed exam."""
        return None if self.ends is None else max(0.0, self.ends - self.clock())

    def expired(self) -> bool:
        return self.ends is not None and self.clock() >= self.ends

    def shown(self) -> int | None:
        """The whole seconds the clock shows: rounded up, so it reads 0:00 only once the time is up."""
        remaining = self.remaining()
        return None if remaining is None else math.ceil(remaining)

    def until_redraw(self) -> float | None:
        """Seconds until the shown clock changes (at once when the time is up); None when no clock runs."""
        remaining = self.remaining()
        return None if remaining is None else min(remaining, remaining % 1.0 or 1.0)

    def elapsed(self) -> float:
        """Seconds since the exam started."""
        return self.clock() - self.started


class Move(Enum):
    """What a key that does not answer the question on screen does, in key mode."""

    BACK = "back"
    NEXT = "next"  # past the last question: the offer to submit
    SKIP = "skip"  # leave the question blank and go on
    FLAG = "flag"  # flag or unflag it for review
    SUBMIT = "submit"  # the offer to submit


TEXT_SAFE_MOVES = {"left": Move.BACK, "pageup": Move.BACK, "\x10": Move.BACK,
                   "right": Move.NEXT, "pagedown": Move.NEXT, "\t": Move.NEXT, "\x0e": Move.NEXT,
                   "\x0b": Move.SKIP, "\x06": Move.FLAG, "\x18": Move.SUBMIT}  # fmt: skip
"""Moves on keys that are never text (arrows, PageUp/PageDown, Tab, Ctrl-P/N/K/F/X): the only ones on a question
answered by typing."""
MOVES = {"p": Move.BACK, "n": Move.NEXT, "s": Move.SKIP, "m": Move.FLAG, "x": Move.SUBMIT, **TEXT_SAFE_MOVES}
SUBMIT_KEY = "y"  # confirms the offer to submit; any other key goes back to the questions
PAUSE_CHOICES = {"s": Ending.SUBMITTED, "a": Ending.ABANDONED}  # any other key carries on


def move_for(key: str, typing: bool = False) -> Move | None:
    """The move a navigation key makes; None for any other key.

    On a question answered with keys a letter (either case) moves too; on one
    answered by typing (``typing``) a letter is text, so only `TEXT_SAFE_MOVES` move.
    """
    return TEXT_SAFE_MOVES.get(key) if typing else MOVES.get(key.lower())


def is_text(key: str) -> bool:
    """Whether a key types a character of an answer (a letter, digit, space or sign), not a named or control key."""
    return len(key) == 1 and key.isprintable()


def confirms_submit(key: str) -> bool:
    return key.lower() == SUBMIT_KEY


def pause_choice(key: str) -> Ending | None:
    """How a key on the pause screen ends the exam; None carries on (the clock never stopped)."""
    return PAUSE_CHOICES.get(key.lower())


class Sheet:
    """The answers while the exam runs: one response per question (None while blank), flags, the current one."""

    def __init__(self, size: int) -> None:
        self.responses: list[str | None] = [None] * size
        self.flagged: set[int] = set()
        self.current = 0

    @property
    def size(self) -> int:
        return len(self.responses)

    @property
    def response(self) -> str | None:
        return self.responses[self.current]

    def answer(self, response: str | None) -> None:
        """Set (or with None or blank text, clear) the current question's answer."""
        text = (response or "").strip()
        self.responses[self.current] = text or None

    def toggle_flag(self) -> None:
        self.flagged ^= {self.current}

    def move(self, step: int) -> bool:
        """Go ``step`` questions on or back; False (staying put) when that leaves the exam."""
        target = self.current + step
        if not 0 <= target < self.size:
            return False
        self.current = target
        return True

    def answered(self) -> int:
        return sum(response is not None for response in self.responses)

    def unanswered(self) -> list[int]:
        return [i for i, response in enumerate(self.responses) if response is None]

    def finish(self, ending: Ending, seconds: float) -> "Sitting":
        return Sitting(responses=tuple(self.responses), flagged=frozenset(self.flagged), ending=ending, seconds=seconds)


def toggle_letter(response: str | None, letter: str) -> str | None:
    """A select-all response with ``letter`` chosen or unchosen: ``"A C"`` + ``"B"`` -> ``"A B C"``."""
    chosen = set((response or "").split()) ^ {letter}
    return " ".join(sorted(chosen)) or None


class Sitting(NamedTuple):
    """What the user handed in, and how the exam ended."""

    responses: tuple[str | None, ...]
    flagged: frozenset[int]
    ending: Ending
    seconds: float

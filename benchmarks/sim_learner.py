"""The simulated learner's world: a generated deck, and a memory that follows FSRS-6 with its own parameters.

The deck is written as YAML text for quizcli to read; alongside it the learner
keeps what it needs to answer: for each study item, its card, topic, kind and
true answer.  Facts come in topics of a few cards (a flashcard, a choice, a
true/false, a typed and a cloze card in turn), authored next to each other, as
people write decks.

The learner's memory of each item follows FSRS-6's formulas (stability,
difficulty, the power forgetting curve, same-day reviews) with parameters unlike
FSRS's defaults, so that quizcli's default model is wrong about it in the way a
real person's is, and with per-card noise (some cards are harder than others).
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass
from datetime import datetime

# FSRS-6 parameters of the simulated learner (FSRS's defaults differ: its first
# stabilities are 0.21/1.29/2.31/8.30 days, its recall growth scale 1.87 and its
# decay 0.15): this learner forgets new cards faster, its memories grow more
# slowly, and its forgetting curve is steeper.
LEARNER_PARAMETERS: tuple[float, ...] = (
    0.1, 0.4, 1.0, 3.5,  # initial stability by first grade (Again, Hard, Good, Easy), days
    7.0, 0.6, 2.0, 0.02,  # initial difficulty, its growth with the grade, the change per grade, mean reversion
    1.3, 0.2, 1.0,  # stability growth after a recall: scale, saturation, gain with lower retrievability
    1.8, 0.1, 0.35, 1.9,  # stability after a lapse
    0.5, 2.2,  # Hard penalty, Easy bonus
    0.4, 0.1, 0.08,  # same-day reviews
    0.35,  # decay of the forgetting curve
)  # fmt: skip
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
GUESSABLE_OPTIONS = {"choice": 4, "true-false": 2}
_SYLLABLES = "ka lo mi ne ru sa ti vo ze ba de fi go hu ja ke li mo nu pe qui ro su ta ve wi xo yu".split()


@dataclass(frozen=True)
class Fact:
    """One study item as the learner knows it."""

    item: str
    card: str
    kind: str  # flashcard, reverse, choice, true-false, typed, cloze
    topic: str
    answer: str  # the back, the right option's text, "true"/"false", the typed text or the blank

    @property
    def options(self) -> int:
        """How many options a guess picks from (0: the answer cannot be guessed)."""
        return GUESSABLE_OPTIONS.get(self.kind, 0)


@dataclass(frozen=True)
class GeneratedDeck:
    yaml: str
    facts: dict[str, Fact]


def make_deck(cards: int, rng: random.Random, title: str = "Simulated deck") -> GeneratedDeck:
    """A deck of ``cards`` cards of every kind: flashcards (some with a reverse), 4-option choices, true/false,
    typed answers and clozes of two or three deletions, grouped into topics of five cards."""
    words = _words(rng, cards * 8)
    lines = [f"title: {json.dumps(title)}", "cards:"]
    facts: dict[str, Fact] = {}
    makers = (_flashcard, _choice, _true_false, _typed, _cloze)
    for number in range(cards):
        topic = f"topic-{number // len(makers)}"
        card_lines, card_facts = makers[number % len(makers)](f"c{number}", topic, words, rng)
        lines += card_lines
        facts.update((fact.item, fact) for fact in card_facts)
    return GeneratedDeck(yaml="\n".join(lines) + "\n", facts=facts)


def _words(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct made-up words (nothing the learner could know beforehand)."""
    seen: dict[str, None] = {}
    while len(seen) < count:
        seen[rng.choice(_SYLLABLES) + rng.choice(_SYLLABLES) + rng.choice(_SYLLABLES)] = None
    words = list(seen)
    rng.shuffle(words)
    return words


def _head(card: str, topic: str, kind: str) -> list[str]:
    return [f"  - id: {card}", f"    tags: [{topic}, {kind}]"]


def _flashcard(card: str, topic: str, words: list[str], rng: random.Random) -> tuple[list[str], list[Fact]]:
    front, back = f"What is a {words.pop()}?", f"The {words.pop()} of the {words.pop()}."
    lines = [*_head(card, topic, "flashcard"), f"    front: {json.dumps(front)}", f"    back: {json.dumps(back)}"]
    facts = [Fact(item=card, card=card, kind="flashcard", topic=topic, answer=back)]
    if rng.random() < 0.5:
        lines.append("    reverse: true")
        facts.append(Fact(item=f"{card}:reverse", card=card, kind="reverse", topic=topic, answer=front))
    return lines, facts


def _choice(card: str, topic: str, words: list[str], rng: random.Random) -> tuple[list[str], list[Fact]]:
    options = [f"{words.pop()} {words.pop()}" for _ in range(4)]
    right = rng.randrange(4)
    lines = [
        *_head(card, topic, "choice"),
        f"    question: {json.dumps(f'Which one is the {words.pop()}?')}",
        f"    choices: {json.dumps(options)}",
        f"    answer: {'ABCD'[right]}",
        f"    explanation: {json.dumps(f'It is {options[right]}.')}",
    ]
    return lines, [Fact(item=card, card=card, kind="choice", topic=topic, answer=options[right])]


def _true_false(card: str, topic: str, words: list[str], rng: random.Random) -> tuple[list[str], list[Fact]]:
    truth = rng.random() < 0.5
    lines = [
        *_head(card, topic, "true-false"),
        f"    question: {json.dumps(f'A {words.pop()} is a kind of {words.pop()}.')}",
        f"    answer: {'true' if truth else 'false'}",
    ]
    return lines, [Fact(item=card, card=card, kind="true-false", topic=topic, answer="true" if truth else "false")]


def _typed(card: str, topic: str, words: list[str], rng: random.Random) -> tuple[list[str], list[Fact]]:
    answer = words.pop()
    lines = [
        *_head(card, topic, "typed"),
        f"    question: {json.dumps(f'Which word names the {words.pop()} of a {words.pop()}?')}",
        f"    answer: {json.dumps(answer)}",
    ]
    return lines, [Fact(item=card, card=card, kind="typed", topic=topic, answer=answer)]


def _cloze(card: str, topic: str, words: list[str], rng: random.Random) -> tuple[list[str], list[Fact]]:
    blanks = [words.pop() for _ in range(rng.choice((2, 3)))]
    links = ("meets", "near", "after")
    text = " ".join(f"the {{{{{blank}}}}} {link}" for blank, link in zip(blanks, links, strict=False))
    lines = [*_head(card, topic, "cloze"), f"    cloze: {json.dumps(text.capitalize() + ' it all.')}"]
    facts = [
        Fact(item=f"{card}:c{n}", card=card, kind="cloze", topic=topic, answer=blank)
        for n, blank in enumerate(blanks, start=1)
    ]
    return lines, facts


# ---- memory ----------------------------------------------------------------------------------


@dataclass
class Trace:
    """The learner's memory of one item: FSRS-6's stability (days) and difficulty (1-10)."""

    stability: float
    difficulty: float
    last: datetime


class Memory:
    """FSRS-6 memory with the learner's own parameters, and per-card noise."""

    def __init__(self, rng: random.Random, parameters: tuple[float, ...] = LEARNER_PARAMETERS) -> None:
        self.w, self.rng = parameters, rng
        self.decay = parameters[20]
        self.factor = 0.9 ** (-1 / self.decay) - 1
        self.traces: dict[str, Trace] = {}
        self._card_noise: dict[str, tuple[float, float]] = {}

    def retrievability(self, item: str, when: datetime) -> float:
        """The probability of recalling ``item`` now from memory alone (0 for an item never seen)."""
        trace = self.traces.get(item)
        if trace is None:
            return 0.0
        return self._curve(_days(trace.last, when), trace.stability)

    def _curve(self, days: float, stability: float) -> float:
        return float((1 + self.factor * max(days, 0.0) / stability) ** -self.decay)

    def update(self, fact: Fact, grade: int, when: datetime) -> None:
        """What studying the item with this outcome (1 forgot ... 4 easy) does to the learner's memory."""
        trace = self.traces.get(fact.item)
        if trace is None:
            scale, shift = self._noise(fact.card)
            stability = max(self.w[grade - 1] * scale, 0.01)
            self.traces[fact.item] = Trace(stability, _clamp(self._initial_difficulty(grade) + shift), when)
            return
        days = _days(trace.last, when)
        if days < 1:
            trace.stability = self._short_term(trace.stability, grade)
        else:
            trace.stability = self._long_term(trace, self._curve(days, trace.stability), grade)
        trace.difficulty = self._next_difficulty(trace.difficulty, grade)
        trace.last = when

    def _noise(self, card: str) -> tuple[float, float]:
        """A card's own ease: a stability scale (log-normal) and a difficulty shift, the same for its siblings."""
        if card not in self._card_noise:
            self._card_noise[card] = (math.exp(self.rng.gauss(0.0, 0.4)), self.rng.gauss(0.0, 1.5))
        return self._card_noise[card]

    def _initial_difficulty(self, grade: int) -> float:
        return self.w[4] - math.exp(self.w[5] * (grade - 1)) + 1

    def _next_difficulty(self, difficulty: float, grade: int) -> float:
        damped = difficulty + (10 - difficulty) * -self.w[6] * (grade - 3) / 9
        return _clamp(self.w[7] * self._initial_difficulty(EASY) + (1 - self.w[7]) * damped)

    def _short_term(self, stability: float, grade: int) -> float:
        growth = math.exp(self.w[17] * (grade - 3 + self.w[18])) * stability ** -self.w[19]
        if grade > AGAIN:
            growth = max(growth, 1.0)
        return max(float(stability * growth), 0.01)

    def _long_term(self, trace: Trace, recall: float, grade: int) -> float:
        w, s, d = self.w, trace.stability, trace.difficulty
        if grade == AGAIN:
            lapse = w[11] * d ** -w[12] * ((s + 1) ** w[13] - 1) * math.exp((1 - recall) * w[14])
            return max(min(float(lapse), s / math.exp(w[17] * w[18])), 0.01)
        bonus = w[15] if grade == HARD else w[16] if grade == EASY else 1.0
        growth = math.exp(w[8]) * (11 - d) * s ** -w[9] * (math.exp((1 - recall) * w[10]) - 1) * bonus
        return s * (1 + float(growth))


def _days(since: datetime, until: datetime) -> float:
    return (until - since).total_seconds() / 86400


def _clamp(difficulty: float) -> float:
    return min(max(difficulty, 1.0), 10.0)


# ---- the learner at work ---------------------------------------------------------------------


@dataclass
class Attempt:
    """One item put to the learner: how likely it is to recall it, and whether it did."""

    fact: Fact
    memory: float  # retrievability from memory alone
    recall: float  # the probability of recalling it now: memory, helped by what was seen earlier today
    recalled: bool
    primed_by: str  # "sibling", "topic" or "" (nothing studied earlier today helped)
    meant_right: bool = False  # whether the response given is the right one (a guess may be)


class Learner:
    """Answers as a person would: from memory when it recalls, guessing among the options when it does not.

    A sibling (the other side of a flashcard, another deletion of a cloze) or a card of the same topic seen
    earlier the same day makes recall easier: the other deletions of a cloze are in plain sight, a reverse
    repeats its front.  ``sibling_priming`` and ``topic_priming`` are the shares of forgetting they undo.
    """

    def __init__(
        self,
        facts: dict[str, Fact],
        memory: Memory,
        rng: random.Random,
        sibling_priming: float = 0.5,
        topic_priming: float = 0.2,
    ) -> None:
        self.facts, self.memory, self.rng = facts, memory, rng
        self.sibling_priming, self.topic_priming = sibling_priming, topic_priming
        self._items_today: dict[str, set[str]] = {}  # card -> its items studied today
        self._cards_today: dict[str, set[str]] = {}  # topic -> its cards studied today

    def new_day(self) -> None:
        self._items_today.clear()
        self._cards_today.clear()

    def attempt(self, item: str, when: datetime) -> Attempt:
        fact = self.facts[item]
        memory = self.memory.retrievability(item, when)
        primed_by = self._primed_by(fact)
        help_ = {"sibling": self.sibling_priming, "topic": self.topic_priming}.get(primed_by, 0.0)
        recall = 1 - (1 - memory) * (1 - help_)
        return Attempt(fact, memory, recall, self.rng.random() < recall, primed_by)

    def _primed_by(self, fact: Fact) -> str:
        if self._items_today.get(fact.card, set()) - {fact.item}:
            return "sibling"
        if self._cards_today.get(fact.topic, set()) - {fact.card}:
            return "topic"
        return ""

    def choose(self, attempt: Attempt, options: dict[str, str]) -> str:
        """The letter of the right option when recalled, else a uniform guess."""
        right = [letter for letter, text in options.items() if text == attempt.fact.answer]
        letter = right[0] if attempt.recalled and right else self.rng.choice(sorted(options))
        attempt.meant_right = letter in right
        return letter

    def judge(self, attempt: Attempt) -> str:
        """A true/false answer: the truth when recalled, else a coin toss."""
        answer = attempt.fact.answer if attempt.recalled else self.rng.choice(("true", "false"))
        attempt.meant_right = answer == attempt.fact.answer
        return answer

    def type_in(self, attempt: Attempt) -> str:
        """The answer when recalled, else nothing ("I don't know")."""
        attempt.meant_right = attempt.recalled
        return attempt.fact.answer if attempt.recalled else ""

    def self_rating(self, attempt: Attempt) -> int:
        """A flashcard's rating: Again when forgotten, else Hard, Good or Easy by how strong the memory was."""
        if not attempt.recalled:
            return AGAIN
        if attempt.memory < 0.7 and self.rng.random() < 0.6:
            return HARD
        if attempt.memory > 0.95 and self.rng.random() < 0.15:
            return EASY
        return GOOD

    def studied(self, attempt: Attempt, grade: int, when: datetime) -> None:
        """After the answer is shown: memory is updated by what really happened (a lucky guess is a lapse)."""
        fact = attempt.fact
        self.memory.update(fact, grade, when)
        self._items_today.setdefault(fact.card, set()).add(fact.item)
        self._cards_today.setdefault(fact.topic, set()).add(fact.card)

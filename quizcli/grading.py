"""Asking an item and marking the response: shared by study sessions and exams.

A `Question` is an item as it is shown once: the prompt to display, the
options in the order they appear on screen, and what counts as right.  The
user's response is always a string (a letter, ``"A C"``, ``"true"``, typed
text), whether it came from key presses or from a line of scripted input, so
the marking is the same everywhere and pure.
"""

import math
import random
import re
import unicodedata
from typing import NamedTuple

from quizcli.cards import LETTERS, Item, Kind, cloze_answers, cloze_prompt

_ANSWER_PARTS = r"\d+(?:[.,]\d+)*|[^\W_]"  # compiled on first use
TRUE_WORDS = {"t", "true", "y", "yes"}
FALSE_WORDS = {"f", "false", "n", "no"}


class Question(NamedTuple):
    item: Item
    prompt: str
    options: tuple[str, ...] = ()
    order: tuple[int, ...] = ()  # shown position -> authored choice index
    answers: tuple[str, ...] = ()  # accepted texts (typed, cloze) or the back (flashcard)

    @property
    def kind(self) -> Kind:
        return self.item.card.kind

    @property
    def multiple(self) -> bool:
        return self.item.card.multiple

    @property
    def blanks(self) -> int:
        """How many answers a typed line must give: one per blank a cloze question hides at once.

        A typed question's ``answers`` are alternatives for its one blank, not blanks."""
        return len(self.answers) if self.kind is Kind.CLOZE else 1

    def expected(self) -> str:
        """The right answer as the user should see it, in the shown lettering."""
        card = self.item.card
        if card.kind is Kind.CHOICE:
            shown = [LETTERS[pos] for pos, index in enumerate(self.order) if index in card.correct]
            return ", ".join(f"{letter}) {self.options[LETTERS.index(letter)]}" for letter in shown)
        if card.kind is Kind.TRUE_FALSE:
            return "true" if card.truth else "false"
        if card.kind is Kind.CLOZE:
            return "; ".join(self.answers)  # every blank of a deletion hidden in several places
        return self.answers[0] if self.answers else ""


class Verdict(NamedTuple):
    correct: bool
    almost: bool = False
    given: str = ""


def make_question(item: Item, rng: random.Random | None = None) -> Question:
    """The item as it will be shown; choice options are shuffled with ``rng`` unless the card says not to."""
    card = item.card
    if card.kind is Kind.FLASHCARD:
        if item.variant == "reverse":
            return Question(item, card.answer, answers=(card.prompt,))
        return Question(item, card.prompt, answers=(card.answer,))
    if card.kind is Kind.CLOZE:
        number = int(item.variant[1:])
        return Question(item, cloze_prompt(card.prompt, number), answers=tuple(cloze_answers(card.prompt, number)))
    if card.kind is Kind.CHOICE:
        order = list(range(len(card.choices)))
        if rng is not None and card.shuffle:
            rng.shuffle(order)
        return Question(item, card.prompt, tuple(card.choices[i] for i in order), tuple(order))
    if card.kind is Kind.TYPED:
        return Question(item, card.prompt, answers=(card.answer, *card.accept))
    return Question(item, card.prompt)


def grade(question: Question, response: str) -> Verdict:
    """Mark a response.  Flashcards are self-rated and never reach here."""
    kind = question.kind
    if kind is Kind.CHOICE:
        return _grade_choice(question, response)
    if kind is Kind.TRUE_FALSE:
        value = parse_truth(response)
        given = response.strip() if value is None else str(value).lower()
        return Verdict(value is question.item.card.truth, given=given)
    if question.blanks > 1:
        parts = re.split(r"[;|]", response)
        verdicts = [match_text(p, (a,)) for p, a in zip(parts, question.answers, strict=False)]
        ok = len(parts) == len(question.answers) and all(v.correct for v in verdicts)
        return Verdict(ok, almost=not ok and all(v.correct or v.almost for v in verdicts), given=response.strip())
    if kind is Kind.TYPED and question.item.card.tolerance is not None:
        return match_number(response, question.item.card.answer, question.item.card.tolerance, question.answers)
    if kind in (Kind.TYPED, Kind.CLOZE):
        return match_text(response, question.answers)
    raise ValueError(f"{kind} cards are rated by the user, not graded")


def _grade_choice(question: Question, response: str) -> Verdict:
    shown = parse_letters(response, len(question.options))
    if shown is None:
        return Verdict(False, given=response.strip())
    chosen = {question.order[pos] for pos in shown}
    given = ", ".join(LETTERS[pos] for pos in sorted(shown))
    return Verdict(chosen == set(question.item.card.correct), given=given)


def parse_letters(response: str, count: int) -> set[int] | None:
    """Shown positions from ``"B"``, ``"a c"``, ``"AC"``, ``"1,3"``; None when anything is not an option."""
    tokens = re.findall(r"\d+|[A-Za-z]", response)
    if not tokens:
        return None
    positions = set()
    for token in tokens:
        position = int(token) - 1 if token.isdigit() else LETTERS.index(token.upper())
        if not 0 <= position < count:
            return None
        positions.add(position)
    return positions


def option_position(key: str, count: int) -> int | None:
    """The shown option one key press names: ``a``/``A`` or ``1`` is the first; None if it names none.

    Key names such as ``enter`` or ``right`` are not letters to read one by one, as a typed line's are.
    """
    if len(key) != 1:
        return None
    position = int(key) - 1 if key.isdigit() else LETTERS.find(key.upper()) if key.isascii() else -1
    return position if 0 <= position < count else None


def parse_truth(response: str) -> bool | None:
    word = response.strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def normalise_answer(text: str) -> str:
    """Case, spacing and punctuation removed; a decimal point between digits is kept (3.10 is not 310)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(part.replace(",", ".") for part in re.findall(_ANSWER_PARTS, folded))


def match_text(response: str, answers: tuple[str, ...]) -> Verdict:
    """Exact after normalising is right; a small typo is "almost" (and still wrong)."""
    given = normalise_answer(response)
    targets = [normalise_answer(a) for a in answers]
    if given and given in targets:
        return Verdict(True, given=response.strip())
    almost = bool(given) and any(edit_distance(given, t) <= allowed_typos(t) for t in targets if t)
    return Verdict(False, almost=almost, given=response.strip())


def match_number(response: str, answer: str, tolerance: float, answers: tuple[str, ...]) -> Verdict:
    """A number within ``tolerance`` of the answer is right (``3,14`` reads as 3.14); other text is matched as text."""
    written = response.strip()
    if written.count(",") == 1 and "." not in written:
        written = written.replace(",", ".")
    try:
        value = float(written)
    except ValueError:
        return match_text(response, answers)
    expected = float(answer)
    slack = 1e-9 * max(1.0, abs(expected))  # so 3.15 is within 0.01 of 3.14 despite binary floats
    return Verdict(math.isfinite(value) and abs(value - expected) <= tolerance + slack, given=response.strip())


def allowed_typos(target: str) -> int:
    """How far off still counts as a near miss: none for very short answers, then one per six characters."""
    return 0 if len(target) <= 3 else max(1, len(target) // 6)


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance (insertions, deletions, substitutions, adjacent swaps)."""
    if abs(len(a) - len(b)) > 3:
        return abs(len(a) - len(b))
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]

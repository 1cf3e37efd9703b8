"""Asking an item and marking the response: shared by study sessions and exams.

A `Question` is an item as it is shown once: the prompt to display, the
options in the order they appear on screen, and what counts as right.  The
user's response is always a string (a letter, ``"A C"``, ``"true"``, typed
text), whether it came from key presses or from a line of scripted input, so
the marking is the same everywhere and pure.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import TYPE_CHECKING

from quizcli.kinds.base import LETTERS, Question, Verdict

if TYPE_CHECKING:
    import random

    from quizcli.cards import Item

_ANSWER_PARTS = r"\d+(?:[.,]\d+)*|[^\W_]"  # compiled on first use
_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
ARTICLES = {"a", "an", "the"}
SHORT_ANSWER_WORDS = 3  # an answer of at most this many words (after its article) may drop a leading article
TRUE_WORDS = {"t", "true", "y", "yes"}
FALSE_WORDS = {"f", "false", "n", "no"}

__all__ = ["Question", "Verdict", "grade", "make_question"]


def make_question(item: Item, rng: random.Random | None = None) -> Question:
    """The item as it will be shown; options are shuffled with ``rng`` unless the card says not to."""
    return item.card.content.ask(item, rng)


def grade(question: Question, response: str) -> Verdict:
    """Mark a response with the question's kind.  Flashcards are self-rated and never reach here."""
    return question.item.card.content.grade(question, response)


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
    """Exact after normalising is right; a small typo is "almost" (and still wrong).

    A number is compared as a number (``.3`` and ``0.30`` are 0.3), and a leading article is
    ignored in a short answer (``the middle`` is ``middle``).
    """
    given_number = read_number(response)
    if given_number is not None and any(read_number(a, decimal_comma=False) == given_number for a in answers):
        return Verdict(correct=True, given=response.strip())
    given = _forms(response)
    targets = {form for answer in answers for form in _forms(answer)}
    if given & targets:
        return Verdict(correct=True, given=response.strip())
    almost = any(edit_distance(g, t) <= allowed_typos(t) for g in given for t in targets)
    return Verdict(correct=False, almost=almost, given=response.strip())


def _forms(text: str) -> set[str]:
    """The normalised text, and without its leading article when it is a short answer; no empty form."""
    forms = {normalise_answer(text)}
    words = text.split()
    if 1 < len(words) <= SHORT_ANSWER_WORDS + 1 and words[0].casefold() in ARTICLES:
        forms.add(normalise_answer(" ".join(words[1:])))
    return forms - {""}


def read_number(text: str, decimal_comma: bool = True) -> float | None:
    """A written number (``0.3``, ``.3``, ``-2``, ``3,14`` with a decimal comma), or None for any other text.

    An author's ``1,000`` is a thousand, not one: answers are read with ``decimal_comma`` False.
    """
    written = unicodedata.normalize("NFKC", text).strip()
    if decimal_comma and written.count(",") == 1 and "." not in written:
        written = written.replace(",", ".")
    if not re.fullmatch(_NUMBER, written):
        return None
    value = float(written)
    return value if math.isfinite(value) else None


def match_number(response: str, answer: str, tolerance: float, answers: tuple[str, ...]) -> Verdict:
    """A number within ``tolerance`` of the answer is right (``3,14`` reads as 3.14); other text is matched as text."""
    value = read_number(response)
    if value is None:
        return match_text(response, answers)
    expected = float(answer)
    slack = 1e-9 * max(1.0, abs(expected))  # so 3.15 is within 0.01 of 3.14 despite binary floats
    return Verdict(correct=abs(value - expected) <= tolerance + slack, given=response.strip())


def allowed_typos(target: str) -> int:
    """How far off still counts as a near miss: none for very short answers, then one per six characters."""
    return 0 if len(target) <= 3 else max(1, len(target) // 6)


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance (insertions, deletions, substitutions, adjacent swaps), exactly.

    The same as rapidfuzz's ``OSA.distance`` (the tests check it against that), written out because
    answers are short and importing rapidfuzz costs more than the distances it would compute.
    """
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

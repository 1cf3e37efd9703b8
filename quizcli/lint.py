"""``check --strict``: authoring lints on top of the parser's errors and warnings.

Each lint has a code a card can silence with ``lint-ignore: [Q103]``.  Lints
are warnings (``check --strict`` exits 1 on any); the parser's ``W201`` (no
id) is reported as lint ``Q101`` so that it can be silenced the same way.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator

from quizcli.cards import Card, normalise_prompt
from quizcli.diagnostics import Diagnostic, Severity
from quizcli.parser import ParseResult

LINTS = {
    "Q100": "an unknown code in 'lint-ignore'",
    "Q101": "a card without an explicit id",
    "Q102": "a question nearly the same as another card's",
    "Q103": "a choice card whose right option is much longer than the others",
    "Q104": "an 'all of the above' or 'none of the above' option in a shuffled card",
    "Q105": "a choice card without an explanation",
    "Q106": "an over-long front or question",
    "Q107": "a question that states another card's answer",
}
MAX_FRONT = 300
NEAR_DUPLICATE = 0.9
MIN_LEAKED = 4  # characters an answer needs (after normalising) to count as leaked, unless it is a number
_WORD = re.compile(r"\d+(?:[.,]\d+)+|\w+")  # a word, or a decimal number with its point
_FENCED_CODE = re.compile(r"^(`{3,}|~{3,}).*?^\1", re.MULTILINE | re.DOTALL)

Finding = tuple[Card, str, str]  # the card, the lint code, the message


def lint_result(result: ParseResult) -> ParseResult:
    """``result`` with the lint findings its cards do not silence added, and W201 reported as Q101."""
    cards = list(result.deck.cards)
    findings = [*_missing_ids(cards), *_near_duplicates(cards), *_leaked_answers(cards)]
    for card in cards:
        findings += _card_findings(card)
    path = result.deck.path
    lints = [
        Diagnostic(path=path, line=card.line, column=1, severity=Severity.WARNING, code=code, message=message)
        for card, code, message in findings
        if code not in card.lint_ignore
    ]
    kept = [d for d in result.diagnostics if d.code != "W201"]
    return ParseResult(result.deck, sorted(kept + lints, key=lambda d: (d.line, d.column, d.code)))


def _missing_ids(cards: list[Card]) -> Iterator[Finding]:
    for card in cards:
        if not card.explicit_id:
            yield card, "Q101", f"card has no id (derived '{card.id}'); editing its text will reset its progress"


def _card_findings(card: Card) -> Iterator[Finding]:
    unknown = [code for code in card.lint_ignore if code not in LINTS]
    if unknown:
        yield card, "Q100", f"unknown lint code {', '.join(unknown)} in lint-ignore (known: {', '.join(LINTS)})"
    length = len(_FENCED_CODE.sub("", card.prompt).strip())
    if length > MAX_FRONT:
        yield card, "Q106", f"the front is {length} characters (over {MAX_FRONT}): split it into smaller cards"
    for code, message in card.kind.lints(card.content, card):
        yield card, code, message


def _near_duplicates(cards: list[Card]) -> Iterator[Finding]:
    """Cards whose prompts match at least NEAR_DUPLICATE after normalising (compared by similar length only)."""
    keyed = sorted(((normalise_prompt(c.prompt), c) for c in cards), key=lambda pair: len(pair[0]))
    for i, (key, card) in enumerate(keyed):
        for other_key, other in keyed[i + 1 :]:
            if len(key) < NEAR_DUPLICATE * len(other_key):
                break
            matcher = difflib.SequenceMatcher(None, key, other_key, autojunk=False)
            if matcher.quick_ratio() >= NEAR_DUPLICATE and matcher.ratio() >= NEAR_DUPLICATE:
                first, later = sorted((card, other), key=lambda c: c.line)
                yield later, "Q102", f"question is nearly the same as card '{first.id}' (line {first.line})"


def _leaked_answers(cards: list[Card]) -> Iterator[Finding]:
    """Exam questions whose prompt contains, as whole words, an answer another card expects to be typed.

    Flashcards are left out as prompts: they are self-rated and never in an exam.  Answers
    are looked up by their first word, so the cost follows the words of the prompts, not
    the product of prompts and answers.
    """
    answers: defaultdict[str, list[tuple[tuple[str, ...], str, Card]]] = defaultdict(list)
    for card in cards:
        for answer in _typed_answers(card):
            words = _words(answer)
            if _telling(words):
                answers[words[0]].append((words, answer, card))
    for card in (card for card in cards if card.kind.auto_graded):
        words = _words(card.prompt)
        found: dict[str, tuple[Card, list[str]]] = {}
        for start, word in enumerate(words):
            for answer_words, answer, other in answers.get(word, ()):
                if other is not card and words[start : start + len(answer_words)] == answer_words:
                    found.setdefault(other.id, (other, []))[1].append(answer)
        for other, stated in found.values():
            widest = list(dict.fromkeys(_widest(stated)))
            shown = " and ".join(f"'{answer}'" for answer in widest)
            what = "answer" if len(widest) == 1 else "answers"
            yield card, "Q107", f"the question states {shown}, the {what} to card '{other.id}' (line {other.line})"


def _widest(answers: list[str]) -> list[str]:
    """The answers not contained in another one: of ``sink`` and ``attention sink``, the latter."""
    return [answer for answer in answers if not any(answer != other and answer in other for other in answers)]


def _typed_answers(card: Card) -> list[str]:
    """The answers a card's items expect typed (typed and cloze cards); none for the kinds that list options."""
    from quizcli.grading import make_question

    if not card.kind.auto_graded:
        return []
    return [answer for item in card.items() for answer in make_question(item).answers]


def _words(text: str) -> tuple[str, ...]:
    """Case-folded words, decimals written one way: ``"Keep 0,30 of it."`` -> ``("keep", "0.3", "of", "it")``."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return tuple(_decimal(word) if word[0].isdigit() else word for word in _WORD.findall(folded))


def _decimal(word: str) -> str:
    """A number with a decimal comma read as a point and no trailing zeros after it: ``0,30`` -> ``0.3``."""
    number = word.replace(",", ".")
    return number.rstrip("0").rstrip(".") if number.count(".") == 1 else number


def _telling(words: tuple[str, ...]) -> bool:
    """Whether an answer is specific enough that finding it in a prompt is a leak, not a common word or digit."""
    if len(words) == 1 and _is_number(words[0]):
        return len(words[0]) >= 2
    return len("".join(words)) >= MIN_LEAKED


def _is_number(word: str) -> bool:
    return word.replace(".", "", 1).isdigit()

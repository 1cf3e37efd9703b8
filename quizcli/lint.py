"""``check --strict``: authoring lints on top of the parser's errors and warnings.

Each lint has a code a card can silence with ``lint-ignore: [Q103]``.  Lints
are warnings (``check --strict`` exits 1 on any); the parser's ``W201`` (no
id) is reported as lint ``Q101`` so that it can be silenced the same way.
"""

from __future__ import annotations

import difflib
import re
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
}
MAX_FRONT = 300
NEAR_DUPLICATE = 0.9
_FENCED_CODE = re.compile(r"^(`{3,}|~{3,}).*?^\1", re.MULTILINE | re.DOTALL)

Finding = tuple[Card, str, str]  # the card, the lint code, the message


def lint_result(result: ParseResult) -> ParseResult:
    """``result`` with the lint findings its cards do not silence added, and W201 reported as Q101."""
    cards = list(result.deck.cards)
    findings = [*_missing_ids(cards), *_near_duplicates(cards)]
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

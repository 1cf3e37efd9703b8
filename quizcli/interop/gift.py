"""Moodle's GIFT format, read the way Moodle reads it (``question/format/gift/format.php``).

Questions are separated by blank lines; ``//`` lines are comments (``// [tag:x]``
and ``// [id:x]`` in them give tags and the card id); ``$CATEGORY:`` sets the
category, which becomes a tag of the questions after it.  The kind follows
from the answer block: ``{~ =}`` multiple choice, ``{T}`` true/false,
``{=a =b}`` short answer, ``{#3.14:0.01}`` numerical, ``{=a -> b}`` matching,
``{}`` essay, no block a description.  A block inside the text (text after the
``}``) is a missing-word question.  How each maps onto quizcli's card kinds is
in docs/interop.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, NamedTuple

from quizcli.cards import Card, imported_id, valid_id
from quizcli.interop.html_text import html_to_markdown
from quizcli.interop.model import ImportResult, Skipped, build_result, source_lines
from quizcli.kinds.choice import Choice
from quizcli.kinds.cloze import Cloze
from quizcli.kinds.matching import Matching
from quizcli.kinds.true_false import TrueFalse
from quizcli.kinds.typed import Typed

if TYPE_CHECKING:
    from quizcli.kinds.base import CardContent

BLANK = "_____"
_SLOT = "\ue0ff"  # where the answers were, while the text is converted
_ESCAPED = {"\\": "\ue000", "~": "\ue001", "=": "\ue002", "#": "\ue003", "{": "\ue004", "}": "\ue005", ":": "\ue006"}
_RESTORE = str.maketrans({v: k for k, v in _ESCAPED.items()})
_WEIGHT = re.compile(r"%(-?\d{1,3}(?:\.\d*)?)%")
_FORMAT = re.compile(r"\[(html|markdown|plain|moodle)\]")
# Moodle's ``// [tag:...]`` and ``// [id:...]``: a backslash escapes the next character (``t\]ag`` is ``t]ag``).
_COMMENT_TAG = re.compile(r"\[(tag|id):((?:\\.|[^\]\\])+)\]")
TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


def protect(text: str) -> str:
    """Escaped ``~ = # { } : \\`` swapped for placeholders (restored by `render`); ``\\n`` becomes a newline."""
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else _ESCAPED.get(m.group(1), m.group()), text)


class _Block(NamedTuple):
    line: int
    text: str
    comments: tuple[str, ...]


class _Question(NamedTuple):
    """One question's parts, escapes still protected."""

    line: int
    card_id: str
    text: str
    answers: str
    feedback: str
    text_format: str
    tags: tuple[str, ...]

    def render(self, raw: str) -> str:
        return render(raw, self.text_format)


def render(raw: str, default_format: str) -> str:
    """Protected GIFT text to deck text: escapes restored, a ``[format]`` prefix honoured, HTML converted."""
    text, text_format = _split_format(raw.strip(), default_format)
    text = text.translate(_RESTORE).strip()
    return html_to_markdown(text) if text_format == "html" else text


def _split_format(text: str, default_format: str) -> tuple[str, str]:
    match = _FORMAT.match(text)
    return (text[match.end() :], match.group(1)) if match else (text, default_format)


def import_gift(text: str) -> ImportResult:
    entries: list[Card | Skipped] = []
    category: tuple[str, ...] = ()
    for block in _blocks(text):
        body = protect(block.text)
        if body.startswith("$CATEGORY:"):
            category = _tags_of(body[len("$CATEGORY:") :].split("/")[-1:])
            continue
        entries.append(_question(block, body, category))
    return build_result("gift", entries)


def _blocks(text: str) -> Iterator[_Block]:
    """Runs of non-blank lines; ``//`` comment lines are set aside, not treated as text."""
    start, lines, comments = 0, [], []
    for number, line in enumerate([*source_lines(text), ""], start=1):
        if line.strip().startswith("//"):
            comments.append(line.strip()[2:])
        elif line.strip():
            start = start or number
            lines.append(line)
        elif lines or comments:
            if lines:
                yield _Block(start, "\n".join(lines).strip(), tuple(comments))
            start, lines, comments = 0, [], []


def _tags_of(names: list[str]) -> tuple[str, ...]:
    slugs = (re.sub(r"\s+", "-", name.translate(_RESTORE).strip()) for name in names)
    return tuple(slug for slug in slugs if slug and not slug.startswith("$") and slug != "top")


def _question(block: _Block, body: str, category: tuple[str, ...]) -> Card | Skipped:
    title, body = _title(body)
    opening, closing = body.find("{"), body.find("}", max(body.find("{"), 0))
    if opening < 0 and closing < 0:
        return Skipped(block.line, "description (no answers): nothing to ask")
    if opening < 0 or closing < 0:
        return Skipped(block.line, "missing '{' or '}' around the answers (escape a literal one as \\{ or \\})")
    after = body[closing + 1 :]
    question_text = body[:opening] + (_SLOT + after if after.strip() else "")
    inside = body[opening + 1 : closing]
    answers, _, feedback = inside.rpartition("####") if "####" in inside else (inside, "", "")
    _, text_format = _split_format(question_text.strip(), "moodle")
    tags = tuple(dict.fromkeys(category + _comment_values(block.comments, "tag")))
    card_id = _card_id(block, title, question_text)
    question = _Question(
        line=block.line,
        card_id=card_id,
        text=question_text,
        answers=answers.strip(),
        feedback=feedback,
        text_format=text_format,
        tags=tags,
    )
    return _by_kind(question)


def _title(body: str) -> tuple[str, str]:
    if body.startswith("::") and "::" in body[2:]:
        title, _, rest = body[2:].partition("::")
        return title.translate(_RESTORE).strip(), rest.strip()
    return "", body


def _comment_values(comments: tuple[str, ...], key: str) -> tuple[str, ...]:
    values = [
        re.sub(r"\\(.)", r"\1", m.group(2)).strip()
        for c in comments
        for m in _COMMENT_TAG.finditer(c)
        if m.group(1) == key
    ]
    return _tags_of(values) if key == "tag" else tuple(values)


def _card_id(block: _Block, title: str, question_text: str) -> str:
    """``// [id:x]``, else the ``::title::`` when it is a valid id, else one derived from either or the text."""
    given = _comment_values(block.comments, "id")
    for candidate in (*given, title):
        if valid_id(candidate):
            return candidate
    return imported_id(next(iter(given), "") or title or render(question_text.replace(_SLOT, BLANK), "moodle"))


def _by_kind(q: _Question) -> Card | Skipped:
    answers = q.answers
    if not answers:
        return Skipped(q.line, "essay question: it needs a teacher to mark it")
    if answers.startswith("#"):
        return _numerical(q)
    if "~" in answers:
        return _multiple_choice(q)
    if "=" in answers and "->" in answers:
        return _matching(q)
    if answers.split("#", 1)[0].strip() in TRUE_FALSE:
        return _true_false(q)
    return _short_answer(q)


def _prompt(q: _Question) -> str:
    """The question's text, the answer slot shown as a blank."""
    return q.render(q.text).replace(_SLOT, BLANK)


def _card(q: _Question, content: CardContent, explanation: str = "", card_id: str = "") -> Card:
    """A card of this question; its explanation is ``explanation`` and the general feedback."""
    return Card(
        id=card_id or q.card_id,
        content=content,
        explanation=_join(explanation, q.render(q.feedback)),
        tags=q.tags,
        line=q.line,
    )


def _join(*parts: str) -> str:
    return "\n\n".join(part for part in parts if part.strip())


def _split_answers(answers: str, marks: str) -> list[tuple[str, str]]:
    """``~a =b ~%50%c`` to [(mark, text)], mark being the ``~`` or ``=`` before each answer."""
    pieces = re.split(f"([{marks}])", answers)
    pairs = [(pieces[i], pieces[i + 1].strip()) for i in range(1, len(pieces) - 1, 2)]
    leading = pieces[0].strip()
    return ([("=", leading)] if leading else []) + pairs


class _Answer(NamedTuple):
    """One answer of a block: its mark (``=`` or ``~``), ``%weight%`` if any, text and ``#feedback`` (protected)."""

    mark: str
    weight: float | None
    text: str
    feedback: str

    @property
    def full_marks(self) -> bool:
        return self.weight is None or self.weight == 100


def _parsed_answers(answers: str, marks: str) -> list[_Answer]:
    parsed = []
    for mark, raw in _split_answers(answers, marks):
        match = _WEIGHT.match(raw)
        weight, rest = (float(match.group(1)), raw[match.end() :]) if match else (None, raw)
        text, _, feedback = rest.partition("#")
        parsed.append(_Answer(mark=mark, weight=weight, text=text, feedback=feedback))
    return parsed


def _multiple_choice(q: _Question) -> Card | Skipped:
    options = [
        (a.mark == "=" or (a.weight or 0) > 0, a.mark == "=", q.render(a.text), q.render(a.feedback))
        for a in _parsed_answers(q.answers, "~=")
    ]
    single = any(full for _, full, _, _ in options)
    right = tuple(i for i, (credit, full, _, _) in enumerate(options) if (full if single else credit))
    if single and len(right) > 1:
        return Skipped(q.line, "several options are fully right in a single-answer question; make it select-all")
    if not right:
        return Skipped(q.line, "no option gets any marks")
    notes = "\n".join(f"- {text}: {feedback}" for _, _, text, feedback in options if feedback)
    choices = tuple(text for _, _, text, _ in options)
    content = Choice(question=_prompt(q), choices=choices, correct=right, multiple=not single)
    return _card(q, content, explanation=notes)


def _true_false(q: _Question) -> Card:
    answer, _, feedback = q.answers.partition("#")
    wrong, _, right = feedback.partition("#")
    explanation = q.render(right) or q.render(wrong)
    return _card(q, TrueFalse(statement=_prompt(q), truth=TRUE_FALSE[answer.strip()]), explanation=explanation)


def _short_answer(q: _Question) -> Card | Skipped:
    full = [a for a in _parsed_answers(q.answers, "=") if a.full_marks]
    accepted, notes = [q.render(a.text) for a in full], [q.render(a.feedback) for a in full]
    if not accepted:
        return Skipped(q.line, "no answer gets full marks")
    if _SLOT in q.text and len(accepted) == 1:
        cloze = q.render(q.text).replace(_SLOT, "{{" + accepted[0] + "}}")
        return _card(q, Cloze(text=cloze), explanation=notes[0])
    content = Typed(question=_prompt(q), answer=accepted[0], accept=tuple(accepted[1:]))
    return _card(q, content, explanation=notes[0])


def _matching(q: _Question) -> Card | Skipped:
    """One matching card; a match without an item (a distractor, ``= -> extra``) is left out."""
    pairs = _split_answers(q.answers, "=")
    if any("->" not in raw for _, raw in pairs):
        return Skipped(q.line, "a matching answer needs '->' between the item and its match")
    matched = [(q.render(left), q.render(right)) for left, _, right in (raw.partition("->") for _, raw in pairs)]
    usable = tuple((left, right) for left, right in matched if left)
    if len(usable) < 2:
        return Skipped(q.line, "a matching question needs at least 2 pairs")
    return _card(q, Matching(question=_prompt(q), pairs=usable))


def _numerical(q: _Question) -> Card | Skipped:
    answers, _, _ = q.answers[1:].partition("~")
    full = [a for a in _parsed_answers(answers, "=") if a.full_marks]
    if not full:
        return Skipped(q.line, "numerical question with no fully right answer")
    written = full[0].text.translate(_RESTORE).strip()
    value = _number_and_tolerance(written)
    if value is None:
        return Skipped(q.line, f"numerical answer '{written}' is not a number")
    answer, tolerance = value
    content = Typed(question=_prompt(q), answer=answer, tolerance=tolerance)
    return _card(q, content, explanation=q.render(full[0].feedback))


def _number_and_tolerance(text: str) -> tuple[str, float] | None:
    """``3.14:0.01`` (answer and margin), ``1..5`` (a range: its middle and half its width) or ``42``."""
    low, dots, high = text.partition("..")
    try:
        if dots and low.strip():
            middle, margin = (Decimal(low) + Decimal(high)) / 2, abs(Decimal(high) - Decimal(low)) / 2
        else:
            value, _, margin_text = text.partition(":")
            middle, margin = Decimal(value), Decimal(margin_text or 0)
    except (InvalidOperation, ValueError):
        return None
    if not (middle.is_finite() and margin.is_finite()):
        return None
    written = text.partition(":")[0].strip()  # an answer is kept as written: 3.10 stays 3.10
    return (written if not dots or not low.strip() else _plain(middle)), float(abs(margin))


def _plain(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return text if text != "-0" else "0"

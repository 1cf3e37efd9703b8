"""hashcards decks: Markdown with ``Q:``/``A:`` cards and ``C:`` cloze cards, read as hashcards reads them.

A card starts at a line beginning ``Q:`` (its question, until ``A:``), ``A:`` (its
answer) or ``C:`` (a cloze text); every other line continues the card, blank
lines included, so answers and cloze texts may span paragraphs.  A ``---`` line
ends a card.  A cloze text marks each deletion with square brackets (``The
[order] of a group``), each deletion a card of its own; ``![alt](src)`` is an
image, not a deletion, and ``\\[`` ``\\]`` are literal brackets.  An optional
TOML front matter between ``---`` lines may name the deck (``name = "..."``).
Problems are reported in hashcards' words, with their lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from quizcli.cards import Card, imported_id
from quizcli.interop.model import ImportFormatError, ImportResult, Skipped, build_result, source_lines
from quizcli.kinds.cloze import Cloze
from quizcli.kinds.flashcard import Flashcard

_NAME = re.compile(r"""\s*name\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)')\s*""")
# In a cloze text: an escaped bracket, an image's "![", the bracket closing it, or a deletion.
_CLOZE_TOKEN = re.compile(r"\\([\[\]])|(!\[[^\]]*\])|\[([^\]]*)\]")
NO_CARDS = "no hashcards cards here (lines starting 'Q:' and 'A:', or 'C:'); give --format if it is another format"


@dataclass(slots=True)
class _OpenCard:
    """The card being read: ``Q``, ``A`` or ``C``, the line it started on, its question and its text so far
    (a list it grows line by line, so a card of many lines is read in time linear in them)."""

    tag: str
    line: int
    question: str
    lines: list[str]


def import_hashcards(text: str) -> ImportResult:
    lines = source_lines(text)
    title, first = _front_matter(lines)
    entries: list[Card | Skipped] = []
    card: _OpenCard | None = None
    stray = False  # inside a paragraph of text already reported
    for number, line in enumerate(lines[first:], start=first + 1):
        tag = line[:2] if line[:2] in ("Q:", "A:", "C:") else ""
        if tag or line.strip() == "---":
            entries += _finish(card, number, tag)
            card = _start(card, tag, number, line[2:].strip()) if tag else None
            stray = False
        elif card is not None:
            card.lines.append(line)
        elif line.strip() and not stray:
            entries.append(Skipped(number, "text that is not part of a card (a missing 'Q:' or 'C:'?)"))
            stray = True
        elif not line.strip():
            stray = False
    entries += _finish(card, len(lines) + 1, "")
    if not any(line[:2] in ("Q:", "A:", "C:") for line in lines[first:]):
        raise ImportFormatError(NO_CARDS)
    return build_result("hashcards", entries, title)


def _front_matter(lines: list[str]) -> tuple[str, int]:
    """The deck name of a ``---`` TOML front matter at the top, and the index of the first line after it."""
    if not lines or lines[0].strip() != "---":
        return "", 0
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            names = [m for m in map(_NAME.fullmatch, lines[1:index]) if m]
            name = (names[0].group(1) or names[0].group(2) or "") if names else ""
            return name.replace('\\"', '"'), index + 1
    raise ImportFormatError("front matter opening '---' found but no closing '---'")


def _start(card: _OpenCard | None, tag: str, number: int, rest: str) -> _OpenCard | None:
    """The card a ``Q:``, ``A:`` or ``C:`` line opens (an ``A:`` carries on the open question)."""
    if tag == "A:" and card is not None and card.tag == "Q":
        return _OpenCard(tag="A", line=card.line, question=_text(card.lines), lines=[rest])
    if tag == "A:":
        return None  # reported by _finish
    return _OpenCard(tag=tag[0], line=number, question="", lines=[rest])


def _finish(card: _OpenCard | None, number: int, next_tag: str) -> list[Card | Skipped]:
    """The card that ends at line ``number`` (where ``next_tag`` starts another, or ``---`` or the end)."""
    if card is None:
        return [Skipped(number, "found an answer ('A:') without a question")] if next_tag == "A:" else []
    if card.tag == "Q":
        return [] if next_tag == "A:" else [Skipped(card.line, "a question ('Q:') without an answer ('A:')")]
    problems: list[Card | Skipped] = []
    if next_tag == "A:":
        problems.append(Skipped(number, "found an answer ('A:') without a question"))
    if card.tag == "A":
        content = Flashcard(front=card.question, back=_text(card.lines))
        return [Card(id=imported_id(card.question), content=content, line=card.line), *problems]
    written = _text(card.lines)
    cloze = _cloze(written)
    if cloze is None:
        return [Skipped(card.line, "a cloze card ('C:') must contain at least one [...] deletion"), *problems]
    return [Card(id=imported_id(written), content=cloze, line=card.line), *problems]


def _text(lines: list[str]) -> str:
    return "\n".join(lines).strip()


def _cloze(text: str) -> Cloze | None:
    """hashcards' ``[deletion]`` as quizcli's ``{{cN::deletion}}``, numbered in order: each one a card."""
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        if match.group(1) or match.group(2):
            return match.group(1) or match.group(2)
        count += 1
        return f"{{{{c{count}::{match.group(3)}}}}}"

    # Past the last "]" no deletion or image can close, and only escaped "\\[" are left to read: searching
    # that tail for tokens would scan it again from every "[" in it.
    end = text.rfind("]") + 1
    converted = _CLOZE_TOKEN.sub(replace, text[:end]) + text[end:].replace("\\[", "[")
    return Cloze(text=converted) if count else None

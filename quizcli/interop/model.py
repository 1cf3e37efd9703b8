"""What importers and exporters return, and the checks every imported card passes before it is written."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from quizcli.cards import Card
from quizcli.errors import QuizcliError

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class ImportFormatError(QuizcliError):
    """The input cannot be read as the format at all (not one bad question: the whole file)."""

    def __init__(self, message: str, line: int = 1) -> None:
        self.line, self.reason = line, message
        super().__init__(f"line {line}: {message}")

    def located(self, path: str) -> QuizcliError:
        """The same error as ``path:line: message``, as every other located message reads."""
        return QuizcliError(f"{path}:{self.line}: {self.reason}")


class Skipped(NamedTuple):
    """A question of the source that did not become a card, and why."""

    line: int
    reason: str


class Flagged(NamedTuple):
    """A question that was imported but may have come out wrong (a truncated answer...), and why."""

    line: int
    reason: str


class ImportResult(NamedTuple):
    format: str
    cards: tuple[Card, ...]
    skipped: tuple[Skipped, ...] = ()
    title: str = ""
    flagged: tuple[Flagged, ...] = ()

    @property
    def needs_answer(self) -> list[Card]:
        """Choice cards imported without an answer key (the author fills them in)."""
        return [c for c in self.cards if c.kind.needs_answer(c.content)]

    def summary(self) -> str:
        return f"imported {len(self.cards)}, skipped {len(self.skipped)}"


def source_lines(text: str) -> list[str]:
    """Lines split on CRLF, CR or LF only, so line numbers match what an editor shows."""
    return _LINE_BREAK.split(text)


def line_of(text: str, offset: int) -> int:
    """The 1-based line of a character offset."""
    return len(_LINE_BREAK.findall(text, 0, offset)) + 1


class LineCounter:
    """`line_of` for offsets met in increasing order: each counts only the line breaks since the one before,
    so locating every card of a file costs one pass, not one pass a card."""

    def __init__(self, text: str) -> None:
        self._text, self._offset, self._line = text, 0, 1

    def line_of(self, offset: int) -> int:
        if offset < self._offset:
            return line_of(self._text, offset)
        self._line += len(_LINE_BREAK.findall(self._text, self._offset, offset))
        self._offset = offset
        return self._line


def build_result(format_name: str, entries: Iterable[Card | Skipped | Flagged], title: str = "") -> ImportResult:
    """Cards that `check` would reject become skipped items; repeated ids get ``-2``, ``-3``..."""
    cards: list[Card] = []
    skipped: list[Skipped] = []
    flagged: list[Flagged] = []
    taken: set[str] = set()
    for entry in entries:
        if isinstance(entry, Skipped):
            skipped.append(entry)
            continue
        if isinstance(entry, Flagged):
            flagged.append(entry)
            continue
        problem = entry.content.problem()
        if problem:
            skipped.append(Skipped(entry.line, problem))
            continue
        card = entry._replace(id=_free_id(entry.id, taken))
        taken.add(card.id)
        cards.append(card)
    return ImportResult(
        format=format_name,
        cards=tuple(cards),
        skipped=tuple(sorted(skipped, key=lambda s: s.line)),
        title=title,
        flagged=tuple(flagged),
    )


def _free_id(card_id: str, taken: set[str]) -> str:
    candidate, number = card_id, 1
    while candidate in taken:
        number += 1
        candidate = f"{card_id}-{number}"
    return candidate


class Left(NamedTuple):
    """A card an export could not express."""

    card_id: str
    reason: str


class Exported(NamedTuple):
    """The exported text, how many cards (or questions) it holds, those left out and those written with a loss."""

    text: str
    written: int
    left: tuple[Left, ...] = ()
    noted: tuple[Left, ...] = ()

    def summary(self) -> str:
        return f"exported {self.written}, skipped {len(self.left)}"

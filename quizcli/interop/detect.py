"""Which format a file is in when ``--format`` is not given: its name's extension first, else its content.

A file's extension decides (``.csv`` and ``.tsv`` are Anki text, ``.gift`` GIFT,
``.json`` JSON, ``.md`` hashcards); only other names (``.txt``) are sniffed.
A sniffed guess must account for most of the file: one ``{...}`` in a
555-line CSV does not make it GIFT.  Each candidate counts the lines that carry
its signs, the one with most wins, and when it leaves over half of the
file's lines unused the guess is refused with a hint to pass ``--format``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable
from itertools import accumulate
from pathlib import PurePath

from quizcli.interop.formats import ImportFormat
from quizcli.interop.model import ImportFormatError

# Extensions that name their format; an importer of another file type (an Anki package...) adds its own here.
EXTENSIONS: dict[str, ImportFormat] = {
    ".csv": ImportFormat.ANKI,
    ".tsv": ImportFormat.ANKI,
    ".gift": ImportFormat.GIFT,
    ".json": ImportFormat.JSON,
    ".md": ImportFormat.HASHCARDS,
    ".markdown": ImportFormat.HASHCARDS,
}

_ANKI_HEADER = re.compile(r"#(separator|html|tags|columns|notetype|deck|guid|if matches|match scope)[^:\n]*:", re.I)
# Spaces are matched as [ \t], never \s: a \s* at the start of a line runs on through every following
# newline, so on a file of blank lines the search would take time quadratic in its length.
_AIKEN_ANSWER = re.compile(r"[ \t]*ANSWER[ \t]*:[ \t]*[A-Za-z][ \t\r]*")
_AIKEN_OPTION = re.compile(r"[ \t]*[A-Z][).]")
_LESSON_QUESTION = re.compile(r"^[ \t]*Question[ \t]+\d+[ \t]*[:.)]", re.MULTILINE | re.IGNORECASE)
_LESSON_OPTION = re.compile(r"^[ \t]*(?:[•·*\-–][ \t]*)?[A-D][ \t]*[).>\]]", re.MULTILINE)
_GIFT_ANSWERS = re.compile(r"(?<![{\\])\{(?!\{)[^{}]*(?<!\\)\}(?!\})")
_GIFT_LINE = re.compile(r"[ \t]*(::.*::|\$CATEGORY:|//)")
_HASHCARDS_TAG = ("Q:", "A:", "C:")
SHARE_NEEDED = 0.5


def format_of_name(name: str) -> ImportFormat | None:
    """The format a file's extension names, or None for a name that says nothing (``.txt``, none)."""
    return EXTENSIONS.get(PurePath(name).suffix.lower())


def detect_format(text: str) -> ImportFormat:
    """The format whose signs cover most of the text's lines; an error naming the choices otherwise."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("{") and '"cards"' in stripped:
        return ImportFormat.JSON
    if _ANKI_HEADER.match(stripped):
        return ImportFormat.ANKI
    if _is_lesson(text):
        return ImportFormat.LESSON
    lines = text.splitlines()
    content = sum(1 for line in lines if line.strip())
    scores = {name: count(lines) for name, count in _SNIFFERS.items()}
    best = max(scores, key=lambda name: scores[name])  # the first of equals: the most specific
    choices = "|".join(ImportFormat)
    if not scores[best]:
        raise ImportFormatError(f"cannot tell which format this is; give --format ({choices})")
    if scores[best] < content * SHARE_NEEDED:
        raise ImportFormatError(
            f"cannot tell which format this is: read as {best} it would use {scores[best]} of its {content} lines;"
            f" give --format ({choices})"
        )
    return best


def _is_lesson(text: str) -> bool:
    """``Question N:`` lines with lettered options: a lesson's quiz, however much prose is around it."""
    return bool(_LESSON_QUESTION.search(text)) and bool(_LESSON_OPTION.search(text))


def _aiken_lines(lines: list[str]) -> int:
    """Option and ``ANSWER:`` lines, and the question line before each run of options."""
    used = 0
    for index, line in enumerate(lines):
        if _AIKEN_ANSWER.fullmatch(line):
            used += 1
        elif _AIKEN_OPTION.match(line):
            opens_run = index > 0 and not _AIKEN_OPTION.match(lines[index - 1]) and lines[index - 1].strip()
            used += 2 if opens_run else 1
    return used if any(_AIKEN_ANSWER.fullmatch(line) for line in lines) else 0


def _gift_lines(lines: list[str]) -> int:
    """Lines an answer block spans (and the question line just before a block opening its line), titles, comments."""
    text = "\n".join(lines)
    starts = list(accumulate((len(line) + 1 for line in lines), initial=0))
    used: set[int] = {i for i, line in enumerate(lines) if _GIFT_LINE.match(line)}
    for match in _GIFT_ANSWERS.finditer(text):
        if not re.search(r"[=~#]|^\s*(T|F|TRUE|FALSE)\s*$", match.group()[1:-1]):
            continue
        first, last = bisect_right(starts, match.start()) - 1, bisect_right(starts, match.end() - 1) - 1
        used.update(range(first, last + 1))
        if first > 0 and not text[starts[first] : match.start()].strip():
            used.add(first - 1)
    return len({i for i in used if lines[i].strip()})


def _hashcards_lines(lines: list[str]) -> int:
    """``Q:``, ``A:`` and ``C:`` lines and the lines that follow each up to a blank line."""
    used, in_card = 0, False
    for line in lines:
        in_card = line.startswith(_HASHCARDS_TAG) or (in_card and bool(line.strip()))
        used += in_card
    return used


def _table_lines(lines: list[str]) -> int:
    """Lines of the rows that have the most common number of fields (two or more), by Anki's separator."""
    from quizcli.interop.anki import Record, records, sniff_separator

    text = "\n".join(lines)
    rows = [row for row in records(text, sniff_separator(text)) if isinstance(row, Record)]
    widths = Counter(len(row.fields) for row in rows if len(row.fields) >= 2)
    if not widths:
        return 0
    width = widths.most_common(1)[0][0]
    return sum(row.last_line - row.line + 1 for row in rows if len(row.fields) == width)


# In order of preference between equal scores: the most specific signs first.
_SNIFFERS: dict[ImportFormat, Callable[[list[str]], int]] = {
    ImportFormat.AIKEN: _aiken_lines,
    ImportFormat.GIFT: _gift_lines,
    ImportFormat.HASHCARDS: _hashcards_lines,
    ImportFormat.ANKI: _table_lines,
}

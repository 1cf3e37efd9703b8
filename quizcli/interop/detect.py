"""Which format a file is in, told from its content when ``--format`` is not given."""

from __future__ import annotations

import re

from quizcli.interop.formats import ImportFormat
from quizcli.interop.model import ImportFormatError

_ANKI_HEADER = re.compile(r"#(separator|html|tags|columns|notetype|deck|guid|if matches|match scope)[^:\n]*:", re.I)
# Spaces are matched as [ \t], never \s: a \s* at the start of a line runs on through every following
# newline, so on a file of blank lines the search would take time quadratic in its length.
_AIKEN_ANSWER = re.compile(r"^[ \t]*ANSWER[ \t]*:[ \t]*[A-Za-z][ \t\r]*$", re.MULTILINE)
_AIKEN_OPTION = re.compile(r"^[ \t]*[A-Z][).]", re.MULTILINE)
_LESSON_QUESTION = re.compile(r"^[ \t]*Question[ \t]+\d+[ \t]*[:.)]", re.MULTILINE | re.IGNORECASE)
_GIFT_ANSWERS = re.compile(r"(?<![{\\])\{(?!\{)[^{}]*(?<!\\)\}(?!\})")
_GIFT_MARKERS = re.compile(r"^[ \t]*(::.*::|\$CATEGORY:)", re.MULTILINE)


def detect_format(text: str) -> ImportFormat:
    """The first format whose telltale signs the text shows; an error naming the choices otherwise."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("{") and '"cards"' in stripped:
        return ImportFormat.JSON
    if _ANKI_HEADER.match(stripped):
        return ImportFormat.ANKI
    if _AIKEN_ANSWER.search(text) and _AIKEN_OPTION.search(text):
        return ImportFormat.AIKEN
    if _LESSON_QUESTION.search(text):
        return ImportFormat.LESSON
    if _GIFT_MARKERS.search(text) or _gift_answer_blocks(text):
        return ImportFormat.GIFT
    if _looks_tabular(stripped):
        return ImportFormat.ANKI
    raise ImportFormatError(f"cannot tell which format this is; give --format ({'|'.join(ImportFormat)})")


def _gift_answer_blocks(text: str) -> bool:
    return any(re.search(r"[=~#]|^\s*(T|F|TRUE|FALSE)\s*$", m.group()[1:-1]) for m in _GIFT_ANSWERS.finditer(text))


def _looks_tabular(text: str) -> bool:
    """Most lines split into two or more fields on a tab, or else on a semicolon or comma."""
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")][:50]
    if not lines:
        return False
    return any(sum(sep in line for line in lines) >= max(1, len(lines) * 0.8) for sep in ("\t", ";", ","))

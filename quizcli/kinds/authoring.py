"""What ``quizcli add`` asks a new card for, as each kind declares it in its own module (its ``asks``).

A kind lists the fields a new card of it is asked for, in order: the deck key each fills, the
words it is asked with, whether it is one text or a list given an entry a line, what is wrong
with it as soon as it is given, and how the deck writes it.  ``quizcli add`` asks for, checks
and writes what the kind says (and reads its command-line options by the same keys) without
branching on the kind.  Off the study path: a kind builds its asks only when ``add`` wants them.
"""

from collections.abc import Callable, Mapping
from enum import Enum
from typing import NamedTuple

from quizcli.kinds.base import LETTERS
from quizcli.kinds.output import BlockList, FlowList, YamlValue

Answer = str | list[str]  # a field as given: one text, or a list's entries
Answers = Mapping[str, Answer]  # the fields given so far, by deck key


class Form(Enum):
    """How a field is given: one text, or a list of entries one a line, lettered (as choices are) or numbered."""

    TEXT = "text"
    LETTERED = "lettered"
    NUMBERED = "numbered"


def nothing_wrong(answers: Answers) -> str:
    return ""


def entry_fine(entry: str) -> str:
    return ""


class Ask(NamedTuple):
    """A field a new card is asked for: the deck key it fills, the words it is asked with, how it is given.

    ``how`` is said after the words, in brackets; an ``optional`` field may be left empty.
    ``problem`` says what is wrong with the field once given (the answers so far, this one in),
    ``entry_problem`` what is wrong with one entry of a list as it is given; "" when nothing is.
    ``written`` is the field as the deck holds it: by default the text as given, or a list one
    entry a line.
    """

    key: str
    label: str
    form: Form = Form.TEXT
    how: str = ""
    optional: bool = False
    problem: Callable[[Answers], str] = nothing_wrong
    entry_problem: Callable[[str], str] = entry_fine
    written: Callable[[Answer], YamlValue] | None = None

    def prompt(self, entry: int | None = None) -> str:
        """The words asking for the field, or for its ``entry``-th entry (from 0) when it is a list."""
        notes = [*(["optional"] if self.optional and entry is None else []), *([self.how] if self.how else [])]
        label = self.label
        if entry is not None:
            label += f" {LETTERS[entry] if self.form is Form.LETTERED else entry + 1}"
            notes.append("empty line ends")
        return f"{label} ({'; '.join(notes)})" if notes else label

    def value(self, answer: Answer) -> YamlValue:
        if self.written is not None:
            return self.written(answer)
        return text(answer) if self.form is Form.TEXT else BlockList(tuple(entries(answer)))


def text(answer: Answer) -> str:
    """A field given as one text; a list given for it (``--tag a --tag b``) as its entries with spaces between."""
    return answer if isinstance(answer, str) else " ".join(answer)


def entries(answer: Answer) -> list[str]:
    """A list's entries that are not empty; a field given as one text is one entry."""
    return [entry for entry in ([answer] if isinstance(answer, str) else answer) if entry.strip()]


def flow(answer: Answer) -> FlowList:
    """A list written on one line, ``[a, b]``."""
    return FlowList(tuple(entries(answer)))


def at_least(key: str, count: int, message: str) -> Callable[[Answers], str]:
    """A list's ``problem``: ``message`` while it has fewer than ``count`` entries."""
    return lambda answers: message if len(entries(answers.get(key, []))) < count else ""

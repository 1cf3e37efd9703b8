"""Reading `quizcli study` in line mode, as the simulated learner sees it.

Every assumption about what quizcli prints lives here, in small functions, so a
change to the study screen's wording means changing one of them:

- a card is drawn in a panel whose top border carries ``id · kind`` (a reverse is
  ``card · reverse``, a select-all choice adds ``· select all that apply``);
- the panel's lines hold the prompt, the options ``[ ] A) text`` before an answer,
  and ``✓ Correct`` / ``≈ Almost`` / ``✗ Wrong`` after one;
- quizcli waits for a line after a footer (the flashcard front, a choice, a
  true/false card, a typed or cloze card) and after the rating row's key help.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum


class Prompt(Enum):
    """What quizcli is waiting for when it stops to read a line."""

    FRONT = "front"  # a flashcard's front: an empty line reveals the back
    CHOICE = "choice"  # an option letter
    TRUTH = "truth"  # true or false
    TEXT = "text"  # a typed answer or the cloze blanks
    RATING = "rating"  # a rating 1-4, or an empty line for the suggested one


_PROMPTS: tuple[tuple[re.Pattern[str], Prompt], ...] = (
    (re.compile(r"^Space/Enter show answer\b"), Prompt.FRONT),
    (re.compile(r"^A-[A-Z] (or 1-\d+ to answer|toggle, Enter to answer)"), Prompt.CHOICE),
    (re.compile(r"^t true · f false\b"), Prompt.TRUTH),
    (re.compile(r"^(Type your answer|Fill the \d+ blanks)"), Prompt.TEXT),
    (re.compile(r"^(Space/)?Enter: (Again|Hard|Good|Easy)\b"), Prompt.RATING),
)
_TITLE = re.compile(r"^╭─ (?P<title>.*?) ─+╮$")
_BODY = re.compile(r"^│ ?(?P<text>.*?)\s*│$")
_OPTION = re.compile(r"^\s*(\[[ x]\]|✓|✗|○)?\s*(?P<letter>[A-Z])\) (?P<text>.*)$")
_VERDICTS = {"✓ Correct": True, "≈ Almost": False, "✗ Wrong": False}
_COMPLAINTS = ("Not an option:", "Not understood:")
_ENDINGS = ("Session over", "Nothing due in ")


@dataclass
class Screen:
    """One drawn card: the panel's title and the text lines inside it."""

    title: str
    body: list[str] = field(default_factory=list)


def panel_title(line: str) -> str | None:
    """The title of a panel whose top border this line is (``id · kind``), else None."""
    match = _TITLE.match(line.rstrip())
    return match["title"] if match else None


def panel_line(line: str) -> str | None:
    """The text of a line inside a panel, else None."""
    match = _BODY.match(line.rstrip())
    return match["text"] if match else None


def prompt_kind(line: str) -> Prompt | None:
    """What quizcli waits for when this line is the last it printed before reading input."""
    text = line.strip()
    for pattern, prompt in _PROMPTS:
        if pattern.match(text):
            return prompt
    return None


def item_of(title: str) -> tuple[str, str]:
    """The item id and its kind from a panel title: ``gap:c1 · cloze``, ``flash · reverse`` (item ``flash:reverse``)."""
    parts = [part.strip() for part in title.split(" · ")]
    item, kind = parts[0], parts[1] if len(parts) > 1 else ""
    if kind == "reverse" and not item.endswith(":reverse"):
        item += ":reverse"
    return item, kind


def options_of(body: list[str]) -> dict[str, str]:
    """The options on screen, letter -> text (a wrapped option's lines joined)."""
    options: dict[str, str] = {}
    last: str | None = None
    for text in body:
        match = _OPTION.match(text)
        if match:
            last = match["letter"]
            options[last] = match["text"].strip()
        elif last is not None and text.startswith("      ") and text.strip():
            options[last] += " " + text.strip()
        else:
            last = None
    return options


def verdict_of(body: list[str]) -> bool | None:
    """Whether quizcli marked the answer on screen right (None: not marked, e.g. a flashcard)."""
    for text in body:
        for head, right in _VERDICTS.items():
            if text.strip().startswith(head):
                return right
    return None


def suggested_of(line: str) -> int | None:
    """The rating (1-4) an empty line records, from the rating row's key help ``Enter: Good · ...``."""
    match = re.match(r"^(?:Space/)?Enter: (Again|Hard|Good|Easy)\b", line.strip())
    return _RATINGS.index(match[1]) + 1 if match else None


_RATINGS = ("Again", "Hard", "Good", "Easy")


def complaint(line: str) -> bool:
    """quizcli did not understand the line it was sent."""
    return line.strip().startswith(_COMPLAINTS)


def session_ended(line: str) -> bool:
    """The session's summary (or "nothing due") has begun."""
    return any(ending in line for ending in _ENDINGS)

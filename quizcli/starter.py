"""``quizcli new``: a commented starter deck with a card of each common kind, and opening it in an editor."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

from quizcli.cards import ID_PATTERN
from quizcli.errors import QuizcliError
from quizcli.interop.files import write_new

NAME = re.compile(ID_PATTERN)

TEMPLATE = """\
{modeline}
# A quizcli deck. The whole format: `quizcli help deck-format`, or `quizcli schema` for the JSON Schema.
# Check it as you write:  quizcli check {name} --strict
title: {title}
description: What this deck is about, in a sentence or two.
tags: [{name}]                      # given to every card; `--tag` picks cards by tag
cards:
  # A flashcard: read the front, recall the back, rate yourself.
  # `reverse: true` would also ask it back to front.
  - id: example-flashcard           # progress follows the id: keep it when you reword a card
    front: What is a *flashcard*?
    back: A prompt on the front and the answer on the back; you rate how well you recalled it.

  # Multiple choice: `answer` is the letter of the right choice (A is the first).
  # A list of letters, e.g. [A, C], makes it select-all-that-apply.
  - id: example-choice
    question: Which key holds the options of a choice card?
    choices: [choices, options, answers, letters]
    answer: A
    explanation: The options go in `choices`; `answer` names the right one by its letter.

  # True or false: only the words true and false.
  - id: example-true-false
    question: A card without an id loses its progress when its text is edited.
    answer: true
    explanation: Its id is derived from its text, so new text means a new card.

  # A typed answer: matching ignores case and punctuation; `accept` lists other right answers.
  # A numeric answer may take a `tolerance`, e.g. `answer: 3.14` with `tolerance: 0.01`.
  - id: example-typed
    question: Which file format are quizcli decks written in?
    answer: YAML
    accept: [yml]

  # A cloze: each {{{{...}}}} is hidden in turn; {{{{answer::hint}}}} shows a hint in the blank.
  - id: example-cloze
    cloze: A deck's name is its {{{{file stem::part of the file name}}}}, and a card's progress follows its {{{{id}}}}.
"""


def deck_path(name: str, directory: Path) -> Path:
    """Where deck ``name`` goes; a name is a plain file stem, never a path."""
    stem = name.removesuffix(".yaml").removesuffix(".yml")
    if "/" in stem or "\\" in stem or ".." in stem or not NAME.fullmatch(stem):
        raise QuizcliError(
            f"deck name '{name}' must be letters, digits, '-', '_' or '.' with no path separators or '..'; "
            "use --dir to choose where it goes"
        )
    return directory / f"{stem}.yaml"


def starter_text(name: str, modeline: str) -> str:
    title = name.replace("-", " ").replace("_", " ").strip().capitalize() or name
    return TEMPLATE.format(modeline=modeline, name=name, title=title)


def create_starter(name: str, directory: Path, modeline: str, force: bool = False) -> Path:
    path = deck_path(name, directory)
    write_new(path, starter_text(path.stem, modeline), force)
    return path


def open_in_editor(path: Path) -> None:
    """Open ``path`` in ``$VISUAL`` or ``$EDITOR`` (which may carry arguments, e.g. ``code --wait``)."""
    command = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not command:
        raise QuizcliError(f"set $VISUAL or $EDITOR to use --edit; the deck is at {path}")
    try:
        subprocess.run([*shlex.split(command), str(path)], check=False)
    except OSError as exc:
        raise QuizcliError(f"cannot start editor '{command}': {exc.strerror or exc}") from exc

"""Finding decks: the bundled ones, the user's decks directory, or a path given directly."""

import difflib
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple

from quizcli import paths
from quizcli.errors import DeckNotFoundError, QuizcliError
from quizcli.text import os_text

DECK_SUFFIXES = (".yaml", ".yml")


class Source(StrEnum):
    USER = "user"
    BUNDLED = "bundled"
    PATH = "path"


class DeckFile(NamedTuple):
    """Where a deck lives.  Its name is the file stem, and progress is kept under that name."""

    name: str
    path: Path
    source: Source

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "path": str(self.path), "source": str(self.source)}


def _deck_files(directory: Path, source: Source) -> list[DeckFile]:
    if not directory.is_dir():
        return []
    found = [p for p in directory.iterdir() if p.suffix in DECK_SUFFIXES and p.is_file()]
    return [DeckFile(os_text(p.stem), p, source) for p in sorted(found)]


def find_decks() -> list[DeckFile]:
    """Every deck by name; a user's deck shadows a bundled deck of the same name."""
    by_name: dict[str, DeckFile] = {}
    for deck in _deck_files(paths.bundled_decks_dir(), Source.BUNDLED):
        by_name[deck.name] = deck
    for deck in _deck_files(paths.user_decks_dir(), Source.USER):
        by_name[deck.name] = deck
    return sorted(by_name.values(), key=lambda d: d.name)


def resolve_deck(name_or_path: str) -> DeckFile:
    """A deck from a name (``long-context``) or a path to a ``.yaml``/``.yml`` file.

    Anything ending in a deck suffix, or naming an existing file, is a path;
    everything else must be the name of a found deck, so a name can never
    reach outside the deck directories.
    """
    candidate = Path(name_or_path).expanduser()
    if candidate.suffix in DECK_SUFFIXES or candidate.is_file():
        if not candidate.is_file():
            raise DeckNotFoundError(_not_a_file(name_or_path, candidate))
        return DeckFile(os_text(candidate.stem), candidate, Source.PATH)
    known = find_decks()
    for deck in known:
        if deck.name in (name_or_path, os_text(name_or_path)):
            return deck
    raise DeckNotFoundError(_unknown_name_message(name_or_path, [d.name for d in known]))


def _not_a_file(given: str, path: Path) -> str:
    """What is at ``path`` instead of a deck file, in words."""
    import stat

    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if path.is_symlink():
            return f"{given} is a symbolic link that leads to no file ({exc.strerror or exc})"
        return f"no deck file at {given}"
    if stat.S_ISDIR(mode):
        return f"{given} is a directory, not a deck file; name a .yaml file in it"
    if stat.S_ISFIFO(mode):
        return f"{given} is a named pipe, not a deck file"
    return f"{given} is not a regular file, so not a deck file"


def _unknown_name_message(name: str, known: list[str]) -> str:
    message = f"no deck named '{name}'"
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
    if close:
        message += f"; did you mean '{close[0]}'?"
    if known:
        message += f"\nknown decks: {', '.join(known)}"
    else:
        message += f"\nno decks found; put .yaml decks in {paths.user_decks_dir()}"
    return message


MAX_DECK_BYTES = 64 * 2**20  # the parser refuses a bigger file (error E100), so no more is ever read


def read_deck_file(path: Path) -> bytes:
    """A deck file's bytes, at most one past `MAX_DECK_BYTES` (enough to know it is too big, whatever its
    size: a file of gigabytes costs no more than the limit); an unreadable file is a user error naming it."""
    try:
        with path.open("rb") as file:
            return file.read(MAX_DECK_BYTES + 1)
    except OSError as exc:
        raise QuizcliError(f"cannot read deck {path}: {exc.strerror or exc}") from exc

"""From a source file's text to a deck file's text: detect, import, write YAML."""

from __future__ import annotations

from pathlib import PurePath
from typing import NamedTuple

from quizcli.interop.detect import detect_format, format_of_name
from quizcli.interop.formats import ImportFormat
from quizcli.interop.model import ImportFormatError, ImportResult
from quizcli.interop.yaml_writer import deck_yaml
from quizcli.text import inert  # a YAML comment may hold no control character

MAX_IMPORTED_CARDS = 200_000  # a deck's own limit (quizcli.parser.MAX_CARDS, tested equal)


class Imported(NamedTuple):
    result: ImportResult
    how: str  # how the format was chosen: "as given", "from the file name" or "detected"
    yaml: str


def run_importer(text: str, format_name: ImportFormat, flashcards: bool = False) -> ImportResult:
    """The importer for ``format_name`` applied to ``text``."""
    from quizcli.interop import aiken, anki, gift, hashcards, json_deck, lesson

    if format_name is ImportFormat.LESSON:
        return lesson.import_lesson(text, flashcards=flashcards)
    importers = {
        ImportFormat.AIKEN: aiken.import_aiken,
        ImportFormat.GIFT: gift.import_gift,
        ImportFormat.ANKI: anki.import_anki,
        ImportFormat.JSON: json_deck.import_json,
        ImportFormat.HASHCARDS: hashcards.import_hashcards,
    }
    return importers[format_name](text)


def import_text(
    text: str, source: str, format_name: ImportFormat | None, schema_ref: str, flashcards: bool = False
) -> Imported:
    """Import ``text`` (read from the file ``source``) as a deck; without a format, the file name's or the detected one.

    An error reading the whole file is located as ``source:line: ...``.
    """
    named = format_of_name(source)
    try:
        chosen = format_name or named or detect_format(text)
        result = run_importer(text, chosen, flashcards)
        if len(result.cards) > MAX_IMPORTED_CARDS:
            raise ImportFormatError(
                f"{len(result.cards):,} cards; a deck holds at most {MAX_IMPORTED_CARDS:,} "
                "('quizcli check' refuses more): split the source and import each part"
            )
    except ImportFormatError as error:
        raise error.located(source) from error
    how = "as given" if format_name else "from the file name" if named else "detected"
    path = PurePath(source)
    return imported_deck(result, result.title or path.stem, how, schema_ref,
                         f"{inert(path.name)} ({chosen}); 'source line' comments point into that file.")  # fmt: skip


def imported_deck(result: ImportResult, title: str, how: str, schema_ref: str, source: str) -> Imported:
    """The imported cards as a deck file, headed by its schema and where it was imported from (``source``)."""
    header = [f"yaml-language-server: $schema={schema_ref}", f"Imported by quizcli from {source}"]
    return Imported(result=result, how=how, yaml=deck_yaml(result.cards, title, header))

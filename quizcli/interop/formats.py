"""The format names the import and export commands accept (a light module: the CLI imports it at start-up)."""

from __future__ import annotations

from enum import StrEnum


class ImportFormat(StrEnum):
    AIKEN = "aiken"
    GIFT = "gift"
    ANKI = "anki"
    LESSON = "lesson"
    JSON = "json"
    APKG = "apkg"  # an Anki package (.apkg, .colpkg): read by quizcli.commands.anki_import, not as text
    HASHCARDS = "hashcards"


class ExportFormat(StrEnum):
    ANKI = "anki"
    AIKEN = "aiken"
    GIFT = "gift"
    JSON = "json"
    APKG = "apkg"  # an Anki package, written by quizcli.interop.apkg_write (needs -o)

"""The JSON Schema of the deck format, shipped in the package as ``deck.schema.json``.

Editors running the YAML language server validate and complete a deck whose
first line is ``# yaml-language-server: $schema=<path>``; `schema_reference`
is that path for the installed quizcli.  The schema covers the shape of a deck;
rules that need the whole deck (unique ids, answer letters within the
choices, distinct choices, duplicate keys) are left to ``quizcli check``.
"""

from __future__ import annotations

from pathlib import Path

SCHEMA_FILE = Path(__file__).with_name("deck.schema.json")


def schema_text() -> str:
    return SCHEMA_FILE.read_text(encoding="utf-8")


def schema_reference() -> str:
    """What follows ``$schema=`` in a deck's first line: the shipped schema's absolute path."""
    return str(SCHEMA_FILE.resolve())


def modeline() -> str:
    return f"# yaml-language-server: $schema={schema_reference()}"

"""Small hand-made Anki packages (schema 11, the legacy layout) for the tests and the import benchmark.

Only the columns quizcli reads are created: Anki's own library builds the
real packages (tests/anki_packages.py); these make damaged and huge ones.
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from collections.abc import Iterable
from pathlib import Path

BASIC_ID = 1
DECK_ID = 1
BASIC_MODEL = {
    str(BASIC_ID): {
        "id": BASIC_ID,
        "name": "Basic",
        "type": 0,
        "flds": [{"name": "Front", "ord": 0}, {"name": "Back", "ord": 1}],
        "tmpls": [{"name": "Card 1", "ord": 0, "qfmt": "{{Front}}", "afmt": "{{Back}}"}],
    }
}


def write_collection(
    path: Path,
    notes: Iterable[tuple[int, str, str, str]],  # (id, guid, front, back): one Basic card each, card id = note id
    reviews: Iterable[tuple[int, int, int]] = (),  # (ms since the epoch, card id, ease)
    version: int = 11,
    queues: dict[int, int] | None = None,  # card id -> Anki queue (-1 suspended, -2 buried); 2 (review) otherwise
) -> Path:
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE col (id INTEGER PRIMARY KEY, ver INTEGER, models TEXT, decks TEXT);"
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, guid TEXT, mid INTEGER, tags TEXT, flds TEXT);"
        "CREATE TABLE cards (id INTEGER PRIMARY KEY, nid INTEGER, did INTEGER, ord INTEGER, queue INTEGER);"
        "CREATE TABLE revlog (id INTEGER PRIMARY KEY, cid INTEGER, ease INTEGER, time INTEGER, type INTEGER);"
    )
    decks = {str(DECK_ID): {"id": DECK_ID, "name": "Synthetic"}}
    db.execute("INSERT INTO col VALUES (1, ?, ?, ?)", (version, json.dumps(BASIC_MODEL), json.dumps(decks)))
    for note_id, guid, front, back in notes:
        db.execute("INSERT INTO notes VALUES (?, ?, ?, ' t ', ?)", (note_id, guid, BASIC_ID, f"{front}\x1f{back}"))
        db.execute(
            "INSERT INTO cards VALUES (?, ?, ?, 0, ?)", (note_id, note_id, DECK_ID, (queues or {}).get(note_id, 2))
        )
    db.executemany("INSERT INTO revlog VALUES (?, ?, ?, 3000, 1)", reviews)
    db.commit()
    db.close()
    return path


def write_package(path: Path, members: dict[str, bytes | Path]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            if isinstance(content, Path):
                archive.write(content, name)
            else:
                archive.writestr(name, content)
    return path

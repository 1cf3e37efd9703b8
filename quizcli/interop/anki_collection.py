"""Reading an Anki collection (the SQLite file inside an ``.apkg`` or ``.colpkg``): interop's one sqlite3 user.

An Anki collection is a foreign file format that happens to be SQLite, not
quizcli's progress database, so it is read here, next to the other formats,
rather than through `quizcli.store` (which owns quizcli's own schema and
migrations).  Both schemas Anki packages hold are read: schema 11 (note types
and decks as JSON in the ``col`` row) and schema 15 to 18 (their own tables,
configuration as protobuf, decoded by `quizcli.interop.anki_proto`).  The file
is opened read-only and immutable: nothing is ever written to it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from quizcli.errors import QuizcliError
from quizcli.interop.anki_proto import notetype_config, template_question
from quizcli.text import blake2b_hex

OLDEST_SCHEMA = 11
NEWEST_SCHEMA = 18
CLOZE_KIND = 1
FIELD_SEPARATOR = "\x1f"


class NoteType(NamedTuple):
    """A note type: its name, whether it is a cloze type, Anki's stock kind (0: unknown), fields and templates."""

    name: str
    cloze: bool
    stock_kind: int
    fields: tuple[str, ...]
    templates: tuple[str, ...]  # each card template's question format, in ord order


class Note(NamedTuple):
    id: int
    guid: str
    notetype: int
    tags: tuple[str, ...]
    fields: tuple[str, ...]


class CardRow(NamedTuple):
    """One Anki card: its note, deck, template (or cloze number - 1) and queue (-1 suspended, -2/-3 buried)."""

    id: int
    note: int
    deck: int
    ord: int
    queue: int


class RevlogRow(NamedTuple):
    """One review: when (ms since the epoch), which card, the button (1-4; 0 for a manual change), time taken (ms)."""

    id: int
    card: int
    ease: int
    duration_ms: int
    kind: int


class Collection(NamedTuple):
    schema: int
    notetypes: dict[int, NoteType]
    decks: dict[int, str]  # id -> full name, subdecks joined with '::'
    notes: tuple[Note, ...]
    cards: tuple[CardRow, ...]
    connection: sqlite3.Connection

    def revlog(self) -> Iterator[RevlogRow]:
        """The reviews in time order, read row by row (a big log never sits in memory whole)."""
        rows = self.connection.execute("SELECT id, cid, ease, time, type FROM revlog ORDER BY id")
        for row in _guarded(rows):
            yield RevlogRow(id=row[0], card=row[1], ease=row[2], duration_ms=row[3], kind=row[4])

    def revlog_count(self) -> int:
        return int(_one(self.connection, "SELECT COUNT(*) FROM revlog"))


class DamagedCollectionError(QuizcliError):
    """The collection inside a package is not a readable Anki database."""


def open_collection(path: Path, label: str) -> Collection:
    """Read the note types, decks, notes and cards of the collection at ``path`` (``label`` names it in errors)."""
    try:
        connection = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:  # pragma: no cover - a temporary file we just wrote
        raise DamagedCollectionError(f"{label}: cannot open the collection: {exc}") from exc
    try:
        return _read(connection, label)
    except sqlite3.DatabaseError as exc:
        connection.close()
        raise DamagedCollectionError(
            f"{label}: the collection inside is damaged or not an Anki database ({exc})"
        ) from exc
    except (ValueError, KeyError, TypeError, AttributeError) as exc:  # JSON or rows not shaped as Anki writes them
        connection.close()
        raise DamagedCollectionError(f"{label}: the collection's note types or decks are damaged ({exc!r})") from exc
    except QuizcliError:
        connection.close()
        raise


def _read(connection: sqlite3.Connection, label: str) -> Collection:
    schema = int(_one(connection, "SELECT ver FROM col"))
    if not OLDEST_SCHEMA <= schema <= NEWEST_SCHEMA:
        raise QuizcliError(
            f"{label}: unknown collection schema version {schema} (quizcli reads {OLDEST_SCHEMA} to {NEWEST_SCHEMA});"
            " export the deck again from Anki, choosing 'Support older Anki versions'"
        )
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "notetypes" in tables:
        notetypes, decks = _notetypes_from_tables(connection), _decks_from_table(connection)
    else:
        notetypes, decks = _notetypes_from_json(connection), _decks_from_json(connection)
    notes = tuple(
        Note(
            id=row[0],
            guid=row[1],
            notetype=row[2],
            tags=tuple(row[3].split()),
            fields=tuple(row[4].split(FIELD_SEPARATOR)),
        )
        for row in connection.execute("SELECT id, guid, mid, tags, flds FROM notes ORDER BY id")
    )
    cards = tuple(
        CardRow(id=row[0], note=row[1], deck=row[2], ord=row[3], queue=row[4])
        for row in connection.execute("SELECT id, nid, did, ord, queue FROM cards ORDER BY nid, ord")
    )
    return Collection(schema=schema, notetypes=notetypes, decks=decks, notes=notes, cards=cards, connection=connection)


def _one(connection: sqlite3.Connection, sql: str) -> Any:
    row = connection.execute(sql).fetchone()
    if row is None:
        raise sqlite3.DatabaseError("the col table is empty")
    return row[0]


def _guarded(rows: sqlite3.Cursor) -> Iterator[tuple[int, ...]]:
    try:
        yield from rows
    except sqlite3.DatabaseError as exc:
        raise DamagedCollectionError(f"the review log inside the package is damaged ({exc})") from exc


def _notetypes_from_json(connection: sqlite3.Connection) -> dict[int, NoteType]:
    models = json.loads(str(_one(connection, "SELECT models FROM col")) or "{}")
    found = {}
    for model in models.values():
        fields = sorted(model.get("flds", []), key=lambda f: f.get("ord", 0))
        templates = sorted(model.get("tmpls", []), key=lambda t: t.get("ord", 0))
        found[int(model["id"])] = NoteType(
            name=str(model.get("name", "")),
            cloze=model.get("type") == CLOZE_KIND,
            stock_kind=int(model.get("originalStockKind") or 0),
            fields=tuple(str(f.get("name", "")) for f in fields),
            templates=tuple(str(t.get("qfmt", "")) for t in templates),
        )
    return found


def _decks_from_json(connection: sqlite3.Connection) -> dict[int, str]:
    decks = json.loads(str(_one(connection, "SELECT decks FROM col")) or "{}")
    return {int(deck["id"]): str(deck.get("name", "")) for deck in decks.values()}


def _notetypes_from_tables(connection: sqlite3.Connection) -> dict[int, NoteType]:
    fields: dict[int, list[str]] = {}
    for ntid, name in connection.execute("SELECT ntid, name FROM fields ORDER BY ntid, ord"):
        fields.setdefault(ntid, []).append(name)
    templates: dict[int, list[str]] = {}
    for ntid, config in connection.execute("SELECT ntid, config FROM templates ORDER BY ntid, ord"):
        templates.setdefault(ntid, []).append(template_question(config))
    found = {}
    for ntid, name, config in connection.execute("SELECT id, name, config FROM notetypes"):
        kind, stock_kind = notetype_config(config)
        found[ntid] = NoteType(
            name=name,
            cloze=kind == CLOZE_KIND,
            stock_kind=stock_kind,
            fields=tuple(fields.get(ntid, ())),
            templates=tuple(templates.get(ntid, ())),
        )
    return found


def _decks_from_table(connection: sqlite3.Connection) -> dict[int, str]:
    return {row[0]: row[1].replace(FIELD_SEPARATOR, "::") for row in connection.execute("SELECT id, name FROM decks")}


_SCHEMA_11 = """
CREATE TABLE col (id INTEGER PRIMARY KEY, crt INTEGER NOT NULL, mod INTEGER NOT NULL, scm INTEGER NOT NULL,
    ver INTEGER NOT NULL, dty INTEGER NOT NULL, usn INTEGER NOT NULL, ls INTEGER NOT NULL, conf TEXT NOT NULL,
    models TEXT NOT NULL, decks TEXT NOT NULL, dconf TEXT NOT NULL, tags TEXT NOT NULL);
CREATE TABLE notes (id INTEGER PRIMARY KEY, guid TEXT NOT NULL, mid INTEGER NOT NULL, mod INTEGER NOT NULL,
    usn INTEGER NOT NULL, tags TEXT NOT NULL, flds TEXT NOT NULL, sfld INTEGER NOT NULL, csum INTEGER NOT NULL,
    flags INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE cards (id INTEGER PRIMARY KEY, nid INTEGER NOT NULL, did INTEGER NOT NULL, ord INTEGER NOT NULL,
    mod INTEGER NOT NULL, usn INTEGER NOT NULL, type INTEGER NOT NULL, queue INTEGER NOT NULL, due INTEGER NOT NULL,
    ivl INTEGER NOT NULL, factor INTEGER NOT NULL, reps INTEGER NOT NULL, lapses INTEGER NOT NULL,
    left INTEGER NOT NULL, odue INTEGER NOT NULL, odid INTEGER NOT NULL, flags INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE revlog (id INTEGER PRIMARY KEY, cid INTEGER NOT NULL, usn INTEGER NOT NULL, ease INTEGER NOT NULL,
    ivl INTEGER NOT NULL, lastIvl INTEGER NOT NULL, factor INTEGER NOT NULL, time INTEGER NOT NULL,
    type INTEGER NOT NULL);
CREATE TABLE graves (usn INTEGER NOT NULL, oid INTEGER NOT NULL, type INTEGER NOT NULL);
CREATE INDEX ix_notes_usn ON notes (usn);
CREATE INDEX ix_cards_usn ON cards (usn);
CREATE INDEX ix_revlog_usn ON revlog (usn);
CREATE INDEX ix_cards_nid ON cards (nid);
CREATE INDEX ix_cards_sched ON cards (did, queue, due);
CREATE INDEX ix_revlog_cid ON revlog (cid);
CREATE INDEX ix_notes_csum ON notes (csum);
"""


class Schedule(NamedTuple):
    """A card's scheduling columns in Anki's ``cards`` table (schema 11)."""

    type: int = 0  # 0 new, 1 learning, 2 review, 3 relearning
    queue: int = 0  # as type, and -1 suspended, -3 buried
    due: int = 0  # new: position; learning: epoch seconds; review: days since the collection's creation
    ivl: int = 0
    factor: int = 0
    reps: int = 0
    lapses: int = 0
    left: int = 0
    data: str = ""  # FSRS memory state as JSON


class NewCard(NamedTuple):
    id: int
    ordinal: int  # the template, or the cloze number - 1
    schedule: Schedule


class NewNote(NamedTuple):
    """A note to write, and its cards."""

    note: Note
    cards: tuple[NewCard, ...]


class NewReview(NamedTuple):
    """A review to write: when (ms since the epoch, its id), the card, the button, interval days, time taken, type."""

    id: int
    card: int
    ease: int
    ivl: int
    last_ivl: int
    duration_ms: int
    type: int  # 0 learning, 1 review, 2 relearning


def write_collection(
    path: Path, config: dict[str, str], notes: list[NewNote], deck: int, created: int, reviews: list[NewReview]
) -> None:
    """A schema 11 collection (what legacy packages hold) at ``path``: ``config`` holds the JSON of the ``col`` row
    (models, decks, dconf, conf); every card in ``deck``; ``created`` (seconds) stamps the notes, and its day's
    start (UTC) is the collection's creation, from which Anki counts review due days."""
    connection = sqlite3.connect(path)
    try:
        connection.executescript(_SCHEMA_11)
        connection.execute(
            "INSERT INTO col VALUES (1, ?, ?, ?, 11, 0, 0, 0, ?, ?, ?, ?, '{}')",
            (
                created - created % 86400,
                created * 1000,
                created * 1000,
                config["conf"],
                config["models"],
                config["decks"],
                config["dconf"],
            ),
        )
        connection.executemany(
            "INSERT INTO notes VALUES (?, ?, ?, ?, -1, ?, ?, ?, ?, 0, '')",
            [
                (n.id, n.guid, n.notetype, created, f" {' '.join(n.tags)} " if n.tags else "",
                 FIELD_SEPARATOR.join(n.fields), n.fields[0], int(blake2b_hex(n.fields[0].encode(), 4), 16))
                for n in (new.note for new in notes)
            ],
        )  # fmt: skip
        connection.executemany(
            "INSERT INTO cards VALUES (?, ?, ?, ?, ?, -1, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, ?)",
            [
                (c.id, n.note.id, deck, c.ordinal, created, c.schedule.type, c.schedule.queue, c.schedule.due,
                 c.schedule.ivl, c.schedule.factor, c.schedule.reps, c.schedule.lapses, c.schedule.left,
                 c.schedule.data)
                for n in notes
                for c in n.cards
            ],
        )  # fmt: skip
        connection.executemany(
            "INSERT OR IGNORE INTO revlog VALUES (?, ?, -1, ?, ?, ?, 0, ?, ?)",
            [(r.id, r.card, r.ease, r.ivl, r.last_ivl, r.duration_ms, r.type) for r in reviews],
        )
        connection.commit()
    finally:
        connection.close()

"""Checking, copying and salvaging a progress database for `quizcli.doctor` (never on the study path:
a session's own check and backup are in `quizcli.store.snapshots`)."""

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any, NamedTuple

from quizcli.clock import from_text
from quizcli.scheduler import Settings
from quizcli.store.guarded import StoreError, reason
from quizcli.store.read_only import open_read_only
from quizcli.store.schema import SCHEMA_VERSION, schema_problem


class Health(NamedTuple):
    """What a read-only look at a progress database found: ``problem`` is None when SQLite finds it sound."""

    problem: str | None
    schema: int | None
    counts: dict[str, int | None]

    @property
    def newer(self) -> bool:
        return self.schema is not None and self.schema > SCHEMA_VERSION


class Salvaged(NamedTuple):
    """What a repair got back from one table: rows saved, rows read but unusable, and whether every row read."""

    saved: int
    rejected: int
    complete: bool


class Table(NamedTuple):
    """A table a repair salvages: the columns that key its rows, and every column, in order."""

    keys: tuple[str, ...]
    columns: tuple[str, ...]


# The user's own tables, salvaged row by row by a repair (card states and the deck index are rebuilt),
# in an order that satisfies the foreign keys.
SALVAGED_TABLES: dict[str, Table] = {
    "settings": Table(keys=("id",), columns=("id", "json")),
    "reviews": Table(keys=("id",), columns=("id", "deck", "item", "reviewed_at", "rating", "kind", "state_before",
                                            "elapsed_days", "retrievability", "duration_ms", "settings_id",
                                            "scheduled_days", "due_shift", "guessable", "uid")),
    "flags": Table(keys=("deck", "item"), columns=("deck", "item", "suspended", "buried_until", "changed_at",
                                                   "device", "sent")),
    "exams": Table(keys=("id",), columns=("id", "deck", "started_at", "finished_at", "duration_ms", "score", "total",
                                          "percent", "pass_mark", "passed", "seed", "tag", "shuffled",
                                          "time_limit_s", "timed_out", "kind", "uid")),
    "exam_answers": Table(keys=("exam", "number"), columns=("exam", "number", "item", "kind", "given", "expected",
                                                            "correct", "almost", "flagged")),
    "fitted_parameters": Table(keys=("deck",), columns=("deck", "parameters", "reviews", "loss_before",
                                                        "loss_after", "fitted_at", "device", "sent")),
    "deck_resets": Table(keys=("deck", "reset_at", "device"), columns=("deck", "reset_at", "device", "sent")),
    "sync_identity": Table(keys=("one",), columns=("one", "device", "profile", "owner")),
    "sync_segments": Table(keys=("name",), columns=("name", "records")),
    "undone_reviews": Table(keys=("uid",), columns=("uid", "deck", "item", "sent")),
}  # fmt: skip
# Not salvaged, with why: a new table goes in one list or the other (tests/test_doctor.py checks both against
# the schema, column by column).
REBUILT_TABLES = {
    "cards": "replayed from the salvaged log",
    "deck_index": "rebuilt from the deck files on the next run",
    "deck_items": "rebuilt from the deck files on the next run",
    "deck_cards": "rebuilt from the deck files on the next run",
    "deck_sources": "rebuilt from the deck files on the next run",
    "live_sessions": "claims of running sessions, remade by the next session",
    "review_quarters": "summed again from the salvaged log",
    "review_kinds": "summed again from the salvaged log",
    "reviews_summed": "summed again from the salvaged log",
}
_PROBE_MISSES = 10_000  # rowids tried one by one past the last readable row, when the end is unknown
Key = tuple[Any, ...]


def examine(path: Path) -> Health:
    """SQLite's full ``integrity_check``, the schema version and row counts, read-only: the file is never written."""
    try:
        db = open_read_only(path)
    except sqlite3.Error as exc:
        return Health(str(exc), None, {})
    with closing(db):
        try:
            schema = int(db.execute("PRAGMA user_version").fetchone()["user_version"])
            complaints = [str(row["integrity_check"]) for row in db.execute("PRAGMA integrity_check(5)")]
        except sqlite3.DatabaseError as exc:
            return Health(str(exc), None, {})
        problem = None if complaints == ["ok"] else " ".join(" ".join(complaints).split())
        problem = problem or schema_problem(db) or _empty(path)
        return Health(problem, schema, {table: _count_rows(db, table) for table in SALVAGED_TABLES})


def _empty(path: Path) -> str | None:
    return "the file is empty (0 bytes)" if path.stat().st_size == 0 else None


def copy_database(source: Path, target: Path) -> None:
    """Copy a (sound) database file page by page with the online backup API, never writing ``source``."""
    try:
        with closing(open_read_only(source)) as db, closing(sqlite3.connect(target)) as copy:
            db.backup(copy)
    except sqlite3.Error as exc:
        raise StoreError(f"could not copy {source} to {target}: {reason(exc)}") from exc


def read_salvageable(damaged: Path) -> dict[str, tuple[list[sqlite3.Row], bool]]:
    """Every readable row of a damaged database's own tables, and whether each table read to its end.

    SQLite refuses a file whose first 16 bytes are not its magic string, though every page after
    them may be sound: such a file is read through a copy with the magic string put back.
    """
    with open(damaged, "rb") as file:
        header = file.read(len(_MAGIC))
    if header == _MAGIC or len(header) < len(_MAGIC) or not _has_page_size(damaged):
        with closing(open_read_only(damaged)) as source:
            return {table: _read_rows(source, table) for table in SALVAGED_TABLES}
    with tempfile.TemporaryDirectory(prefix="quizcli-salvage-") as scratch:
        mended = Path(scratch) / damaged.name
        for suffix in ("", "-wal"):  # the log keeps what was committed since the last checkpoint
            if damaged.with_name(damaged.name + suffix).exists():
                shutil.copyfile(damaged.with_name(damaged.name + suffix), mended.with_name(mended.name + suffix))
        with open(mended, "r+b") as file:
            file.write(_MAGIC)
        return read_salvageable(mended)


_MAGIC = b"SQLite format 3\x00"


def _has_page_size(path: Path) -> bool:
    """Whether the header's page size (bytes 16-17) is one SQLite writes: else the header is not SQLite's at all."""
    with open(path, "rb") as file:
        file.seek(16)
        raw = int.from_bytes(file.read(2), "big")
    size = 65536 if raw == 1 else raw
    return size >= 512 and size & (size - 1) == 0


def insert_salvaged(db: sqlite3.Connection, found: dict[str, tuple[list[sqlite3.Row], bool]]) -> dict[str, Salvaged]:
    """Insert the rows `read_salvageable` found (inside the caller's transaction); what each table got back."""
    saved = {table: _insert_rows(db, table, rows) for table, (rows, _) in found.items()}
    return {table: Salvaged(saved[table], len(rows) - saved[table], ok) for table, (rows, ok) in found.items()}


def _count_rows(db: sqlite3.Connection, table: str) -> int | None:
    try:
        return int(db.execute(f"SELECT count(*) AS n FROM {table}").fetchone()["n"])
    except sqlite3.DatabaseError:
        return None


def _key(table: str, row: sqlite3.Row) -> Key:
    return tuple(row[column] for column in SALVAGED_TABLES[table].keys)


def _read_rows(db: sqlite3.Connection, table: str) -> tuple[list[sqlite3.Row], bool]:
    """Every readable row in key order, and whether nothing was in the way.

    Reads forward until a damaged page stops it, then backward from the end, then tries
    each rowid in the gap between, one by one, so only the rows on damaged pages are lost.
    """
    keys = SALVAGED_TABLES[table].keys
    columns = _columns_in(db, table)
    if not columns:
        return [], True  # a table of a later schema version than the damaged file's
    forward, complete = _scan(db, table, columns, descending=False)
    if complete:
        return forward, True
    backward, _ = _scan(db, table, columns, descending=True)
    rows = {_key(table, row): row for row in forward + backward}
    if keys == ("id",) and _has_schema(db):
        low = forward[-1]["id"] if forward else 0
        high = backward[-1]["id"] if backward else None
        rows.update((_key(table, row), row) for row in _probe(db, table, columns, low, high))
    return [rows[key] for key in sorted(rows)], False


def _columns_in(db: sqlite3.Connection, table: str) -> tuple[str, ...]:
    """The salvaged columns the damaged file's table has: an older schema lacks those later migrations added
    (they take their defaults).  Every column when the schema cannot be read: the scans then show what can be."""
    try:
        present = {row["name"] for row in db.execute(f"PRAGMA table_info({table})")}
    except sqlite3.DatabaseError:
        return SALVAGED_TABLES[table].columns
    return tuple(column for column in SALVAGED_TABLES[table].columns if column in present)


def _scan(
    db: sqlite3.Connection, table: str, columns: tuple[str, ...], descending: bool
) -> tuple[list[sqlite3.Row], bool]:
    """Rows in key order (or reversed) until the first unreadable one; True when the end was reached."""
    keys = SALVAGED_TABLES[table].keys
    order = ", ".join(f"{key} DESC" if descending else key for key in keys)
    after = f"WHERE ({', '.join(keys)}) {'<' if descending else '>'} ({', '.join('?' * len(keys))})"
    rows: list[sqlite3.Row] = []
    chunk = 256
    while True:
        sql = f"SELECT {', '.join(columns)} FROM {table} {after if rows else ''} ORDER BY {order} LIMIT {chunk}"
        try:
            found = db.execute(sql, _key(table, rows[-1]) if rows else ()).fetchall()
        except sqlite3.DatabaseError:
            if chunk == 1:
                return rows, False
            chunk = 1  # retry row by row, to keep the rows before the damage
            continue
        if not found:
            return rows, True
        rows += found


def _has_schema(db: sqlite3.Connection) -> bool:
    """Whether SQLite can read the schema at all: without it every probe fails (a file that is not a database)."""
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError:
        return False
    return True


def _probe(
    db: sqlite3.Connection, table: str, columns: tuple[str, ...], low: int, high: int | None
) -> Iterator[sqlite3.Row]:
    """The readable rows with ids between ``low`` and ``high``, tried one by one; with no known ``high``,
    until `_PROBE_MISSES` ids in a row gave nothing."""
    listed = ", ".join(columns)
    rowid, last_found = low + 1, low
    while rowid < high if high is not None else rowid - last_found <= _PROBE_MISSES:
        try:
            row = db.execute(f"SELECT {listed} FROM {table} WHERE id = ?", (rowid,)).fetchone()
        except sqlite3.DatabaseError:
            row = None
        if row is not None:
            last_found = rowid
            yield row
        rowid += 1


def _insert_rows(db: sqlite3.Connection, table: str, rows: list[sqlite3.Row]) -> int:
    """Insert the rows that still make sense (valid values, foreign keys present); returns how many.

    The rows hold the columns the damaged file had; the others take their defaults."""
    columns = tuple(rows[0].keys()) if rows else ()
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + column for column in columns)})"
    saved = 0
    for row in rows:
        try:
            _check_row(table, row)
            db.execute(sql, {column: row[column] for column in columns})
        except (sqlite3.IntegrityError, ValueError, TypeError, KeyError):
            continue
        saved += 1
    return saved


def _check_row(table: str, row: sqlite3.Row) -> None:
    """Raise for values a damaged page may hold that the rest of quizcli could not read back."""
    if table == "settings":
        Settings.from_json(row["json"])
    elif table == "reviews":
        if not (isinstance(row["deck"], str) and isinstance(row["item"], str)):
            raise TypeError("deck and item must be text")
        from_text(row["reviewed_at"])

"""A session's health check and the daily backup's copy (see `quizcli.backups`), each on a connection of its own.

They run on a thread beside the session, so nothing here holds the session's connection;
both only read the progress database.
"""

import sqlite3
from contextlib import closing
from pathlib import Path

from quizcli.store.guarded import StoreError, reason
from quizcli.store.read_only import open_read_only
from quizcli.store.schema import SCHEMA_VERSION


def quick_check(db: sqlite3.Connection) -> str | None:
    """None when SQLite's ``quick_check`` finds the file sound, else its first complaint."""
    try:
        first = db.execute("PRAGMA quick_check(1)").fetchone()["quick_check"]
    except sqlite3.DatabaseError as exc:
        return reason(exc)
    return None if first == "ok" else " ".join(str(first).split())  # SQLite's report spans lines


def quick_check_file(path: Path) -> str | None:
    """`quick_check` on a read-only connection of its own."""
    try:
        with closing(open_read_only(path)) as db:
            return quick_check(db)
    except sqlite3.Error as exc:
        return reason(exc)


def backup_file(source: Path, target: Path) -> None:
    """A consistent copy of ``source`` written to the new file ``target``, verified before it returns.

    The rows are counted in the same read transaction the online backup API copies, so the copy
    must hold exactly those rows.  Raises `StoreError`, with ``target`` and its side files removed, when anything fails.
    """
    try:
        with closing(open_read_only(source)) as db, closing(sqlite3.connect(target)) as copy:
            db.execute("BEGIN")
            counts = row_counts(db)
            db.backup(copy)
            db.execute("COMMIT")
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, as a backup should be
        problem = verify_copy(target, counts)
    except sqlite3.Error as exc:
        problem = reason(exc)
    except OSError as exc:
        problem = exc.strerror or str(exc)
    if problem is not None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        raise StoreError(f"could not back up the progress database to {target}: {problem}")


def verify_copy(path: Path, expected: dict[str, int] | None = None) -> str | None:
    """None when ``path`` is a sound progress database (holding ``expected`` rows, when given), else why not.

    An empty file opens as an empty database, so the schema must be there too.
    """
    try:
        if path.stat().st_size == 0:
            return "the file is empty"
        with closing(open_read_only(path)) as db:
            problem = quick_check(db)
            if problem is not None:
                return problem
            schema = int(db.execute("PRAGMA user_version").fetchone()["user_version"])
            if not 0 < schema <= SCHEMA_VERSION:
                return f"not a progress database of this quizcli (schema {schema})"
            counts = row_counts(db)
    except (OSError, sqlite3.Error) as exc:
        return reason(exc)
    if expected is not None and counts != expected:
        return f"the copy holds other rows than the database ({counts}, not {expected})"
    return None


def row_counts(db: sqlite3.Connection) -> dict[str, int]:
    """The rows of every table."""
    tables = [row["name"] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {table: int(db.execute(f'SELECT count(*) AS n FROM "{table}"').fetchone()["n"]) for table in tables}

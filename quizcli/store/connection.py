"""Opening the progress database: pragmas, migrations, retries through "database is locked", the errors.

Every answer is one transaction, committed (WAL, ``synchronous=FULL``) before the
next card is shown, so a killed process loses at most the card on screen.  Rows
come back as `sqlite3.Row` and are read by column name.
"""

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Self

from quizcli import paths
from quizcli.errors import QuizcliError
from quizcli.store import migrations


class StoreError(QuizcliError):
    """The progress database could not be opened, read or written."""


class DamagedError(StoreError):
    """The progress database file is not a sound SQLite database; it is left untouched."""


class NewerSchemaError(StoreError):
    """The progress database was written by a newer quizcli."""


DOCTOR_HINT = "run 'quizcli doctor' to check it and 'quizcli doctor --repair' to salvage it"
BUSY_TIMEOUT_S = 30
_CORRUPT_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB (primary result codes)
_BUSY = (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED


class Connection:
    """An open progress database.  Use as a context manager, or call `close`.

    The table groups (`quizcli.store.reviews`, `flags`, `deck_index`) are mixed into
    `quizcli.store.Store`; they read through ``self._db`` and write through `_write`.
    """

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        connection.row_factory = sqlite3.Row
        self._db = connection
        self.path = path

    @classmethod
    def open(cls, path: Path | None = None) -> Self:
        path = path or paths.progress_db()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the progress database {path}: {reason(exc)}") from exc
        store = cls(connection, path)
        try:
            store._prepare()
        except sqlite3.Error as exc:
            connection.close()
            raise _open_error(path, exc) from exc
        except StoreError:
            connection.close()
            raise
        return store

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def _prepare(self) -> None:
        """Validate, configure and migrate, waiting out other processes doing the same.

        Switching a new database to WAL takes a lock SQLite does not wait for, so two
        sessions started together on a fresh database can meet "database is locked"
        here; the step is retried until the busy timeout has passed.
        """
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                self._validate()
                self._configure()
                self._migrate()
                return
            except sqlite3.OperationalError as exc:
                if _sqlite_code(exc) not in _BUSY or time.monotonic() > deadline:
                    raise
                self._rollback()
                time.sleep(0.02)

    def _validate(self) -> None:
        """Read the header and schema before anything is written, so a damaged file is refused untouched."""
        self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()

    def _configure(self) -> None:
        if self._db.execute("PRAGMA journal_mode").fetchone()["journal_mode"] != "wal":  # set once, kept in the file
            self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = FULL")
        self._db.execute("PRAGMA foreign_keys = ON")

    def _migrate(self) -> None:
        version = self.schema_version()
        if version > migrations.SCHEMA_VERSION:
            raise NewerSchemaError(
                f"{self.path} was written by a newer quizcli (schema {version}, this one knows "
                f"{migrations.SCHEMA_VERSION}); upgrade quizcli (it was left untouched; "
                "'quizcli doctor' lists the backups)"
            )
        migrations.migrate(self._db)

    def schema_version(self) -> int:
        return migrations.schema_version(self._db)

    @contextmanager
    def _write(self, what: str, durable: bool = True) -> Iterator[sqlite3.Connection]:
        """One write transaction; any database failure becomes a `StoreError` saying what was not saved.

        ``durable=False`` commits without waiting for the disk (``synchronous=NORMAL`` for this
        transaction): for rows a crash may lose harmlessly, so they cost no sync on the way to a card.
        """
        if not durable:
            self._db.execute("PRAGMA synchronous = NORMAL")
        try:
            yield from self._transaction(what)
        finally:
            if not durable:
                self._db.execute("PRAGMA synchronous = FULL")

    def _transaction(self, what: str) -> Iterator[sqlite3.Connection]:
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(f"could not save {what}: {reason(exc)}") from exc
        try:
            yield self._db
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise StoreError(f"could not save {what}: {reason(exc)}") from exc
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        if self._db.in_transaction:
            self._db.execute("ROLLBACK")


def open_read_only(path: Path) -> sqlite3.Connection:
    """A connection that can never write ``path``; rows read by name."""
    if not path.is_file():
        raise sqlite3.OperationalError(f"no database file at {path}")
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    db.row_factory = sqlite3.Row
    return db


def reason(exc: BaseException) -> str:
    """What went wrong, in words for the user; a damaged file also says how to repair it."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    if _is_corrupt(exc):
        return f"{exc}; {DOCTOR_HINT}"
    return str(exc)


def _sqlite_code(exc: sqlite3.Error) -> int:
    return int(getattr(exc, "sqlite_errorcode", 0)) & 0xFF  # the primary code of an extended one


def _is_corrupt(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.DatabaseError) and _sqlite_code(exc) in _CORRUPT_CODES


def _open_error(path: Path, exc: sqlite3.Error) -> StoreError:
    if _is_corrupt(exc):
        return DamagedError(f"the progress database {path} is damaged ({exc}) and was left untouched; {DOCTOR_HINT}")
    return StoreError(f"cannot use the progress database {path}: {reason(exc)}")

"""Opening the progress database: pragmas, migrations, retries through "database is locked", the errors.

Every answer is one transaction, committed (WAL) before the next card is shown, so
a killed process loses at most the card on screen; a study session's answers reach
the disk before the next key is read (`Sync`).  Rows come back as `sqlite3.Row` and
are read by column name.
"""

import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from types import TracebackType
from typing import Self

from quizcli import paths
from quizcli.store import last_sound, schema
from quizcli.store.guarded import (
    DOCTOR_HINT,
    DamagedError,
    GuardedConnection,
    NewerSchemaError,
    StoreError,
    is_corrupt,
    reason,
    sqlite_code,
)


class Sync(Enum):
    """When a write transaction reaches the disk (its ``synchronous`` setting)."""

    AT_COMMIT = "FULL"  # the commit waits for the disk
    # At commit the transaction is in the operating system's hands, so a killed process loses nothing of it;
    # on the disk at `Connection.settle_writes`, which the caller runs before it reads the next key (and
    # `close` runs): an answer's next card is drawn without waiting for the disk.
    BEFORE_NEXT_KEY = "NORMAL"
    # Rows a crash may lose harmlessly: on the disk with the next transaction that waits for it.
    WITH_THE_NEXT = "OFF"


_LAST_WRITTEN: dict[Path, last_sound.Fingerprint] = {}  # each database as this process's last commit left it
BUSY_TIMEOUT_S = 30
AUTOCHECKPOINT_PAGES = 1000  # SQLite's default
_BUSY = (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED


class Connection:
    """An open progress database.  Use as a context manager, or call `close`.

    The table groups (`quizcli.store.reviews`, `flags`, `deck_index`) are mixed into
    `quizcli.store.Store`; they read through ``self._db`` and write through `_write`.
    """

    def __init__(self, connection: GuardedConnection, path: Path) -> None:
        connection.row_factory = sqlite3.Row
        connection.where = path
        self._db = connection
        self.path = path
        self._before_first_write: Callable[[], str | None] | None = self.full_check
        self.known_sound = False  # the file was found sound (checked, or as a sound process left it)
        self._alone = True  # no other writer met: see `_note_other_writers`
        self._left: last_sound.Fingerprint = ()  # the file as this connection's last write left it
        self._unsettled = False  # a commit made with Sync.BEFORE_NEXT_KEY is not known to be on the disk yet

    def full_check(self) -> str | None:
        """None when SQLite's ``quick_check`` finds the whole file sound, else its first complaint."""
        from quizcli.store.snapshots import quick_check

        return quick_check(self._db)

    def check_before_writing(self, check: Callable[[], str | None]) -> None:
        """Run ``check`` (instead of `full_check`) before the first write; a complaint forbids every write.

        A session starts the check in the background and passes a wait for its result.
        """
        self._before_first_write = check

    def settle_check(self) -> str | None:
        """Run the check still to come, if any: None when the file is sound, else the damage found."""
        if self._before_first_write is not None:
            check, self._before_first_write = self._before_first_write, None
            problem = check()
            if problem is not None:
                self._db.damaged(sqlite3.DatabaseError(problem))
            self.known_sound = problem is None
        return self._db.damage

    @classmethod
    def open(cls, path: Path | None = None) -> Self:
        path = path or paths.progress_db()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None, factory=GuardedConnection)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the progress database {path}: {reason(exc)}") from exc
        known_sound = last_sound.is_known_sound(path)
        store = cls(connection, path)
        try:
            store._prepare()
            store._trust(known_sound)
        except sqlite3.Error as exc:
            connection.close()
            raise _open_error(path, exc) from exc
        except StoreError:
            connection.close()
            raise
        return store

    @classmethod
    def open_to_read(cls, path: Path | None = None) -> Self:
        """The database for a command that only reads (stats, history): as `open` gives it where it can be
        written; otherwise (a read-only home, a copy on a read-only medium) read-only, and never written.

        Read-only, a database behind this quizcli's schema is copied into memory and migrated there, and
        no database at all reads as an empty one.  Writing through it fails as on a full disk.
        """
        from quizcli.store import read_only

        path = path or paths.progress_db()
        if read_only.can_write(path):
            return cls.open(path)
        try:
            connection = read_only.readable_copy(path)
        except sqlite3.Error as exc:
            raise _open_error(path, exc) from exc
        store = cls(connection, path)
        store._before_first_write = None  # nothing to check before a write that cannot happen
        return store

    def _trust(self, known_sound: bool) -> None:
        """Skip the check before the first write on a file as a sound process left it (`last_sound`)."""
        self._left = last_sound.fingerprint(self.path)  # after migrating: this process's own writes
        if known_sound:
            self._before_first_write, self.known_sound = None, True

    def settle_writes(self) -> None:
        """Put the commits made with `Sync.BEFORE_NEXT_KEY` on the disk: one sync of the write-ahead log."""
        if not self._unsettled:
            return
        try:
            _sync_file(self.path.with_name(self.path.name + "-wal"))
        except OSError as exc:
            raise StoreError(f"could not save the last answer: {reason(exc)}") from exc
        self._unsettled = False

    def close(self) -> None:
        self.settle_writes()
        self._note_other_writers()
        sound = self.known_sound and self._alone and self._db.damage is None
        self._db.close()
        if sound:
            last_sound.record_sound(self.path)
        elif self._db.damage is not None:
            last_sound.forget_sound(self.path)

    def _note_other_writers(self) -> None:
        """A file changed since this process last wrote it had another writer, whose soundness is not ours to vouch.

        Another connection of this process (a sync beside a study session) is no other writer: it wrote through
        SQLite too, and checked the file before its first write.
        """
        if last_sound.fingerprint(self.path) not in (self._left, _LAST_WRITTEN.get(self.path)):
            self._alone = False

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
                if sqlite_code(exc) not in _BUSY or time.monotonic() > deadline:
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
        problem = schema.schema_problem(self._db)
        if problem is not None:
            raise DamagedError(f"the progress database {self.path} is damaged ({problem}) and was left untouched; "
                               + DOCTOR_HINT)  # fmt: skip
        if version > schema.SCHEMA_VERSION:
            raise NewerSchemaError(
                f"{self.path} was written by a newer quizcli (schema {version}, this one knows "
                f"{schema.SCHEMA_VERSION}); upgrade quizcli (it was left untouched; "
                "'quizcli doctor' lists the backups)"
            )
        if version < schema.SCHEMA_VERSION:
            from quizcli.store.migrate import migrate

            migrate(self._db)

    def schema_version(self) -> int:
        return schema.schema_version(self._db)

    @contextmanager
    def _write(self, what: str, sync: Sync = Sync.AT_COMMIT) -> Iterator[sqlite3.Connection]:
        """One write transaction; any database failure becomes a `StoreError` saying what was not saved.

        `Sync.WITH_THE_NEXT` is for rows a crash may lose harmlessly: they cost no sync on the way to a
        card, nor a wait for the check before the first write (damage already found still refuses them).
        ``synchronous=NORMAL`` would still sync the WAL and its directory when the transaction is the
        first in a new WAL (each process's first write after the last one closed the file), so it runs
        with ``synchronous=OFF``, and with automatic checkpoints held off, since a checkpoint that does
        not sync could leave the file damaged after a power cut.
        """
        self._refuse_if_damaged(wait=sync is not Sync.WITH_THE_NEXT)
        if sync is not Sync.AT_COMMIT:
            self._db.execute(f"PRAGMA synchronous = {sync.value}")
        if sync is Sync.WITH_THE_NEXT:
            self._db.execute("PRAGMA wal_autocheckpoint = 0")
        try:
            yield from self._transaction(what)
            self._unsettled = self._unsettled or sync is Sync.BEFORE_NEXT_KEY
        finally:
            if sync is Sync.WITH_THE_NEXT:
                self._db.execute(f"PRAGMA wal_autocheckpoint = {AUTOCHECKPOINT_PAGES}")
            if sync is not Sync.AT_COMMIT:
                self._db.execute("PRAGMA synchronous = FULL")

    def _refuse_if_damaged(self, wait: bool) -> None:
        """A durable write is allowed only on a database found sound: checked before the first, never after
        damage.  ``wait=False`` skips the check still to come."""
        if wait:
            self.settle_check()
        if self._db.damage is not None:
            raise self._db.damaged(sqlite3.DatabaseError(self._db.damage))

    def _transaction(self, what: str) -> Iterator[sqlite3.Connection]:
        self._note_other_writers()
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(f"could not save {what}: {reason(exc)}") from exc
        try:
            yield self._db
            self._db.execute("COMMIT")
            self._left = _LAST_WRITTEN[self.path] = last_sound.fingerprint(self.path)
        except sqlite3.Error as exc:
            self._rollback()
            raise StoreError(f"could not save {what}: {reason(exc)}") from exc
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        if self._db.in_transaction:
            self._db.execute("ROLLBACK")


# The page cache while many rows are written in one transaction (an imported or synced log): its rows and index
# pages then stay in memory until the commit instead of being spilled to the write-ahead log and read back;
# SQLite takes what it needs up to this.
BULK_CACHE_KIB = 64 * 1024


def _sync_file(path: Path) -> None:
    """Sync a file to the disk; one that is gone (a log another process checkpointed and removed, having synced it
    into the database first) has nothing left to sync."""
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def bulk_page_cache(db: sqlite3.Connection) -> Iterator[None]:
    """SQLite's page cache raised to `BULK_CACHE_KIB` for the block, then set back."""
    previous = int(db.execute("PRAGMA cache_size").fetchone()[0])
    db.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
    try:
        yield
    finally:
        db.execute(f"PRAGMA cache_size = {previous}")


def _open_error(path: Path, exc: sqlite3.Error) -> StoreError:
    if is_corrupt(exc):
        return DamagedError(f"the progress database {path} is damaged ({exc}) and was left untouched; {DOCTOR_HINT}")
    return StoreError(f"cannot use the progress database {path}: {reason(exc)}")

"""Reading a progress database that cannot, or must not, be written: doctor's checks, shell completion, and
``stats`` and ``history`` in a read-only home."""

import os
import sqlite3
from contextlib import closing
from pathlib import Path

from quizcli.store import schema
from quizcli.store.guarded import GuardedConnection, NewerSchemaError, sqlite_code


def open_read_only(path: Path, factory: type[sqlite3.Connection] = sqlite3.Connection) -> sqlite3.Connection:
    """A connection that can never write ``path``; rows read by name."""
    if not path.is_file():
        raise sqlite3.OperationalError(f"no database file at {path}")
    uri = path.resolve().as_uri()
    db = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None, factory=factory)
    if not _can_share(db) and not _has_log(path):
        # A WAL database in a read-only directory: its shared-memory file cannot be made, and with no
        # log to merge the file alone is the whole database, so it is read as an unchanging file.
        db.close()
        db = sqlite3.connect(f"{uri}?immutable=1", uri=True, isolation_level=None, factory=factory)
    db.row_factory = sqlite3.Row
    return db


def can_write(path: Path) -> bool:
    """Whether the database at ``path`` (or the directory it would be made in) can be written by this process:
    not on a read-only file system, nor denied by permissions."""
    directory = next((parent for parent in (path.parent, *path.parent.parents) if parent.exists()), path.parent)
    return os.access(directory, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


def readable_copy(path: Path) -> GuardedConnection:
    """A read-only connection to ``path``, or to a copy in memory migrated to this quizcli's schema."""
    if not path.is_file():
        return _in_memory(None)
    db = open_read_only(path, factory=GuardedConnection)
    assert isinstance(db, GuardedConnection)
    version = schema.schema_version(db)
    if version > schema.SCHEMA_VERSION:
        db.close()
        raise NewerSchemaError(
            f"{path} was written by a newer quizcli (schema {version}, this one knows {schema.SCHEMA_VERSION}); "
            "upgrade quizcli"
        )
    if version == schema.SCHEMA_VERSION:
        return db
    with closing(db):
        return _in_memory(db)


def _in_memory(source: sqlite3.Connection | None) -> GuardedConnection:
    """An in-memory database holding ``source`` (or nothing), migrated to this quizcli's schema."""
    from quizcli.store.migrate import migrate

    memory = sqlite3.connect(":memory:", isolation_level=None, factory=GuardedConnection)
    if source is not None:
        source.backup(memory)
    migrate(memory)
    memory.execute("PRAGMA query_only = ON")  # as read-only as the file it copies
    memory.row_factory = sqlite3.Row
    return memory


_CANNOT_SHARE = {8, 14}  # SQLITE_READONLY, SQLITE_CANTOPEN: no shared-memory file


def _can_share(db: sqlite3.Connection) -> bool:
    """False when a first read fails for want of the shared-memory file; other failures are the readers' to meet."""
    try:
        db.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
    except sqlite3.Error as exc:
        return sqlite_code(exc) not in _CANNOT_SHARE
    return True


def _has_log(path: Path) -> bool:
    log = path.with_name(path.name + "-wal")
    return log.exists() and log.stat().st_size > 0

"""The schema version this quizcli writes, and what a database's own version says.

The steps up to it are in `quizcli.store.migrations`, which is imported only when a
database is behind (and checks, as it loads, that its last step is this version).
"""

import sqlite3

SCHEMA_VERSION = 15


def schema_version(db: sqlite3.Connection) -> int:
    """``PRAGMA user_version``: the number of the last migration applied (on any connection, whatever its rows)."""
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def schema_problem(db: sqlite3.Connection) -> str | None:
    """Why the database's schema version cannot be one quizcli wrote, or None: below 0, or 0 (nothing migrated)
    with the first migration's tables already there, which migrating would trip over."""
    # One statement, so one snapshot: read apart, another process's first migration could commit in between.
    version, tables = db.execute(
        "SELECT (SELECT user_version FROM pragma_user_version),"
        " (SELECT count(*) FROM sqlite_master WHERE name = 'settings')"
    ).fetchone()
    if version < 0 or version == 0 and tables:
        return f"its schema version ({version}) is not one quizcli writes, yet it holds quizcli's tables"
    return None

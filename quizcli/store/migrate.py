"""Bringing a database up to this quizcli's schema: the migrations past its version, each in its own transaction.

A database with nothing in it yet is given ``schema.sql`` in one transaction instead: what
every migration makes of an empty database, written out (tests/test_migrations.py fails
until it is rewritten after a migration is added), as Rails loads its ``schema.rb``.  Its
tables and indexes are made once, not made and remade through every step of the history.
Only a database that is behind imports this module.
"""

import sqlite3
from pathlib import Path

from quizcli.store.migrations import MIGRATIONS, Migration
from quizcli.store.schema import SCHEMA_VERSION, schema_version

LATEST_SCHEMA = Path(__file__).with_name("schema.sql")


def migrate(db: sqlite3.Connection, upto: int = SCHEMA_VERSION) -> None:
    """Apply every migration past the database's version, up to ``upto``, each in its own transaction; an empty
    database brought to the latest version gets the latest schema in one."""
    if upto == SCHEMA_VERSION and _is_empty(db):
        _apply(db, Migration(SCHEMA_VERSION, "the latest schema, at once", latest_statements()), after=0)
    for migration in MIGRATIONS[schema_version(db) : upto]:
        _apply(db, migration, after=migration.number - 1)


def latest_statements() -> tuple[str, ...]:
    """``schema.sql`` statement by statement, as SQLite reads them (a trigger's body holds semicolons of its own)."""
    statements: list[str] = []
    pending = ""
    for line in LATEST_SCHEMA.read_text(encoding="utf-8").splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    return tuple(statements)


def _is_empty(db: sqlite3.Connection) -> bool:
    return schema_version(db) == 0 and db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0


def _apply(db: sqlite3.Connection, migration: Migration, after: int) -> None:
    """``migration`` in one transaction, if the database is still at version ``after``: another process may have
    migrated it meanwhile."""
    db.execute("BEGIN IMMEDIATE")
    try:
        if schema_version(db) == after:
            for statement in migration.statements:
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {migration.number}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise

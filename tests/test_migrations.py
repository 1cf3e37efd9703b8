"""The numbered migrations: from an empty database and from every earlier version, nothing is lost.

Each earlier version is built the way it was written: migrations 1..k applied, then
rows that version could hold.  Opening it must bring it to the latest schema, equal
to a fresh database's, with every row kept.  And ``quizcli study`` on an unchanged deck
must not load the store's exam, statistics, fit or health modules.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from quizcli.store import SCHEMA_VERSION, Store
from quizcli.store.migrate import LATEST_SCHEMA, latest_statements, migrate
from quizcli.store.migrations import MIGRATIONS
from quizcli.store.schema import schema_version

# Rows an old database may hold, by the migration that made their table, in the columns that version had.
ROWS: dict[int, list[tuple[str, dict[str, object]]]] = {
    1: [
        ("settings", {"id": 1, "json": "{}"}),
        ("reviews", {"id": 1, "deck": "d", "item": "a", "reviewed_at": "2026-11-01T09:00:00.000000+00:00",
                     "rating": 3, "kind": "review", "state_before": 0, "elapsed_days": None,
                     "retrievability": None, "duration_ms": 1200, "settings_id": 1}),
        ("cards", {"deck": "d", "item": "a", "state": 1, "due": "2026-11-01T09:10:00.000000+00:00", "step": 1,
                   "stability": 2.3, "difficulty": 5.1, "last_review": "2026-11-01T09:00:00.000000+00:00",
                   "reps": 1, "lapses": 0}),
        ("flags", {"deck": "d", "item": "b", "suspended": 1, "buried_until": None}),
    ],
    2: [
        ("exams", {"id": 1, "deck": "d", "started_at": "2026-11-02T09:00:00.000000+00:00",
                   "finished_at": "2026-11-02T09:05:00.000000+00:00", "duration_ms": 300000, "score": 1,
                   "total": 2, "percent": 50, "pass_mark": 70, "passed": 0, "seed": 7, "tag": None,
                   "shuffled": 1, "time_limit_s": None, "timed_out": 0}),
        ("exam_answers", {"exam": 1, "number": 1, "item": "a", "kind": "typed", "given": "x", "expected": "y",
                          "correct": 0, "almost": 1, "flagged": 0}),
    ],
    3: [
        ("deck_index", {"deck": "d", "path": "/decks/d.yaml", "size": 10, "mtime_ns": 1, "parser": 1,
                        "digest": "abc", "indexed_ns": 2, "title": "D", "description": "", "cards": 2,
                        "items": 2, "errors": 0}),
        ("deck_items", {"deck": "d", "item": "a", "card": "a", "position": 0, "graded": 0, "tags": "",
                        "data": "{}", "seen": 1}),
        ("deck_items", {"deck": "d", "item": "b", "card": "b", "position": 1, "graded": 1, "tags": "t",
                        "data": "{}", "seen": 0}),
    ],
    4: [
        ("fitted_parameters", {"deck": "", "parameters": "[0.1, 0.2]", "reviews": 600, "loss_before": 0.4,
                               "loss_after": 0.3, "fitted_at": "2026-11-03T09:00:00.000000+00:00"}),
    ],
    13: [  # the deck index as migration 13 rebuilt it (the rows of migration 3 are gone by then)
        ("deck_index", {"deck": "d", "path": "/decks/d.yaml", "size": 10, "mtime_ns": 1, "parser": 5,
                        "digest": "abc", "indexed_ns": 2, "title": "D", "description": "", "cards": 1,
                        "items": 1, "errors": 0, "broken": "[]", "markable_cards": 0, "tags": ""}),
        ("deck_items", {"deck": "d", "item": "a", "card": "a", "position": 0, "graded": 0, "tags": "",
                        "seen": 1, "rank": None}),
        ("deck_cards", {"deck": "d", "card": "a", "position": 0, "data": "{}"}),
    ],
    14: [  # the deck index as migration 14 rebuilt it (kept by the migrations after it)
        ("deck_index", {"deck": "d", "path": "/decks/d.yaml", "size": 10, "mtime_ns": 1, "parser": 5,
                        "digest": "abc", "indexed_ns": 2, "title": "D", "description": "", "cards": 1,
                        "items": 1, "errors": 0, "broken": "[]", "markable_cards": 0, "tags": ""}),
        ("deck_items", {"deck": "d", "item": "a", "card": "a", "position": 0, "graded": 0, "tags": "",
                        "seen": 1, "rank": None}),
        ("deck_cards", {"deck": "d", "card": "a", "position": 0, "data": "{}", "line": 2}),
        ("deck_sources", {"deck": "d", "cards": "a", "sources": bytes(16), "lines": "2", "items": "1",
                          "graded": b"\x00"}),
    ],
}  # fmt: skip


DECK_INDEX = {"deck_index", "deck_items", "deck_cards", "deck_sources"}
INDEX_EMPTIED = (13, 14)  # the migrations that emptied the deck index


def index_rows_of(version: int) -> int:
    """The migration whose deck-index rows a database at ``version`` holds: the last to empty it, if any."""
    return max((number for number in INDEX_EMPTIED if number <= version), default=0)


def schema(db: sqlite3.Connection) -> dict[str, object]:
    """Every table's columns and every index and trigger, by name (the SQL's spacing aside)."""
    objects = db.execute("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name")
    found: dict[str, object] = {}
    for kind, name in objects.fetchall():
        columns = [tuple(column) for column in db.execute(f"PRAGMA table_info({name})")] if kind == "table" else None
        found[name] = (kind, columns)
    return found


def old_database(path: Path, version: int) -> list[tuple[str, dict[str, object]]]:
    """A database at ``version`` (migrations 1..version) holding the rows that version could hold."""
    db = sqlite3.connect(path, isolation_level=None)
    migrate(db, upto=version)
    written = [row for number in range(1, version + 1) for row in ROWS.get(number, [])
               if row[0] not in DECK_INDEX or number >= index_rows_of(version)]  # fmt: skip
    for table, row in written:
        db.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join(':' + key for key in row)})", row)
    db.close()
    return written


def test_the_migrations_are_numbered_from_1_in_order_and_named() -> None:
    assert [migration.number for migration in MIGRATIONS] == list(range(1, SCHEMA_VERSION + 1))
    assert all(migration.name and migration.statements for migration in MIGRATIONS)
    assert len({migration.name for migration in MIGRATIONS}) == SCHEMA_VERSION


def test_an_empty_database_gets_every_migration(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        assert store.schema_version() == SCHEMA_VERSION
    db = sqlite3.connect(tmp_path / "p.db")
    assert {"settings", "reviews", "cards", "flags", "exams", "exam_answers", "deck_index", "deck_items",
            "fitted_parameters"} <= set(schema(db))  # fmt: skip
    db.close()


@pytest.mark.parametrize("version", range(SCHEMA_VERSION))
def test_every_earlier_version_migrates_to_the_latest_and_keeps_its_rows(tmp_path: Path, version: int) -> None:
    written = old_database(tmp_path / "old.db", version)
    Store.open(tmp_path / "old.db").close()
    Store.open(tmp_path / "fresh.db").close()
    old, fresh = sqlite3.connect(tmp_path / "old.db"), sqlite3.connect(tmp_path / "fresh.db")
    old.row_factory = sqlite3.Row
    assert old.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert schema(old) == schema(fresh)
    for table, row in written:
        if table in DECK_INDEX and version < INDEX_EMPTIED[-1]:  # emptied, and rebuilt as each deck is next used
            assert old.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
            continue
        keys = " AND ".join(f"{key} IS :{key}" for key in row)
        assert old.execute(f"SELECT count(*) FROM {table} WHERE {keys}", row).fetchone()[0] == 1, (table, row)
    if 3 <= version < 5:  # migration 5 ranked the markable items indexed before it
        old_database(tmp_path / "ranked.db", version)
        ranked = sqlite3.connect(tmp_path / "ranked.db", isolation_level=None)
        migrate(ranked, upto=5)
        ranks = ranked.execute("SELECT item, rank FROM deck_items ORDER BY position").fetchall()
        ranked.close()
        assert ranks == [("a", None), ("b", 0)]
    if 1 <= version < 4:  # a review logged before migration 4 has no scheduled interval
        assert old.execute("SELECT scheduled_days FROM reviews").fetchone()[0] is None
    if 1 <= version < 9:  # migration 9 took an earlier answer's guessability from its item in the deck index
        assert old.execute("SELECT guessable FROM reviews").fetchone()[0] == (0 if version >= 3 else None)
    old.close()
    fresh.close()


def test_migration_9_marks_earlier_answers_guessable_by_their_items_kind(tmp_path: Path) -> None:
    cards = {
        "flash": {"kind": "flashcard", "content": {"front": "f", "back": "b"}},
        "pick": {"kind": "choice", "content": {"question": "q", "choices": ["a", "b", "c"], "answer": "B"}},
        "every": {"kind": "choice", "content": {"question": "q", "choices": ["a", "b", "c"], "answer": ["A", "C"]}},
        "truth": {"kind": "true-false", "content": {"question": "q", "answer": True}},
    }
    db = sqlite3.connect(tmp_path / "old.db", isolation_level=None)
    migrate(db, upto=8)
    db.execute("INSERT INTO settings (id, json) VALUES (1, '{}')")
    for position, (item, card) in enumerate(cards.items()):
        db.execute(
            "INSERT INTO deck_items (deck, item, card, position, graded, tags, data) VALUES ('d', ?, ?, ?, 1, '', ?)",
            (item, item, position, json.dumps({"id": item, **card}, separators=(",", ":"))),
        )
    for item in (*cards, "gone"):
        db.execute(
            "INSERT INTO reviews (deck, item, reviewed_at, rating, kind, state_before, settings_id)"
            " VALUES ('d', ?, '2026-11-01T09:00:00.000000+00:00', 3, 'review', 2, 1)",
            (item,),
        )
    db.close()
    Store.open(tmp_path / "old.db").close()
    db = sqlite3.connect(tmp_path / "old.db")
    assert dict(db.execute("SELECT item, guessable FROM reviews").fetchall()) == {
        "flash": 0, "pick": 1, "every": 0, "truth": 1, "gone": None
    }  # fmt: skip
    db.close()


def written_schema(db: sqlite3.Connection) -> str:
    """The text ``schema.sql`` holds for ``db``: each of its tables, indexes and triggers as SQLite keeps them, then
    the rows its tables hold (those a migration puts in an empty database)."""
    objects = db.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
    ).fetchall()
    header = (
        "-- The schema a new progress database is created with, in one transaction: what every migration in\n"
        "-- migrations.py makes of an empty database.  Written by tests/test_migrations.py\n"
        "-- (QUIZCLI_WRITE_SCHEMA=1 pytest tests/test_migrations.py), which fails until it is rewritten after a\n"
        "-- migration is added.\n"
    )
    rows = [insert for kind, name, _ in objects if kind == "table" for insert in inserts(db, name)]
    return header + "".join(f"\n{sql};\n" for _, _, sql in objects) + "".join(f"\n{insert};\n" for insert in rows)


def inserts(db: sqlite3.Connection, table: str) -> list[str]:
    """An INSERT statement for each row of ``table``, its values written as SQLite quotes them."""
    columns = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
    values = " || ', ' || ".join(f"quote({column})" for column in columns)
    rows = sorted(row for (row,) in db.execute(f"SELECT {values} FROM {table}"))
    return [f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({row})" for row in rows]


def test_schema_sql_is_what_the_migrations_make_of_an_empty_database(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "stepwise.db", isolation_level=None)
    migrate(db, upto=1)  # no longer empty: the rest come one by one
    migrate(db)
    written = written_schema(db)
    db.close()
    if os.environ.get("QUIZCLI_WRITE_SCHEMA") == "1":
        LATEST_SCHEMA.write_text(written, encoding="utf-8")
    assert LATEST_SCHEMA.read_text(encoding="utf-8") == written, "rewrite it: QUIZCLI_WRITE_SCHEMA=1 pytest " + __file__


def test_a_new_database_is_made_in_one_transaction_with_the_schema_the_steps_make(tmp_path: Path) -> None:
    statements: list[str] = []
    db = sqlite3.connect(tmp_path / "new.db", isolation_level=None)
    db.set_trace_callback(statements.append)
    migrate(db)
    db.set_trace_callback(None)
    stepwise = sqlite3.connect(tmp_path / "stepwise.db", isolation_level=None)
    migrate(stepwise, upto=1)
    migrate(stepwise)
    assert [s for s in statements if s in {"BEGIN IMMEDIATE", "COMMIT"}] == ["BEGIN IMMEDIATE", "COMMIT"]
    assert schema_version(db) == schema_version(stepwise) == SCHEMA_VERSION
    assert written_schema(db) == written_schema(stepwise)
    assert latest_statements() and all(sqlite3.complete_statement(s + ";") for s in latest_statements())
    db.close()
    stepwise.close()

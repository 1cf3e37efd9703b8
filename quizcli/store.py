"""The progress database: the only module that imports ``sqlite3``.

The append-only ``reviews`` table is the source of truth; ``cards`` holds
each item's current state, derived from the log and rebuildable from it.
Every answer is one transaction, committed (WAL, ``synchronous=FULL``)
before the next card is shown, so a killed process loses at most the card
on screen.  The schema evolves by numbered, append-only migrations applied
on open, each in its own transaction.
"""

import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, NamedTuple

from quizcli import paths
from quizcli.cards import Card, Item, ItemRef
from quizcli.clock import DAY_ROLLOVER_HOUR, from_text, to_text
from quizcli.errors import QuizcliError
from quizcli.scheduler import MATURE_DAYS, CardState, Rating, Review, Settings, State

if TYPE_CHECKING:  # exam and statistics types load only for the commands that use them
    from quizcli.fitting import Fit
    from quizcli.history import Attempt
    from quizcli.marking import Result
    from quizcli.stats import CalibrationRow, CardRow, DayActivity, Tally

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (  # 1: the review log, derived card states, suspend/bury flags
        "CREATE TABLE settings (id INTEGER PRIMARY KEY, json TEXT NOT NULL UNIQUE)",
        """CREATE TABLE reviews (
            id INTEGER PRIMARY KEY,
            deck TEXT NOT NULL,
            item TEXT NOT NULL,
            reviewed_at TEXT NOT NULL,
            rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
            kind TEXT NOT NULL CHECK (kind IN ('review', 'practice')),
            state_before INTEGER NOT NULL,
            elapsed_days REAL,
            retrievability REAL,
            duration_ms INTEGER,
            settings_id INTEGER NOT NULL REFERENCES settings (id)
        )""",
        "CREATE INDEX reviews_by_item ON reviews (deck, item, id)",
        "CREATE INDEX reviews_by_time ON reviews (reviewed_at)",
        """CREATE TABLE cards (
            deck TEXT NOT NULL,
            item TEXT NOT NULL,
            state INTEGER NOT NULL,
            due TEXT NOT NULL,
            step INTEGER,
            stability REAL,
            difficulty REAL,
            last_review TEXT,
            reps INTEGER NOT NULL,
            lapses INTEGER NOT NULL,
            PRIMARY KEY (deck, item)
        ) WITHOUT ROWID""",
        "CREATE INDEX cards_due ON cards (deck, due)",
        """CREATE TABLE flags (
            deck TEXT NOT NULL,
            item TEXT NOT NULL,
            suspended INTEGER NOT NULL DEFAULT 0,
            buried_until TEXT,
            PRIMARY KEY (deck, item)
        ) WITHOUT ROWID""",
    ),
    (  # 2: exam attempts and their marked questions (never touching the schedule)
        """CREATE TABLE exams (
            id INTEGER PRIMARY KEY,
            deck TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT NOT NULL,
            duration_ms INTEGER NOT NULL,
            score INTEGER NOT NULL,
            total INTEGER NOT NULL CHECK (total > 0),
            percent INTEGER NOT NULL,
            pass_mark INTEGER NOT NULL,
            passed INTEGER NOT NULL,
            seed INTEGER NOT NULL,
            tag TEXT,
            shuffled INTEGER NOT NULL,
            time_limit_s REAL,
            timed_out INTEGER NOT NULL
        )""",
        "CREATE INDEX exams_by_deck ON exams (deck, id)",
        """CREATE TABLE exam_answers (
            exam INTEGER NOT NULL REFERENCES exams (id) ON DELETE CASCADE,
            number INTEGER NOT NULL,
            item TEXT NOT NULL,
            kind TEXT NOT NULL,
            given TEXT,
            expected TEXT NOT NULL,
            correct INTEGER NOT NULL,
            almost INTEGER NOT NULL,
            flagged INTEGER NOT NULL,
            PRIMARY KEY (exam, number)
        ) WITHOUT ROWID""",
    ),
    (  # 3: the deck index, so an unchanged deck file is never parsed again
        """CREATE TABLE deck_index (
            deck TEXT PRIMARY KEY,
            path TEXT NOT NULL,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            parser INTEGER NOT NULL,
            digest TEXT NOT NULL,
            indexed_ns INTEGER NOT NULL,
            title TEXT NOT NULL,
            description TEXT NOT NULL,
            cards INTEGER NOT NULL,
            items INTEGER NOT NULL,
            errors INTEGER NOT NULL
        ) WITHOUT ROWID""",
        """CREATE TABLE deck_items (
            deck TEXT NOT NULL,
            item TEXT NOT NULL,
            card TEXT NOT NULL,
            position INTEGER NOT NULL,
            graded INTEGER NOT NULL,
            tags TEXT NOT NULL,
            data TEXT NOT NULL,
            seen INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (deck, item)
        ) WITHOUT ROWID""",
        # Covering what exams draw from (id, tags, markable) so a 100,000-card deck is read from the index alone.
        "CREATE INDEX deck_items_order ON deck_items (deck, position, graded, item, tags)",
        # The study queues: learning items, and reviews due by now, without walking the rest of a big deck.
        "CREATE INDEX cards_queue ON cards (deck, state, due)",
        # New items in deck order, without stepping over every item already studied.
        "CREATE INDEX deck_items_new ON deck_items (deck, seen, position)",
        # `seen` follows the card states: a state written marks the item seen, a state removed (undo, reset) new.
        """CREATE TRIGGER cards_seen AFTER INSERT ON cards BEGIN
            UPDATE deck_items SET seen = 1 WHERE deck = NEW.deck AND item = NEW.item;
        END""",
        """CREATE TRIGGER cards_unseen AFTER DELETE ON cards BEGIN
            UPDATE deck_items SET seen = 0 WHERE deck = OLD.deck AND item = OLD.item;
        END""",
    ),
    (  # 4: the interval each answered card had (young or mature, for stats); FSRS parameters fitted to the log
        "ALTER TABLE reviews ADD COLUMN scheduled_days REAL",
        """CREATE TABLE fitted_parameters (
            deck TEXT NOT NULL PRIMARY KEY,  -- '' for every deck without its own
            parameters TEXT NOT NULL,
            reviews INTEGER NOT NULL,
            loss_before REAL NOT NULL,
            loss_after REAL NOT NULL,
            fitted_at TEXT NOT NULL
        ) WITHOUT ROWID""",
    ),
    (  # 5: each markable item's rank, its place (from 0) among its deck's markable items; NULL for flashcards
        "ALTER TABLE deck_items ADD COLUMN rank INTEGER",
        # Decks indexed before now are ranked here rather than parsed again.  The ranks go through a
        # keyed table so the update is one lookup per item on any SQLite with window functions (3.25).
        "CREATE TEMP TABLE ranks (deck TEXT, item TEXT, rank INTEGER NOT NULL, PRIMARY KEY (deck, item)) WITHOUT ROWID",
        "INSERT INTO temp.ranks SELECT deck, item, row_number() OVER (PARTITION BY deck ORDER BY position) - 1"
        " FROM deck_items WHERE graded = 1",
        "UPDATE deck_items SET rank = (SELECT r.rank FROM temp.ranks r WHERE r.deck = deck_items.deck"
        " AND r.item = deck_items.item) WHERE graded = 1",
        "DROP TABLE temp.ranks",
        # An exam of N questions from the whole deck loads the N items at its drawn ranks, and no other row.
        "CREATE INDEX deck_items_rank ON deck_items (deck, rank) WHERE rank IS NOT NULL",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(QuizcliError):
    """The progress database could not be opened, read or written."""


class DamagedError(StoreError):
    """The progress database file is not a sound SQLite database; it is left untouched."""


class NewerSchemaError(StoreError):
    """The progress database was written by a newer quizcli."""


DOCTOR_HINT = "run 'quizcli doctor' to check it and 'quizcli doctor --repair' to salvage it"
_CORRUPT_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB (primary result codes)


class Answer(NamedTuple):
    """One answer to record.  ``after`` is None for practice (cram) answers, which leave the schedule alone."""

    deck: str
    item: str
    rating: Rating
    when: datetime
    before: CardState
    after: CardState | None
    settings: Settings
    retrievability: float | None = None
    duration_ms: int | None = None

    @property
    def kind(self) -> str:
        return "practice" if self.after is None else "review"


Rebase = Callable[[CardState | None], Answer]


class Flags(NamedTuple):
    suspended: bool = False
    buried_until: datetime | None = None


class Stamp(NamedTuple):
    """What identifies one version of a deck file, as git's index does: path, size, mtime, parser version.

    ``digest`` (of the content) settles the racy case of an edit made in the same
    instant the index was written; ``indexed_ns`` is when that was.
    """

    path: str
    size: int
    mtime_ns: int
    parser: int
    digest: str = ""
    indexed_ns: int = 0


class IndexEntry(NamedTuple):
    """An indexed deck: its stamp and what ``quizcli decks`` shows of it."""

    name: str
    stamp: Stamp
    title: str
    description: str
    cards: int
    items: int
    errors: int


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


# The user's own tables, salvaged row by row by a repair (card states and the deck index are rebuilt):
# table -> (key columns, every column), in an order that satisfies the foreign keys.
_SALVAGE: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "settings": (("id",), ("id", "json")),
    "reviews": (("id",), ("id", "deck", "item", "reviewed_at", "rating", "kind", "state_before", "elapsed_days",
                          "retrievability", "duration_ms", "settings_id", "scheduled_days")),
    "flags": (("deck", "item"), ("deck", "item", "suspended", "buried_until")),
    "exams": (("id",), ("id", "deck", "started_at", "finished_at", "duration_ms", "score", "total", "percent",
                        "pass_mark", "passed", "seed", "tag", "shuffled", "time_limit_s", "timed_out")),
    "exam_answers": (("exam", "number"), ("exam", "number", "item", "kind", "given", "expected", "correct",
                                          "almost", "flagged")),
    "fitted_parameters": (("deck",), ("deck", "parameters", "reviews", "loss_before", "loss_after", "fitted_at")),
}  # fmt: skip
# Not salvaged: `cards` (replayed from the log) and the deck index (rebuilt from the deck files).
_PROBE_LIMIT = 100_000  # rowids tried one by one past a damaged stretch whose end is unknown
Row = tuple[Any, ...]


def examine(path: Path) -> Health:
    """SQLite's full ``integrity_check``, the schema version and row counts, read-only: the file is never written."""
    try:
        db = _open_read_only(path)
    except sqlite3.Error as exc:
        return Health(str(exc), None, {})
    with closing(db):
        try:
            schema = int(db.execute("PRAGMA user_version").fetchone()[0])
            complaints = [str(row[0]) for row in db.execute("PRAGMA integrity_check(5)")]
        except sqlite3.DatabaseError as exc:
            return Health(str(exc), None, {})
        problem = None if complaints == ["ok"] else " ".join(" ".join(complaints).split())
        return Health(problem, schema, {table: _count_rows(db, table) for table in _SALVAGE})


def copy_database(source: Path, target: Path) -> None:
    """Copy a (sound) database file page by page with the online backup API, never writing ``source``."""
    try:
        with closing(_open_read_only(source)) as db, closing(sqlite3.connect(target)) as copy:
            db.backup(copy)
    except sqlite3.Error as exc:
        raise StoreError(f"could not copy {source} to {target}: {_reason(exc)}") from exc


def _open_read_only(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise sqlite3.OperationalError(f"no database file at {path}")
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)


def _count_rows(db: sqlite3.Connection, table: str) -> int | None:
    try:
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    except sqlite3.DatabaseError:
        return None


def _read_rows(db: sqlite3.Connection, table: str) -> tuple[list[Row], bool]:
    """Every readable row in key order, and whether nothing was in the way.

    Reads forward until a damaged page stops it, then backward from the end, then tries
    each rowid in the gap between, one by one, so only the rows on damaged pages are lost.
    """
    keys, _ = _SALVAGE[table]
    forward, complete = _scan(db, table, descending=False)
    if complete:
        return forward, True
    backward, _ = _scan(db, table, descending=True)
    rows = {row[: len(keys)]: row for row in forward + backward}
    if keys == ("id",):
        low = forward[-1][0] if forward else 0
        high = backward[-1][0] if backward else low + _PROBE_LIMIT
        rows.update((row[:1], row) for row in _probe(db, table, low, high))
    return [rows[key] for key in sorted(rows)], False


def _scan(db: sqlite3.Connection, table: str, descending: bool) -> tuple[list[Row], bool]:
    """Rows in key order (or reversed) until the first unreadable one; True when the end was reached."""
    keys, columns = _SALVAGE[table]
    order = ", ".join(f"{key} DESC" if descending else key for key in keys)
    after = f"WHERE ({', '.join(keys)}) {'<' if descending else '>'} ({', '.join('?' * len(keys))})"
    rows: list[Row] = []
    chunk = 256
    while True:
        sql = f"SELECT {', '.join(columns)} FROM {table} {after if rows else ''} ORDER BY {order} LIMIT {chunk}"
        try:
            found = db.execute(sql, rows[-1][: len(keys)] if rows else ()).fetchall()
        except sqlite3.DatabaseError:
            if chunk == 1:
                return rows, False
            chunk = 1  # retry row by row, to keep the rows before the damage
            continue
        if not found:
            return rows, True
        rows += found


def _probe(db: sqlite3.Connection, table: str, low: int, high: int) -> Iterator[Row]:
    columns = ", ".join(_SALVAGE[table][1])
    for rowid in range(low + 1, high):
        try:
            row = db.execute(f"SELECT {columns} FROM {table} WHERE id = ?", (rowid,)).fetchone()
        except sqlite3.DatabaseError:
            continue
        if row is not None:
            yield row


def _insert_rows(db: sqlite3.Connection, table: str, rows: list[Row]) -> int:
    """Insert the rows that still make sense (valid values, foreign keys present); returns how many."""
    columns = _SALVAGE[table][1]
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    saved = 0
    for row in rows:
        try:
            _check_row(table, row)
            db.execute(sql, row)
        except (sqlite3.IntegrityError, ValueError, TypeError, KeyError):
            continue
        saved += 1
    return saved


def _check_row(table: str, row: Row) -> None:
    """Raise for values a damaged page may hold that the rest of quizcli could not read back."""
    if table == "settings":
        Settings.from_json(row[1])
    elif table == "reviews":
        if not (isinstance(row[1], str) and isinstance(row[2], str)):
            raise TypeError("deck and item must be text")
        from_text(row[3])


BUSY_TIMEOUT_S = 30
BULK_ITEMS = 5_000  # an index write of more items leaves megabytes of WAL: truncate it afterwards
_BUSY = (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED


def _sqlite_code(exc: sqlite3.Error) -> int:
    return int(getattr(exc, "sqlite_errorcode", 0)) & 0xFF  # the primary code of an extended one


class Store:
    """An open progress database.  Use as a context manager, or call `close`."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path
        self._settings_ids: dict[Settings, int] = {}

    @classmethod
    def open(cls, path: Path | None = None) -> "Store":
        path = path or paths.progress_db()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the progress database {path}: {_reason(exc)}") from exc
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

    def __enter__(self) -> "Store":
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
        if self._db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":  # set once, kept in the file
            self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = FULL")
        self._db.execute("PRAGMA foreign_keys = ON")

    def _migrate(self) -> None:
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise NewerSchemaError(
                f"{self.path} was written by a newer quizcli (schema {version}, this one knows {SCHEMA_VERSION}); "
                "upgrade quizcli (it was left untouched; 'quizcli doctor' lists the backups)"
            )
        for number in range(version + 1, SCHEMA_VERSION + 1):
            self._apply(number)

    def _apply(self, number: int) -> None:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            if self.schema_version() < number:  # another process may have migrated meanwhile
                for statement in MIGRATIONS[number - 1]:
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {number}")
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def _write(self, what: str) -> Iterator[sqlite3.Connection]:
        """One write transaction; any database failure becomes a `StoreError` saying what was not saved."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(f"could not save {what}: {_reason(exc)}") from exc
        try:
            yield self._db
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise StoreError(f"could not save {what}: {_reason(exc)}") from exc
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        if self._db.in_transaction:
            self._db.execute("ROLLBACK")

    # ---- health and backups (see quizcli.doctor and quizcli.backups) ------------------------

    def quick_check(self) -> str | None:
        """None when SQLite's ``quick_check`` finds the file sound, else its first complaint."""
        try:
            first = self._db.execute("PRAGMA quick_check(1)").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            return _reason(exc)
        return None if first == "ok" else " ".join(str(first).split())  # SQLite's report spans lines

    def backup_to(self, target: Path) -> None:
        """A consistent copy of the whole database (SQLite's online backup API), written to ``target``."""
        try:
            with closing(sqlite3.connect(target)) as copy:
                self._db.backup(copy)
        except sqlite3.Error as exc:
            raise StoreError(f"could not back up the progress database to {target}: {_reason(exc)}") from exc

    def salvage_from(self, damaged: Path) -> dict[str, Salvaged]:
        """Copy every readable row of a damaged database's own tables into this (new, empty) one."""
        with closing(_open_read_only(damaged)) as source:
            found = {table: _read_rows(source, table) for table in _SALVAGE}
        with self._write("the salvaged rows") as db:
            saved = {table: _insert_rows(db, table, rows) for table, (rows, _) in found.items()}
        return {table: Salvaged(saved[table], len(rows) - saved[table], ok) for table, (rows, ok) in found.items()}

    def logged_items(self) -> list[tuple[str, str]]:
        """Every (deck, item) with a scheduling review in the log."""
        return list(self._db.execute("SELECT DISTINCT deck, item FROM reviews WHERE kind = 'review'"))

    def put_states(self, states: Iterable[tuple[str, str, CardState]]) -> None:
        """Replace the derived card states (rebuilt from the log by the caller) in one transaction."""
        with self._write("the rebuilt card states") as db:
            db.execute("DELETE FROM cards")
            for deck, item, state in states:
                _put_state(db, deck, item, state)

    # ---- reviews and states ---------------------------------------------------------------

    def record(self, answer: Answer) -> int:
        """Append an answer to the log and, for a review, update the item's state, atomically."""
        return self.record_review(answer)[0]

    def record_review(self, answer: Answer, rebase: Rebase | None = None) -> tuple[int, Answer]:
        """`record`, but when another process changed the item's state since ``answer.before`` was read,
        ``rebase(current state)`` recomputes the answer inside the same transaction, so the log always
        replays to the stored state.  Returns the review id and the answer as saved."""
        with self._write("the last answer") as db:
            if rebase is not None and answer.after is not None:
                current = _get_state(db, answer.deck, answer.item)
                if current != answer.before and not (current is None and answer.before.state is State.NEW):
                    answer = rebase(current)
            settings_id = self._settings_id(db, answer.settings)
            before = answer.before
            elapsed = None if before.last_review is None else (answer.when - before.last_review).total_seconds() / 86400
            scheduled = None if before.last_review is None else before.interval_days
            cursor = db.execute(
                "INSERT INTO reviews (deck, item, reviewed_at, rating, kind, state_before, elapsed_days,"
                " retrievability, duration_ms, settings_id, scheduled_days) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (answer.deck, answer.item, to_text(answer.when), int(answer.rating), answer.kind, int(before.state),
                 elapsed, answer.retrievability, answer.duration_ms, settings_id, scheduled),
            )  # fmt: skip
            if answer.after is not None:
                _put_state(db, answer.deck, answer.item, answer.after)
            return int(cursor.lastrowid or 0), answer

    def undo(self, review_id: int, deck: str, item: str, restored: CardState | None) -> None:
        """Remove a logged answer and put back the state the log now implies (None: the item is new again)."""
        with self._write("the undo") as db:
            db.execute("DELETE FROM reviews WHERE id = ?", (review_id,))
            if restored is None:
                db.execute("DELETE FROM cards WHERE deck = ? AND item = ?", (deck, item))
            else:
                _put_state(db, deck, item, restored)

    def item_log(self, deck: str, item: str) -> list[Review]:
        """The item's scheduling reviews in order (practice answers excluded)."""
        rows = self._db.execute(
            "SELECT r.rating, r.reviewed_at, s.json FROM reviews r JOIN settings s ON s.id = r.settings_id"
            " WHERE r.deck = ? AND r.item = ? AND r.kind = 'review' ORDER BY r.id",
            (deck, item),
        )
        return [Review(Rating(rating), from_text(at), Settings.from_json(js)) for rating, at, js in rows]

    def states(self, deck: str) -> dict[str, CardState]:
        rows = self._db.execute(f"SELECT item, {_STATE_COLUMNS} FROM cards WHERE deck = ?", (deck,))
        return {row[0]: _state_from_row(row[1:]) for row in rows}

    def state(self, deck: str, item: str) -> CardState | None:
        return _get_state(self._db, deck, item)

    def answered_since(self, deck: str, since: datetime) -> tuple[int, int]:
        """(new items introduced, reviews of seen items) since ``since``, for the daily limits."""
        row = self._db.execute(
            "SELECT COUNT(DISTINCT CASE WHEN state_before = 0 THEN item END),"
            " COUNT(CASE WHEN state_before <> 0 THEN 1 END)"
            " FROM reviews WHERE deck = ? AND kind = 'review' AND reviewed_at >= ?",
            (deck, to_text(since)),
        ).fetchone()
        return int(row[0]), int(row[1])

    def due_outlook(self, deck: str, until: datetime) -> tuple[datetime | None, int]:
        """(when the next unsuspended item is due, how many are due before ``until``)."""
        row = self._db.execute(
            "SELECT MIN(c.due), COUNT(CASE WHEN c.due < ? THEN 1 END) FROM cards c"
            " LEFT JOIN flags f ON f.deck = c.deck AND f.item = c.item"
            " WHERE c.deck = ? AND COALESCE(f.suspended, 0) = 0",
            (to_text(until), deck),
        ).fetchone()
        return (None if row[0] is None else from_text(row[0])), int(row[1])

    def items_with_progress(self, deck: str) -> set[str]:
        rows = self._db.execute("SELECT DISTINCT item FROM reviews WHERE deck = ?", (deck,))
        return {row[0] for row in rows}

    def reset(self, deck: str) -> int:
        """Forget a deck's progress; returns how many logged answers were removed."""
        with self._write(f"the reset of {deck}") as db:
            removed = db.execute("DELETE FROM reviews WHERE deck = ?", (deck,)).rowcount
            db.execute("DELETE FROM cards WHERE deck = ?", (deck,))
            db.execute("DELETE FROM flags WHERE deck = ?", (deck,))
        return int(removed)

    # ---- suspend and bury -----------------------------------------------------------------

    def set_flags(self, deck: str, item: str, flags: Flags) -> None:
        buried = None if flags.buried_until is None else to_text(flags.buried_until)
        with self._write("the card flag") as db:
            db.execute(
                "INSERT INTO flags (deck, item, suspended, buried_until) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (deck, item) DO UPDATE SET suspended = excluded.suspended,"
                " buried_until = excluded.buried_until",
                (deck, item, int(flags.suspended), buried),
            )

    def flags(self, deck: str) -> dict[str, Flags]:
        rows = self._db.execute("SELECT item, suspended, buried_until FROM flags WHERE deck = ?", (deck,))
        return {item: Flags(bool(s), None if b is None else from_text(b)) for item, s, b in rows}

    def _settings_id(self, db: sqlite3.Connection, settings: Settings) -> int:
        if settings not in self._settings_ids:
            text = settings.to_json()
            db.execute("INSERT OR IGNORE INTO settings (json) VALUES (?)", (text,))
            row = db.execute("SELECT id FROM settings WHERE json = ?", (text,)).fetchone()
            self._settings_ids[settings] = int(row[0])
        return self._settings_ids[settings]

    # ---- the deck index -------------------------------------------------------------------

    def index_entry(self, deck: str) -> IndexEntry | None:
        row = self._db.execute(
            "SELECT path, size, mtime_ns, parser, digest, indexed_ns, title, description, cards, items, errors"
            " FROM deck_index WHERE deck = ?",
            (deck,),
        ).fetchone()
        if row is None:
            return None
        return IndexEntry(deck, Stamp(*row[:6]), *row[6:])

    def replace_index(self, entry: IndexEntry, cards: Iterable[Card]) -> None:
        """Swap a deck's index for ``cards`` in one transaction; after a big one, shrink the WAL back.

        SQLite checkpoints the WAL by itself past 4 MB but keeps the file at its largest; a
        100,000-card deck leaves 30 MB behind.  A small deck's write never gets there, and
        truncating after it would only cost two more syncs.
        """
        with self._write(f"the index of {entry.name}") as db:
            db.execute("DELETE FROM deck_items WHERE deck = ?", (entry.name,))
            db.executemany(
                "INSERT INTO deck_items (deck, item, card, position, graded, tags, data, rank)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                _index_rows(entry.name, cards),
            )
            db.execute(
                "UPDATE deck_items SET seen = 1"
                " WHERE deck = :deck AND item IN (SELECT item FROM cards WHERE deck = :deck)",
                {"deck": entry.name},
            )
            st = entry.stamp
            db.execute(
                "INSERT OR REPLACE INTO deck_index VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (entry.name, st.path, st.size, st.mtime_ns, st.parser, st.digest, st.indexed_ns, entry.title,
                 entry.description, entry.cards, entry.items, entry.errors),
            )  # fmt: skip
        if entry.items > BULK_ITEMS:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def restamp_index(self, deck: str, indexed_ns: int) -> None:
        """Record that the deck file's content was found unchanged at ``indexed_ns``."""
        with self._write(f"the index of {deck}") as db:
            db.execute("UPDATE deck_index SET indexed_ns = ? WHERE deck = ?", (indexed_ns, deck))

    def has_tag(self, deck: str, tag: str) -> bool:
        """Whether any item of the deck has ``tag``: the search stops at the first one."""
        query = f"SELECT EXISTS (SELECT 1 FROM deck_items i WHERE i.deck = :deck AND {_TAGGED})"
        return bool(self._db.execute(query, {"deck": deck, "tag": tag}).fetchone()[0])

    def deck_tags(self, deck: str) -> list[str]:
        rows = self._db.execute("SELECT DISTINCT tags FROM deck_items WHERE deck = ?", (deck,))
        return sorted({tag for (tags,) in rows for tag in tags.split()})

    def new_items(self, deck: str, now: datetime, limit: int, tag: str | None) -> list[Item]:
        """Unseen, available items in deck order."""
        rows = self._db.execute(
            f"SELECT i.item, i.card, i.data FROM deck_items i INDEXED BY deck_items_new"
            f" WHERE i.deck = :deck AND i.seen = 0 AND {_AVAILABLE} ORDER BY i.position LIMIT :limit",
            {"deck": deck, "now": to_text(now), "tag": tag, "limit": limit},
        )
        return [_item(*row) for row in rows]

    def scheduled_items(
        self, deck: str, states: tuple[State, ...], now: datetime, due_by: datetime | None, limit: int, tag: str | None
    ) -> list[tuple[Item, CardState]]:
        """Available items in ``states`` due by ``due_by`` (any time for None), soonest due first.

        The plan walks the ``cards (deck, due)`` index from the soonest due and stops at
        ``due_by`` and at ``limit``: the cost follows the items asked for, not the deck.
        """
        wanted = ", ".join(str(int(state)) for state in states)
        due = "" if due_by is None else " AND c.due <= :due"
        rows = self._db.execute(
            f"SELECT i.item, i.card, i.data, {_STATE_COLUMNS_OF_C} FROM cards c INDEXED BY cards_queue"
            " CROSS JOIN deck_items i ON i.deck = c.deck AND i.item = c.item"  # cards first: CROSS fixes the order
            f" WHERE c.deck = :deck{due} AND c.state IN ({wanted}) AND {_AVAILABLE}"
            " ORDER BY c.due, i.position LIMIT :limit",
            {"deck": deck, "now": to_text(now), "due": None if due_by is None else to_text(due_by), "tag": tag,
             "limit": limit},
        )  # fmt: skip
        return [(_item(*row[:3]), _state_from_row(row[3:])) for row in rows]

    def available_items(self, deck: str, now: datetime, tag: str | None) -> list[Item]:
        """Every item not suspended or buried, in deck order (cram)."""
        rows = self._db.execute(
            f"SELECT i.item, i.card, i.data FROM deck_items i WHERE i.deck = :deck AND {_AVAILABLE}"
            " ORDER BY i.position",
            {"deck": deck, "now": to_text(now), "tag": tag},
        )
        return [_item(*row) for row in rows]

    def graded_refs(self, deck: str) -> list[ItemRef]:
        """Every item quizcli can mark by itself, by id and tags, in deck order (that of their ranks), flags aside."""
        rows = self._db.execute(
            "SELECT item, tags FROM deck_items WHERE deck = ? AND graded = 1 ORDER BY position", (deck,)
        )
        return list(map(ItemRef._make, rows))

    def graded_count(self, deck: str) -> int:
        """How many items quizcli can mark by itself: one more than the highest rank, found without counting."""
        row = self._db.execute(
            "SELECT max(rank) FROM deck_items INDEXED BY deck_items_rank WHERE deck = ? AND rank IS NOT NULL", (deck,)
        ).fetchone()
        return 0 if row[0] is None else int(row[0]) + 1

    def items_by_id(self, deck: str, ids: list[str]) -> list[Item]:
        """The indexed items with these ids, in the order asked."""
        return self._items_keyed(deck, "item", "", ids)

    def items_by_rank(self, deck: str, ranks: list[int]) -> list[Item]:
        """The markable items at these ranks (places from 0 among them, in deck order), in the order asked."""
        return self._items_keyed(deck, "rank", "INDEXED BY deck_items_rank", ranks)

    def _items_keyed(self, deck: str, key: str, hint: str, values: Sequence[str | int]) -> list[Item]:
        """The deck's items whose ``key`` column holds these values, in their order.

        Without statistics SQLite would rather scan the deck's primary key than look ranks
        up, hence the ``hint`` (an ``INDEXED BY`` clause).
        """
        found: dict[str | int, Item] = {}
        for start in range(0, len(values), 500):  # SQLite limits the number of bound parameters
            chunk = values[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT {key}, item, card, data FROM deck_items {hint} WHERE deck = ? AND {key} IN ({marks})",
                (deck, *chunk),
            )
            found.update((row[0], _item(*row[1:])) for row in rows)
        return [found[value] for value in values]

    # ---- exams ----------------------------------------------------------------------------

    def record_exam(self, result: "Result") -> int:
        """Save a marked exam and each of its questions in one transaction; returns the attempt id."""
        options = result.options
        with self._write("the exam result") as db:
            cursor = db.execute(
                "INSERT INTO exams (deck, started_at, finished_at, duration_ms, score, total, percent, pass_mark,"
                " passed, seed, tag, shuffled, time_limit_s, timed_out)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (result.deck, to_text(result.started_at), to_text(result.finished_at), round(result.seconds * 1000),
                 result.score, result.total, result.percent, options.pass_mark, int(result.passed), options.seed,
                 options.tag, int(options.shuffle), options.time_limit, int(result.timed_out)),
            )  # fmt: skip
            exam_id = int(cursor.lastrowid or 0)
            db.executemany(
                "INSERT INTO exam_answers (exam, number, item, kind, given, expected, correct, almost, flagged)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(exam_id, o.number, o.question.item.id, str(o.question.kind), o.given(), o.expected(),
                  int(o.correct), int(o.verdict.almost), int(o.flagged)) for o in result.outcomes],
            )  # fmt: skip
        return exam_id

    def exam_attempts(self, deck: str | None = None) -> "list[Attempt]":
        """Saved exams in the order they were taken, of one deck or all."""
        rows = self._db.execute(
            "SELECT id, deck, started_at, duration_ms, score, total, percent, pass_mark, passed, seed, tag, timed_out"
            " FROM exams WHERE ?1 IS NULL OR deck = ?1 ORDER BY id",
            (deck,),
        )
        return [_attempt_from_row(row) for row in rows]

    def last_exam_misses(self, deck: str) -> list[str] | None:
        """Item ids answered wrong or left blank in the deck's latest exam, in exam order; None before any exam."""
        row = self._db.execute("SELECT max(id) FROM exams WHERE deck = ?", (deck,)).fetchone()
        if row[0] is None:
            return None
        rows = self._db.execute(
            "SELECT item FROM exam_answers WHERE exam = ? AND NOT correct ORDER BY number", (row[0],)
        )
        return [item for (item,) in rows]

    # ---- statistics -----------------------------------------------------------------------
    # Aggregated in SQL, so a long log is summed where it lies; ``deck`` None means every deck.

    def decks_with_progress(self) -> list[str]:
        rows = self._db.execute("SELECT deck FROM cards UNION SELECT deck FROM flags WHERE suspended ORDER BY deck")
        return [deck for (deck,) in rows]

    def card_rows(self, deck: str | None) -> "list[CardRow]":
        """Every item with a schedule, and every item suspended before it had one."""
        from quizcli.stats import CardRow

        rows = self._db.execute(
            f"SELECT c.deck, c.item, COALESCE(f.suspended, 0), {_STATE_COLUMNS} FROM cards c"
            " LEFT JOIN flags f ON f.deck = c.deck AND f.item = c.item WHERE ?1 IS NULL OR c.deck = ?1"
            " UNION ALL SELECT f.deck, f.item, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM flags f"
            " WHERE f.suspended AND (?1 IS NULL OR f.deck = ?1)"
            " AND NOT EXISTS (SELECT 1 FROM cards c WHERE c.deck = f.deck AND c.item = f.item)",
            (deck,),
        )
        return [
            CardRow(d, item, None if row[0] is None else _state_from_row(row), bool(s)) for d, item, s, *row in rows
        ]

    def study_days(self, deck: str | None) -> "list[DayActivity]":
        """Answers (reviews and practice) per local study day, which starts at 04:00 as `clock.day_start` says."""
        from quizcli.stats import DayActivity

        rows = self._db.execute(
            "SELECT date(reviewed_at, 'localtime', ?2) AS day, COUNT(*), SUM(rating > 1), TOTAL(duration_ms),"
            " COUNT(duration_ms) FROM reviews WHERE ?1 IS NULL OR deck = ?1 GROUP BY day ORDER BY day",
            (deck, f"-{DAY_ROLLOVER_HOUR} hours"),
        )
        return [DayActivity(date.fromisoformat(day), n, ok, round(ms), timed) for day, n, ok, ms, timed in rows]

    def retention_tallies(self, deck: str | None, since: datetime) -> "dict[bool, Tally]":
        """Answers to review cards since ``since`` and how many were not Again, by mature (interval >= 21 days)."""
        from quizcli.stats import Tally

        rows = self._db.execute(
            "SELECT COALESCE(scheduled_days, elapsed_days) >= ?3 AS mature, COUNT(*), SUM(rating > 1) FROM reviews"
            " WHERE reviewed_at >= ?2 AND kind = 'review' AND state_before = 2 AND (?1 IS NULL OR deck = ?1)"
            " GROUP BY mature",
            (deck, to_text(since), MATURE_DAYS),
        )
        return {bool(mature): Tally(n, passed) for mature, n, passed in rows}

    def calibration_rows(self, deck: str | None, since: datetime) -> "list[CalibrationRow]":
        """Reviews a day or more after the previous one, binned by the recall FSRS predicted for them."""
        from quizcli.stats import CALIBRATION_BINS, CalibrationRow

        rows = self._db.execute(
            "SELECT MIN(CAST(retrievability * ?3 AS INTEGER), ?3 - 1) AS bin, COUNT(*), SUM(retrievability),"
            " SUM(rating > 1) FROM reviews WHERE reviewed_at >= ?2 AND kind = 'review'"
            " AND retrievability IS NOT NULL AND elapsed_days >= 1 AND (?1 IS NULL OR deck = ?1) GROUP BY bin",
            (deck, to_text(since), CALIBRATION_BINS),
        )
        return [CalibrationRow(*row) for row in rows]

    def review_ratings(self, deck: str | None) -> list[tuple[str, str, datetime, Rating]]:
        """(deck, item, time, rating) of every scheduling review, each item's in order: what a fit learns from."""
        rows = self._db.execute(
            "SELECT deck, item, reviewed_at, rating FROM reviews WHERE kind = 'review' AND (?1 IS NULL OR deck = ?1)"
            " ORDER BY deck, item, id",
            (deck,),
        )
        return [(d, item, from_text(at), Rating(rating)) for d, item, at, rating in rows]

    def fitted_parameters(self, deck: str | None) -> tuple[float, ...]:
        """The deck's fitted FSRS parameters, else those fitted for every deck, else () for py-fsrs's defaults."""
        row = self._db.execute(
            "SELECT parameters FROM fitted_parameters WHERE deck IN (?1, '') ORDER BY deck = '' LIMIT 1",
            (deck or "",),
        ).fetchone()
        return () if row is None else tuple(json.loads(row[0]))

    def save_fit(self, deck: str | None, fit: "Fit") -> None:
        """Keep fitted parameters for ``deck`` (None: every deck without its own)."""
        with self._write("the fitted parameters") as db:
            db.execute(
                "INSERT OR REPLACE INTO fitted_parameters (deck, parameters, reviews, loss_before, loss_after,"
                " fitted_at) VALUES (?, ?, ?, ?, ?, ?)",
                (deck or "", json.dumps(fit.parameters), fit.reviews, fit.loss_before, fit.loss_after,
                 to_text(fit.fitted_at)),
            )  # fmt: skip

    def forget_fit(self, deck: str | None) -> bool:
        """Drop the fit kept for ``deck`` (None: the one for every deck); False when there was none."""
        with self._write("forgetting the fitted parameters") as db:
            removed = db.execute("DELETE FROM fitted_parameters WHERE deck = ?", (deck or "",)).rowcount
        return bool(removed)


_STATE_COLUMNS = "state, due, step, stability, difficulty, last_review, reps, lapses"
_STATE_COLUMNS_OF_C = ", ".join(f"c.{column}" for column in _STATE_COLUMNS.split(", "))
# An indexed item with the tag :tag (its tags are one space-separated string).
_TAGGED = "instr(' ' || i.tags || ' ', ' ' || :tag || ' ') > 0"
# An indexed item that is not suspended, not buried at :now, and has :tag (when one is given).
_AVAILABLE = (
    "NOT EXISTS (SELECT 1 FROM flags f WHERE f.deck = i.deck AND f.item = i.item"
    f" AND (f.suspended = 1 OR f.buried_until > :now)) AND (:tag IS NULL OR {_TAGGED})"
)


def _index_rows(deck: str, cards: Iterable[Card]) -> Iterator[tuple[object, ...]]:
    """The rows of ``deck_items``: position counts every item, rank only the markable ones (None for the rest)."""
    position = rank = 0
    for card in cards:
        data = json.dumps(card.to_record(), ensure_ascii=False, separators=(",", ":"))
        tags = " ".join(card.tags)  # tags never hold white space (the parser refuses it)
        graded = card.kind.auto_graded
        for item in card.items():
            yield deck, item.id, card.id, position, int(graded), tags, data, rank if graded else None
            position += 1
            rank += graded


def _item(item_id: str, card_id: str, data: str) -> Item:
    card = Card.from_record(json.loads(data))
    return Item(card, item_id[len(card_id) + 1 :])


def _get_state(db: sqlite3.Connection, deck: str, item: str) -> CardState | None:
    row = db.execute(f"SELECT {_STATE_COLUMNS} FROM cards WHERE deck = ? AND item = ?", (deck, item)).fetchone()
    return None if row is None else _state_from_row(row)


def _put_state(db: sqlite3.Connection, deck: str, item: str, s: CardState) -> None:
    last = None if s.last_review is None else to_text(s.last_review)
    db.execute(
        f"INSERT OR REPLACE INTO cards (deck, item, {_STATE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (deck, item, int(s.state), to_text(s.due), s.step, s.stability, s.difficulty, last, s.reps, s.lapses),
    )


def _state_from_row(row: tuple[Any, ...]) -> CardState:
    state, due, step, stability, difficulty, last, reps, lapses = row
    return CardState(
        state=State(state),
        due=from_text(due),
        step=step,
        stability=stability,
        difficulty=difficulty,
        last_review=None if last is None else from_text(last),
        reps=reps,
        lapses=lapses,
    )


def _attempt_from_row(row: tuple[Any, ...]) -> "Attempt":
    from quizcli.history import Attempt

    exam_id, deck, started, ms, score, total, percent, pass_mark, passed, seed, tag, timed_out = row
    return Attempt(exam_id, deck, from_text(started), ms / 1000, score, total, percent, pass_mark, bool(passed), seed,
                   tag, bool(timed_out))  # fmt: skip


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    if _is_corrupt(exc):
        return f"{exc}; {DOCTOR_HINT}"
    return str(exc)


def _is_corrupt(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.DatabaseError) and (getattr(exc, "sqlite_errorcode", 0) & 0xFF) in _CORRUPT_CODES


def _open_error(path: Path, exc: sqlite3.Error) -> StoreError:
    if _is_corrupt(exc):
        return DamagedError(f"the progress database {path} is damaged ({exc}) and was left untouched; {DOCTOR_HINT}")
    return StoreError(f"cannot use the progress database {path}: {_reason(exc)}")

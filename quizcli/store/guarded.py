"""The connection every store module writes through: it turns SQLite's report of damage, wherever it
surfaces, into a `DamagedError`, and the errors the store raises."""

import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Self

from quizcli.errors import QuizcliError


class StoreError(QuizcliError):
    """The progress database could not be opened, read or written."""


class DamagedError(StoreError):
    """The progress database file is not a sound SQLite database; it is left untouched."""


class NewerSchemaError(StoreError):
    """The progress database was written by a newer quizcli."""


DOCTOR_HINT = "run 'quizcli doctor' to check it and 'quizcli doctor --repair' to salvage it"
_CORRUPT_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB (primary result codes)


class GuardedConnection(sqlite3.Connection):
    """A connection that turns SQLite's report of damage, wherever it surfaces, into a `DamagedError`.

    Once SQLite has reported damage the connection remembers it (``damage``), and
    `Connection` refuses every later write: a damaged file is never written.
    """

    damage: str | None = None
    where: Path = Path()

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        return self.cursor(_GuardedCursor).execute(sql, parameters)

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> sqlite3.Cursor:
        return self.cursor(_GuardedCursor).executemany(sql, parameters)

    def damaged(self, exc: sqlite3.Error) -> "DamagedError":
        """Remember the damage, and the refusal to give the user."""
        self.damage = self.damage or str(exc)
        return DamagedError(
            f"the progress database {self.where} is damaged ({self.damage}); nothing more was written to it; "
            + DOCTOR_HINT
        )


class _GuardedCursor(sqlite3.Cursor):
    """Rows are read as they are stepped through, so damage can surface at any fetch.

    Iteration goes through `fetchmany`, a chunk at a time, so a long result costs no Python call a row.
    """

    connection: GuardedConnection

    def execute(self, sql: str, parameters: Any = (), /) -> Self:
        try:
            return super().execute(sql, parameters)
        except sqlite3.DatabaseError as exc:
            self._raise_damage(exc)
            raise

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> Self:
        try:
            return super().executemany(sql, parameters)
        except sqlite3.DatabaseError as exc:
            self._raise_damage(exc)
            raise

    def fetchone(self) -> Any:
        try:
            return super().fetchone()
        except sqlite3.DatabaseError as exc:
            self._raise_damage(exc)
            raise

    def fetchmany(self, size: int | None = 1) -> list[Any]:
        try:
            return super().fetchmany(size if size is not None else self.arraysize)
        except sqlite3.DatabaseError as exc:
            self._raise_damage(exc)
            raise

    def fetchall(self) -> list[Any]:
        try:
            return super().fetchall()
        except sqlite3.DatabaseError as exc:
            self._raise_damage(exc)
            raise

    def __iter__(self) -> Iterator[Any]:  # type: ignore[override]
        while rows := self.fetchmany(_CHUNK):
            yield from rows

    def _raise_damage(self, exc: sqlite3.DatabaseError) -> None:
        if is_corrupt(exc):
            raise self.connection.damaged(exc) from exc


_CHUNK = 256


def reason(exc: BaseException) -> str:
    """What went wrong, in words for the user; a damaged file also says how to repair it."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    if is_corrupt(exc):
        return f"{exc}; {DOCTOR_HINT}"
    return str(exc)


def sqlite_code(exc: sqlite3.Error) -> int:
    return int(getattr(exc, "sqlite_errorcode", 0)) & 0xFF  # the primary code of an extended one


def is_corrupt(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.DatabaseError) and sqlite_code(exc) in _CORRUPT_CODES

"""``quizcli doctor``: check the progress database, salvage a damaged one, restore a backup.

Nothing here ever writes to a damaged file.  A repair builds a fresh database beside
it, copies every readable row of the user's own tables into it (reviews, settings,
flags, exams), rebuilds each card's state by replaying the salvaged log, and only
then moves the damaged file aside to ``progress.db.corrupt-<timestamp>`` and puts the
fresh one in its place.  A restore first moves the current database aside to
``progress.db.before-restore-<timestamp>``: neither ever deletes a review.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from quizcli import backups, clock, paths, scheduler
from quizcli.errors import QuizcliError
from quizcli.store import SCHEMA_VERSION, Store, last_sound
from quizcli.store.health import Health, Salvaged, copy_database, examine
from quizcli.store.snapshots import verify_copy


class Report(NamedTuple):
    path: Path
    health: Health | None
    backups: list[backups.Backup]

    @property
    def sound(self) -> bool:
        return self.health is None or (self.health.problem is None and not self.health.newer)

    def lines(self) -> list[str]:
        lines = [f"progress database: {self.path}", *self._status()]
        if self.health is not None and self.health.counts:
            counts = ", ".join(f"{table} {'unreadable' if n is None else n}" for table, n in self.health.counts.items())
            lines.append(f"rows: {counts}")
        lines.append(f"backups ({len(self.backups)}, newest first; restore one with --restore DATE):")
        lines += [f"  {b.day.isoformat()}  {b.size:>12,} bytes  {b.path}" for b in self.backups] or ["  none yet"]
        return lines

    def _status(self) -> list[str]:
        health = self.health
        if health is None:
            return ["status: not created yet (the first study session or exam creates it)"]
        if health.newer:
            return [f"status: written by a newer quizcli (schema {health.schema}; this one knows {SCHEMA_VERSION})",
                    "upgrade quizcli to use it; it is not damaged, and --repair will not touch it"]  # fmt: skip
        if health.problem is not None:
            newest = [f"or put the newest backup back: quizcli doctor --restore {b.day.isoformat()}"
                      for b in self.backups[:1]]  # fmt: skip
            return [
                f"status: DAMAGED: {health.problem}",
                "run 'quizcli doctor --repair' to salvage every readable review",
                *newest,
            ]
        return [f"status: ok (SQLite integrity_check passed; schema {health.schema} of {SCHEMA_VERSION})"]


def check(path: Path | None = None) -> Report:
    """Look at the database without writing to it."""
    path = path or paths.progress_db()
    health = examine(path) if path.exists() else None
    return Report(path, health, backups.list_backups())


class Repair(NamedTuple):
    moved_to: Path
    tables: dict[str, Salvaged]
    states: int
    newest_backup: backups.Backup | None = None

    def lines(self) -> list[str]:
        lines = [f"moved the damaged database to {self.moved_to}"]
        for table, got in self.tables.items():
            note = "" if got.complete else " (some rows were on damaged pages and are lost)"
            rejected = f", {got.rejected} unusable" if got.rejected else ""
            lines.append(f"salvaged {table}: {got.saved} rows{rejected}{note}")
        lines.append(f"rebuilt {self.states} card states from the salvaged review log")
        lost = any(not got.complete or got.rejected for got in self.tables.values())
        if lost and self.newest_backup is not None:
            day = self.newest_backup.day.isoformat()
            lines.append(f"the backup of {day} may hold what was lost: quizcli doctor --restore {day}")
        return lines


def repair(path: Path | None = None) -> Repair:
    """Salvage a damaged database into a fresh one; refuses a sound or newer one."""
    path = path or paths.progress_db()
    report = check(path)
    if report.health is None:
        raise QuizcliError(f"there is no progress database at {path} to repair")
    if report.health.newer:
        raise QuizcliError(f"{path} is not damaged but written by a newer quizcli; upgrade quizcli instead")
    if report.sound:
        raise QuizcliError(f"{path} is sound (SQLite integrity_check passed): nothing to repair")
    fresh = _free_name(path, "repairing")
    with Store.open(fresh) as store:
        tables = store.salvage_from(path)
        states = list(_replayed(store))
        store.put_states(states)
    moved = _move_aside(path, "corrupt")
    os.replace(fresh, path)
    last_sound.forget_sound(fresh)  # the record the repair's store left under the name it was built under
    return Repair(moved_to=moved, tables=tables, states=len(states), newest_backup=next(iter(report.backups), None))


def _replayed(store: Store) -> Iterator[tuple[str, str, scheduler.CardState]]:
    for deck, item in store.logged_items():
        state = scheduler.replay(store.item_log(deck, item), scheduler.item_seed(deck, item))
        if state is not None:
            yield deck, item, state


def find_backup(choice: str) -> backups.Backup:
    """A backup by its date (``2026-11-28``), file name or path."""
    found = backups.list_backups()
    for backup in found:
        if choice in (backup.day.isoformat(), backup.path.name, str(backup.path)):
            return backup
    known = ", ".join(b.day.isoformat() for b in found) or "none yet"
    raise QuizcliError(f"no backup '{choice}'; backups: {known}")


def restore(backup: backups.Backup, path: Path | None = None) -> list[str]:
    """Put a backup in place of the database, the replaced one moved aside; returns what was done."""
    path = path or paths.progress_db()
    problem = examine(backup.path).problem or verify_copy(backup.path)
    if problem is not None:
        raise QuizcliError(f"the backup {backup.path} is damaged ({problem}); choose another")
    incoming = _free_name(path, "restoring")
    copy_database(backup.path, incoming)
    problem = verify_copy(incoming)
    if problem is not None:
        incoming.unlink(missing_ok=True)
        raise QuizcliError(f"the copy of the backup {backup.path} is not sound ({problem}); nothing was replaced")
    moved = _move_aside(path, "before-restore") if path.exists() else None
    os.replace(incoming, path)
    return [f"restored the backup of {backup.day} ({backup.path})"] + (
        [f"the replaced database is {moved}"] if moved else []
    )


def _move_aside(path: Path, label: str) -> Path:
    """Rename the database and its WAL and shared-memory files together (SQLite pairs them by name)."""
    target = _free_name(path, label)
    for suffix in ("-wal", "-shm", ""):
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.replace(side, target.with_name(target.name + suffix))
    return target


def _free_name(path: Path, label: str) -> Path:
    """``progress.db.<label>-<local time>``, numbered when that name is taken (as under a fixed test clock)."""
    base = f"{path.name}.{label}-{clock.now().astimezone():%Y%m%d-%H%M%S}"
    candidate, number = path.with_name(base), 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{base}-{number}")
    return candidate

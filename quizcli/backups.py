"""The health check and daily backup of the progress database, run beside a study session or an exam.

A session checks the database with ``PRAGMA quick_check`` unless it finds the file as a
sound session left it (`quizcli.store.last_sound`); the first of each local day always
checks it, and copies it to ``<data dir>/backups/progress-YYYY-MM-DD.db`` (the last
`KEEP` kept).  Both run on a thread of their own, on a connection of their own, while
the session draws its first card; the session waits for them before its first write,
so a damaged database is never written and a backup exists before the day's first
answer.  The copy (SQLite's online backup API, a consistent snapshot even while
another session writes) goes to a temporary file named for this process alone, is
verified (``quick_check``, schema, the same row counts as the snapshot) and only then
published under the day's name, atomically and never over another process's good
backup.  A file that is not a sound backup is never published, never listed as one
and never restored.
"""

import os
import re
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import NamedTuple

from quizcli import clock, paths
from quizcli.store import DOCTOR_HINT, DamagedError, Store, StoreError
from quizcli.text import inert

KEEP = 7
# Kept as text (start-up rule 8): a session lists and prunes backups only on the day's first run.
_NAME = r"progress-(\d{4}-\d{2}-\d{2})\.db"
_PARTIAL = r"progress-\d{4}-\d{2}-\d{2}\.db\.\d+-\d+\.tmp(-wal|-shm|-journal)?"
_SHARED_PARTIAL = r"progress-\d{4}-\d{2}-\d{2}\.db\.tmp"
STALE_PARTIAL_S = 3600  # a temporary copy this old belongs to no live process: a kill or a full disk left it


class Backup(NamedTuple):
    path: Path
    day: date
    size: int


def backups_dir() -> Path:
    return paths.data_dir() / "backups"


def list_backups(directory: Path | None = None) -> list[Backup]:
    """The backups on disk, newest first (an empty file is not a backup)."""
    directory = directory or backups_dir()
    if not directory.is_dir():
        return []
    found = []
    for path in directory.iterdir():
        match = re.fullmatch(_NAME, path.name)
        if match and path.is_file() and (size := path.stat().st_size) > 0:
            found.append(Backup(path, date.fromisoformat(match.group(1)), size))
    return sorted(found, key=lambda backup: backup.day, reverse=True)


def daily_backup(source: Path, today: date, directory: Path | None = None) -> Path | None:
    """Copy the (checked) database unless today's backup exists; returns the new backup's path.

    Raises `StoreError` when the copy cannot be made or does not verify; nothing is published then.
    """
    directory = directory or backups_dir()
    target = backup_path(today, directory)
    if _published(target):
        return None
    from quizcli.store.snapshots import backup_file

    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"could not back up the progress database to {target}: {exc.strerror or exc}") from exc
    partial = directory / f"{target.name}.{os.getpid()}-{threading.get_ident()}.tmp"
    try:
        backup_file(source, partial)  # removes its file when it fails
        _publish(partial, target)
    except OSError as exc:
        raise StoreError(f"could not back up the progress database to {target}: {exc.strerror or exc}") from exc
    finally:
        partial.unlink(missing_ok=True)
    prune(directory, keep=target)
    return target


def backup_path(day: date, directory: Path | None = None) -> Path:
    return (directory or backups_dir()) / f"progress-{day.isoformat()}.db"


def _published(target: Path) -> bool:
    try:
        return target.stat().st_size > 0
    except OSError:
        return False


def _publish(partial: Path, target: Path) -> None:
    """Give the verified copy the day's name in one step, keeping a good backup another process published first."""
    try:
        os.link(partial, target)
    except FileExistsError:
        if not _published(target):  # an empty file left by an older quizcli
            os.replace(partial, target)
    except OSError:  # a file system without hard links
        os.replace(partial, target)


def prune(directory: Path, keep: Path | None = None) -> None:
    """Delete all but the `KEEP` backups taken last, empty files under a backup's name, and temporary
    copies no live process is writing (older than `STALE_PARTIAL_S`, or of the one name every
    process shared before each got its own).

    Backups are ranked by when they were written, not by the day in their name, which is the
    clock's: after a session run with the clock years ahead, today's backup would rank oldest,
    be deleted as soon as it was taken, and be taken again by every session of the day.
    ``keep`` (the backup just published) is never deleted."""
    for old in sorted(list_backups(directory), key=_written, reverse=True)[KEEP:]:
        if old.path != keep:
            old.path.unlink(missing_ok=True)
    stale = time.time() - STALE_PARTIAL_S
    for path in directory.iterdir():
        try:
            if (
                re.fullmatch(_SHARED_PARTIAL, path.name)
                or re.fullmatch(_PARTIAL, path.name)
                and path.stat().st_mtime < stale
                or re.fullmatch(_NAME, path.name)
                and path.stat().st_size == 0
            ):
                path.unlink()
        except OSError:
            continue


def _written(backup: Backup) -> tuple[int, date]:
    try:
        return backup.path.stat().st_mtime_ns, backup.day
    except OSError:
        return 0, backup.day


class HealthCheck:
    """The session's health check and the day's backup, on a thread started when the database opens."""

    def __init__(self, source: Path, today: date) -> None:
        self._source, self._today = source, today
        self._problem: str | None = None
        self._warning: str | None = None
        self._thread = threading.Thread(target=self._run, name="quizcli-health-check")
        self._thread.start()

    def _run(self) -> None:
        from quizcli.store.snapshots import quick_check_file

        self._problem = quick_check_file(self._source)
        if self._problem is not None:
            return
        try:
            daily_backup(self._source, self._today)
        except StoreError as error:
            self._warning = str(error)

    def result(self) -> str | None:
        """Wait for the check; None when the database is sound.  A failed backup is only a warning,
        printed once, since the session itself may still save."""
        self._thread.join()
        if self._warning is not None:
            print(f"quizcli: warning: {inert(self._warning)}", file=sys.stderr)
            self._warning = None
        return self._problem


def _refuse_an_emptied_database(path: Path) -> None:
    """An empty file where backups show there was a database is not a new start: say so, and offer the newest."""
    try:
        emptied = path.stat().st_size == 0
    except OSError:
        return
    newest = next(iter(list_backups()), None) if emptied else None
    if newest is not None:
        raise DamagedError(
            f"the progress database {path} is empty (0 bytes), but backups exist; put the newest back with "
            f"'quizcli doctor --restore {newest.day.isoformat()}' (or delete the empty file to start afresh)"
        )


@contextmanager
def open_for_session() -> Iterator[Store]:
    """The progress database for a study session or an exam, checked and backed up beside it.

    The check runs unless the file is as a sound session left it (`quizcli.store.last_sound`),
    and always with the day's backup.  The session's first write waits for it (and refuses a
    damaged database); a session that never writes waits for it as it closes, and still
    reports the damage, so the day's backup is never cut short and damage is never passed
    over in silence.
    """
    _refuse_an_emptied_database(paths.progress_db())
    with Store.open() as store:
        today = clock.now().astimezone().date()
        if not (store.known_sound and _published(backup_path(today))):
            store.check_before_writing(HealthCheck(store.path, today).result)
        try:
            yield store
        except BaseException:
            store.settle_check()
            raise
        problem = store.settle_check()
        if problem is not None:
            raise DamagedError(f"the progress database {store.path} is damaged ({problem}); {DOCTOR_HINT}")

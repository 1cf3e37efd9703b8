"""Daily backups of the progress database, taken when a study session or an exam opens it.

At most one a local day, as ``<data dir>/backups/progress-YYYY-MM-DD.db``, the last
`KEEP` kept.  The copy is made with SQLite's online backup API (a consistent snapshot
even while another session writes), into a ``.tmp`` file renamed into place, so a
process killed mid-copy never leaves something that looks like a backup.  The
database is checked with ``PRAGMA quick_check`` first: the daily backup is also the
daily health check, and a damaged database is never copied over a good backup.
"""

import os
import re
import sys
from datetime import date
from pathlib import Path
from typing import NamedTuple

from quizcli import clock, paths
from quizcli.store import DOCTOR_HINT, DamagedError, Store, StoreError
from quizcli.text import inert

KEEP = 7
_NAME = re.compile(r"progress-(\d{4}-\d{2}-\d{2})\.db")


class Backup(NamedTuple):
    path: Path
    day: date
    size: int


def backups_dir() -> Path:
    return paths.data_dir() / "backups"


def list_backups(directory: Path | None = None) -> list[Backup]:
    """The backups on disk, newest first."""
    directory = directory or backups_dir()
    if not directory.is_dir():
        return []
    found = []
    for path in directory.iterdir():
        match = _NAME.fullmatch(path.name)
        if match and path.is_file():
            found.append(Backup(path, date.fromisoformat(match.group(1)), path.stat().st_size))
    return sorted(found, key=lambda backup: backup.day, reverse=True)


def daily_backup(store: Store, today: date, directory: Path | None = None) -> Path | None:
    """Check the database and copy it, unless today's backup exists; returns the new backup's path.

    Raises `DamagedError` when the database fails the check, `StoreError` when the copy fails.
    """
    directory = directory or backups_dir()
    target = directory / f"progress-{today.isoformat()}.db"
    if target.exists():
        return None
    problem = store.quick_check()
    if problem is not None:
        raise DamagedError(f"the progress database {store.path} is damaged ({problem}); {DOCTOR_HINT}")
    partial = target.with_name(target.name + ".tmp")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)
        store.backup_to(partial)
        os.replace(partial, target)
    except OSError as exc:
        raise StoreError(f"could not back up the progress database to {target}: {exc.strerror or exc}") from exc
    prune(directory)
    return target


def prune(directory: Path) -> None:
    """Delete all but the newest `KEEP` backups."""
    for old in list_backups(directory)[KEEP:]:
        old.path.unlink(missing_ok=True)


def open_for_session() -> Store:
    """The progress database for a study session or an exam, backed up once a day.

    A damaged database stops here, before the session starts; a backup that cannot be
    written (a full disk, say) is only a warning, since the session itself may still save.
    """
    store = Store.open()
    try:
        daily_backup(store, clock.now().astimezone().date())
    except DamagedError:
        store.close()
        raise
    except StoreError as error:
        print(f"quizcli: warning: {inert(str(error))}", file=sys.stderr)
    return store

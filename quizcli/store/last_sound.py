"""The database file as the last process that knew it sound left it, so the next need not check it again.

A process that knew the file sound (its ``quick_check`` passed, or it found the file as
the last such process left it) and was the only writer of it from opening to closing
(through any of its connections: a session's, and a sync's beside it) records, once
closed, what the file system says of the database and its WAL: the file's identity,
size and modification time.  The next process that finds exactly
these knows that nothing but SQLite, through a sound quizcli session, has written the file
since it was last checked, and skips the check before its first write.  Anything else
changes them: another program writing the file, a copy put in its place, a process killed
or refused mid-session (it records nothing), and then the next process checks again.  A
disk can change a page without the file system noticing, so the first session of each day
checks whatever this record says (`quizcli.backups`).
"""

import os
from pathlib import Path

Fingerprint = tuple[int, ...]


def fingerprint(database: Path) -> Fingerprint:
    """Identity, size and modification time of the database file and its WAL (zeros for a file that is not there)."""
    return (*_stat(database), *_stat(database.with_name(database.name + "-wal")))


def _stat(path: Path) -> Fingerprint:
    try:
        stat = os.stat(path)
    except OSError:
        return (0, 0, 0, 0)
    # Not the change time: SQLite, run by root, gives the WAL its owner on every open, changing only that.
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)


def record_path(database: Path) -> Path:
    return database.with_name(database.name + ".sound")


def is_known_sound(database: Path) -> bool:
    """Whether the file is exactly as a process that knew it sound left it."""
    try:
        recorded = record_path(database).read_bytes()
    except OSError:
        return False
    return recorded == _line(fingerprint(database))


def record_sound(database: Path) -> None:
    """Record the closed file as sound.  Not synced to disk: a record a crash loses or spoils only costs a check."""
    record = record_path(database)
    partial = record.with_name(f"{record.name}.{os.getpid()}.tmp")
    try:
        partial.write_bytes(_line(fingerprint(database)))
        os.replace(partial, record)
    except OSError:
        partial.unlink(missing_ok=True)


def forget_sound(database: Path) -> None:
    """Make the next process check the file, whatever it finds (the file was just found damaged)."""
    try:
        record_path(database).unlink(missing_ok=True)
    except OSError:
        return


def _line(print_: Fingerprint) -> bytes:
    return (" ".join(map(str, print_)) + "\n").encode()

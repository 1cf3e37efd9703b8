"""The check before the first write is skipped only on a file exactly as a sound, lone quizcli process left it."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from test_faults import DECK, FLASH, flip_a_leaf, study

from quizcli.scheduler import Rating
from quizcli.store import Store, last_sound, snapshots

from test_store import T0, answer


@pytest.fixture
def deck(tmp_path: Path) -> Path:
    path = tmp_path / "flash.yaml"
    path.write_text(DECK, encoding="utf-8")
    return path


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The database files `quick_check` ran on (the session's check, and a backup's verification of its copy)."""
    seen: list[Path] = []
    check = snapshots.quick_check

    def counted(db: sqlite3.Connection) -> str | None:
        seen.append(Path(db.execute("PRAGMA database_list").fetchone()["file"]))
        return check(db)

    monkeypatch.setattr(snapshots, "quick_check", counted)
    return seen


def test_the_days_first_session_checks_and_the_next_finds_the_file_as_it_left_it(
    deck: Path, quizcli_home: Path, checks: list[Path]
) -> None:
    path = quizcli_home / "progress.db"
    assert study(deck, *FLASH)[0] == 0
    assert path.resolve() in checks  # the day's check, before the backup
    assert last_sound.is_known_sound(path)
    checks.clear()
    status, output = study(deck, *FLASH)
    assert status == 0 and "Studied 1 card" in output
    assert checks == []
    assert last_sound.is_known_sound(path)


def test_a_file_written_by_anything_else_is_checked_again(deck: Path, quizcli_home: Path, checks: list[Path]) -> None:
    path = quizcli_home / "progress.db"
    assert study(deck, *FLASH)[0] == 0
    with sqlite3.connect(path) as db:  # another program, through SQLite itself
        db.execute("UPDATE reviews SET deck = deck")
    checks.clear()
    assert study(deck, *FLASH)[0] == 0
    assert path.resolve() in checks


def test_damage_with_the_record_unchanged_is_found_by_the_days_first_session(deck: Path, quizcli_home: Path) -> None:
    """A disk can change a page without the file system noticing: the day's first session checks anyway."""
    path = quizcli_home / "progress.db"
    with Store.open(path) as store:
        for n in range(600):
            answer(store, f"c{n % 60}", Rating.GOOD, T0, deck="flash")
    flip_a_leaf(path, "reviews")
    last_sound.record_sound(path)  # as if the disk had done it
    damaged = path.read_bytes()
    for _ in range(2):  # the second, like the first, has no backup of the day and no record to trust
        status, output = study(deck, *FLASH)
        assert status == 1 and "is damaged" in output and "quizcli doctor" in output
        assert not last_sound.record_path(path).exists()
        assert path.read_bytes() == damaged


KILLED_MID_SESSION = """
import os, sys
from datetime import datetime, timezone
sys.path.insert(0, sys.argv[2])
from quizcli.store import Store
from quizcli.scheduler import Rating
from test_store import answer
store = Store.open()
answer(store, "c1", Rating.GOOD, datetime(2026, 11, 1, tzinfo=timezone.utc), deck="flash")
os._exit(0)
"""


def test_a_process_that_wrote_and_never_closed_leaves_the_next_one_checking(
    deck: Path, quizcli_home: Path, checks: list[Path]
) -> None:
    path = quizcli_home / "progress.db"
    assert study(deck, *FLASH)[0] == 0
    tests = str(Path(__file__).parent)
    subprocess.run([sys.executable, "-c", KILLED_MID_SESSION, "", tests], check=True, timeout=60)
    assert not last_sound.is_known_sound(path)
    checks.clear()
    assert study(deck, *FLASH)[0] == 0
    assert path.resolve() in checks


def test_a_session_that_met_another_writer_vouches_for_nothing(deck: Path, quizcli_home: Path) -> None:
    path = quizcli_home / "progress.db"
    assert study(deck, *FLASH)[0] == 0
    with Store.open(path) as first:
        assert first.known_sound
        other = [sys.executable, "-m", "quizcli", "study", str(deck), "--new", "100"]
        subprocess.run(other, input="\n".join(FLASH) + "\n", text=True, capture_output=True, check=True, timeout=60)
        answer(first, "c1", Rating.GOOD, T0)  # written after the other process, which it does not vouch for
    assert not last_sound.is_known_sound(path)


def test_another_connection_of_the_same_process_is_no_other_writer(deck: Path, quizcli_home: Path) -> None:
    """A sync on a thread beside a study session writes through a connection of its own."""
    path = quizcli_home / "progress.db"
    assert study(deck, *FLASH)[0] == 0
    with Store.open(path) as session:
        answer(session, "c1", Rating.GOOD, T0)
        with Store.open(path) as beside:
            answer(beside, "c2", Rating.GOOD, T0)
        answer(session, "c3", Rating.GOOD, T0)
    assert last_sound.is_known_sound(path)


@pytest.mark.parametrize(
    "spoil",
    [
        lambda record: record.write_text("not numbers\n"),
        lambda record: record.write_bytes(b"\xff\xfe"),
        lambda record: record.unlink(),
        lambda record: (record.unlink(), record.mkdir()),
    ],
)
def test_a_missing_or_spoiled_record_means_check(
    deck: Path, quizcli_home: Path, checks: list[Path], spoil: Callable[[Path], object]
) -> None:
    path = quizcli_home / "progress.db"
    assert study(deck, *FLASH)[0] == 0
    spoil(last_sound.record_path(path))
    checks.clear()
    assert study(deck, *FLASH)[0] == 0
    assert path.resolve() in checks


def test_a_copy_put_in_the_files_place_is_checked(deck: Path, quizcli_home: Path, checks: list[Path]) -> None:
    path = quizcli_home / "progress.db"
    assert study(deck, *FLASH)[0] == 0
    copy = path.with_name("copy.db")
    shutil.copy2(path, copy)
    copy.replace(path)
    checks.clear()
    assert study(deck, *FLASH)[0] == 0
    assert path.resolve() in checks

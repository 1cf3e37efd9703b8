"""Faults around the progress database: damaged files, a newer schema, no room, no permission, no home."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizcli import backups
from quizcli.cli import app
from quizcli.store import SCHEMA_VERSION, Store, StoreError

runner = CliRunner()
FLASH = ["", "3"]  # reveal, Good
DECK = "title: Flash\ncards:\n" + "".join(
    f"  - {{id: c{n}, front: 'Front {n}', back: 'Back {n}'}}\n" for n in range(60)
)


@pytest.fixture
def deck(tmp_path: Path) -> Path:
    path = tmp_path / "flash.yaml"
    path.write_text(DECK, encoding="utf-8")
    return path


def study(deck: Path, *lines: str) -> tuple[int, str]:
    result = runner.invoke(app, ["study", str(deck), "--new", "100"], input="\n".join(lines) + "\n")
    return result.exit_code, result.stdout + result.stderr


def fresh_database(home: Path, deck: Path) -> Path:
    assert study(deck, *FLASH)[0] == 0
    return home / "progress.db"


def truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:5000])


def random_bytes(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 64)


def png(path: Path) -> None:
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 4000)


def damaged_page(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[4096 * 3 : 4096 * 4] = b"\xff" * 4096
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", [truncated, random_bytes, png, damaged_page])
def test_a_damaged_database_is_refused_untouched_with_a_pointer_to_doctor(
    deck: Path, quizcli_home: Path, damage: Callable[[Path], None]
) -> None:
    path = fresh_database(quizcli_home, deck)
    shutil.rmtree(quizcli_home / "backups")  # so the next session runs its daily check
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    damage(path)
    damaged = path.read_bytes()
    status, output = study(deck, *FLASH)
    assert status == 1 and "Traceback" not in output
    [line] = [line for line in output.splitlines() if line.startswith("quizcli: error:")]
    assert "is damaged" in line and "quizcli doctor" in line
    assert path.read_bytes() == damaged


def test_a_database_from_a_newer_quizcli_is_refused_and_left_alone(deck: Path, quizcli_home: Path) -> None:
    path = fresh_database(quizcli_home, deck)
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    status, output = study(deck, *FLASH)
    assert status == 1 and "written by a newer quizcli" in output and "upgrade quizcli" in output
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM reviews").fetchone()[0] == 1


def test_a_garbage_wal_left_behind_is_ignored_and_nothing_committed_is_lost(deck: Path, quizcli_home: Path) -> None:
    path = fresh_database(quizcli_home, deck)
    (quizcli_home / "progress.db-wal").write_bytes(bytes(range(256)) * 16)
    status, _ = study(deck, *FLASH)
    assert status == 0
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM reviews").fetchone()[0] == 2
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_failed_save_mid_session_says_so_and_keeps_what_was_saved(
    deck: Path, quizcli_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk turns read-only after two answers: the third is reported unsaved, the first two stay."""
    record = Store.record_review
    calls = []

    def failing_after_two(self: Store, *args: object) -> object:
        calls.append(1)
        if len(calls) == 3:
            self._db.execute("PRAGMA query_only = ON")
        return record(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "record_review", failing_after_two)
    status, output = study(deck, *FLASH * 5)
    assert status == 1 and "Traceback" not in output
    assert "quizcli: error: could not save the last answer: attempt to write a readonly database" in output
    with sqlite3.connect(quizcli_home / "progress.db") as db:
        assert db.execute("SELECT count(*) FROM reviews").fetchone()[0] == 2


def test_a_full_disk_fails_one_answer_cleanly(tmp_path: Path) -> None:
    """SQLITE_FULL (a page limit standing in for a full disk): the answer fails whole, earlier ones stay."""
    from quizcli.scheduler import Rating

    from test_store import answer

    with Store.open(tmp_path / "p.db") as store:
        pages = store._db.execute("PRAGMA page_count").fetchone()[0]
        store._db.execute(f"PRAGMA max_page_count = {pages + 2}")
        saved = 0
        with pytest.raises(StoreError, match="could not save the last answer: database or disk is full"):
            for n in range(10_000):
                answer(store, f"item-{n}-{'x' * 200}", Rating.GOOD, __import__("test_store").T0)
                saved += 1
        assert len(store.logged_items()) == saved > 0
        assert store.quick_check() is None


def test_a_home_that_cannot_be_created_is_one_clear_line(
    deck: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("QUIZCLI_HOME", str(blocker / "home"))
    status, output = study(deck, *FLASH)
    assert status == 1
    assert output.strip().splitlines()[-1].startswith("quizcli: error: cannot open the progress database")


def test_a_missing_home_is_created(deck: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIZCLI_HOME", str(tmp_path / "not" / "yet"))
    assert study(deck, *FLASH)[0] == 0
    assert (tmp_path / "not" / "yet" / "progress.db").is_file()


def test_a_backup_that_cannot_be_written_is_a_warning_not_a_lost_session(
    deck: Path, quizcli_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    quizcli_home.mkdir(parents=True)
    (quizcli_home / "backups").write_text("a file where the directory should be")
    status, output = study(deck, *FLASH)
    assert status == 0 and "quizcli: warning: could not back up the progress database" in output
    assert backups.list_backups() == []


# ---- a real read-only and a real full file system (a small tmpfs; needs root and mount) ---------


@pytest.fixture
def tiny_fs(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "fs"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def run_quizcli(home: Path, deck: Path, *lines: str) -> subprocess.CompletedProcess[str]:
    import sys

    env = dict(os.environ, QUIZCLI_HOME=str(home))
    quizcli = str(Path(sys.executable).with_name("quizcli"))
    return subprocess.run([quizcli, "study", str(deck), "--new", "100"], input="\n".join(lines) + "\n",
                          env=env, capture_output=True, text=True, timeout=60)  # fmt: skip


def test_a_read_only_file_system_is_one_clear_line_before_the_session(deck: Path, tiny_fs: Path) -> None:
    assert run_quizcli(tiny_fs, deck, *FLASH).returncode == 0
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_fs)], check=True)
    result = run_quizcli(tiny_fs, deck, *FLASH)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("quizcli: error:") and len(result.stderr.strip().splitlines()) == 1
    assert "Front" not in result.stdout  # refused before any card


def fill(fs: Path, leave: int) -> None:
    """Fill the file system, then give back ``leave`` bytes."""
    filler = fs / "filler"
    subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=4k"], capture_output=True)
    os.truncate(filler, max(0, filler.stat().st_size - leave))


def test_a_full_file_system_before_the_session_is_one_clear_line(deck: Path, tiny_fs: Path) -> None:
    assert run_quizcli(tiny_fs, deck, *FLASH).returncode == 0
    fill(tiny_fs, 0)
    result = run_quizcli(tiny_fs, deck, *FLASH)
    assert result.returncode == 1 and result.stderr.startswith("quizcli: error:"), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_a_full_file_system_mid_session_loses_only_the_unsaved_answer(deck: Path, tiny_fs: Path) -> None:
    assert run_quizcli(tiny_fs, deck, *FLASH).returncode == 0
    fill(tiny_fs, 160 * 1024)
    result = run_quizcli(tiny_fs, deck, *FLASH * 60)
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert result.returncode == 1 and "quizcli: error: could not save the last answer" in output, output
    shown = [int(n) for n in re.findall(r"done (\d+)", output)]
    with sqlite3.connect(tiny_fs / "progress.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        logged = db.execute("SELECT count(*) FROM reviews").fetchone()[0]
    assert logged == 1 + max(shown) > 2  # the first run's answer, then every answer whose next card was shown


def test_a_deck_edited_during_a_session_changes_nothing_until_the_next_run(deck: Path, quizcli_home: Path) -> None:
    """Cards removed and ids changed mid-session (and the index rebuilt by another command meanwhile)."""
    import sys

    env = dict(os.environ, QUIZCLI_HOME=str(quizcli_home))
    quizcli = str(Path(sys.executable).with_name("quizcli"))
    child = subprocess.Popen([quizcli, "study", str(deck), "--new", "3"], env=env, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write("\n3\n")
    child.stdin.flush()
    while "done 1" not in child.stdout.readline():
        pass
    deck.write_text("title: Flash\ncards:\n  - {id: renamed, front: 'New front', back: 'New back'}\n", encoding="utf-8")
    other = subprocess.run([quizcli, "study", str(deck)], env=env, input="", capture_output=True, text=True)
    assert other.returncode == 0 and "New front" in other.stdout  # the index now holds the edited deck
    output, _ = child.communicate("\n3\n\n3\n", timeout=30)
    assert child.returncode == 0 and "Front 2" in output and "Studied 3 cards" in output
    with sqlite3.connect(quizcli_home / "progress.db") as db:
        assert [r[0] for r in db.execute("SELECT item FROM reviews ORDER BY id")] == ["c0", "c1", "c2"]
    status, output = study(deck, *FLASH)
    assert status == 0 and "New front" in output and "Front 0" not in output

"""Faults around the progress database: damaged files, a newer schema, no room, no permission, no home."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizcli import backups
from quizcli.cli import app
from quizcli.store import SCHEMA_VERSION, Store, StoreError
from quizcli.store.snapshots import verify_copy

from conftest import FIXED_NOW

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


def flip_a_leaf(path: Path, table: str) -> None:
    """Flip 200 bytes at the start of a leaf page of ``table``, as a failing disk might."""
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
        pages = [
            row[0] for row in db.execute("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf'", (table,))
        ]
    data = bytearray(path.read_bytes())
    start = page_size * (pages[len(pages) // 2] - 1)
    data[start : start + 200] = bytes(byte ^ 0xA5 for byte in data[start : start + 200])
    path.write_bytes(bytes(data))


@pytest.fixture
def with_todays_backup(quizcli_home: Path) -> tuple[Path, Path]:
    """A deck in the decks directory, 600 answers to it, and today's backup taken."""
    from quizcli.scheduler import Rating

    from test_store import T0, answer

    decks = quizcli_home / "decks"
    decks.mkdir(parents=True)
    deck = decks / "flash.yaml"
    deck.write_text(DECK, encoding="utf-8")
    from conftest import REPO

    (decks / "quiz.yaml").write_bytes((REPO / "tests" / "fixtures" / "every-kind.yaml").read_bytes())  # to examine
    assert study(deck, *FLASH)[0] == 0  # today's backup
    assert backups.list_backups()
    path = quizcli_home / "progress.db"
    with Store.open(path) as store:
        for n in range(600):
            answer(store, f"c{n % 60}", Rating.GOOD, T0 + timedelta(days=n), deck="flash")
    return deck, path


# Each command, and a table or index it reads (or, for a re-index, none: the check before its first write finds the damage).
DAMAGE_SEEN_BY = {
    "study": (["study", "flash", "--new", "100"], "reviews"),
    "exam": (["exam", "quiz"], "reviews"),
    "stats": (["stats"], "reviews"),
    "optimize": (["optimize"], "reviews"),
    "check": (["check", "flash"], "reviews_by_item"),
    "decks, re-indexing": (["decks"], "reviews"),
}


@pytest.mark.parametrize("command", DAMAGE_SEEN_BY)
def test_every_command_refuses_a_damaged_database_in_one_line_and_never_writes_it(
    with_todays_backup: tuple[Path, Path], command: str
) -> None:
    deck, path = with_todays_backup
    arguments, table = DAMAGE_SEEN_BY[command]
    flip_a_leaf(path, table)
    if command.startswith("decks"):
        deck.write_text(DECK.replace("Front 1'", "Front one'"), encoding="utf-8")
    damaged = path.read_bytes()
    result = runner.invoke(app, arguments, input="\n3\n" * 70 + "\n" * 200)
    output = result.stdout + result.stderr
    assert result.exit_code == 1 and "Traceback" not in output, output
    [line] = [line for line in output.splitlines() if line.startswith("quizcli: error:")]
    assert "is damaged" in line and "quizcli doctor" in line
    assert path.read_bytes() == damaged
    assert not path.with_name("progress.db-wal").exists() or path.with_name("progress.db-wal").stat().st_size == 0


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
        assert store.full_check() is None


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


def test_a_full_disk_at_the_daily_backup_leaves_no_partial_copy_and_no_empty_backup(
    deck: Path, tiny_fs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_quizcli(tiny_fs, deck, *FLASH).returncode == 0
    fill(tiny_fs, 48 * 1024)  # room to open the database (its shared-memory file), not to copy it
    assert (tiny_fs / "progress.db").stat().st_size > 64 * 1024
    monkeypatch.setenv("QUIZCLI_NOW", "2026-11-29T10:00:00+00:00")  # a new day: a backup is due
    result = run_quizcli(tiny_fs, deck, *FLASH)
    assert "Traceback" not in result.stderr
    assert "could not back up the progress database" in result.stderr
    assert sorted(path.name for path in (tiny_fs / "backups").iterdir()) == ["progress-2026-11-28.db"]


# ---- backups: verified before they are published and before they are restored ----------------


def test_concurrent_backups_of_one_day_each_write_their_own_copy_and_publish_one(
    deck: Path, quizcli_home: Path
) -> None:
    import threading

    path = fresh_database(quizcli_home, deck)
    day = backups.list_backups()[0].day + timedelta(days=1)
    start = threading.Barrier(4)
    published: list[object] = []

    def back_up() -> None:
        start.wait()
        published.append(backups.daily_backup(path, day))

    threads = [threading.Thread(target=back_up) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    target = quizcli_home / "backups" / f"progress-{day.isoformat()}.db"
    assert target in published and set(published) <= {target, None}
    assert verify_copy(target) is None
    assert not list((quizcli_home / "backups").glob("*.tmp"))


def test_an_empty_backup_is_never_listed_restored_or_kept_as_the_days_backup(deck: Path, quizcli_home: Path) -> None:
    path = fresh_database(quizcli_home, deck)
    day = backups.list_backups()[0].day + timedelta(days=1)
    empty = quizcli_home / "backups" / f"progress-{day.isoformat()}.db"
    empty.touch()  # what a race in an earlier quizcli could publish
    assert [backup.day for backup in backups.list_backups()] == [day - timedelta(days=1)]
    result = runner.invoke(app, ["doctor", "--restore", day.isoformat(), "--yes"])
    assert result.exit_code == 1 and "no backup" in result.stderr
    assert backups.daily_backup(path, day) == empty and verify_copy(empty) is None


def test_a_backup_that_is_not_a_progress_database_is_refused_before_anything_is_replaced(
    deck: Path, quizcli_home: Path
) -> None:
    path = fresh_database(quizcli_home, deck)
    [backup] = backups.list_backups()
    backup.path.unlink()
    with sqlite3.connect(backup.path) as db:  # sound for SQLite, but holding nothing of quizcli's
        db.execute("CREATE TABLE t (x)")
    before = path.read_bytes()
    result = runner.invoke(app, ["doctor", "--restore", backup.day.isoformat(), "--yes"])
    assert result.exit_code == 1 and "not a progress database" in result.stderr and "choose another" in result.stderr
    assert path.read_bytes() == before and not list(quizcli_home.glob("progress.db.before-restore-*"))


def test_a_partial_copy_is_removed_only_once_no_live_process_can_be_writing_it(quizcli_home: Path) -> None:
    directory = quizcli_home / "backups"
    directory.mkdir(parents=True)
    fresh, stale = directory / "progress-2026-11-28.db.123-456.tmp", directory / "progress-2026-11-27.db.7-8.tmp"
    fresh.write_bytes(b"being written")
    stale.write_bytes(b"")
    old = fresh.stat().st_mtime - backups.STALE_PARTIAL_S - 60
    os.utime(stale, (old, old))
    backups.prune(directory)
    assert fresh.exists() and not stale.exists()


FULL_OUTPUT_COMMANDS = [["show"], ["show", "--json"], ["check"], ["export", "--format", "gift"], ["study"], ["exam"],
                        ["decks"], ["stats"], ["history"], ["schema"], ["doctor"]]  # fmt: skip


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("command", FULL_OUTPUT_COMMANDS, ids=" ".join)
def test_a_full_standard_output_is_one_line_and_exit_1(quizcli_home: Path, command: list[str]) -> None:
    import sys

    quizcli = str(Path(sys.executable).with_name("quizcli"))
    from conftest import REPO

    mixed = REPO / "tests" / "fixtures" / "every-kind.yaml"  # an exam needs questions it can mark
    deck_argument = [str(mixed)] if command[0] in {"show", "check", "export", "study", "exam"} else []
    with open("/dev/full", "w") as full:
        result = subprocess.run([quizcli, command[0], *deck_argument, *command[1:]], input="\n3\n" * 3,
                                stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 1
    assert result.stderr == "quizcli: error: could not write the output: No space left on device\n"


def test_an_exam_result_that_cannot_be_saved_is_still_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk refuses the result (a read-only connection standing in for a full disk): the score is printed,
    then one line says it was not saved."""
    record = Store.record_exam

    def refused(self: Store, exam: object) -> int:
        self._db.execute("PRAGMA query_only = ON")
        return record(self, exam)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "record_exam", refused)
    answers = "".join(f"{letter}\n" for letter in "BBABBBBB")
    result = runner.invoke(app, ["exam", "long-context", "--tag", "lesson-quiz", "--no-shuffle"], input=answers)
    assert result.exit_code == 1 and "Score: 8/8 (100%)" in result.stdout
    assert result.stderr == (
        "quizcli: error: could not save the exam result: attempt to write a readonly database; "
        "the result above was not saved\n"
    )


def test_doctor_on_a_sound_database_in_a_read_only_home_says_ok(
    deck: Path, tiny_fs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_quizcli(tiny_fs, deck, *FLASH).returncode == 0
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_fs)], check=True)
    monkeypatch.setenv("QUIZCLI_HOME", str(tiny_fs))
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 0 and "status: ok" in result.stdout, result.stdout


def test_stats_and_history_read_a_read_only_home_and_never_write_it(
    deck: Path, tiny_fs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_quizcli(tiny_fs, deck, *FLASH).returncode == 0
    monkeypatch.setenv("QUIZCLI_HOME", str(tiny_fs))
    monkeypatch.setenv("QUIZCLI_NOW", FIXED_NOW)
    writable = [runner.invoke(app, [command, "--json"]) for command in ("stats", "history")]
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_fs)], check=True)
    read_only = [runner.invoke(app, [command, "--json"]) for command in ("stats", "history")]
    assert [(r.exit_code, r.stdout) for r in read_only] == [(0, r.stdout) for r in writable]
    assert json.loads(read_only[0].stdout)["cards"]["decks"][0]["learning"] == 1

"""``quizcli doctor``: the report, salvaging a damaged database row by row, daily backups and restoring one."""

from __future__ import annotations

import random
import shutil
import sqlite3
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizcli import backups
from quizcli.cli import app
from quizcli.scheduler import Rating, item_seed, replay
from quizcli.store import SCHEMA_VERSION, Store

from test_store import T0, answer

runner = CliRunner()
DECK = "title: Flash\ncards:\n" + "".join(
    f"  - {{id: c{n}, front: 'Front {n}', back: 'Back {n}'}}\n" for n in range(30)
)


def doctor(*args: str, now: str | None = None) -> tuple[int, str]:
    env = {"QUIZCLI_NOW": now} if now else None
    result = runner.invoke(app, ["doctor", *args], env=env)
    return result.exit_code, result.stdout + result.stderr


def study(tmp_path: Path, now: str | None = None) -> None:
    deck = tmp_path / "flash.yaml"
    deck.write_text(DECK, encoding="utf-8")
    env = {"QUIZCLI_NOW": now} if now else None
    assert runner.invoke(app, ["study", str(deck)], input="\n3\n", env=env).exit_code == 0


def build_log(path: Path, reviews: int = 3000) -> None:
    """A database with a long log: 60 items answered over many days.

    Every answer is its own transaction, as in a session; without waiting for the disk after each one
    (synchronous = OFF, which only a crash of the machine could tell), 3,000 of them take a moment.
    """
    rng = random.Random(7)
    with Store.open(path) as store:
        store._db.execute("PRAGMA synchronous = OFF")
        when = T0
        for _ in range(reviews):
            answer(store, f"item-{rng.randrange(60)}", Rating(rng.randint(1, 4)), when)
            when += timedelta(hours=rng.randint(1, 30))
        store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


@pytest.fixture(scope="module")
def long_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once for the module; each test damages its own copy."""
    path = tmp_path_factory.mktemp("long-log") / "progress.db"
    build_log(path)
    return path


def damage_pages(path: Path, pages: list[int]) -> None:
    data = bytearray(path.read_bytes())
    for page in pages:
        data[4096 * page : 4096 * (page + 1)] = bytes(random.Random(page).randrange(256) for _ in range(4096))
    path.write_bytes(bytes(data))


def readable_reviews(path: Path, ids: list[int]) -> dict[int, tuple[object, ...]]:
    """What can still be read of each review on its own: the most any salvage could recover."""
    db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    found = {}
    for review_id in ids:
        try:
            row = db.execute("SELECT * FROM reviews WHERE id = ?", (review_id,)).fetchone()
        except sqlite3.DatabaseError:
            continue
        if row is not None:
            found[review_id] = row
    db.close()
    return found


def test_a_sound_database_is_reported_with_its_counts_and_backups(quizcli_home: Path, tmp_path: Path) -> None:
    study(tmp_path)
    status, output = doctor()
    assert status == 0
    assert "status: ok (SQLite integrity_check passed" in output and "reviews 1" in output
    assert "backups (1, newest first" in output and "2026-11-28" in output


def test_no_database_yet(quizcli_home: Path) -> None:
    status, output = doctor()
    assert status == 0 and "not created yet" in output and "none yet" in output


def test_repair_refuses_a_sound_database(quizcli_home: Path, tmp_path: Path) -> None:
    study(tmp_path)
    status, output = doctor("--repair")
    assert status == 1 and "nothing to repair" in output


def test_a_newer_database_is_reported_and_never_repaired(quizcli_home: Path, tmp_path: Path) -> None:
    study(tmp_path)
    with sqlite3.connect(quizcli_home / "progress.db") as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    status, output = doctor()
    assert status == 1 and "written by a newer quizcli" in output
    status, output = doctor("--repair")
    assert status == 1 and "upgrade quizcli instead" in output


@pytest.mark.parametrize("pages", [[20], [35, 36], [50, 70, 90]])
def test_repair_keeps_every_readable_review_and_rebuilds_the_states(
    quizcli_home: Path, long_log: Path, pages: list[int]
) -> None:
    path = quizcli_home / "progress.db"
    quizcli_home.mkdir(parents=True)
    shutil.copyfile(long_log, path)
    with sqlite3.connect(path) as db:
        item_of = dict(db.execute("SELECT id, item FROM reviews").fetchall())
        ids = list(item_of)
        original_states = {row[0]: row[1:] for row in db.execute("SELECT item, * FROM cards")}
    damage_pages(path, pages)
    readable = readable_reviews(path, ids)
    status, output = doctor()
    assert status == 1 and "DAMAGED" in output

    status, output = doctor("--repair")
    assert status == 0, output
    assert "moved the damaged database to" in output and (quizcli_home / "progress.db.corrupt-20261128-100000").exists()
    assert not [name.name for name in quizcli_home.glob("*repairing*")]  # nothing left under the working name
    with sqlite3.connect(path) as db:
        salvaged = {row[0]: row for row in db.execute("SELECT * FROM reviews")}
        states = {row[0]: row[1:] for row in db.execute("SELECT item, * FROM cards")}
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert salvaged == readable and len(salvaged) > 0.5 * len(ids)
    with Store.open(path) as store:
        for deck, item in store.logged_items():
            assert replay(store.item_log(deck, item), item_seed(deck, item)) == store.state(deck, item)
    untouched = {item for item in original_states if all(r in salvaged for r in ids if item_of[r] == item)}
    assert untouched and all(states[item] == original_states[item] for item in untouched)
    assert doctor()[0] == 0


def test_repair_of_a_file_of_another_format_salvages_nothing_but_keeps_it(
    quizcli_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a readable schema no rowid is probed (each try would fail): the repair costs no search."""
    probed: list[str] = []

    def probe(db: object, table: str, low: int, high: int | None) -> list[object]:
        probed.append(table)
        return []

    monkeypatch.setattr("quizcli.store.health._probe", probe)
    quizcli_home.mkdir(parents=True)
    (quizcli_home / "progress.db").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(4096))
    status, output = doctor("--repair")
    assert status == 0 and "salvaged reviews: 0 rows" in output
    assert (quizcli_home / "progress.db.corrupt-20261128-100000").read_bytes().startswith(b"\x89PNG")
    assert doctor()[0] == 0 and probed == []


def test_backups_are_daily_the_last_seven_kept(quizcli_home: Path, tmp_path: Path) -> None:
    for day in range(1, 11):
        study(tmp_path, now=f"2026-12-{day:02d}T10:00:00+00:00")
        study(tmp_path, now=f"2026-12-{day:02d}T11:00:00+00:00")  # a second session that day: no second backup
    days = [backup.day.day for backup in backups.list_backups()]
    assert days == [10, 9, 8, 7, 6, 5, 4]


def test_backups_named_by_a_clock_years_ahead_never_push_out_todays(quizcli_home: Path, tmp_path: Path) -> None:
    for day in range(1, 8):
        study(tmp_path, now=f"2030-01-{day:02d}T10:00:00+00:00")  # the clock was wrong for a week
    study(tmp_path, now="2026-12-10T10:00:00+00:00")
    today = quizcli_home / "backups" / "progress-2026-12-10.db"
    taken = today.stat().st_mtime_ns
    study(tmp_path, now="2026-12-10T11:00:00+00:00")  # the day's second session takes no second backup
    assert today.stat().st_mtime_ns == taken
    days = [backup.day.isoformat() for backup in backups.list_backups()]
    assert len(days) == 7 and "2026-12-10" in days and "2030-01-01" not in days  # the first written went first


def test_a_partial_backup_left_by_a_killed_process_is_never_listed(quizcli_home: Path, tmp_path: Path) -> None:
    (quizcli_home / "backups").mkdir(parents=True)
    (quizcli_home / "backups" / "progress-2026-11-28.db.tmp").write_bytes(b"half a copy")
    study(tmp_path)
    [backup] = backups.list_backups()
    assert backup.path.name == "progress-2026-11-28.db"
    assert not (quizcli_home / "backups" / "progress-2026-11-28.db.tmp").exists()


def test_restore_puts_a_backup_back_and_keeps_the_replaced_database(quizcli_home: Path, tmp_path: Path) -> None:
    study(tmp_path, now="2026-12-01T10:00:00+00:00")  # the backup is taken before this answer
    study(tmp_path, now="2026-12-02T10:00:00+00:00")
    assert doctor("--restore", "2026-12-09")[1].count("no backup '2026-12-09'") == 1
    status, output = doctor("--restore", "2026-12-02", "--yes")
    assert status == 0 and "restored the backup of 2026-12-02" in output
    with sqlite3.connect(quizcli_home / "progress.db") as db:
        assert db.execute("SELECT count(*) FROM reviews").fetchone()[0] == 1
    [replaced] = quizcli_home.glob("progress.db.before-restore-*[0-9]")
    with sqlite3.connect(replaced) as db:
        assert db.execute("SELECT count(*) FROM reviews").fetchone()[0] == 2


def test_restore_asks_first_and_refuses_a_damaged_backup(quizcli_home: Path, tmp_path: Path) -> None:
    study(tmp_path)
    result = runner.invoke(app, ["doctor", "--restore", "2026-11-28"], input="n\n")
    assert result.exit_code == 1 and "Replace the progress database" in result.stdout
    backup = quizcli_home / "backups" / "progress-2026-11-28.db"
    backup.write_bytes(b"garbage" * 1000)
    status, output = doctor("--restore", "2026-11-28", "--yes")
    assert status == 1 and "is damaged" in output and "choose another" in output


def test_a_repair_that_lost_rows_points_to_the_newest_backup(tmp_path: Path) -> None:
    from datetime import date

    from quizcli.backups import Backup
    from quizcli.doctor import Repair
    from quizcli.store.health import Salvaged

    backup = Backup(tmp_path / "progress-2026-11-27.db", date(2026, 11, 27), 4096)
    lossy = Repair(tmp_path / "old", {"reviews": Salvaged(10, 0, False)}, 3, backup)
    assert lossy.lines()[-1] == "the backup of 2026-11-27 may hold what was lost: quizcli doctor --restore 2026-11-27"
    whole = Repair(tmp_path / "old", {"reviews": Salvaged(10, 0, True)}, 3, backup)
    assert "backup" not in whole.lines()[-1]


def test_a_repair_keeps_every_column_of_every_table_the_schema_has(tmp_path: Path) -> None:
    """Derived from the migrated schema, so a table or column a future migration adds cannot be forgotten."""
    from quizcli.store.health import REBUILT_TABLES, SALVAGED_TABLES

    with Store.open(tmp_path / "p.db") as store:
        tables = [row["name"] for row in store._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        columns = {
            table: tuple(row["name"] for row in store._db.execute(f"PRAGMA table_info({table})"))
            for table in tables
            if not table.startswith("sqlite_")
        }
    assert set(columns) == set(SALVAGED_TABLES) | set(REBUILT_TABLES)
    assert {table: columns[table] for table in SALVAGED_TABLES} == {
        table: kept.columns for table, kept in SALVAGED_TABLES.items()
    }


def test_salvage_probes_past_the_last_readable_row_only_so_far(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from contextlib import closing

    from quizcli.store.health import _probe
    from quizcli.store.read_only import open_read_only

    monkeypatch.setattr("quizcli.store.health._PROBE_MISSES", 50)
    build_log(tmp_path / "p.db", reviews=30)
    with sqlite3.connect(tmp_path / "p.db") as db:
        db.execute("UPDATE reviews SET id = 1000 WHERE id = 30")  # beyond 50 missing ids in a row
    with closing(open_read_only(tmp_path / "p.db")) as db:
        assert [row["id"] for row in _probe(db, "reviews", ("id",), 10, None)] == list(range(11, 30))
        assert [row["id"] for row in _probe(db, "reviews", ("id",), 10, 2000)] == [*range(11, 30), 1000]


def test_salvage_of_an_older_schema_reads_the_columns_it_has_and_the_new_ones_take_their_defaults(
    tmp_path: Path,
) -> None:
    from quizcli.store.health import _insert_rows, read_salvageable

    old = tmp_path / "v5.db"
    shutil.copyfile(Path(__file__).parent / "fixtures" / "progress-v5.db", old)
    with closing(sqlite3.connect(old)) as db:
        logged = db.execute("SELECT count(*) FROM reviews").fetchone()[0]
    salvaged = read_salvageable(old)
    reviews, complete = salvaged["reviews"]
    assert complete and len(reviews) == logged > 0 and "uid" not in reviews[0].keys()
    assert salvaged["sync_identity"] == ([], True)  # a table migration 11 added: nothing to read
    with Store.open(tmp_path / "new.db") as store:
        assert _insert_rows(store._db, "settings", salvaged["settings"][0]) > 0
        assert _insert_rows(store._db, "reviews", reviews) == logged
        assert (
            store._db.execute("SELECT count(*) FROM reviews WHERE uid IS NULL AND due_shift = 0").fetchone()[0]
            == logged
        )


def test_repair_reads_past_a_damaged_header(quizcli_home: Path, long_log: Path) -> None:
    """SQLite refuses a file without its 16-byte magic string; every page after it is still read."""
    quizcli_home.mkdir(parents=True)
    path = quizcli_home / "progress.db"
    shutil.copyfile(long_log, path)
    data = bytearray(path.read_bytes())
    data[:16] = bytes(range(16))
    path.write_bytes(bytes(data))
    status, output = doctor("--repair")
    assert status == 0 and "salvaged reviews: 3000 rows" in output, output
    assert not list(quizcli_home.glob("*salvage*"))


def test_a_schema_version_quizcli_never_writes_is_damage_that_doctor_reports_and_repairs(
    quizcli_home: Path, tmp_path: Path
) -> None:
    study(tmp_path)
    with sqlite3.connect(quizcli_home / "progress.db") as db:
        db.execute("PRAGMA user_version = -5")
    result = runner.invoke(app, ["study", str(tmp_path / "flash.yaml")], input="\n3\n")
    assert result.exit_code == 1 and "schema version (-5)" in result.stderr and "quizcli doctor" in result.stderr
    status, output = doctor()
    assert status == 1 and "DAMAGED" in output and "--restore 2026-11-28" in output
    status, output = doctor("--repair")
    assert status == 0 and "salvaged reviews: 1 rows" in output
    study(tmp_path)


def test_an_emptied_database_with_backups_is_not_a_new_start(quizcli_home: Path, tmp_path: Path) -> None:
    study(tmp_path)
    (quizcli_home / "progress.db").write_bytes(b"")
    for suffix in ("-wal", "-shm"):
        (quizcli_home / f"progress.db{suffix}").unlink(missing_ok=True)
    result = runner.invoke(app, ["study", str(tmp_path / "flash.yaml")], input="\n3\n")
    assert result.exit_code == 1 and "is empty (0 bytes), but backups exist" in result.stderr
    assert "quizcli doctor --restore 2026-11-28" in result.stderr
    assert (quizcli_home / "progress.db").stat().st_size == 0
    status, output = doctor()
    assert status == 1 and "the file is empty" in output

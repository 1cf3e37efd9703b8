"""SIGKILL at random moments of ``quizcli sync``: nothing is lost, nothing is half-merged, the next sync completes it.

Each run starts from the same database (this device's own answers, not synced yet), with
another device's segment waiting in the folder, and kills ``quizcli sync`` after a random
delay up to 1.2 times an unkilled sync's time.  After every kill the database must pass
``integrity_check`` and be either as it was or wholly merged; the next, unkilled sync must
end with every review of both devices exactly once and every card state equal to the
replay of its log.  Segments left by killed runs stay in the folder, as they would: the
other device must still count this device's answers once.  ``QUIZCLI_STRESS_SEED`` replays
a campaign.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sync_devices import Device

from quizcli.clock import to_text
from quizcli.scheduler import Rating

pytestmark = pytest.mark.stress
QUIZCLI = str(Path(sys.executable).with_name("quizcli"))
SEED = int(os.environ.get("QUIZCLI_STRESS_SEED") or random.SystemRandom().randrange(2**32))
T0 = datetime.fromisoformat("2026-11-28T10:00:00+00:00")
RUNS = 20


def run_sync(home: Path, folder: Path, when: datetime) -> subprocess.Popen[bytes]:
    env = {**os.environ, "QUIZCLI_HOME": str(home), "QUIZCLI_NOW": to_text(when)}
    return subprocess.Popen([QUIZCLI, "sync", str(folder)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def reviews(home: Path) -> list[str]:
    with sqlite3.connect(home / "progress.db") as db:
        return [row[0] for row in db.execute("SELECT uid FROM reviews WHERE uid IS NOT NULL")]


def test_a_killed_sync_loses_nothing_and_the_next_completes_it(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    print(f"QUIZCLI_STRESS_SEED={SEED}")
    folder = tmp_path / "folder"
    other, this = Device(tmp_path / "other"), Device(tmp_path / "this")
    other.sync(folder, T0)
    this.sync(folder, T0)
    for n in range(400):
        other.answer("d", f"o{n % 40}", Rating(1 + n % 4), T0 + timedelta(hours=n))
    for n in range(60):
        this.answer("d", f"o{n % 50}", Rating.GOOD, T0 + timedelta(hours=n, minutes=30))
    other.sync(None, T0 + timedelta(days=30))
    pristine = tmp_path / "pristine.db"
    shutil.copy(this.home / "progress.db", pristine)
    started = time.monotonic()
    assert run_sync(this.home, folder, T0 + timedelta(days=31)).wait() == 0
    full = time.monotonic() - started
    killed = 0
    for run in range(RUNS):
        for suffix in ("", "-wal", "-shm"):
            (this.home / f"progress.db{suffix}").unlink(missing_ok=True)
        shutil.copy(pristine, this.home / "progress.db")
        process = run_sync(this.home, folder, T0 + timedelta(days=32 + run))
        time.sleep(rng.uniform(0, full * 1.2))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            killed += 1
        process.wait()
        with sqlite3.connect(this.home / "progress.db") as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert len(reviews(this.home)) in (0, 460), "a half-merged sync"  # before the sync, or after it whole
        finish = run_sync(this.home, folder, T0 + timedelta(days=32 + run, hours=1))
        assert finish.wait() == 0, finish.stderr.read() if finish.stderr else ""
        uids = reviews(this.home)
        assert len(uids) == len(set(uids)) == 460
        assert this.progress()["cards"] == this.replayed_union()
    other.sync(None, T0 + timedelta(days=60))
    assert len(other.progress()["reviews"]) == 460
    assert other.progress()["cards"] == other.replayed_union()
    print(f"{RUNS} syncs started, {killed} killed, {len(list(folder.rglob('*.jsonl')))} segment files left")

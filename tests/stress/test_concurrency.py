"""Two and four ``quizcli study`` processes racing on one database, on the same deck or on different decks.

Every race starts on a just-edited deck, so the processes also race to rebuild the deck index.
Each answers as fast as it reads (a pipe in line mode, all answers written ahead) until its
queue is empty.  Then: every process exited 0, no output mentions a locked database, the log
holds exactly the answers the processes reported, and replaying each item's log gives its
stored state even where two processes answered the same card (the store re-bases an answer
on the state another process saved meanwhile).  Each race is also the first of a new day, so the
processes race to take the day's backup too.
"""

from __future__ import annotations

import os
import random
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from quizcli.scheduler import item_seed, replay
from quizcli.store import Store
from quizcli.store.snapshots import verify_copy

QUIZCLI = str(Path(sys.executable).with_name("quizcli"))
SEED = int(os.environ.get("QUIZCLI_STRESS_SEED") or random.SystemRandom().randrange(2**32))
STUDIED = re.compile(r"Studied (\d+) cards?")

pytestmark = [
    pytest.mark.stress,
    pytest.mark.skipif(not Path(QUIZCLI).exists(), reason="needs the installed quizcli script"),
]


def write_deck(path: Path, edition: int) -> None:
    cards = "".join(f"  - {{id: c{n}, front: 'Front {n} v{edition}', back: 'Back {n}'}}\n" for n in range(20))
    path.write_text(f"title: Race {path.stem}\ncards:\n{cards}", encoding="utf-8")


def race(home: Path, decks: list[Path], rng: random.Random, day: int) -> tuple[int, int]:
    """One race; returns (answers the processes reported, rows the log gained)."""
    env = dict(os.environ, QUIZCLI_HOME=str(home), QUIZCLI_NOW=f"2026-12-{day + 1:02d}T10:00:00+00:00", NO_COLOR="1")
    before = log_rows(home)
    children = [
        subprocess.Popen(
            [QUIZCLI, "study", str(deck), "--ahead", "--new", "100"],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        for deck in decks
    ]
    reported = 0
    for child in children:
        answers = "".join(f"\n{rng.choice('1234')}\n" for _ in range(60))
        out, err = child.communicate(answers.encode(), timeout=120)
        text = out.decode() + err.decode()
        assert child.returncode == 0, f"seed {SEED}: {text}"
        assert "locked" not in text and "Traceback" not in text, f"seed {SEED}: {text}"
        assert "could not back up" not in text, f"seed {SEED}: {text}"
        reported += int(found.group(1)) if (found := STUDIED.search(text)) else 0
    check_backup(home, day)
    return reported, log_rows(home) - before


def check_backup(home: Path, day: int) -> None:
    """Every race starts a new day: its processes all race to take the day's backup, and exactly one
    sound copy is published, with no temporary copy left behind."""
    backup = home / "backups" / f"progress-2026-12-{day + 1:02d}.db"
    assert verify_copy(backup) is None, f"seed {SEED}, day {day}: {verify_copy(backup)}"
    assert [path.name for path in (home / "backups").iterdir() if ".tmp" in path.name] == []


def log_rows(home: Path) -> int:
    path = home / "progress.db"
    if not path.exists():
        return 0
    with sqlite3.connect(path) as db:
        return int(db.execute("SELECT count(*) FROM reviews").fetchone()[0])


def check_states(home: Path) -> None:
    with Store.open(home / "progress.db") as store:
        for deck, item in store.logged_items():
            assert replay(store.item_log(deck, item), item_seed(deck, item)) == store.state(deck, item), (deck, item)
        rows = store._db.execute("SELECT count(*), count(DISTINCT id) FROM reviews").fetchone()
        assert rows[0] == rows[1]


@pytest.mark.parametrize("processes", [2, 4])
@pytest.mark.parametrize("same_deck", [True, False], ids=["same-deck", "different-decks"])
def test_racing_sessions_lose_and_duplicate_nothing(tmp_path: Path, processes: int, same_deck: bool) -> None:
    rng = random.Random(SEED + processes + 10 * same_deck)
    home = tmp_path / "home"
    paths = [tmp_path / ("shared.yaml" if same_deck else f"deck-{n}.yaml") for n in range(processes)]
    total_reported = total_logged = 0
    for day in range(6):
        for path in set(paths):
            write_deck(path, day)  # edited before every race: the index is rebuilt concurrently
        reported, logged = race(home, paths, rng, day)
        assert reported == logged, f"seed {SEED}, day {day}: {reported} answers reported, {logged} logged"
        total_reported += reported
        total_logged += logged
    check_states(home)
    print(f"\nseed {SEED}: {processes} processes, {'same deck' if same_deck else 'different decks'}: "
          f"6 races, {total_reported} answers, {total_logged} logged")  # fmt: skip
    assert total_reported > 60 * processes

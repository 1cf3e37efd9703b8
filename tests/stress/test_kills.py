"""SIGKILL at random moments of study sessions and exams: nothing answered is ever lost or half-written.

Each run spawns the installed ``quizcli`` (through a pipe in line mode, or in a pseudo-terminal
in key mode), feeds it answers as fast as it reads them, and kills it after a random delay:
during start-up, the migrations, the deck index, the daily backup, an answer's commit or an
exam's.  After every kill the database must pass ``PRAGMA integrity_check``; every answer
whose next card had appeared on screen must be in the log (the header's ``done N`` counts
them); replaying each item's log must give exactly its stored state; an exam is saved with
all its questions or not at all; and every backup must be sound.  The runs share one
database, so it grows as a real one does; each run is a day later than the last, so each
one makes a backup.  The RNG is seeded: set ``QUIZCLI_STRESS_SEED`` to replay a campaign.
"""

from __future__ import annotations

import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pexpect
import pytest

from quizcli.backups import list_backups
from quizcli.scheduler import item_seed, replay
from quizcli.store import Store
from quizcli.store.health import examine

QUIZCLI = str(Path(sys.executable).with_name("quizcli"))
SEED = int(os.environ.get("QUIZCLI_STRESS_SEED") or random.SystemRandom().randrange(2**32))
START = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
FLASHCARDS = "title: Kill Deck\ncards:\n" + "".join(
    f"  - {{id: card-{n}, front: 'Front {n}', back: 'Back {n}'}}\n" for n in range(100)
)
EXAM_DECK = "title: Exam Deck\ncards:\n" + "".join(
    f"  - {{id: q{n}, question: 'Pick {n}', choices: [one, two, three], answer: {'ABC'[n % 3]}}}\n" for n in range(12)
)
DONE = re.compile(r"done (\d+)")
EXAM_SECONDS: dict[Path, float] = {}  # how long a whole exam takes in each campaign home, killed nowhere
STUDY_SECONDS: dict[Path, float] = {}  # how long a first study session takes to its first card in each home

pytestmark = [
    pytest.mark.stress,
    pytest.mark.skipif(not Path(QUIZCLI).exists(), reason="needs the installed quizcli script"),
]


@dataclass
class Tally:
    runs: int = 0
    kills: int = 0
    answers_seen: int = 0
    logged: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, killed: bool, seen: int, logged: int) -> None:
        with self.lock:
            self.runs += 1
            self.kills += int(killed)
            self.answers_seen += seen
            self.logged += logged


def environment(home: Path, day: int) -> dict[str, str]:
    now = START + timedelta(days=day, hours=day % 5)
    return dict(os.environ, QUIZCLI_HOME=str(home), QUIZCLI_NOW=now.isoformat(), NO_COLOR="1", TERM="xterm",
                COLUMNS="80")  # fmt: skip


def review_count(home: Path) -> int:
    path = home / "progress.db"
    if not path.exists():
        return 0
    with sqlite3.connect(path) as db:
        try:
            return int(db.execute("SELECT count(*) FROM reviews").fetchone()[0])
        except sqlite3.OperationalError:  # killed before the first migration committed
            return 0


def check_database(home: Path, context: str) -> None:
    """Integrity, the log rebuilding every state, exams whole, backups sound."""
    path = home / "progress.db"
    if not path.exists():
        return
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)], context
    with Store.open(path) as store:
        logged = store.logged_items()
        for deck, item in logged:
            assert replay(store.item_log(deck, item), item_seed(deck, item)) == store.state(deck, item), context
        assert len(logged) == sum(len(store.states(deck)) for deck in {d for d, _ in logged}), context
        for attempt in store.exam_attempts():
            answers = store._db.execute("SELECT count(*) FROM exam_answers WHERE exam = ?", (attempt.id,))
            assert answers.fetchone()[0] == attempt.total, context
    for backup in list_backups(home / "backups"):
        assert examine(backup.path).problem is None, f"{context}: backup {backup.path}"


def study_lines(rng: random.Random, answers: int) -> str:
    return "".join(f"\n{rng.choice('1234')}\n" for _ in range(answers))


def run_and_kill(
    args: list[str], env: dict[str, str], feed: str, end_input: bool, delay: float, after: str | None = None
) -> tuple[bool, str]:
    """Start quizcli on a pipe, write ``feed`` (then end the input, or keep it open), SIGKILL it after ``delay``,
    counted from when it printed ``after`` (from the start when None, or when it never does).

    Returns whether it was still running when killed, and everything it printed.
    """
    child = subprocess.Popen([QUIZCLI, *args], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)  # fmt: skip
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write(feed.encode())
    child.stdin.flush()
    if end_input:
        child.stdin.close()
    printed = b""
    while after is not None and after.encode() not in printed:
        chunk = os.read(child.stdout.fileno(), 65536)
        if not chunk:
            break
        printed += chunk
    time.sleep(delay)
    killed = child.poll() is None
    child.kill()
    output = (printed + child.stdout.read()).decode("utf-8", "replace")
    child.wait()
    if not end_input:
        child.stdin.close()
    return killed, output


def kill_study_by_pipe(home: Path, day: int, rng: random.Random, tally: Tally) -> None:
    """Answers written ahead into the pipe, which stays open, so the process is always alive to kill."""
    before = review_count(home)
    args = ["study", str(home / "kill.yaml"), "--ahead", "--new", "100", "--limit", "100000"]
    answered = rng.randrange(8)  # killed in start-up (0), or once the card after this many answers is up
    if answered == 0:
        delay, after = rng.uniform(0.0, 1.2 * STUDY_SECONDS[home]), None
    else:
        delay, after = rng.uniform(0.0, 0.05), f"done {answered}"  # often in the next answer's commit
    killed, output = run_and_kill(args, environment(home, day), study_lines(rng, 80), False, delay, after)
    settle(home, before, output, killed, tally, f"seed {SEED}, study day {day}")


def kill_study_in_a_terminal(home: Path, day: int, rng: random.Random, tally: Tally) -> None:
    """Key mode: once the first card is up, keys are typed ahead; what was drawn is read back until the kill."""
    before = review_count(home)
    args = ["study", str(home / "kill.yaml"), "--ahead", "--new", "100", "--limit", "100000"]
    child = pexpect.spawn(QUIZCLI, args, env=environment(home, day), dimensions=(24, 80), encoding="utf-8")
    child.expect("show answer", timeout=30)  # keys typed before the screen is up are flushed with the line buffer
    output = (child.before or "") + (child.after if isinstance(child.after, str) else "")
    child.send("".join(f" {rng.choice('1234')}" for _ in range(60)))
    child.expect([pexpect.TIMEOUT, pexpect.EOF], timeout=rng.uniform(0.0, 0.2))
    killed = child.isalive()
    output += child.before or ""
    child.kill(signal.SIGKILL)
    child.expect(pexpect.EOF)  # what it drew before dying, still in the terminal's buffer
    output += child.before or ""
    child.close(force=True)
    settle(home, before, output, killed, tally, f"seed {SEED}, terminal day {day}")


def settle(home: Path, before: int, output: str, killed: bool, tally: Tally, context: str) -> None:
    assert "Traceback" not in output, f"{context}\n{output}"
    seen = max((int(n) for n in DONE.findall(output)), default=0)
    after = review_count(home)
    # Answered and the next card shown => logged; at most the answer in flight besides.
    assert seen <= after - before <= seen + 1, f"{context}: saw {seen} answered, log grew by {after - before}"
    check_database(home, context)
    tally.add(killed, seen, after - before)


UNCUT_EVERY = 5  # one exam in this many runs to the end: it re-times a whole exam as the machine's load changes


def kill_exam(home: Path, day: int, rng: random.Random, tally: Tally) -> None:
    """Answer every question and submit (end of input), killed at a random moment, often mid-save.

    Every `UNCUT_EVERY`th run is not killed: its time becomes the window the next kills are drawn
    from, so the kill moments keep spanning a whole exam when the machine gets slower or faster.
    """
    with sqlite3.connect(home / "progress.db") as db:
        exams_before = db.execute("SELECT count(*) FROM exams").fetchone()[0]
    args = ["exam", str(home / "exam.yaml"), "--seed", str(day), "--no-shuffle"]
    answers = "".join(f"{rng.choice('ABC')}\n" for _ in range(12))
    if day % UNCUT_EVERY == UNCUT_EVERY - 1:
        started = time.monotonic()
        uncut = subprocess.run([QUIZCLI, *args], input=answers.encode(), env=environment(home, day),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)  # fmt: skip
        EXAM_SECONDS[home] = time.monotonic() - started
        killed, output = False, uncut.stdout.decode("utf-8", "replace")
        assert uncut.returncode in (0, 1) and "Score:" in output, output
    else:
        delay = rng.uniform(0.0, EXAM_SECONDS[home])  # anywhere in a whole exam, as fast as the machine is now
        killed, output = run_and_kill(args, environment(home, day), answers, True, delay)
    context = f"seed {SEED}, exam day {day}"
    assert "Traceback" not in output, f"{context}\n{output}"
    with sqlite3.connect(home / "progress.db") as db:
        saved = db.execute("SELECT count(*) FROM exams").fetchone()[0] - exams_before
    assert saved in (0, 1), context
    if "Score:" in output:  # printed only after the result was committed
        assert saved == 1, context
    check_database(home, context)
    tally.add(killed, int("Score:" in output), saved)


def campaign(runs: int, action: Callable[[Path, int, random.Random, Tally], None], tmp_path: Path, lanes: int = 2,
             prepare: Callable[[Path], None] | None = None) -> Tally:  # fmt: skip
    """``runs`` killed runs split over ``lanes`` homes driven side by side (one process per home at a time)."""
    tally = Tally()
    failures: list[BaseException] = []

    def lane(number: int) -> None:
        rng = random.Random(SEED * 31 + number)
        home = tmp_path / f"lane-{number}"
        home.mkdir()
        (home / "kill.yaml").write_text(FLASHCARDS, encoding="utf-8")
        (home / "exam.yaml").write_text(EXAM_DECK, encoding="utf-8")
        if prepare is not None:
            prepare(home)
        try:
            for day in range(runs // lanes):
                action(home, day, rng, tally)
        except BaseException as error:  # reported by the main thread
            failures.append(error)

    threads = [threading.Thread(target=lane, args=(n,)) for n in range(lanes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    print(f"\nseed {SEED}: {tally.runs} runs, {tally.kills} killed mid-run, {tally.answers_seen} answers seen, "
          f"{tally.logged} logged")  # fmt: skip
    return tally


def test_killing_study_sessions_through_a_pipe_loses_nothing(tmp_path: Path) -> None:
    def first_session(home: Path) -> None:
        """Creates the database and indexes the deck, and times a session to its first card (then end of input)."""
        started = time.monotonic()
        subprocess.run([QUIZCLI, "study", str(home / "kill.yaml")], input=b"", env=environment(home, 0),
                       capture_output=True, check=True)  # fmt: skip
        STUDY_SECONDS[home] = time.monotonic() - started

    tally = campaign(100, kill_study_by_pipe, tmp_path, prepare=first_session)
    assert tally.kills >= 95 and tally.answers_seen > 250


def test_killing_study_sessions_in_a_terminal_loses_nothing(tmp_path: Path) -> None:
    tally = campaign(40, kill_study_in_a_terminal, tmp_path)
    assert tally.kills >= 30 and tally.answers_seen > 40


def test_killing_exams_saves_each_one_whole_or_not_at_all(tmp_path: Path) -> None:
    def first_exam(home: Path) -> None:
        """Creates the database, so every run counts exams from a known start, and times a whole exam."""
        environment_ = environment(home, 0)
        started = time.monotonic()
        subprocess.run([QUIZCLI, "exam", str(home / "exam.yaml"), "--seed", "0"], input=b"", env=environment_,
                       capture_output=True, check=True)  # fmt: skip
        EXAM_SECONDS[home] = time.monotonic() - started

    tally = campaign(80, kill_exam, tmp_path, prepare=first_exam)
    # How many runs the kill catches before the end depends on the machine's speed from one run to the next: a
    # campaign only has to have killed some, and seen some exams through (every `UNCUT_EVERY`th one).
    assert tally.kills > 0 and tally.answers_seen >= 80 // UNCUT_EVERY

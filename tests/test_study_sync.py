"""``sync = "auto"``: a study session syncs beside its first card and after its summary, never holding the card.

The in-process tests run `quizcli study` through CliRunner with a real sync folder and a second device
(tests/sync_devices.py); where the order of events matters they make the sync slow on purpose (it waits for
the first card) and assert on the order events were recorded in, never on a clock.  The terminal tests run
the installed script in a pseudo-terminal against a git remote that hangs.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pexpect
import pytest
from sync_devices import Device
from terminal import QUIZCLI, finish, spawn_quizcli
from typer.testing import CliRunner

from quizcli import terminal
from quizcli.cli import app
from quizcli.commands import study_sync
from quizcli.commands.sync import SyncReport
from quizcli.scheduler import Rating
from quizcli.sync import folder as sync_folder

from conftest import FIXED_NOW, write_deck

runner = CliRunner()
NOW = datetime.fromisoformat(FIXED_NOW)
DECK = "title: Flash\ncards:\n" + "".join(f"  - {{id: c{n}, front: 'Front {n}', back: 'Back {n}'}}\n" for n in range(4))
EASY = ["", "4"]  # reveal, Easy: the card leaves the session
WAIT_S = 60  # how long a hook waits for the other side before giving up (only reached when the order is wrong)


@pytest.fixture
def deck(tmp_path: Path) -> Path:
    return write_deck(tmp_path, "flash", DECK)


@pytest.fixture
def shared(tmp_path: Path) -> Path:
    return tmp_path / "Sync"


def auto_sync(home: Path, folder: Path | None, there: bool = True) -> None:
    """``sync = "auto"`` in the home's config file, with ``folder`` as the remembered sync folder (made unless not
    ``there``)."""
    home.mkdir(parents=True, exist_ok=True)
    if folder is not None and there:
        folder.mkdir(parents=True, exist_ok=True)
    remembered = "" if folder is None else f'[sync]\nfolder = "{folder}"\n'
    (home / "config.toml").write_text(f'[study]\nsync = "auto"\n{remembered}', encoding="utf-8")


def study(deck: Path, *lines: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["study", str(deck)], input="\n".join(lines) + "\n")
    return result.exit_code, result.stdout, result.stderr


def logged(home: Path) -> list[str]:
    return [row[0] for row in sqlite3.connect(home / "progress.db").execute("SELECT item FROM reviews ORDER BY id")]


class Events:
    """What happened, in order, across the session's thread and the sync's."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.first_card = threading.Event()

    def add(self, event: str) -> None:
        self.seen.append(event)


@pytest.fixture
def events(monkeypatch: pytest.MonkeyPatch) -> Iterator[Events]:
    """The first card on screen (the session's first read of its input) is an event; the sync reads the folder
    only once it has happened, then finishes before the session reads its second line, so what the sync
    changed is taken in before the second card."""
    happened, syncs = Events(), []
    real_files, real_start, real_input = sync_folder.segment_files, study_sync.StartSync.__init__, terminal.open_input

    def slow_files(folder: Path) -> list[sync_folder.SegmentFile]:
        if threading.current_thread().name != "quizcli-sync":  # another device's sync, run by the test
            return real_files(folder)
        happened.add("sync waits for the first card")
        if not happened.first_card.wait(WAIT_S):
            happened.add("sync gave up waiting")
        happened.add("sync reads the folder")
        return real_files(folder)

    def started(self: study_sync.StartSync, deck: str) -> None:
        syncs.append(self)
        real_start(self, deck)

    def opened() -> terminal.Input:
        keys = real_input()
        read = keys.key

        def key(timeout: float | None = None) -> str:
            reads = happened.seen.count("session reads a line")
            if reads == 0:
                happened.add("first card on screen")
                happened.first_card.set()
            elif reads == 1 and syncs:
                syncs[0].wait()
            happened.add("session reads a line")
            return read(timeout)

        keys.key = key  # type: ignore[method-assign]
        return keys

    monkeypatch.setattr(sync_folder, "segment_files", slow_files)
    monkeypatch.setattr(study_sync.StartSync, "__init__", started)
    monkeypatch.setattr(terminal, "open_input", opened)
    yield happened


def test_the_first_card_does_not_wait_for_a_slow_sync(
    quizcli_home: Path, deck: Path, shared: Path, events: Events
) -> None:
    auto_sync(quizcli_home, shared)
    status, _, _ = study(deck, *EASY)
    assert status == 0
    assert "sync gave up waiting" not in events.seen
    assert events.seen.index("first card on screen") < events.seen.index("sync reads the folder")


def test_a_session_syncs_as_it_starts_and_again_after_its_summary(
    quizcli_home: Path, deck: Path, shared: Path, tmp_path: Path, events: Events
) -> None:
    desktop = Device(tmp_path / "desktop")
    desktop.answer("flash", "c2", Rating.EASY, NOW - timedelta(days=1))
    desktop.sync(shared, NOW - timedelta(days=1))
    auto_sync(quizcli_home, shared)
    status, output, errors = study(deck, *EASY * 3)
    assert (status, errors) == (0, "")
    assert "Front 2" not in output  # answered on the desktop, merged while the first card was on screen
    summary = output.index("Session over")
    assert "Studied 3 cards" in output[summary:]
    start = output.index(f"At the start: Synced with {shared}. In: 1 review from 1 segment file; 1 card rescheduled.")
    end = output.index(f"After the session: Synced with {shared}. In: nothing new. Out: 3 reviews in devices/")
    assert summary < start < end
    assert desktop.sync(None, NOW).lines[-2] == "In: 3 reviews from 1 segment file; 3 cards rescheduled."
    assert sorted(logged(quizcli_home)) == ["c0", "c1", "c2", "c3"]


def test_with_nothing_due_the_sync_at_the_start_is_told(quizcli_home: Path, deck: Path, shared: Path) -> None:
    auto_sync(quizcli_home, shared)
    assert study(deck, *EASY * 4)[0] == 0
    status, output, _ = study(deck)
    assert status == 0 and "Nothing due" in output
    assert f"At the start: Synced with {shared}. In: nothing new. Out: nothing new." in output
    assert "After the session" not in output  # nothing left to send


def test_a_sync_folder_that_is_not_there_is_one_warning_and_the_answers_are_kept(
    quizcli_home: Path, deck: Path, tmp_path: Path
) -> None:
    gone = tmp_path / "unmounted-share"
    auto_sync(quizcli_home, gone, there=False)
    status, output, errors = study(deck, *EASY * 4)
    assert status == 0 and "Studied 4 cards" in output
    assert errors.splitlines() == [
        f"quizcli: warning: not synced: the sync folder {gone} is not there (a share not mounted, a disk not plugged"
        " in?); if it moved, give its new place: 'quizcli sync FOLDER'; this session's answers are kept here and go"
        " out with the next sync"
    ]
    assert len(logged(quizcli_home)) == 4 and not gone.exists()


def test_without_a_sync_folder_it_says_how_to_give_one(quizcli_home: Path, deck: Path) -> None:
    auto_sync(quizcli_home, None)
    status, _, errors = study(deck, *EASY)
    assert status == 0
    assert errors.startswith("quizcli: warning: not synced: no sync folder yet: give one, 'quizcli sync FOLDER'")


def test_a_sync_failing_after_the_session_is_a_warning_and_the_answers_go_out_next_time(
    quizcli_home: Path, deck: Path, shared: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, events: Events
) -> None:
    auto_sync(quizcli_home, shared)
    real, away = study_sync.sync_remembered, tmp_path / "away"

    def share_gone_after_the_start() -> SyncReport:
        report = real()
        shared.rename(away)  # the share went away during the session
        return report

    monkeypatch.setattr(study_sync, "sync_remembered", share_gone_after_the_start)
    status, output, errors = study(deck, *EASY * 2)
    assert status == 0 and "At the start: Synced with" in output
    assert errors.startswith(f"quizcli: warning: not synced: the sync folder {shared} is not there")
    assert errors.rstrip().endswith("this session's answers are kept here and go out with the next sync")
    assert len(errors.splitlines()) == 1
    monkeypatch.setattr(study_sync, "sync_remembered", real)
    away.rename(shared)
    assert study(deck, *EASY)[0] == 0  # the next session's syncs send them with its own answer
    assert Device(tmp_path / "desktop").sync(shared, NOW).lines[-2].startswith("In: 3 reviews")


def test_a_sync_failing_as_the_session_starts_is_told_after_the_summary_and_the_sync_after_it_sends(
    quizcli_home: Path, deck: Path, shared: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    auto_sync(quizcli_home, shared, there=False)
    real = study_sync.sync_remembered

    def share_back_after_the_start() -> SyncReport:
        try:
            return real()
        finally:
            shared.mkdir(exist_ok=True)  # mounted during the session

    monkeypatch.setattr(study_sync, "sync_remembered", share_back_after_the_start)
    status, output, errors = study(deck, *EASY)
    assert status == 0
    assert errors.splitlines() == [f"quizcli: warning: the sync as the session started failed: the sync folder"
                                   f" {shared} is not there (a share not mounted, a disk not plugged in?); if it moved,"
                                   " give its new place: 'quizcli sync FOLDER'"]  # fmt: skip
    assert f"After the session: Synced with {shared}. In: nothing new. Out: 1 review in devices/" in output


# ---- in a terminal, with a git remote that hangs ---------------------------------------------------------------

needs_git_and_script = pytest.mark.skipif(
    shutil.which("git") is None or not Path(QUIZCLI).exists() or sys.platform == "win32",
    reason="needs git, a POSIX shell and the installed quizcli script",
)
# Stands for ssh to a remote that does not answer: it says whether it could open the terminal (to ask for a
# passphrase, say) and that it was reached, then waits (Ctrl-C ignored) until the test lets it go, and fails as an
# unreachable remote does; it says so when it is stopped.
HANGING_SSH = """#!/bin/sh
trap '' INT
trap 'echo stopped >> "{log}"; exit 143' TERM
if (: < /dev/tty) 2>/dev/null; then echo "with the terminal" >> "{log}"; else echo "without a terminal" >> "{log}"; fi
echo connecting >> "{log}"
while [ ! -e "{release}" ]; do sleep 0.05; done
echo "ssh: connect to host example.invalid port 22: Connection timed out" >&2
exit 255
"""


class HangingRemote:
    """A home whose config syncs a git clone as a session starts (``--git`` remembered), and whose remote is
    reached through an ssh that hangs until `release`."""

    def __init__(self, root: Path) -> None:
        self.home, self.log, self.release = root / "home", root / "ssh.log", root / "release"
        script = root / "hanging-ssh"
        script.write_text(HANGING_SSH.format(log=self.log, release=self.release), encoding="utf-8")
        script.chmod(0o755)
        self.env = dict(os.environ, QUIZCLI_HOME=str(self.home), QUIZCLI_NOW=FIXED_NOW, NO_COLOR="1", TERM="xterm",
                        COLUMNS="100", GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=str(root / "gitconfig"))  # fmt: skip
        (root / "gitconfig").write_text("[init]\n\tdefaultBranch = main\n", encoding="utf-8")
        bare, clone = root / "progress.git", root / "clone"
        for args in (["init", "--quiet", "--bare", str(bare)], ["clone", "--quiet", str(bare), str(clone)]):
            subprocess.run(["git", *args], check=True, env=self.env, capture_output=True)
        subprocess.run([QUIZCLI, "sync", str(clone), "--git"], check=True, env=self.env, capture_output=True)
        with (self.home / "config.toml").open("a", encoding="utf-8") as config:
            config.write('\n[study]\nsync = "auto"\n')
        remote = ["git", "-C", str(clone), "remote", "set-url", "origin", "ssh://example.invalid/progress.git"]
        subprocess.run(remote, check=True, env=self.env)
        self.env["GIT_SSH_COMMAND"] = str(script)

    def study(self, deck: Path, preexec_fn: Callable[[], None] | None = None) -> pexpect.spawn[str]:
        child = spawn_quizcli(["study", str(deck)], self.env, columns=100, timeout=20, preexec_fn=preexec_fn)
        self.screen = child.logfile_read = io.StringIO()
        return child

    def said(self, what: str) -> bool:
        return self.log.exists() and what in self.log.read_text(encoding="utf-8").splitlines()

    def logged(self) -> list[str]:
        return [row[0] for row in sqlite3.connect(self.home / "progress.db").execute("SELECT item FROM reviews")]


@pytest.fixture
def hanging(tmp_path: Path) -> Iterator[HangingRemote]:
    remote = HangingRemote(tmp_path)
    yield remote
    remote.release.touch()  # lets any ssh still waiting end


def wait_until(condition: Callable[[], bool]) -> None:
    """Poll for something another process does (the test's own pace: nothing is asserted on the time taken)."""
    done = threading.Event()
    for _ in range(WAIT_S * 20):
        if condition():
            return
        done.wait(0.05)
    raise AssertionError(f"it never happened: {condition}")


def answer_easy(child: pexpect.spawn[str], *cards: int) -> None:
    for n in cards:
        child.expect(f"Front {n}")
        child.send(" ")
        child.expect(f"Back {n}")
        child.send("4")


def assert_left_while_hanging(child: pexpect.spawn[str], hanging: HangingRemote) -> None:
    """The session ended after Ctrl-C (130) though the remote still hangs, and ended the ssh it had started."""
    assert finish(child) == 130
    assert not hanging.release.exists()
    wait_until(lambda: hanging.said("stopped"))


@needs_git_and_script
def test_a_hanging_remote_holds_neither_the_first_card_nor_ctrl_c(hanging: HangingRemote, deck: Path) -> None:
    child = hanging.study(deck)
    answer_easy(child, 0)  # shown and answered while the remote does not answer: it never does until let go
    wait_until(lambda: hanging.said("connecting"))
    assert hanging.said("without a terminal")  # it could not have asked for anything over the cards
    child.expect("Front 1")
    child.sendintr()
    child.expect("Session over")
    child.expect("Not synced after the session \\(interrupted\\): this session's answers are kept here")
    assert_left_while_hanging(child, hanging)
    assert hanging.logged() == ["c0"]


@needs_git_and_script
def test_after_the_session_a_hanging_remote_is_waited_for_then_told_once(hanging: HangingRemote, deck: Path) -> None:
    child = hanging.study(deck)
    answer_easy(child, 0, 1, 2, 3)
    child.expect("Session over")
    child.expect("Waiting for the sync started with the session \\(Ctrl-C leaves it\\)")
    wait_until(lambda: hanging.said("connecting"))
    hanging.release.touch()
    child.expect("quizcli: warning: not synced: git fetch: the remote is unreachable")
    child.expect("this session's answers are kept here and go out with the next sync")
    assert finish(child) == 0
    assert hanging.screen.getvalue().count("quizcli: warning") == 1  # told once, though both syncs failed alike
    assert len(hanging.logged()) == 4


def ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@needs_git_and_script
@pytest.mark.parametrize("started", [None, ignore_sigint], ids=["plain", "with SIGINT ignored"])
def test_ctrl_c_leaves_the_wait_for_a_hanging_remote(
    hanging: HangingRemote, deck: Path, started: Callable[[], None] | None
) -> None:
    """Also as a non-interactive shell's background job, which inherits SIGINT ignored (as the session does)."""
    child = hanging.study(deck, preexec_fn=started)
    child.expect("Front 0")
    child.send("q")
    child.expect("Waiting for the sync started with the session")
    wait_until(lambda: hanging.said("connecting"))
    child.sendintr()
    child.expect("Sync cut short \\(Ctrl-C\\): this session's answers are kept here")
    assert_left_while_hanging(child, hanging)

"""Every test runs with its own quizcli home and a fixed clock, so none touches the real user's data."""

from __future__ import annotations

import functools
import os
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from quizcli.store import Store

REPO = Path(__file__).resolve().parent.parent
LONG_CONTEXT = REPO / "decks" / "long-context.yaml"
# A copy of the bundled deck as it was when the tests that name its cards, answers and draws were written:
# the bundled deck can grow without changing what they expect.
LONG_CONTEXT_SNAPSHOT = REPO / "tests" / "fixtures" / "long-context-snapshot.yaml"
FIXED_NOW = "2026-11-28T10:00:00+00:00"
_RUN = {"quick": False}  # -m "not stress": the quick run (set when pytest starts, read as test modules load)


def pytest_configure(config: pytest.Config) -> None:
    _RUN["quick"] = "not stress" in (config.option.markexpr or "")
    in_memory = Path("/dev/shm")
    if "TMPDIR" not in os.environ and in_memory.is_dir() and os.access(in_memory, os.W_OK | os.X_OK):
        # Every answer quizcli records waits for the disk (synchronous=FULL), and the suite records thousands:
        # the tests' files (tmp_path) live in memory where the machine has a RAM file system, as a TMPDIR would put
        # them.  What the tests check is the same; only the wait for a disk that no test reads back goes.
        tempfile.tempdir = str(in_memory)


def examples(full: int) -> int:
    """A property test's number of examples: all of them in the full run (what CI runs), a fifth in the quick run."""
    return full // 5 if _RUN["quick"] else full


def process_state() -> dict[str, object]:
    """What one test could leave behind for the next: environment, time zone, directory, umask, signal handlers, hooks."""
    umask = os.umask(0o022)
    os.umask(umask)
    handlers = {signum.name: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGALRM, signal.SIGTERM)}
    environ = {name: value for name, value in os.environ.items() if name != "PYTEST_CURRENT_TEST"}
    state = {"environ": environ, "time zone": time.tzname, "cwd": os.getcwd(), "umask": umask, **handlers}
    return state | {"unraisable hook": sys.unraisablehook}


@pytest.fixture(autouse=True, scope="session")
def cli_built_once() -> Iterator[None]:
    """typer's CliRunner turns the whole app into click commands on every invoke, reading the signature of every
    command, which costs more than most commands it runs in a test.  The app is the same all session, so its click
    commands are built once per app: each invoke still parses its arguments and runs the command from the start."""
    import typer.main
    import typer.testing

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(typer.testing, "_get_command", functools.cache(typer.main.get_command))
        yield


@pytest.fixture(autouse=True)
def no_leaked_process_state() -> Iterator[None]:
    """Set up before every other fixture, checked after all of them are torn down: a test cleans up after itself."""
    before = process_state()
    yield
    after = process_state()
    assert after == before, f"the test left process-wide state changed: {[k for k in before if before[k] != after[k]]}"


@pytest.fixture(autouse=True)
def quizcli_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "quizcli-home"
    monkeypatch.setenv("QUIZCLI_HOME", str(home))
    monkeypatch.setenv("QUIZCLI_NOW", FIXED_NOW)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    return home


@pytest.fixture(autouse=True)
def default_day_rollover() -> Iterator[None]:
    """Study days begin at the default hour; a test whose config set another one (for the process) is undone."""
    from quizcli import clock

    clock.set_rollover_hour(clock.DAY_ROLLOVER_HOUR)
    yield
    clock.set_rollover_hour(clock.DAY_ROLLOVER_HOUR)


@pytest.fixture
def user_decks(quizcli_home: Path) -> Path:
    decks = quizcli_home / "decks"
    decks.mkdir(parents=True)
    return decks


def write_deck(directory: Path, name: str, text: str) -> Path:
    path = directory / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty progress database of the test's own, closed afterwards."""
    from quizcli.store import Store

    with Store.open(tmp_path / "progress.db") as opened:
        yield opened


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time is UTC, so study days roll over at 04:00 UTC; the process's time zone is put back afterwards."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()

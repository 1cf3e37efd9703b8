"""`quizcli check --watch`: checks at once, then again after each save (seen by polling), and not otherwise."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from quizcli.check import CheckReport, watch
from quizcli.decks import DeckFile, Source

from conftest import write_deck

GOOD = "cards:\n  - id: a\n    front: x\n    back: y\n"
BAD = "cards:\n  - id: a\n    frnt: x\n    back: y\n"


class Stop(Exception):
    pass


def test_a_save_is_checked_again_and_an_unchanged_deck_is_not(tmp_path: Path) -> None:
    path = write_deck(tmp_path, "mine", GOOD)
    reports: list[CheckReport] = []
    edits = iter([None, lambda: path.write_text(BAD), None, lambda: path.unlink(), lambda: path.write_text(GOOD)])

    def wait(seconds: float) -> None:
        edit = next(edits, "stop")
        if edit == "stop":
            raise Stop
        if callable(edit):
            stat = path.stat() if path.exists() else None
            edit()
            if stat is not None and path.exists():  # a save in the same clock tick still moves the mtime
                os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))

    with pytest.raises(Stop):
        watch([DeckFile("mine", path, Source.PATH)], False, reports.append, wait)
    assert [report.error_count for report in reports] == [0, 1, 0]  # the missing moment is waited out


# As a shell starts it, and as a non-interactive shell starts a background job: with SIGINT ignored.
IGNORING_CTRL_C = "import runpy, signal; signal.signal(signal.SIGINT, signal.SIG_IGN); runpy.run_module('quizcli', run_name='__main__')"  # noqa: E501
LAUNCHERS = {"plain": ["-m", "quizcli"], "background job": ["-c", IGNORING_CTRL_C]}


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT is how a POSIX terminal sends Ctrl-C")
@pytest.mark.parametrize("launcher", LAUNCHERS)
def test_the_command_runs_until_ctrl_c_and_exits_130(tmp_path: Path, quizcli_home: Path, launcher: str) -> None:
    path = write_deck(tmp_path, "mine", BAD)
    process = subprocess.Popen(
        [sys.executable, *LAUNCHERS[launcher], "check", "--watch", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    lines = [process.stdout.readline() for _ in range(3)]
    assert lines[0].startswith("-- checked at ") and "watching for changes" in lines[0]
    assert f"{path}:3:5: error: unknown key 'frnt'" in lines[1] and "1 error" in lines[2]
    saved = path.with_name("mine.yaml.new")
    saved.write_text(GOOD + "\n")
    os.replace(saved, path)  # saved whole, as an editor does: a poll never sees it half written
    line = process.stdout.readline()  # the save is seen at the next poll
    while line and "checked at" not in line:
        line = process.stdout.readline()
    assert "checked at" in line
    assert "0 errors" in process.stdout.readline()
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 130
    assert "Traceback" not in (process.stderr.read() if process.stderr else "")

"""What differs between systems on the study and exam path, outside key input (tests/test_terminal_windows.py).

Run on Linux: the Windows branches are reached by setting ``sys.platform`` for one call.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest

from quizcli import terminal
from quizcli.commands.study import process_alive


class Console(io.BytesIO):
    def isatty(self) -> bool:
        return True


def test_on_windows_pipes_and_files_read_and_write_utf8(monkeypatch: pytest.MonkeyPatch) -> None:
    if sys.flags.utf8_mode:
        pytest.skip("Python's UTF-8 mode is on: quizcli leaves the streams alone")
    piped_in = io.TextIOWrapper(io.BytesIO("é\n".encode()), encoding="cp1252")
    piped_out = io.TextIOWrapper(io.BytesIO(), encoding="cp1252")
    console = io.TextIOWrapper(Console(), encoding="cp1252")
    monkeypatch.setattr(sys, "stdin", piped_in)
    monkeypatch.setattr(sys, "stdout", piped_out)
    monkeypatch.setattr(sys, "stderr", console)
    monkeypatch.setattr(sys, "platform", "win32")
    terminal.utf8_off_the_console()
    monkeypatch.undo()
    assert piped_in.readline() == "é\n"
    piped_out.write("✓ ● ▏")  # the code page has none of them
    piped_out.flush()
    assert piped_out.buffer.getvalue() == "✓ ● ▏".encode()
    assert console.encoding == "cp1252"  # the console speaks Unicode by itself


def test_on_posix_the_streams_keep_the_locale_encoding(monkeypatch: pytest.MonkeyPatch) -> None:
    piped_out = io.TextIOWrapper(io.BytesIO(), encoding="latin-1")
    monkeypatch.setattr(sys, "stdout", piped_out)
    terminal.utf8_off_the_console()
    assert piped_out.encoding == "latin-1"


def test_a_running_process_is_alive_and_an_ended_one_is_not() -> None:
    """A deck's claim by an ended session is stale; on Windows the same question goes to the process's exit code."""
    assert process_alive(os.getpid())
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    assert not process_alive(int(ended.stdout))

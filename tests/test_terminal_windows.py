"""The Windows console reader, run here with a stand-in for ``msvcrt``: keys scripted in time, a clock the test moves.

Nothing here runs on Windows itself: these tests check what quizcli does with what ``msvcrt``
returns (two-key sequences for arrows and editing keys, '\\x03' for Ctrl-C...), not the console.
"""

from __future__ import annotations

import io
import sys
import types
from collections.abc import Sequence

import pytest
from rich.console import Console
from test_exam import mixed

from quizcli import terminal
from quizcli.exam import Ending, ExamOptions, plan_exam
from quizcli.terminal import BACKSPACE, ENTER, ESCAPE
from quizcli.ui.exam import take_exam
from quizcli.windows_keys import WINDOWS_POLL, WindowsKeyInput


class FakeConsole:
    """``kbhit`` and ``getwch`` over scripted key events: (seconds after the start, characters typed then)."""

    def __init__(self, events: Sequence[tuple[float, str]] = ()) -> None:
        self.now = 0.0
        self.typed = [(at, char) for at, chars in events for char in chars]
        self.sleeps = 0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0
        self.sleeps += 1
        self.now += seconds

    def kbhit(self) -> bool:
        return bool(self.typed) and self.typed[0][0] <= self.now

    def getwch(self) -> str:
        assert self.kbhit(), "getwch would block: quizcli must ask kbhit first"
        return self.typed.pop(0)[1]


def keys_of(*typed: str) -> WindowsKeyInput:
    console = FakeConsole([(0.0, chars) for chars in typed])
    return WindowsKeyInput(console, sleep=console.sleep, clock=console.clock)


def read_all(keys: WindowsKeyInput, count: int) -> list[str]:
    return [keys.key() for _ in range(count)]


def test_printable_keys_are_themselves() -> None:
    assert read_all(keys_of("aZ7 ;é€"), 7) == ["a", "Z", "7", " ", ";", "é", "€"]


def test_a_lone_e0_is_the_letter_a_grave_not_a_prefix() -> None:
    assert keys_of("\xe0").key() == "à"


def test_enter_backspace_escape_and_tab() -> None:
    assert read_all(keys_of("\r\x08\x1b\t\x7f"), 5) == [ENTER, BACKSPACE, ESCAPE, "\t", BACKSPACE]


@pytest.mark.parametrize(
    ("typed", "name"),
    [("\xe0H", "up"), ("\xe0P", "down"), ("\xe0K", "left"), ("\xe0M", "right"), ("\xe0I", "pageup"),
     ("\xe0Q", "pagedown"), ("\xe0G", "home"), ("\xe0O", "end"), ("\xe0S", "delete"), ("\xe0R", "insert"),
     ("\x00H", "up"), ("\x00K", "left"), ("\x00;", "unknown")],  # the numeric keypad's keys come with '\x00'; F1
)  # fmt: skip
def test_two_key_sequences_are_named_as_on_posix(typed: str, name: str) -> None:
    keys = keys_of(typed + "x")
    assert keys.key() == name
    assert keys.key() == "x"  # the sequence's second half was not left behind as a key


def test_ctrl_c_read_from_the_console_raises_keyboard_interrupt() -> None:
    keys = keys_of("\x03a")
    with pytest.raises(KeyboardInterrupt):
        keys.key()
    assert keys.key() == "a"


def test_ctrl_c_as_a_signal_during_the_wait_raises_at_once() -> None:
    """Python turns the console's Ctrl-C into SIGINT, whose KeyboardInterrupt cuts the sleep between polls short."""

    def interrupted(seconds: float) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        WindowsKeyInput(FakeConsole(), sleep=interrupted).key(timeout=10)


def test_ctrl_z_and_ctrl_d_end_the_input() -> None:
    for typed in ("\x1a", "\x04"):
        with pytest.raises(EOFError):
            keys_of(typed).key()


def test_no_key_within_the_timeout_raises_timeout_error() -> None:
    console = FakeConsole()
    keys = WindowsKeyInput(console, sleep=console.sleep, clock=console.clock)
    with pytest.raises(TimeoutError):
        keys.key(timeout=1.5)
    assert console.now == pytest.approx(1.5) and console.sleeps >= 1 / WINDOWS_POLL


def test_a_key_typed_during_the_wait_is_returned_when_it_comes() -> None:
    console = FakeConsole([(0.5, "b")])
    keys = WindowsKeyInput(console, sleep=console.sleep, clock=console.clock)
    assert keys.key(timeout=2) == "b"
    assert 0.5 <= console.now < 0.5 + 2 * WINDOWS_POLL
    with pytest.raises(TimeoutError):
        keys.key(timeout=0)


def test_discarding_typeahead_empties_the_console() -> None:
    keys = keys_of("half typed")
    keys.discard_typeahead()
    with pytest.raises(TimeoutError):
        keys.key(timeout=0.1)


def test_a_timed_exam_on_the_windows_console_hands_in_a_half_typed_answer() -> None:
    """The exam's whole loop on the console reader: arrows to move, typing, the clock redrawn, then the time-out."""
    console = FakeConsole([(0.0, "b\r"), (0.0, "\xe0M\xe0M"), (0.2, "si"), (1.7, "n")])
    keys = WindowsKeyInput(console, sleep=console.sleep, clock=console.clock)
    exam = plan_exam(mixed(), ExamOptions(seed=1, shuffle=False, all_items=True, time_limit=3))
    screen = io.StringIO()
    sitting = take_exam(Console(file=screen, width=80), keys, exam, clock=console.clock)
    assert sitting.ending is Ending.TIMED_OUT
    assert sitting.responses[0] == "B" and sitting.responses[3] == "sin"
    output = screen.getvalue()
    assert output.index("Your answer: si▏") < output.index("0:02 left", output.index("Your answer: si▏"))


def test_open_input_on_windows_reads_the_console_through_msvcrt(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = types.ModuleType("msvcrt")
    console = FakeConsole([(0.0, "\xe0Pq")])
    fake.kbhit = console.kbhit  # type: ignore[attr-defined]
    fake.getwch = console.getwch  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "msvcrt", fake)
    monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(isatty=lambda: True))
    monkeypatch.setattr(sys, "platform", "win32")
    keys = terminal.open_input()
    monkeypatch.undo()
    assert isinstance(keys, WindowsKeyInput)
    assert [keys.key(), keys.key()] == ["down", "q"]


def test_on_posix_nothing_of_windows_is_imported() -> None:
    assert sys.platform == "win32" or "msvcrt" not in sys.modules

"""Key input: Ctrl-C while keys are read is raised at the next wait for a key, never lost; escape sequences; timeouts."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import weakref
from collections.abc import Iterator

import pytest

from quizcli import terminal


class Thing:
    pass


def drop_a_ctrl_c() -> None:
    """Raise KeyboardInterrupt where Python cannot propagate it: in a weakref callback, as the import system does."""

    def callback(ref: weakref.ref[Thing]) -> None:
        raise KeyboardInterrupt

    thing = Thing()
    ref = weakref.ref(thing, callback)
    del thing
    assert ref() is None


def test_a_dropped_ctrl_c_is_raised_at_the_next_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "unraisablehook", terminal.keep_dropped_interrupts)
    drop_a_ctrl_c()  # no exception here: Python had to drop it
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, b"a")  # a key is waiting, yet the Ctrl-C comes first
        with pytest.raises(KeyboardInterrupt):
            terminal.KeyInput(read_end).key()
        assert terminal.KeyInput(read_end).key() == "a"  # raised once only, and the key is still there
    finally:
        os.close(read_end)
        os.close(write_end)


def test_other_unraisable_errors_are_still_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    reported: list[type[BaseException] | None] = []
    monkeypatch.setattr(sys, "__unraisablehook__", lambda unraisable: reported.append(unraisable.exc_type))
    monkeypatch.setattr(sys, "unraisablehook", terminal.keep_dropped_interrupts)

    def callback(ref: weakref.ref[Thing]) -> None:
        raise ValueError("a bug in a finalizer")

    thing = Thing()
    ref = weakref.ref(thing, callback)
    del thing
    assert ref() is None
    assert reported == [ValueError]
    terminal.raise_dropped_interrupt()  # nothing kept: returns quietly


@pytest.fixture
def pipe() -> Iterator[tuple[int, int]]:
    read_end, write_end = os.pipe()
    yield read_end, write_end
    os.close(read_end)
    with contextlib.suppress(OSError):
        os.close(write_end)


@pytest.mark.parametrize(
    ("typed", "name"),
    [(b"\x1b[A", "up"), (b"\x1b[B", "down"), (b"\x1b[C", "right"), (b"\x1b[D", "left"), (b"\x1bOA", "up"),
     (b"\x1b[5~", "pageup"), (b"\x1b[6~", "pagedown"), (b"\x1b[H", "home"), (b"\x1bOF", "end"), (b"\x1b[1~", "home"),
     (b"\x1b[4~", "end"), (b"\x1b[3~", "delete"), (b"\x1b[2~", "insert"), (b"\x1b[1;5C", "right"),
     (b"\x1b[15~", "unknown"), (b"\x1bOP", "unknown")],  # Ctrl-Right, F5, F1
)  # fmt: skip
def test_escape_sequences_are_named_and_read_whole(pipe: tuple[int, int], typed: bytes, name: str) -> None:
    os.write(pipe[1], typed + b"x")
    keys = terminal.KeyInput(pipe[0])
    assert keys.key() == name
    assert keys.key() == "x"  # nothing of the sequence is left behind as typed text


def test_escape_alone_or_before_a_key_is_the_escape_key(pipe: tuple[int, int]) -> None:
    keys = terminal.KeyInput(pipe[0])
    os.write(pipe[1], b"\x1b")
    assert keys.key() == terminal.ESCAPE
    os.write(pipe[1], "\x1bé\r".encode())
    assert [keys.key(), keys.key(), keys.key()] == [terminal.ESCAPE, "é", terminal.ENTER]


def test_a_key_wait_with_a_timeout_raises_timeout_error_and_then_reads_the_key(pipe: tuple[int, int]) -> None:
    keys = terminal.KeyInput(pipe[0])
    with pytest.raises(TimeoutError):
        keys.key(timeout=0.01)
    os.write(pipe[1], b"a")
    assert keys.key(timeout=0) == "a"
    os.close(pipe[1])
    with pytest.raises(EOFError):
        keys.key(timeout=5)


def test_piped_lines_can_be_waited_for_with_a_timeout(pipe: tuple[int, int]) -> None:
    """A timed wait reads through a thread; lines it has read ahead still come in order, untimed waits too."""
    with open(pipe[0], encoding="utf-8", closefd=False) as stream:
        lines = terminal.LineInput(stream)
        os.write(pipe[1], b"first\nsecond\n")
        assert lines.line("answer: ", timeout=10) == "first"
        assert lines.key() == "second"
        with pytest.raises(TimeoutError):
            lines.line("answer: ", timeout=0.01)
        os.write(pipe[1], "  \nlast, unterminated é".encode())
        os.close(pipe[1])
        assert lines.key(timeout=10) == terminal.ENTER
        assert lines.line("answer: ", timeout=10) == "last, unterminated é"
        with pytest.raises(EOFError):
            lines.line("answer: ", timeout=10)
        with pytest.raises(EOFError):
            lines.key()


def test_a_ctrl_c_while_a_screen_is_drawn_is_raised_by_the_next_wait_and_never_lost() -> None:
    """Python's own handler raises KeyboardInterrupt wherever Ctrl-C lands, and library code catching another
    exception there can swallow it (rich, parsing a version string as it measures a character, catches
    ``ValueError``); the exam then waited for a key forever.  Under `cbreak` Ctrl-C is kept for the wait."""
    leader, follower = os.openpty()
    before = signal.getsignal(signal.SIGINT)  # ignored when pytest runs in a non-interactive shell's background job
    try:
        with terminal.cbreak(follower):
            swallowed = False
            try:  # a library at work: it swallows what is raised inside it
                os.kill(os.getpid(), signal.SIGINT)
                int("latest")
            except (ValueError, KeyboardInterrupt):
                swallowed = True
            assert swallowed  # the library saw only its own ValueError, and went on drawing
            with pytest.raises(KeyboardInterrupt):
                terminal.KeyInput(follower).key(timeout=5)
            os.write(leader, b"a")
            assert terminal.KeyInput(follower).key(timeout=5) == "a"  # raised once only
    finally:
        os.close(leader)
        os.close(follower)
    assert signal.getsignal(signal.SIGINT) == before

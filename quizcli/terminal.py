"""Reading the user's answers: single key presses on a terminal, whole lines otherwise.

Screens ask an `Input` for a key or a line and never care which kind they
have.  `KeyInput` reads one key at a time from a terminal in cbreak mode
(Ctrl-C still raises `KeyboardInterrupt`); `LineInput` reads a line per
answer from a pipe or file, so sessions can be scripted and tested; both
raise `EOFError` at the end of input.
"""

from __future__ import annotations

import functools
import os
import select
import signal
import sys
import termios
import tty
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol, TextIO

ENTER, BACKSPACE, ESCAPE = "enter", "backspace", "escape"
_ESCAPES = {"[A": "up", "[B": "down", "[C": "right", "[D": "left"}


class Input(Protocol):
    interactive: bool

    def key(self) -> str:
        """One key press (``"a"``, ``"1"``, ``"enter"``, ``"backspace"``, ``"escape"``, ``"left"``...)."""

    def line(self, prompt: str) -> str:
        """A line of text typed by the user, without its newline."""


class LineInput:
    """Answers from a non-terminal stdin: each key request consumes a whole line."""

    interactive = False

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stdin

    def key(self) -> str:
        text = self._read().strip()
        return ENTER if text == "" else text

    def line(self, prompt: str) -> str:
        return self._read().strip()

    def _read(self) -> str:
        text = self._stream.readline()
        if text == "":
            raise EOFError
        return text.rstrip("\r\n")


class KeyInput:
    """Single key presses from the controlling terminal; use inside `cbreak`."""

    interactive = True

    def __init__(self, fd: int | None = None) -> None:
        self._fd = sys.stdin.fileno() if fd is None else fd

    def key(self) -> str:
        char = self._read_char()
        if char in ("\r", "\n"):
            return ENTER
        if char in ("\x7f", "\b"):
            return BACKSPACE
        if char == "\x04":
            raise EOFError
        if char == "\x1b":
            return self._escape_sequence()
        return char

    def line(self, prompt: str) -> str:
        with _cooked(self._fd):
            sys.stderr.write(prompt)  # where `input` writes it on a terminal: stdout may be carrying --json
            sys.stderr.flush()
            _wait_for_input(self._fd)  # a whole line: `input` then reads it without blocking
            return input()

    def _read_char(self) -> str:
        """One character, reading a UTF-8 sequence whole but never past it (keys typed ahead stay queued)."""
        _wait_for_input(self._fd)
        first = os.read(self._fd, 1)
        if not first:
            raise EOFError
        length = 1 if first[0] < 0xC0 else 2 if first[0] < 0xE0 else 3 if first[0] < 0xF0 else 4
        data = first + (os.read(self._fd, length - 1) if length > 1 else b"")
        return data.decode("utf-8", errors="replace")

    def _escape_sequence(self) -> str:
        """Arrow keys arrive as ESC [ A..D; a lone ESC is the Escape key."""
        if not select.select([self._fd], [], [], 0.05)[0]:
            return ESCAPE
        rest = os.read(self._fd, 1) + (os.read(self._fd, 1) if select.select([self._fd], [], [], 0.05)[0] else b"")
        return _ESCAPES.get(rest.decode("ascii", errors="replace"), ESCAPE)


@contextmanager
def cbreak(fd: int | None = None) -> Iterator[None]:
    """Keys arrive one at a time without echo; signals (Ctrl-C) still work; restored on exit.

    A program started from a non-interactive shell's background job inherits
    SIGINT ignored, and Python then never raises KeyboardInterrupt; on the
    terminal's own screen Ctrl-C must always end the session, so it is
    restored here for as long as keys are read.
    """
    raise_dropped_interrupt()
    fd = sys.stdin.fileno() if fd is None else fd
    saved = termios.tcgetattr(fd)
    interrupt = signal.getsignal(signal.SIGINT)
    wakeup = signal.set_wakeup_fd(_wakeup_pipe()[1], warn_on_full_buffer=False)
    try:
        if interrupt == signal.SIG_IGN:
            signal.signal(signal.SIGINT, signal.default_int_handler)
        # Not tty's default TCSAFLUSH: flushing input also drops a Ctrl-C not yet turned into SIGINT.
        tty.setcbreak(fd, termios.TCSADRAIN)
        mode = termios.tcgetattr(fd)
        mode[3] &= ~termios.ECHO
        termios.tcsetattr(fd, termios.TCSADRAIN, mode)
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        signal.signal(signal.SIGINT, interrupt)
        signal.set_wakeup_fd(wakeup)


@functools.cache
def _wakeup_pipe() -> tuple[int, int]:
    """A pipe (read end, write end) that Python writes a byte to whenever a signal arrives, while `cbreak` is on.

    Made once and kept for the life of the process, so no signal can ever write to a closed descriptor.
    """
    read_end, write_end = os.pipe()
    os.set_blocking(read_end, False)
    os.set_blocking(write_end, False)
    return read_end, write_end


def _wait_for_input(fd: int) -> None:
    """Return when ``fd`` has input; a signal (Ctrl-C, the exam's alarm) raises from its handler here instead.

    A blocking ``os.read`` cannot be trusted with that: Python runs a signal's handler between two
    bytecodes, so a signal landing after the last of them but before the read starts leaves the
    process asleep in the read until the next key press, and that Ctrl-C or alarm seems lost.
    Waiting in ``select`` on the terminal and on the pipe Python writes to on every signal (see
    `cbreak`) has no such gap: a signal from any moment wakes the wait, and its handler runs as soon
    as ``select`` returns, before the loop goes round.
    """
    import select

    wakeup = _wakeup_pipe()[0]
    raise_dropped_interrupt()
    while fd not in select.select([fd, wakeup], [], [])[0]:
        _drain(wakeup)
        raise_dropped_interrupt()


def _drain(fd: int) -> None:
    """Empty the wake-up pipe: its bytes only said that a signal came, and its handler has run."""
    try:
        while os.read(fd, 512):
            pass
    except BlockingIOError:
        pass


@contextmanager
def _cooked(fd: int) -> Iterator[None]:
    """Normal line editing (echo, backspace) for typed answers, back to cbreak afterwards."""
    saved = termios.tcgetattr(fd)
    mode = termios.tcgetattr(fd)
    mode[3] |= termios.ICANON | termios.ECHO
    termios.tcsetattr(fd, termios.TCSADRAIN, mode)
    try:
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def discard_typeahead(fd: int | None = None) -> None:
    """Drop keys typed but not yet read, so a half-typed answer cut off by a time limit never reaches the shell."""
    termios.tcflush(sys.stdin.fileno() if fd is None else fd, termios.TCIFLUSH)


_dropped_interrupts: list[bool] = []  # one entry per Ctrl-C dropped and not yet raised again


def keep_dropped_interrupts(unraisable: sys.UnraisableHookArgs) -> None:
    """`sys.unraisablehook`: remember a Ctrl-C that Python had to drop, so the next wait for a key raises it.

    Python raises KeyboardInterrupt wherever the program happens to be when Ctrl-C comes; inside a
    weakref callback or a finalizer (the import system runs one after every import) it cannot
    propagate, and Python only reports it as ignored, so a Ctrl-C at start-up could do nothing.
    """
    if unraisable.exc_type is not None and issubclass(unraisable.exc_type, KeyboardInterrupt):
        _dropped_interrupts.append(True)
    else:
        sys.__unraisablehook__(unraisable)


def raise_dropped_interrupt() -> None:
    """Raise a Ctrl-C that `keep_dropped_interrupts` kept, at a point where it can reach its handler."""
    if _dropped_interrupts:
        _dropped_interrupts.clear()
        raise KeyboardInterrupt


def open_input() -> Input:
    """Key presses when stdin is a terminal, lines otherwise."""
    return KeyInput() if sys.stdin.isatty() else LineInput()

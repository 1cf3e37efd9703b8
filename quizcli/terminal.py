"""Reading the user's answers: single key presses on a terminal, whole lines otherwise.

Screens ask an `Input` for a key or a line and never care which kind they
have.  `KeyInput` reads one key at a time from a POSIX terminal (Linux, macOS)
in cbreak mode, waiting in ``select``; `quizcli.windows_keys` reads them from the
Windows console through ``msvcrt``, polling it; both name the keys alike
(``"enter"``, ``"up"``, ``"pagedown"``...).  `LineInput` reads a line per
answer from a pipe or file, so sessions can be scripted and tested.  Every
wait can be given a timeout, after which it raises `TimeoutError`, so a screen
with a clock redraws it while it waits (no signal or timer is involved); all
raise `EOFError` at the end of input, and Ctrl-C raises `KeyboardInterrupt`.
"""

from __future__ import annotations

import functools
import io
import os
import select
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from types import FrameType
from typing import Protocol, TextIO

ENTER, BACKSPACE, ESCAPE = "enter", "backspace", "escape"
UP, DOWN, LEFT, RIGHT = "up", "down", "left", "right"
HOME, END, PAGE_UP, PAGE_DOWN, INSERT, DELETE = "home", "end", "pageup", "pagedown", "insert", "delete"
UNKNOWN = "unknown"  # a function key or another sequence quizcli gives no meaning to

ESCAPE_WAIT = 0.05  # how long after ESC the rest of an arrow key's sequence may take to arrive


class Input(Protocol):
    interactive: bool

    def key(self, timeout: float | None = None) -> str:
        """One key press (``"a"``, ``"1"``, ``"enter"``, ``"backspace"``, ``"escape"``, ``"left"``...).

        `TimeoutError` when none comes within ``timeout`` seconds (None: wait as long as it takes).
        """

    def line(self, prompt: str, timeout: float | None = None) -> str:
        """A line of text typed by the user, without its newline; `TimeoutError` as for `key`."""


class SettledInput:
    """Keys and lines read only after ``settle()`` has run: what was written for the last one is on the disk."""

    def __init__(self, keys: Input, settle: Callable[[], None]) -> None:
        self.keys, self.settle, self.interactive = keys, settle, keys.interactive

    def key(self, timeout: float | None = None) -> str:
        self.settle()
        return self.keys.key(timeout)

    def line(self, prompt: str, timeout: float | None = None) -> str:
        self.settle()
        return self.keys.line(prompt, timeout)


def named_key(char: str) -> str:
    """The key one character stands for; Ctrl-C raises `KeyboardInterrupt`, Ctrl-D (Ctrl-Z on Windows) `EOFError`."""
    if char in ("\r", "\n"):
        return ENTER
    if char in ("\x7f", "\b"):
        return BACKSPACE
    if char == "\x1b":
        return ESCAPE
    if char == "\x03":
        raise KeyboardInterrupt
    if char in ("\x04", "\x1a"):
        raise EOFError
    return char


# ---- lines: a pipe or a file -----------------------------------------------------------------


class LineInput:
    """Answers from a non-terminal stdin: each key request consumes a whole line."""

    interactive = False

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stdin
        self._reader: _LineReader | None = None

    def key(self, timeout: float | None = None) -> str:
        text = self._read(timeout).strip()
        return ENTER if text == "" else text

    def line(self, prompt: str, timeout: float | None = None) -> str:
        return self._read(timeout).strip()

    def _read(self, timeout: float | None) -> str:
        if timeout is None and self._reader is None:
            text = self._stream.readline()
            if text == "":
                raise EOFError
        else:  # once a wait has had a timeout, every line comes through the reader: it may hold some already
            if self._reader is None:
                self._reader = _LineReader(self._stream.fileno(), getattr(self._stream, "encoding", None) or "utf-8")
            text = self._reader.next_line(timeout)
        return text.rstrip("\r\n")


class _LineReader:
    """The lines of a file descriptor, read by a thread so that waiting for one can time out.

    A thread because ``select`` cannot wait on a pipe on Windows.  It reads the descriptor
    itself, never ``sys.stdin``: a thread still blocked in a read of ``sys.stdin`` when the
    program ends would hold that object's lock while Python shuts down and closes it.
    """

    def __init__(self, fd: int, encoding: str) -> None:
        import queue
        import threading

        self._lines: queue.SimpleQueue[str | None] = queue.SimpleQueue()  # None: the end of input
        self._ended = False
        threading.Thread(target=self._read_all, args=(fd, encoding), name="quizcli-stdin", daemon=True).start()

    def _read_all(self, fd: int, encoding: str) -> None:
        pending = b""
        try:
            while chunk := os.read(fd, 65536):
                *lines, pending = (pending + chunk).split(b"\n")
                for line in lines:
                    self._lines.put(line.decode(encoding, errors="replace"))
        except OSError:
            pass  # a read error ends the input, as the end of the file does
        if pending:
            self._lines.put(pending.decode(encoding, errors="replace"))
        self._lines.put(None)

    def next_line(self, timeout: float | None) -> str:
        """The next line; `TimeoutError` after ``timeout`` seconds without one, `EOFError` at the end.

        The wait is cut into short ones: on Windows (before Python 3.14) Ctrl-C cannot cut a
        long one short.
        """
        import queue

        if self._ended:
            raise EOFError
        ends = None if timeout is None else time.monotonic() + timeout
        while True:
            left = 0.1 if ends is None else max(0.0, ends - time.monotonic())
            try:
                line = self._lines.get(timeout=min(left, 0.1))
            except queue.Empty:
                if ends is not None and time.monotonic() >= ends:
                    raise TimeoutError from None
                continue
            if line is None:
                self._ended = True
                raise EOFError
            return line


# ---- keys on a POSIX terminal (Linux, macOS) -------------------------------------------------

if sys.platform != "win32":  # termios, tty and select on a terminal: Linux, macOS, the BSDs
    import termios
    import tty

    _FINAL_KEYS = {"A": UP, "B": DOWN, "C": RIGHT, "D": LEFT, "H": HOME, "F": END}  # ESC [ A, ESC O A...
    _TILDE_KEYS = {"1": HOME, "2": INSERT, "3": DELETE, "4": END, "5": PAGE_UP, "6": PAGE_DOWN, "7": HOME, "8": END}

    class KeyInput:
        """Single key presses from a POSIX terminal; use inside `cbreak`."""

        interactive = True

        def __init__(self, fd: int | None = None) -> None:
            self._fd = sys.stdin.fileno() if fd is None else fd
            self._pushed_back: list[str] = []  # a key read while looking for an escape sequence, not part of it

        def key(self, timeout: float | None = None) -> str:
            if self._pushed_back:
                return named_key(self._pushed_back.pop())
            _wait_for_input(self._fd, timeout)
            char = self._read_char()
            return self._escape_sequence() if char == "\x1b" else named_key(char)

        def line(self, prompt: str, timeout: float | None = None) -> str:
            with _cooked(self._fd):
                sys.stderr.write(prompt)  # where `input` writes it on a terminal: stdout may be carrying --json
                sys.stderr.flush()
                _wait_for_input(self._fd, timeout)  # a whole line: `input` then reads it without blocking
                return input()

        def _read_char(self) -> str:
            """One character, known to be waiting: a UTF-8 sequence whole, never past it (keys typed ahead wait)."""
            first = os.read(self._fd, 1)
            if not first:
                raise EOFError
            length = 1 if first[0] < 0xC0 else 2 if first[0] < 0xE0 else 3 if first[0] < 0xF0 else 4
            data = first + (os.read(self._fd, length - 1) if length > 1 else b"")
            return data.decode("utf-8", errors="replace")

        def _escape_sequence(self) -> str:
            """The key an escape sequence names: ESC [ A (an arrow), ESC [ 5 ~ (PageUp), ESC O H (Home)...

            A lone ESC, with nothing after it for a moment, is the Escape key; so is ESC before
            a key that starts no sequence, and that key is read next.
            """
            if not _ready(self._fd, ESCAPE_WAIT):
                return ESCAPE
            introducer = self._read_char()
            if introducer == "O":
                return _FINAL_KEYS.get(self._read_char(), UNKNOWN) if _ready(self._fd, ESCAPE_WAIT) else UNKNOWN
            if introducer != "[":
                self._pushed_back.append(introducer)
                return ESCAPE
            parameters = ""
            while len(parameters) < 16 and _ready(self._fd, ESCAPE_WAIT):
                char = self._read_char()
                if "@" <= char <= "~":  # the sequence's final character
                    keys = _TILDE_KEYS if char == "~" else _FINAL_KEYS
                    return keys.get(parameters.split(";")[0] if char == "~" else char, UNKNOWN)
                parameters += char
            return UNKNOWN

    def _ready(fd: int, seconds: float) -> bool:
        return fd in select.select([fd], [], [], seconds)[0]

    @contextmanager
    def _posix_cbreak(fd: int) -> Iterator[None]:
        """cbreak without echo, and a signal wakes any wait for a key (see `_wait_for_input`)."""
        saved = termios.tcgetattr(fd)
        wakeup = signal.set_wakeup_fd(_wakeup_pipe()[1], warn_on_full_buffer=False)
        try:
            # Not tty's default TCSAFLUSH: flushing input also drops a Ctrl-C not yet turned into SIGINT.
            tty.setcbreak(fd, termios.TCSADRAIN)
            mode = termios.tcgetattr(fd)
            mode[3] &= ~termios.ECHO
            termios.tcsetattr(fd, termios.TCSADRAIN, mode)
            yield
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
            signal.set_wakeup_fd(wakeup)

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

    def _discard_posix_typeahead(fd: int) -> None:
        termios.tcflush(fd, termios.TCIFLUSH)

    @functools.cache
    def _wakeup_pipe() -> tuple[int, int]:
        """A pipe (read end, write end) that Python writes a byte to whenever a signal arrives, while `cbreak` is on.

        Made once and kept for the life of the process, so no signal can ever write to a closed descriptor.
        """
        read_end, write_end = os.pipe()
        os.set_blocking(read_end, False)
        os.set_blocking(write_end, False)
        return read_end, write_end

    def _wait_for_input(fd: int, timeout: float | None) -> None:
        """Return when ``fd`` has input, raise `TimeoutError` when ``timeout`` seconds pass first (None: never);
        a Ctrl-C that `cbreak` kept raises `KeyboardInterrupt` here instead.

        A blocking ``os.read`` cannot be trusted with that: a signal landing after the last check
        but before the read starts leaves the process asleep in the read until the next key press,
        and that Ctrl-C seems lost.  Waiting in ``select`` on the terminal and on the pipe Python
        writes to on every signal (see `_posix_cbreak`) has no such gap: a signal from any moment
        wakes the wait, its handler has run when ``select`` returns, and the Ctrl-C it kept is
        raised before a key is returned or the loop goes round.
        """
        wakeup = _wakeup_pipe()[0]
        ends = None if timeout is None else time.monotonic() + timeout
        raise_dropped_interrupt()
        while True:
            left = None if ends is None else max(0.0, ends - time.monotonic())
            ready = select.select([fd, wakeup], [], [], left)[0]
            if wakeup in ready:
                _drain(wakeup)
            raise_dropped_interrupt()
            if fd in ready:
                return
            if not ready:
                raise TimeoutError

    def _drain(fd: int) -> None:
        """Empty the wake-up pipe: its bytes only said that a signal came, and its handler has run."""
        try:
            while os.read(fd, 512):
                pass
        except BlockingIOError:
            pass


# ---- choosing the input, and what happens around it -------------------------------------------


@contextmanager
def cbreak(fd: int | None = None) -> Iterator[None]:
    """Keys arrive one at a time without echo; Ctrl-C is raised at the next wait for a key; restored on exit.

    Python's own handler raises KeyboardInterrupt wherever the program is when Ctrl-C comes,
    and there it can be lost: library code that is catching another exception at that moment
    (rich, parsing a version string while it measures a character, catches ``ValueError``)
    ends up swallowing it, and the wait for the next key then never ends.  While keys are
    read, Ctrl-C is kept instead (`_keep_interrupt`) and raised by the wait for a key, which
    a signal always wakes, so no Ctrl-C is lost and none lands half-way through drawing a
    screen or saving an answer.  This also gives Ctrl-C back to a program started from a
    non-interactive shell's background job, which inherits SIGINT ignored.  The Windows
    console needs no mode: ``msvcrt`` reads single keys without echo as it is.
    """
    raise_dropped_interrupt()
    try:
        with _sigint_handler(_keep_interrupt):
            if sys.platform == "win32":
                yield
            else:
                with _posix_cbreak(sys.stdin.fileno() if fd is None else fd):
                    yield
    finally:
        _dropped_interrupts.clear()  # a Ctrl-C after the last key read: the screens are done, nothing to stop


@contextmanager
def interruptible() -> Iterator[None]:
    """Ctrl-C raises KeyboardInterrupt inside the block, even in a program started from a non-interactive
    shell's background job, which inherits SIGINT ignored (for a command that runs until Ctrl-C)."""
    ignored = signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    with _sigint_handler(signal.default_int_handler) if ignored else nullcontext():
        yield


@contextmanager
def _sigint_handler(handler: Callable[[int, FrameType | None], object]) -> Iterator[None]:
    previous = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _keep_interrupt(signum: int, frame: FrameType | None) -> None:
    """`cbreak`'s SIGINT handler: keep the Ctrl-C for the next wait for a key to raise."""
    _dropped_interrupts.append(True)


def open_input() -> Input:
    """Key presses when stdin is a terminal (the Windows console, or a POSIX terminal), lines otherwise."""
    if not sys.stdin.isatty():
        return LineInput()
    if sys.platform == "win32":
        import msvcrt

        from quizcli.windows_keys import WindowsKeyInput

        return WindowsKeyInput(msvcrt)
    else:
        return KeyInput()


def discard_typeahead(fd: int | None = None) -> None:
    """Drop keys typed but not yet read, so a half-typed answer cut off by a time limit never reaches the shell."""
    if sys.platform == "win32":
        import msvcrt

        from quizcli.windows_keys import WindowsKeyInput

        WindowsKeyInput(msvcrt).discard_typeahead()
    else:
        _discard_posix_typeahead(sys.stdin.fileno() if fd is None else fd)


def utf8_off_the_console() -> None:
    """On Windows, make pipes and files read and write UTF-8, as deck files are, not the ANSI code page.

    That code page has no ``✓``, ``●`` or ``▏`` (which the screens print), so a piped session
    would fail on them; Python's UTF-8 mode (``PYTHONUTF8=1``) does the same for every stream.
    The console itself already speaks Unicode, and POSIX systems are left as their locale says.
    """
    if sys.platform != "win32" or sys.flags.utf8_mode:
        return
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and not stream.isatty():
            stream.reconfigure(encoding="utf-8")


_dropped_interrupts: list[bool] = []  # one entry per Ctrl-C kept or dropped, not yet raised


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

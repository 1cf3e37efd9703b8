"""Single key presses from the Windows console, through ``msvcrt``: imported only on Windows.

Keys are named as `quizcli.terminal` names them on a POSIX terminal, so the screens never
know which they have.
"""

import sys
import time
from collections.abc import Callable
from typing import Protocol

from quizcli.terminal import (
    DELETE,
    DOWN,
    END,
    HOME,
    INSERT,
    LEFT,
    PAGE_DOWN,
    PAGE_UP,
    RIGHT,
    UNKNOWN,
    UP,
    named_key,
    raise_dropped_interrupt,
)

WINDOWS_POLL = 0.02  # how often the Windows console is asked whether a key is waiting


class ConsoleKeys(Protocol):
    """What quizcli uses of Windows' ``msvcrt``: whether a key is waiting, and the next one, unechoed."""

    def kbhit(self) -> bool: ...

    def getwch(self) -> str: ...


# The second half of an arrow, editing or function key, which the console sends as '\x00' or '\xe0' then a code.
_WINDOWS_KEYS = {"H": UP, "P": DOWN, "K": LEFT, "M": RIGHT, "G": HOME, "O": END,
                 "I": PAGE_UP, "Q": PAGE_DOWN, "R": INSERT, "S": DELETE}  # fmt: skip


class WindowsKeyInput:
    """Single key presses from the Windows console (``msvcrt``, or a stand-in with the same two functions).

    The console cannot be waited on with a timeout, so the wait asks it every `WINDOWS_POLL`
    seconds whether a key is waiting, sleeping in between; Ctrl-C reaches Python as a
    signal, which cuts that sleep short and raises `KeyboardInterrupt`.
    """

    interactive = True

    def __init__(
        self,
        console: ConsoleKeys,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._console, self._sleep, self._clock = console, sleep, clock

    def key(self, timeout: float | None = None) -> str:
        self._wait(timeout)
        char = self._console.getwch()
        # '\xe0' is also 'à': a key's prefix only when its code is already waiting behind it.
        if char == "\x00" or (char == "\xe0" and self._console.kbhit()):
            return _WINDOWS_KEYS.get(self._console.getwch(), UNKNOWN)
        return named_key(char)

    def line(self, prompt: str, timeout: float | None = None) -> str:
        """A line with the console's own editing; the timeout only runs until the first key of it."""
        sys.stderr.write(prompt)
        sys.stderr.flush()
        self._wait(timeout)
        return input()

    def discard_typeahead(self) -> None:
        while self._console.kbhit():
            self._console.getwch()

    def _wait(self, timeout: float | None) -> None:
        """Return when a key is waiting; `TimeoutError` once ``timeout`` seconds have passed without one."""
        ends = None if timeout is None else self._clock() + timeout
        raise_dropped_interrupt()
        while not self._console.kbhit():
            left = WINDOWS_POLL if ends is None else ends - self._clock()
            if left <= 0:
                raise TimeoutError
            self._sleep(min(left, WINDOWS_POLL))
            raise_dropped_interrupt()

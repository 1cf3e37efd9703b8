"""quizcli in a real pseudo-terminal (pexpect), as the terminal tests drive it.

Keys go at once: every test waits for the screen a key answers before it sends the key, so pexpect's
default pause before each send only slows the suite.  The end is waited for: once the program has
closed the terminal it is reaped, so closing the terminal need not give the kernel time to notice.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pexpect

QUIZCLI = str(Path(sys.executable).with_name("quizcli"))


def spawn_quizcli(
    args: Sequence[str],
    env: Mapping[str, str],
    *,
    rows: int = 24,
    columns: int = 80,
    timeout: int = 15,
    preexec_fn: Callable[[], None] | None = None,
) -> pexpect.spawn[str]:
    """``quizcli ARGS`` in a terminal of ``rows`` x ``columns``."""
    child = pexpect.spawn(QUIZCLI, list(args), env=dict(env), dimensions=(rows, columns), encoding="utf-8",
                          timeout=timeout, preexec_fn=preexec_fn)  # fmt: skip
    child.delaybeforesend = None
    return child


def finish(child: pexpect.spawn[str]) -> int:
    """The program's exit status, or 128 plus the signal that ended it, once it has ended by itself."""
    child.expect(pexpect.EOF)
    child.wait()
    child.ptyproc.delayafterclose = 0  # type: ignore[attr-defined]  # pexpect's stubs leave the process out
    child.close()
    return int(child.exitstatus if child.exitstatus is not None else 128 + (child.signalstatus or 0))


def press(child: pexpect.spawn[str], keys: str, *shown: str) -> None:
    """Type ``keys`` (none: just look), then wait until each of ``shown`` is on screen, in order."""
    child.send(keys)
    for text in shown:
        child.expect_exact(text)

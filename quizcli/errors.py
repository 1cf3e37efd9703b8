"""The one family of errors a user may see.

Everything a user can cause (a bad deck, an unknown name, an unreadable file)
raises a `QuizcliError`; the CLI catches it once and prints
``quizcli: error: ...`` on stderr.  No other exception should reach a user.
"""

from __future__ import annotations

import errno
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from quizcli.diagnostics import Diagnostic


class QuizcliError(Exception):
    """Base of every error meant for the user; ``str(error)`` is the message."""

    exit_code = 1


class DeckError(QuizcliError):
    """A deck could not be loaded; carries every problem found, not just the first."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        from quizcli.diagnostics import Severity

        self.diagnostics = diagnostics
        errors = [d for d in diagnostics if d.severity is Severity.ERROR]
        shown = "\n".join(str(d) for d in errors)
        super().__init__(f"{len(errors)} {'problem' if len(errors) == 1 else 'problems'} in deck:\n{shown}")


class DeckNotFoundError(QuizcliError):
    """No deck matches the name or path the user gave."""


def report_error(error: QuizcliError) -> int:
    """Print a user-facing error once, as ``quizcli: error: ...`` on stderr; returns its exit status."""
    from quizcli.text import inert  # messages quote deck text and file names

    print(f"quizcli: error: {inert(str(error))}", file=sys.stderr)
    return error.exit_code


def report_output_error(error: OSError) -> int:
    """An output that could not be written (a full disk, a closed pipe): one line unless the reader just
    stopped reading (``| head``), and the output silenced so the interpreter's last flush cannot fail again."""
    _silence_stdout()
    if error.errno != errno.EPIPE:
        print(f"quizcli: error: could not write the output: {error.strerror or error}", file=sys.stderr)
    return 1


def report_failures(command: Callable[[], int]) -> int:
    """Run a command and give its exit status, with what it raises reported as the typer app reports it:
    a `QuizcliError`, an output that cannot be written, Ctrl-C (130) and an end of input (``Aborted!``)."""
    try:
        status = command()
        sys.stdout.flush()  # a full or failing output fails here, not in the interpreter's last flush
    except QuizcliError as error:
        return report_error(error)
    except OSError as error:  # only writing the output gets here: quizcli's own file errors are QuizcliErrors
        return report_output_error(error)
    except KeyboardInterrupt:
        return 130
    except EOFError:
        print(file=sys.stderr)
        print("Aborted!", file=sys.stderr)
        return 1
    return status


def _silence_stdout() -> None:
    """Point standard output at the null device."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
    except (OSError, ValueError):  # not a real file (a test runner's capture)
        pass

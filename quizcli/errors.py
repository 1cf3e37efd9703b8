"""The one family of errors a user may see.

Everything a user can cause (a bad deck, an unknown name, an unreadable file)
raises a `QuizcliError`; the CLI catches it once and prints
``quizcli: error: ...`` on stderr.  No other exception should reach a user.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
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

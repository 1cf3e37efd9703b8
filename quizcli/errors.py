"""The one family of errors a user may see, and the located diagnostics decks produce.

Everything a user can cause (a bad deck, an unknown name, an unreadable file)
raises a `QuizcliError`; the CLI catches it once and prints
``quizcli: error: ...`` on stderr.  No other exception should reach a user.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem in a deck file, located at ``path:line:column`` (1-based)."""

    path: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message} [{self.code}]"

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": str(self.severity),
            "code": self.code,
            "message": self.message,
        }


class QuizcliError(Exception):
    """Base of every error meant for the user; ``str(error)`` is the message."""

    exit_code = 1


class DeckError(QuizcliError):
    """A deck could not be loaded; carries every problem found, not just the first."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        errors = [d for d in diagnostics if d.severity is Severity.ERROR]
        shown = "\n".join(str(d) for d in errors)
        super().__init__(f"{len(errors)} problem(s) in deck:\n{shown}")


class DeckNotFoundError(QuizcliError):
    """No deck matches the name or path the user gave."""

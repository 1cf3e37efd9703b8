"""Where quizcli keeps things: one place, so tests and users can redirect it.

``QUIZCLI_HOME`` overrides every user location (data and config): tests
point it at a temporary directory, and a user can keep a portable profile.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

APP_NAME = "quizcli"


def _home_override() -> Path | None:
    value = os.environ.get("QUIZCLI_HOME")
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    """The user data directory: progress database and the user's own decks."""
    return _user_dir("XDG_DATA_HOME", ".local/share", "user_data_path")


def config_dir() -> Path:
    return _user_dir("XDG_CONFIG_HOME", ".config", "user_config_path")


def _user_dir(variable: str, default: str, platformdirs_function: str) -> Path:
    """``QUIZCLI_HOME``, else the XDG directory on Linux, else what platformdirs' function says."""
    found = _home_override() or _xdg_dir(variable, default)
    if found is not None:
        return found
    import platformdirs

    locate: Callable[[str], Path] = getattr(platformdirs, platformdirs_function)
    return locate(APP_NAME)


def _xdg_dir(variable: str, default: str) -> Path | None:
    """On Linux, the directory platformdirs gives, found by the XDG Base Directory rule it applies.

    Importing platformdirs would weigh on every command's start.  The common cases (the
    variable set to an absolute path, or unset with an absolute ``HOME``) are resolved here;
    anything else is left to platformdirs, and a test checks that both agree.
    """
    if not sys.platform.startswith("linux"):
        return None
    value, home = os.environ.get(variable, ""), os.environ.get("HOME", "")
    if os.path.isabs(value):
        return Path(value) / APP_NAME
    return Path(home) / default / APP_NAME if os.path.isabs(home) else None


def user_decks_dir() -> Path:
    return data_dir() / "decks"


def progress_db() -> Path:
    return data_dir() / "progress.db"


def config_file() -> Path:
    return config_dir() / "config.toml"


def bundled_decks_dir() -> Path:
    """Decks shipped with quizcli.

    A wheel carries them inside the package (``quizcli/decks``); a source
    checkout or an editable install reads the repository's top-level ``decks/``.
    """
    packaged = Path(__file__).with_name("decks")
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "decks"


def docs_dir() -> Path:
    """The documentation, for ``quizcli help``: inside the package in a wheel, else the repository's ``docs/``."""
    packaged = Path(__file__).with_name("docs")
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "docs"

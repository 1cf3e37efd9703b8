"""Reading source files and writing new ones, for the interop commands and ``quizcli new``."""

from __future__ import annotations

from pathlib import Path

from quizcli.errors import QuizcliError

MAX_SOURCE_BYTES = 64 * 2**20  # a deck file's own limit (quizcli.parser): the deck written could not be bigger


def read_source(path: Path) -> str:
    """A text file as UTF-8 (with or without a BOM) or BOM-marked UTF-16; anything else is a clear error."""
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_SOURCE_BYTES + 1)  # never more than the limit, whatever the file claims
    except OSError as exc:
        raise QuizcliError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if len(raw) > MAX_SOURCE_BYTES:
        raise QuizcliError(
            f"{path} is larger than {MAX_SOURCE_BYTES // 2**20} MiB, the most a deck file may be; split it and "
            "import each part"
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise QuizcliError(f"{path} starts with a UTF-16 mark but is not valid UTF-16") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise QuizcliError(f"{path}:{line}: not UTF-8 text; save the file as UTF-8 and try again") from exc


def write_new(path: Path, text: str, force: bool = False) -> None:
    """Write ``text`` to ``path``, refusing to replace an existing file unless ``force``."""
    refuse_existing(path, force)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise QuizcliError(f"cannot write {path}: {exc.strerror or exc}") from exc


def refuse_existing(path: Path, force: bool) -> None:
    """An error when ``path`` exists and ``force`` is not given, or when it cannot even be looked up."""
    try:
        exists = path.exists()
    except OSError as exc:  # a name too long, a parent that is a file...
        raise QuizcliError(f"cannot write {path}: {exc.strerror or exc}") from exc
    if exists and not force:
        raise QuizcliError(f"{path} already exists; use --force to overwrite it")

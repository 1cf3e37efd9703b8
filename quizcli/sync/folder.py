"""The sync folder on disk: who owns it, the segment files in it, and writing this device's own.

```text
FOLDER/
  quizcli-sync.json            {"format": 1, "profile": "...", "owner": "alice"}: whose progress this is
  devices/<device id>/<time>-<token>.jsonl   one segment per sync that had something to send
```

Each device writes only under its own ``devices/<device id>/``, and each file once (to a
temporary name, flushed to disk, then renamed), so the file-sync tool never sees two
writers of one file.  Temporary names start with a dot and are never read.
"""

import json
import os
import secrets
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from quizcli.errors import QuizcliError

OWNER_FILE = "quizcli-sync.json"
DEVICES = "devices"
SUFFIX = ".jsonl"


class UnreadableOwner(QuizcliError):
    """The owner file is there but does not parse: not delivered whole yet, or not quizcli's."""


class Owner(NamedTuple):
    profile: str
    owner: str


class SegmentFile(NamedTuple):
    """A segment in the folder: its name relative to the folder (``devices/<device>/<file>``) and its path."""

    name: str
    path: Path


def read_owner(folder: Path) -> Owner | None:
    """The folder's owner profile; None for a folder quizcli has not used yet."""
    path = folder / OWNER_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Owner(profile=str(data["profile"]), owner=str(data["owner"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UnreadableOwner(
            f"cannot read {path} ({exc}): if the file-sync tool is still bringing it, sync again once it has"
        ) from None


def write_owner(folder: Path, owner: Owner) -> None:
    text = json.dumps({"format": 1, **owner._asdict()}, ensure_ascii=False, indent=2) + "\n"
    _write_atomically(folder / OWNER_FILE, text)


def segment_files(folder: Path) -> list[SegmentFile]:
    """Every segment file in the folder, of every device, in name order."""
    found = []
    try:
        devices = [entry for entry in os.scandir(folder / DEVICES) if entry.is_dir()]
    except FileNotFoundError:
        return []
    for device in devices:
        for entry in os.scandir(device.path):
            if entry.name.endswith(SUFFIX) and not entry.name.startswith(".") and entry.is_file():
                found.append(SegmentFile(name=f"{DEVICES}/{device.name}/{entry.name}", path=Path(entry.path)))
    return sorted(found)


def write_segment(folder: Path, device: str, when: datetime, text: str) -> str:
    """Write this device's new segment; returns its name in the folder."""
    name = f"{when:%Y%m%dT%H%M%S}-{secrets.token_hex(4)}{SUFFIX}"
    _write_atomically(folder / DEVICES / device / name, text)
    return f"{DEVICES}/{device}/{name}"


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        with open(temporary, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        raise QuizcliError(f"cannot write {path}: {exc.strerror or exc}") from None

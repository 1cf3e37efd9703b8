"""Anki packages (``.apkg``, ``.colpkg``): the zip, its collection and its media, read safely.

A package is a zip holding a collection (``collection.anki2`` or
``collection.anki21``: SQLite, schema 11; ``collection.anki21b``: SQLite of
schema 18 compressed with zstd, announced by a ``meta`` file), a ``media``
list (JSON ``{"0": "name"}`` in the legacy formats, a zstd-compressed protobuf
list in the current one) and the media files, stored as ``0``, ``1``...
(zstd-compressed in the current format).  Everything is bounded: a
collection or media file larger than the limits is refused before it is
written out in full, and media names that could leave the media folder are an
error.  Reading writes only to a temporary directory that is removed after.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, NamedTuple

from quizcli.errors import QuizcliError
from quizcli.interop.anki_collection import Collection, open_collection
from quizcli.interop.anki_proto import ProtobufError, media_names, package_version

if TYPE_CHECKING:
    from zipfile import ZipInfo

PACKAGE_SUFFIXES = (".apkg", ".colpkg")
LEGACY_COLLECTIONS = ("collection.anki21", "collection.anki2")  # the newer legacy one first, as Anki does
CURRENT_COLLECTION = "collection.anki21b"
CURRENT_VERSION = 3
_CHUNK = 1 << 20
# Characters a media name may not hold: it becomes a file name inside the media folder, never a path.
_UNSAFE_NAME = re.compile(r'[/\\:*?"<>|\x00-\x1f]')


class Limits(NamedTuple):
    """The most bytes a package may unpack to: its collection, and all its media together."""

    collection_bytes: int = 4 << 30
    media_bytes: int = 4 << 30


DEFAULT_LIMITS = Limits()


class PackageError(QuizcliError):
    """The package cannot be imported (not a zip, no collection, too big, unsafe media names...)."""


class MediaFile(NamedTuple):
    name: str
    member: str  # its name inside the zip


class Package(NamedTuple):
    """An opened package: its collection (read from a temporary copy) and its media files."""

    collection: Collection
    media: tuple[MediaFile, ...]
    archive: zipfile.ZipFile
    compressed: bool  # media files are zstd-compressed (the current format)
    limits: Limits
    label: str

    def copy_media(self, folder: Path) -> int:
        """Write every media file into ``folder`` (created); returns how many were written."""
        folder.mkdir(parents=True, exist_ok=True)
        budget = self.limits.media_bytes
        for media in self.media:
            info = _member(self.archive, media.member, self.label, "media file")
            with self.archive.open(info) as source, (folder / media.name).open("wb") as target:
                budget -= _copy(source, target, self.compressed, budget, f"{self.label}: media files")
        return len(self.media)


@contextmanager
def open_package(path: Path, limits: Limits = DEFAULT_LIMITS) -> Iterator[Package]:
    """The package at ``path``, opened; its temporary files are removed when the block ends."""
    label = str(path)
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError as exc:
        raise PackageError(f"cannot read {label}: no such file") from exc
    except (zipfile.BadZipFile, OSError) as exc:
        raise PackageError(f"{label} is not an Anki package (not a zip file)") from exc
    with archive, tempfile.TemporaryDirectory(prefix="quizcli-apkg-") as scratch:
        compressed = _is_current(archive, label)
        member = _collection_member(archive, compressed, label)
        copy = Path(scratch) / "collection.sqlite"
        with archive.open(member) as source, copy.open("wb") as target:
            _copy(source, target, compressed, limits.collection_bytes, f"{label}: the collection")
        media = _media(archive, compressed, label)
        collection = open_collection(copy, label)
        try:
            yield Package(
                collection=collection, media=media, archive=archive, compressed=compressed, limits=limits, label=label
            )
        finally:
            collection.connection.close()


def _is_current(archive: zipfile.ZipFile, label: str) -> bool:
    """True for the current (zstd) format, from the ``meta`` file; legacy packages have none."""
    if "meta" not in archive.namelist():
        return False
    try:
        version = package_version(_small(archive, "meta", label))
    except ProtobufError as exc:
        raise PackageError(f"{label}: its meta file is damaged ({exc})") from exc
    if version == CURRENT_VERSION:
        return True
    if version in (1, 2):
        return False
    raise PackageError(f"{label}: unknown package version {version}; it was written by a newer Anki")


def _collection_member(archive: zipfile.ZipFile, compressed: bool, label: str) -> ZipInfo:
    names = set(archive.namelist())
    wanted = (CURRENT_COLLECTION,) if compressed else LEGACY_COLLECTIONS
    for name in wanted:
        if name in names:
            return archive.getinfo(name)
    raise PackageError(f"{label} holds no Anki collection ({' or '.join(wanted)}); is it an Anki package?")


def _media(archive: zipfile.ZipFile, compressed: bool, label: str) -> tuple[MediaFile, ...]:
    if "media" not in archive.namelist():
        return ()
    raw = _small(archive, "media", label)
    try:
        if compressed:
            listed = dict(enumerate(media_names(_decompress_small(raw, label))))
        else:
            loaded = json.loads(raw.decode("utf-8") or "{}")
            listed = {int(key): str(value) for key, value in loaded.items()}
    except (ValueError, AttributeError, ProtobufError) as exc:
        raise PackageError(f"{label}: its media list is damaged ({exc})") from exc
    files = []
    for index, name in sorted(listed.items()):
        if not name:
            continue
        if _UNSAFE_NAME.search(name) or name in (".", "..") or name.startswith("."):
            raise PackageError(f"{label}: unsafe media file name {name!r} (it could write outside the media folder)")
        files.append(MediaFile(name=name, member=str(index)))
    return tuple(files)


_SMALL_BYTES = 64 << 20  # the meta file and the media list


def _small(archive: zipfile.ZipFile, name: str, label: str) -> bytes:
    info = _member(archive, name, label, "file")
    if info.file_size > _SMALL_BYTES:
        raise PackageError(f"{label}: its {name} file is implausibly large ({info.file_size} bytes)")
    return archive.read(info)


def _member(archive: zipfile.ZipFile, name: str, label: str, what: str) -> ZipInfo:
    try:
        return archive.getinfo(name)
    except KeyError as exc:
        raise PackageError(f"{label}: {what} {name} is missing from the package") from exc


def _decompress_small(raw: bytes, label: str) -> bytes:
    import io

    out = io.BytesIO()
    _copy(io.BytesIO(raw), out, True, _SMALL_BYTES, f"{label}: the media list")
    return out.getvalue()


def _copy(source: IO[bytes], target: IO[bytes], compressed: bool, limit: int, what: str) -> int:
    """Copy (zstd-decoding when ``compressed``) at most ``limit`` bytes; more is a zip bomb and an error."""
    reader: IO[bytes] = source
    if compressed:
        import zstandard  # only current-format packages need it

        reader = zstandard.ZstdDecompressor().stream_reader(source, read_across_frames=True)
    written = 0
    try:
        while chunk := reader.read(_CHUNK):
            written += len(chunk)
            if written > limit:
                raise PackageError(f"{what} unpacks to more than {limit} bytes; refusing it (a zip bomb?)")
            target.write(chunk)
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise PackageError(f"{what} is damaged inside the package ({exc})") from exc
    except Exception as exc:  # zstandard.ZstdError, without importing zstandard for the except clause
        if type(exc).__name__ != "ZstdError":
            raise
        raise PackageError(f"{what} is damaged inside the package ({exc})") from exc
    return written


def remove_folder(folder: Path) -> None:
    """Undo `Package.copy_media` after a later step failed."""
    shutil.rmtree(folder, ignore_errors=True)

"""The few protobuf fields quizcli reads from Anki packages, decoded by hand.

Anki's current packages keep three things as protobuf messages
(``proto/anki/import_export.proto`` and ``notetypes.proto`` in Anki's source):
the package's ``meta`` (``PackageMetadata.version``, field 1), the media list
(``MediaEntries``: repeated field 1, each entry's ``name`` in field 1), and the
note type and template configuration (``Notetype.Config.kind``, field 1, and
``original_stock_kind``, field 9; ``Template.Config.q_format``, field 1).  The
wire format needed for these is varints and length-delimited fields, so a
reader of a few dozen lines replaces the protobuf runtime and generated code.
Unknown fields are skipped by their wire type, as protobuf itself does.
"""

from __future__ import annotations

from collections.abc import Iterator

from quizcli.errors import QuizcliError

_VARINT, _FIXED64, _LENGTH, _FIXED32 = 0, 1, 2, 5


class ProtobufError(QuizcliError):
    """Bytes that are not the protobuf message expected."""


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value, shift = 0, 0
    while True:
        if pos >= len(data) or shift > 63:
            raise ProtobufError("truncated or overlong varint")
        byte = data[pos]
        value |= (byte & 0x7F) << shift
        pos, shift = pos + 1, shift + 7
        if byte < 0x80:
            return value, pos


def fields(data: bytes) -> Iterator[tuple[int, int | bytes]]:
    """Each (field number, value) of a message: an int for varints, bytes for length-delimited fields."""
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == _VARINT:
            value, pos = _varint(data, pos)
            yield number, value
        elif wire == _LENGTH:
            length, pos = _varint(data, pos)
            if pos + length > len(data):
                raise ProtobufError("truncated field")
            yield number, data[pos : pos + length]
            pos += length
        elif wire in (_FIXED64, _FIXED32):
            pos += 8 if wire == _FIXED64 else 4
        else:
            raise ProtobufError(f"unsupported wire type {wire}")
    if pos != len(data):
        raise ProtobufError("truncated field")


def _first(data: bytes, number: int, default: int | bytes) -> int | bytes:
    return next((value for n, value in fields(data) if n == number), default)


def package_version(data: bytes) -> int:
    """``PackageMetadata.version``: 1 and 2 legacy, 3 the current format (0 or more: unknown)."""
    value = _first(data, 1, 0)
    return value if isinstance(value, int) else 0


def media_names(data: bytes) -> list[str]:
    """The names in a ``MediaEntries`` list, in order: the n-th is stored in the zip as ``"n"``."""
    names = []
    for number, entry in fields(data):
        if number == 1 and isinstance(entry, bytes):
            name = _first(entry, 1, b"")
            names.append(name.decode("utf-8", "replace") if isinstance(name, bytes) else "")
    return names


def notetype_config(data: bytes) -> tuple[int, int]:
    """(kind, original stock kind) of a ``Notetype.Config``: kind 1 is cloze; stock kinds 1-5 are Anki's own types."""
    kind, stock = 0, 0
    for number, value in fields(data):
        if number == 1 and isinstance(value, int):
            kind = value
        elif number == 9 and isinstance(value, int):
            stock = value
    return kind, stock


def template_question(data: bytes) -> str:
    """A ``Template.Config``'s question format (``{{Front}}``, ``{{cloze:Text}}``...)."""
    value = _first(data, 1, b"")
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else ""

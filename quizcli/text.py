"""Small text helpers shared by every layer (no terminal, no I/O)."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from hashlib import blake2b as Blake2b

# C0 and C1 controls (tab and newline excepted), the bidirectional overrides and isolates, and lone surrogates.
_CONTROL = r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
# What JSON output must still escape besides what ``json`` escapes itself (C0): C1 controls, bidi marks, and
# the lone surrogates that stand for a file name's bytes that are not UTF-8 (no stream could encode them).
# Kept as text: `re` compiles it on first use, and only JSON output uses it.
_JSON_UNSAFE = r"[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"


def plural(count: int, noun: str) -> str:
    """``1 card``, ``2 cards``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def dump_json(data: object) -> str:
    """JSON as quizcli prints it: indented, but a list of objects (cards, reviews, exams) one object a line, as
    sqlite-utils prints rows; UTF-8 kept readable, one trailing newline.

    A row is written by ``json``'s C encoder, which ``indent`` turns off: a whole deck prints in a fraction
    of the time an indented dump takes.
    """
    text = _indented(data, "") + "\n"
    return re.sub(_JSON_UNSAFE, lambda m: f"\\u{ord(m.group()):04x}", text)  # the same data, inert on a terminal


def _indented(value: object, margin: str) -> str:
    inner = margin + "  "
    if isinstance(value, dict) and value:
        fields = (f"{inner}{json.dumps(key, ensure_ascii=False)}: {_indented(v, inner)}" for key, v in value.items())
        return "{\n" + ",\n".join(fields) + f"\n{margin}}}"
    if isinstance(value, list) and value:
        if all(isinstance(v, dict) for v in value):
            entries = (inner + json.dumps(v, ensure_ascii=False) for v in value)
        else:
            entries = (inner + _indented(v, inner) for v in value)
        return "[\n" + ",\n".join(entries) + f"\n{margin}]"
    return json.dumps(value, ensure_ascii=False)


def blake2b_hex(data: bytes, digest_size: int) -> str:
    """A BLAKE2b digest in hex, without loading OpenSSL (`_blake2b`)."""
    return _blake2b()(data, digest_size=digest_size).hexdigest()


def blake2b_digests(data: bytes, spans: Iterable[tuple[int, int]], digest_size: int) -> list[bytes]:
    """The BLAKE2b digest of each span (begin, end) of ``data`` (`_blake2b`)."""
    blake2b = _blake2b()
    return [blake2b(data[begin:end], digest_size=digest_size).digest() for begin, end in spans]


def _blake2b() -> type[Blake2b]:
    """CPython's ``_blake2.blake2b``: ``hashlib`` loads OpenSSL's bindings on import, which weighs on the first
    card after an edit, and ``_blake2`` loads far faster."""
    try:
        from _blake2 import blake2b
    except ImportError:  # a Python without CPython's module
        from hashlib import blake2b
    return blake2b


def os_text(name: str) -> str:
    """A name from the OS (a file name, an argument) as storable text: bytes that are not UTF-8, which
    Python keeps as lone surrogates, written as ``\\x9b``.  The same name always gives the same text."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def inert(text: str) -> str:
    """Text with terminal control characters made visible (``\\x1b`` -> ``^[``), newlines and tabs kept.

    Deck text, file names and messages quoting them pass through here before reaching a
    terminal, so a deck cannot move the cursor, retitle the window or reorder a line.
    Text with nothing to show (printable, once its tabs and newlines are set aside) is returned
    as it is without compiling the pattern, whose many ranges take long to compile at start-up.
    """
    if text.replace("\t", " ").replace("\n", " ").isprintable():  # no character of _CONTROL is printable
        return text
    return re.sub(_CONTROL, lambda m: _caret(m.group()), text)


def _caret(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return "^" + chr(code + 0x40)
    if code == 0x7F:
        return "^?"
    return f"<U+{code:04X}>"


def normalise_prompt(text: str) -> str:
    """Letters and digits only, lower-cased: the part of a prompt that identifies it."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def repeats(texts: Iterable[str]) -> Iterator[tuple[int, int]]:
    """Each text that repeats an earlier one, as (its index, the earlier one's), compared by `option_key`."""
    seen: dict[str, int] = {}
    for index, text in enumerate(texts):
        key = option_key(text)
        if key in seen:
            yield index, seen[key]
        else:
            seen[key] = index


def option_key(text: str) -> str:
    """An option as two options are compared: case and whitespace folded, signs and symbols kept.

    ``-2.0`` and ``2.0``, ``C``, ``C++`` and ``C#``, ``$10`` and ``$-10`` are different answers, so
    nothing but letter case and runs of whitespace may be ignored when telling repeated options apart.
    """
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def plain_number(value: float) -> str:
    """A float as text YAML 1.1 and GIFT read back as a number (``1e-05`` would be read as text)."""
    text = repr(value)
    if "e" not in text and "E" not in text:
        return text
    from decimal import Decimal

    return format(Decimal(text), "f")

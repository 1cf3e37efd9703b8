"""Anki's plain-text notes (the manual's "Importing > Text files"): CSV/TSV with optional file headers.

Headers are ``#key:value`` lines at the top: ``#separator:`` (Comma, Semicolon,
Tab, Space, Pipe, Colon or the character), ``#html:``, ``#tags:``, ``#deck:``,
``#notetype:``, ``#columns:`` and the ``#... column:`` numbers (1-based) of the
guid, notetype, deck and tags columns.  Without headers the separator is
sniffed from the first line and a first row naming the columns (``Front,Back``)
is skipped.  Fields may be quoted, with ``""`` for a quote, and span lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from quizcli.cards import Card, imported_id, valid_id
from quizcli.interop.html_text import HTML_HINT, html_to_markdown
from quizcli.interop.model import ImportResult, Skipped, build_result
from quizcli.kinds.cloze import Cloze
from quizcli.kinds.flashcard import Flashcard
from quizcli.kinds.typed import Typed

SEPARATORS = {"comma": ",", "semicolon": ";", "tab": "\t", "space": " ", "pipe": "|", "colon": ":"}
HEADER = re.compile(r"#([a-z ]+):(.*)", re.IGNORECASE)
HEADER_ROW_NAMES = {"front", "back", "question", "answer", "term", "definition", "text", "extra", "back extra",
                    "tags", "deck", "notetype", "note type", "guid"}  # fmt: skip
CLOZE_NOTE = re.compile(r"\{\{c\d+::", re.IGNORECASE)
_QUOTED = re.compile(r'"((?:[^"]|"")*)"')


@dataclass
class Headers:
    """What the file's ``#key:value`` lines (or a header row) say about its columns."""

    separator: str = ""
    html: bool | None = None
    tags: tuple[str, ...] = ()
    deck: str = ""
    notetype: str = ""
    columns: dict[str, int] = field(default_factory=dict)  # guid/notetype/deck/tags -> 0-based index


class Record(NamedTuple):
    line: int
    fields: tuple[str, ...]


def import_anki(text: str) -> ImportResult:
    headers, body_start = read_headers(text)
    separator = headers.separator or sniff_separator(text[body_start:])
    entries: list[Card | Skipped] = []
    rows = list(records(text, separator, body_start))
    if rows and isinstance(rows[0], Record) and _is_header_row(rows[0], headers):
        _name_columns(headers, [f.strip().lower() for f in rows[0].fields])
        rows = rows[1:]
    for row in rows:
        entries.append(row if isinstance(row, Skipped) else _note(row, headers))
    return build_result("anki", entries, headers.deck)


def read_headers(text: str) -> tuple[Headers, int]:
    """The headers and the offset where the notes start."""
    headers, offset = Headers(), 0
    for line in text.splitlines(keepends=True):
        match = HEADER.fullmatch(line.rstrip("\r\n"))
        if not match:
            break
        _apply_header(headers, match.group(1).strip().lower(), match.group(2).strip())
        offset += len(line)
    return headers, offset


def _apply_header(headers: Headers, key: str, value: str) -> None:
    if key == "separator":
        headers.separator = SEPARATORS.get(value.lower(), value[:1])
    elif key == "html":
        headers.html = value.lower() == "true"
    elif key == "tags":
        headers.tags = tuple(value.split())
    elif key in ("deck", "notetype"):
        setattr(headers, key, value)
    elif key == "columns":
        _name_columns(headers, [name.strip().lower() for name in re.split(r"[\t,;|]", value)])
    elif key.endswith(" column") and value.isdigit() and int(value) > 0:
        headers.columns[key.removesuffix(" column")] = int(value) - 1


def _name_columns(headers: Headers, names: list[str]) -> None:
    for index, name in enumerate(names):
        role = "notetype" if name == "note type" else name
        if role in ("guid", "notetype", "deck", "tags"):
            headers.columns.setdefault(role, index)


def _is_header_row(row: Record, headers: Headers) -> bool:
    names = {f.strip().lower() for f in row.fields}
    return not headers.columns and len(row.fields) >= 2 and names <= HEADER_ROW_NAMES


def sniff_separator(text: str) -> str:
    """Anki's guess from the first note line: tab, else semicolon, else comma, else pipe."""
    first = next((line for line in text.splitlines() if line.strip() and not line.startswith("#")), "")
    return next((sep for sep in ("\t", ";", ",", "|") if sep in first), "\t")


def records(text: str, separator: str, start: int = 0) -> Iterator[Record | Skipped]:
    """Each note's fields with the line it starts on; ``#`` lines between notes are comments."""
    line, pos, end = text.count("\n", 0, start) + 1, start, len(text)
    unquoted = re.compile(f"[^{re.escape(separator)}\r\n]*")
    while pos < end:
        if text[pos] in "\r\n":
            line, pos = line + (text[pos] == "\n" or not text.startswith("\n", pos + 1)), pos + 1
            continue
        if text[pos] == "#":
            pos = _line_end(text, pos)
            continue
        first, fields = line, []
        while True:
            quoted = _QUOTED.match(text, pos) if text[pos : pos + 1] == '"' else None
            if text[pos : pos + 1] == '"' and quoted is None:
                yield Skipped(first, f"a quoted field opened on line {line} is never closed")
                return
            value = quoted.group(1).replace('""', '"') if quoted else ""
            line += quoted.group().count("\n") if quoted else 0
            rest = unquoted.match(text, quoted.end() if quoted else pos)
            assert rest is not None  # the pattern matches the empty string
            fields.append(value + rest.group())
            pos = rest.end()
            if text[pos : pos + 1] != separator or not separator:
                break
            pos += 1
        yield Record(first, tuple(fields))


def _line_end(text: str, pos: int) -> int:
    found = re.compile(r"[\r\n]").search(text, pos)
    return found.start() if found else len(text)


def _note(row: Record, headers: Headers) -> Card:
    special = {index: role for role, index in headers.columns.items()}
    values = {role: row.fields[i].strip() for i, role in special.items() if i < len(row.fields)}
    fields = [_field(f, headers.html) for i, f in enumerate(row.fields) if i not in special]
    fields += [""] * (2 - len(fields))
    notetype = (values.get("notetype") or headers.notetype).lower()
    tags = _tags(headers.tags + tuple(values.get("tags", "").split()) + _deck_tag(values.get("deck", "")))
    card_id = _card_id(values.get("guid", ""), fields[0])
    if "cloze" in notetype or (not notetype and CLOZE_NOTE.search(fields[0])):
        return Card(id=card_id, content=Cloze(text=fields[0]), explanation=fields[1], tags=tags, line=row.line)
    if "type in" in notetype:
        typed = Typed(question=fields[0], answer=fields[1])
        return Card(id=card_id, content=typed, tags=tags, line=row.line)
    reverse = "and reversed" in notetype or ("optional reversed" in notetype and len(fields) > 2 and bool(fields[2]))
    extra = fields[2:] if "optional reversed" not in notetype else fields[3:]
    back = "\n\n".join(f for f in [fields[1], *extra] if f)
    content = Flashcard(front=fields[0], back=back, reverse=reverse)
    return Card(id=card_id, content=content, tags=tags, line=row.line)


def _field(value: str, html: bool | None) -> str:
    is_html = html if html is not None else bool(HTML_HINT.search(value))
    return html_to_markdown(value) if is_html else value.strip()


def _card_id(guid: str, first_field: str) -> str:
    """The guid when it is a valid id (as quizcli's own exports are), else an id derived from it or the text."""
    if valid_id(guid):
        return guid
    return imported_id(guid or first_field)


def _deck_tag(deck: str) -> tuple[str, ...]:
    return (re.sub(r"\s+", "-", deck),) if deck else ()


def _tags(tags: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t for t in tags if t))

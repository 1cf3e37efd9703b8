"""Anki's plain-text notes (the manual's "Importing > Text files"): CSV/TSV with optional file headers.

Headers are ``#key:value`` lines at the top: ``#separator:`` (Comma, Semicolon,
Tab, Space, Pipe, Colon or the character), ``#html:``, ``#tags:``, ``#deck:``,
``#notetype:``, ``#columns:`` and the ``#... column:`` numbers (1-based) of the
guid, notetype, deck and tags columns.  Without headers the separator is
sniffed from the first line and a first row naming the columns (``Front,Back``)
is skipped.  Fields may be quoted, with ``""`` for a quote, and span lines.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from quizcli.cards import LETTERS, Card, imported_id, valid_id
from quizcli.interop.html_text import HTML_HINT, html_to_markdown
from quizcli.interop.model import Flagged, ImportResult, Skipped, build_result
from quizcli.kinds.choice import Choice
from quizcli.kinds.cloze import Cloze
from quizcli.kinds.flashcard import Flashcard
from quizcli.kinds.typed import Typed
from quizcli.text import blake2b_hex, option_key

SEPARATORS = {"comma": ",", "semicolon": ";", "tab": "\t", "space": " ", "pipe": "|", "colon": ":"}
HEADER = re.compile(r"#([a-z ]+):(.*)", re.IGNORECASE)
# Column names of a header row, by the role of the column (any case; `_role` also knows option columns).
ROLE_NAMES = {
    "guid": ("guid", "id", "note id", "uuid"),
    "notetype": ("notetype", "note type", "type"),
    "deck": ("deck", "category", "subject", "topic", "chapter"),
    "tags": ("tags", "tag", "labels"),
    "front": ("front", "question", "term", "word", "prompt", "text", "expression"),
    "back": ("back", "answer", "definition", "meaning", "translation", "reading", "correct answer", "correct"),
    "explanation": ("notes", "note", "explanation", "extra", "back extra", "comment", "comments", "example", "hint"),
}  # fmt: skip
# Language names head the columns of many vocabulary lists (``korean,english``): plain fields, in order.
LANGUAGES = frozenset(
    "english korean japanese chinese mandarin french german spanish italian portuguese russian dutch polish czech "
    "slovak swedish norwegian danish finnish greek turkish arabic hebrew hindi vietnamese thai indonesian latin "
    "ukrainian hungarian romanian pinyin romaji hiragana katakana kanji hanzi hangul".split()
)
_OPTION_NAME = re.compile(r"(?:option|choice|answer)?[ _]?([a-h])|(?:option|choice|answer)[ _]?([1-8])")
CLOZE_NOTE = re.compile(r"\{\{c\d+::", re.IGNORECASE)
NO_SEPARATOR = "no separator on this line (a line break inside a field?)"


@dataclass
class Headers:
    """What the file's ``#key:value`` lines (or a header row) say about its columns."""

    separator: str = ""
    html: bool | None = None
    tags: tuple[str, ...] = ()
    deck: str = ""
    notetype: str = ""
    columns: dict[str, int] = field(default_factory=dict)  # guid/notetype/deck/tags/front... -> 0-based index
    options: tuple[int, ...] = ()  # the option columns of a question-and-options table, in order


class Record(NamedTuple):
    line: int
    last_line: int
    fields: tuple[str, ...]


def import_anki(text: str) -> ImportResult:
    headers, body_start = read_headers(text)
    separator = headers.separator or sniff_separator(text[body_start:])
    rows = list(records(text[body_start:], separator, text.count("\n", 0, body_start) + 1))
    if rows and isinstance(rows[0], Record) and not headers.columns and _name_header_row(headers, rows[0].fields):
        rows = rows[1:]
    entries: list[Card | Skipped | Flagged] = []
    previous: Record | None = None
    for row in rows:
        if isinstance(row, Skipped):
            entries.append(row)
        elif len(row.fields) == 1 and not CLOZE_NOTE.search(row.fields[0]):
            entries.append(Skipped(row.line, NO_SEPARATOR))
            if previous is not None and previous.last_line == row.line - 1:
                reason = f"its last field may go on on line {row.line}, which was skipped"
                entries.append(Flagged(previous.line, reason))
        else:
            entries.append(_choice_note(row, headers) if headers.options else _note(row, headers))
        previous = row if isinstance(row, Record) and len(row.fields) > 1 else None
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
        names = [name.strip().lower() for name in re.split(r"[\t,;|]", value)]
        for index, name in enumerate(names):
            role = _role(name)
            if role in ("guid", "notetype", "deck", "tags"):
                headers.columns.setdefault(role, index)
    elif key.endswith(" column") and value.isdigit() and int(value) > 0:
        headers.columns[key.removesuffix(" column")] = int(value) - 1


def _role(name: str) -> str:
    """What a column named ``name`` holds: a role of ROLE_NAMES, ``option``, ``field`` (a language) or ``""``."""
    for role, names in ROLE_NAMES.items():
        if name in names:
            return role
    if _OPTION_NAME.fullmatch(name):
        return "option"
    return "field" if name in LANGUAGES else ""


def _name_header_row(headers: Headers, fields: tuple[str, ...]) -> bool:
    """When every field of the first row names a column, map the columns by name and say so."""
    names = [f.strip().lower() for f in fields]
    roles = [_role(name) for name in names]
    if len(fields) < 2 or not all(roles):
        return False
    options = tuple(i for i, role in enumerate(roles) if role == "option")
    for index, role in enumerate(roles):
        if role not in ("option", "field"):
            headers.columns.setdefault(role, index)
    if len(options) >= 2 and "front" in headers.columns:
        headers.options = options
    elif options:  # one lettered column is no list of options: a plain field
        headers.columns.pop("option", None)
    return True


def sniff_separator(text: str) -> str:
    """Anki's guess from the first note line: tab, else semicolon, else comma, else pipe."""
    first = next((line for line in text.splitlines() if line.strip() and not line.startswith("#")), "")
    return next((sep for sep in ("\t", ";", ",", "|") if sep in first), "\t")


class _Lines:
    """The source's lines for `csv.reader`, dropping ``#`` comment lines that stand between notes.

    The reader asks for a record's first line only after handing over the previous record, so a
    line asked for while ``between_notes`` is set starts a note (or is a comment).
    """

    def __init__(self, text: str, first_line: int) -> None:
        self.lines = io.StringIO(text, newline="")
        self.number = first_line - 1
        self.between_notes = True
        self.record_start = first_line
        self.record_text: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        while True:
            line = self.lines.readline()
            if not line:
                raise StopIteration
            self.number += 1
            if self.between_notes and (line.startswith("#") or not line.strip("\r\n")):
                continue
            if self.between_notes:
                self.between_notes, self.record_start, self.record_text = False, self.number, []
            self.record_text.append(line)
            return line


def records(text: str, separator: str, first_line: int = 1) -> Iterator[Record | Skipped]:
    """Each note's fields with the lines it spans, read by `csv` (quoted fields may hold separators and line breaks)."""
    lines = _Lines(text, first_line)
    reader = csv.reader(lines, delimiter=separator or "\t", quotechar='"', doublequote=True, strict=False)
    # No field is longer than the text; csv's own limit (128 KiB) would refuse a long field as an error.
    limit = csv.field_size_limit(max(csv.field_size_limit(), len(text)))
    try:
        for fields in reader:
            opened = lines.record_text[0].lstrip().startswith(('"', separator))
            if "".join(lines.record_text).count('"') % 2 and opened:
                yield Skipped(lines.record_start, f"a quoted field opened on line {lines.record_start} is never closed")
                return
            if fields:
                yield Record(line=lines.record_start, last_line=lines.number, fields=tuple(fields))
            lines.between_notes = True
    finally:
        csv.field_size_limit(limit)


def _note(row: Record, headers: Headers) -> Card:
    special = {index: role for role, index in headers.columns.items() if role in ("guid", "notetype", "deck", "tags")}
    values = {role: row.fields[i].strip() for role, i in headers.columns.items() if i < len(row.fields)}
    fields = [_field(row.fields[i], headers.html) for i in _content_columns(row, headers, set(special))]
    fields += [""] * (2 - len(fields))
    notetype = (values.get("notetype") or headers.notetype).lower()
    tags = _tags(headers.tags + tuple(values.get("tags", "").split()) + (deck_tag(values.get("deck", "")),))
    card_id = _card_id(values.get("guid", ""), fields[0])
    explanation = _field(values.get("explanation", ""), headers.html)
    cloze_at = next((i for i, f in enumerate(fields) if CLOZE_NOTE.search(f)), None) if not notetype else None
    if cloze_at is not None and cloze_at > 0 and "cloze" in fields[cloze_at - 1].lower():
        return _exported_cloze(row.line, fields, cloze_at, tags)
    if "cloze" in notetype or cloze_at is not None:
        at = cloze_at or 0  # the other fields, before it or after, are kept as the explanation
        text, rest = fields[at], fields[:at] + fields[at + 1 :]
        card_id = _card_id(values.get("guid", ""), text)
        cloze = Cloze(text=text)
        return Card(id=card_id, content=cloze, explanation=_join(*rest, explanation), tags=tags, line=row.line)
    if "type in" in notetype:
        typed = Typed(question=fields[0], answer=fields[1])
        return Card(id=card_id, content=typed, explanation=explanation, tags=tags, line=row.line)
    reverse = "and reversed" in notetype or ("optional reversed" in notetype and len(fields) > 2 and bool(fields[2]))
    extra = fields[2:] if "optional reversed" not in notetype else fields[3:]
    content = Flashcard(front=fields[0], back=_join(fields[1], *extra), reverse=reverse)
    return Card(id=card_id, content=content, explanation=explanation, tags=tags, line=row.line)


def _exported_cloze(line: int, fields: list[str], at: int, tags: tuple[str, ...]) -> Card:
    """A cloze note of an export without headers: [guid,] notetype, Text, Back Extra[, tags]."""
    guid = fields[0] if at >= 2 else ""
    extra = fields[at + 1] if at + 1 < len(fields) else ""
    all_tags = _tags(tags + (tuple(fields[at + 2].split()) if at + 2 < len(fields) else ()))
    cloze = Cloze(text=fields[at])
    return Card(id=_card_id(guid, cloze.text), content=cloze, explanation=extra, tags=all_tags, line=line)


def _content_columns(row: Record, headers: Headers, special: set[int]) -> list[int]:
    """The note's text columns: a named front and back first, then the other unnamed ones in order."""
    named = [headers.columns[role] for role in ("front", "back") if role in headers.columns]
    explanation = {headers.columns["explanation"]} if "explanation" in headers.columns else set()
    rest = [i for i in range(len(row.fields)) if i not in special | explanation and i not in named]
    return [i for i in named if i < len(row.fields)] + rest


def _choice_note(row: Record, headers: Headers) -> Card | Skipped:
    """A row of a ``question, a, b, c, d, answer`` table: the answer is a letter, a column name or an option's text."""
    value = {role: _field(row.fields[i], headers.html) for role, i in headers.columns.items() if i < len(row.fields)}
    options = [_field(row.fields[i], headers.html) for i in headers.options if i < len(row.fields)]
    choices = tuple(option for option in options if option)
    answer = value.get("back", "")
    index = _answer_index(answer, choices)
    if index is None:
        return Skipped(row.line, f"answer {answer or '(nothing)'!r} is not one of the options")
    tags = _tags(headers.tags + tuple(value.get("tags", "").split()) + (deck_tag(value.get("deck", "")),))
    content = Choice(question=value.get("front", ""), choices=choices, correct=(index,))
    card_id = _card_id(value.get("guid", ""), content.question)
    return Card(id=card_id, content=content, explanation=value.get("explanation", ""), tags=tags, line=row.line)


def _answer_index(answer: str, choices: tuple[str, ...]) -> int | None:
    key = answer.strip().lower()
    named = _OPTION_NAME.fullmatch(key)
    if named:
        index = LETTERS.find(named.group(1).upper()) if named.group(1) else int(named.group(2)) - 1
        return index if 0 <= index < len(choices) else None
    matching = [i for i, choice in enumerate(choices) if option_key(choice) == option_key(answer)]
    return matching[0] if answer.strip() and matching else None


def _join(*parts: str) -> str:
    return "\n\n".join(part for part in parts if part)


def _field(value: str, html: bool | None) -> str:
    is_html = html if html is not None else bool(HTML_HINT.search(value))
    return html_to_markdown(value) if is_html else value.strip()


def _card_id(guid: str, first_field: str) -> str:
    """The note's GUID as `guid_id` makes it (as a package of the same notes does), else an id derived from the text."""
    return guid_id(guid) if guid else imported_id(first_field)


def guid_id(guid: str) -> str:
    """A card id from a note's GUID: itself when it is a valid id (quizcli's own exports), else a stable hash of it.

    GUIDs are case-sensitive base-91 text, so the hash is taken of the exact GUID; a text export
    and a package of the same notes give the same ids, and so share their progress."""
    return guid if valid_id(guid) else f"anki-{blake2b_hex(guid.encode(), 6)}"


def deck_tag(deck: str) -> str:
    """The tag an imported card gets from its Anki deck's name ("" for none)."""
    return re.sub(r"\s+", "-", deck.strip())


def _tags(tags: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t for t in tags if t))

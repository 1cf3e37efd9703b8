"""A deck as an Anki package (``quizcli export DECK --format apkg``) that Anki imports with its own note types.

The package is in the legacy layout every Anki since 2.1 imports
(``collection.anki21``, schema 11, and a JSON media list), so no zstd is
needed to write it.  Each card becomes the notes its kind gives for Anki
(`CardContent.anki`): flashcards are ``Basic`` or ``Basic (and reversed
card)``, typed cards ``Basic (type in the answer)``, cloze cards ``Cloze``;
choice and true/false cards are ``Basic`` notes showing the options on the
front and the answer on the back (reported).  Fields are written as HTML,
the card id is the note's GUID (so exporting again and importing into Anki
updates the notes), tags are kept, and images and sounds the deck refers to
by a path beside it are packed as media.  With progress (a `Scheduling`), each
card carries its item's schedule (due date, interval, FSRS memory state,
suspended or buried) and the review log goes along.
"""

from __future__ import annotations

import html
import json
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from quizcli.cards import Card, Deck
from quizcli.interop.anki_collection import NewCard, NewNote, NewReview, Note, Schedule, write_collection
from quizcli.interop.model import Exported, Left
from quizcli.kinds.cloze import cloze_numbers

DECK_ID = 1_700_000_000_001
_CSS = ".card { font-family: arial; font-size: 20px; text-align: center; color: black; background-color: white; }"
_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")
_SOUND = re.compile(r"\[sound:([^\]]+)\]")
_INLINE = ((re.compile(r"\*\*(.+?)\*\*"), "b"), (re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*"), "i"))
_CODE = re.compile(r"`([^`]+)`")


class Scheduling(Protocol):
    """Where an export with progress gets each item's Anki scheduling and the review log (`anki_progress`)."""

    def schedule(self, item: str, position: int) -> Schedule: ...

    def revlog(self, card_ids: dict[str, int]) -> list[NewReview]: ...


class NoteType(NamedTuple):
    id: int
    fields: tuple[str, ...]
    templates: tuple[tuple[str, str, str], ...]  # (name, question, answer)
    cloze: bool = False


_FRONT_TO_BACK = ("Card 1", "{{Front}}", "{{FrontSide}}<hr id=answer>{{Back}}")
_BACK_TO_FRONT = ("Card 2", "{{Back}}", "{{FrontSide}}<hr id=answer>{{Front}}")
_NOTETYPES = {
    "Basic": NoteType(id=1_700_000_000_101, fields=("Front", "Back"), templates=(_FRONT_TO_BACK,)),
    "Basic (and reversed card)": NoteType(
        id=1_700_000_000_102, fields=("Front", "Back"), templates=(_FRONT_TO_BACK, _BACK_TO_FRONT)
    ),
    "Basic (type in the answer)": NoteType(
        id=1_700_000_000_103,
        fields=("Front", "Back"),
        templates=(("Card 1", "{{Front}}\n\n{{type:Back}}", "{{Front}}<hr id=answer>{{type:Back}}"),),
    ),
    "Cloze": NoteType(
        id=1_700_000_000_104,
        fields=("Text", "Back Extra"),
        templates=(("Cloze", "{{cloze:Text}}", "{{cloze:Text}}<br>\n{{Back Extra}}"),),
        cloze=True,
    ),
}


def export_apkg(deck: Deck, output: Path, created: int, progress: Scheduling | None = None) -> Exported:
    """Write ``deck`` as a package at ``output``; ``created`` (seconds since the epoch) stamps the notes."""
    base = Path(deck.path).parent if deck.path else Path(".")
    media: dict[str, Path] = {}
    notes: list[NewNote] = []
    noted: list[Left] = []
    used: set[str] = set()
    card_ids: dict[str, int] = {}
    for card in deck.cards:
        written = card.content.anki(card)
        for note in written.notes:
            notetype_name = note.notetype if note.notetype in _NOTETYPES else "Basic"
            used.add(notetype_name)
            notetype = _NOTETYPES[notetype_name]
            fields = (_html(note.first, base, media), _html(note.second, base, media))
            note_id = created * 1000 + len(notes) + 1
            ordinals = [n - 1 for n in cloze_numbers(note.first)] if notetype.cloze else range(len(notetype.templates))
            cards = []
            for ordinal in ordinals or [0]:
                item = _item(card, ordinal, notetype.cloze) if len(written.notes) == 1 else None
                schedule = Schedule(due=len(notes) + 1)
                if progress is not None and item is not None:
                    schedule = progress.schedule(item, len(notes) + 1)
                    card_ids[item] = note_id * 100 + ordinal
                cards.append(NewCard(id=note_id * 100 + ordinal, ordinal=ordinal, schedule=schedule))
            anki_note = Note(id=note_id, guid=card.id + note.guid, notetype=notetype.id, tags=card.tags, fields=fields)
            first = NewCard(id=note_id * 100, ordinal=0, schedule=Schedule(due=len(notes) + 1))
            notes.append(NewNote(note=anki_note, cards=tuple(cards) or (first,)))
        if written.lost:
            noted.append(Left(card.id, written.lost))
        elif card.kind.name in ("choice", "true-false"):
            noted.append(Left(card.id, f"a {card.kind.name} card: written as a Basic note, options on the front"))
    title = " ".join(deck.title.split()) or deck.name
    config = {
        "models": json.dumps({str(_NOTETYPES[name].id): _model(name, created) for name in sorted(used)}),
        "decks": json.dumps({"1": _deck(1, "Default", created), str(DECK_ID): _deck(DECK_ID, title, created)}),
        "dconf": "{}",  # Anki gives the imported deck its default options
        "conf": json.dumps({"curDeck": DECK_ID, "nextPos": len(notes) + 1, "schedVer": 2}),
    }
    with tempfile.TemporaryDirectory(prefix="quizcli-apkg-") as scratch:
        collection = Path(scratch) / "collection.anki21"
        reviews = progress.revlog(card_ids) if progress is not None else []
        write_collection(collection, config, notes, DECK_ID, created, reviews)
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(collection, "collection.anki21")
            names = sorted(media)
            archive.writestr("media", json.dumps({str(i): name for i, name in enumerate(names)}))
            for index, name in enumerate(names):
                archive.write(media[name], str(index))
    return Exported(text="", written=len(deck.cards), noted=tuple(noted))


def _item(card: Card, ordinal: int, cloze: bool) -> str | None:
    """The quizcli item an Anki card (template or cloze ordinal) of ``card``'s one note is, if it is one."""
    wanted = f"{card.id}:c{ordinal + 1}" if cloze else card.id if ordinal == 0 else f"{card.id}:reverse"
    return wanted if wanted in {item.id for item in card.items()} else None


def _html(markdown: str, base: Path, media: dict[str, Path]) -> str:
    """The deck's Markdown as Anki's HTML: bold, italics, code, line breaks, images and sounds (packed as media)."""

    def image(match: re.Match[str]) -> str:
        return f'<img src="{html.escape(_pack(match.group(2), base, media))}" alt="{match.group(1)}">'

    def sound(match: re.Match[str]) -> str:
        return f"[sound:{_pack(match.group(1), base, media)}]"

    text = html.escape(markdown, quote=False)
    text = _CODE.sub(r"<code>\1</code>", text)
    for pattern, tag in _INLINE:
        text = pattern.sub(rf"<{tag}>\1</{tag}>", text)
    text = _SOUND.sub(sound, _IMAGE.sub(image, text))
    return text.replace("\n", "<br>")


def _pack(reference: str, base: Path, media: dict[str, Path]) -> str:
    """A media reference: the file's name inside the package when the file exists beside the deck, else as written."""
    source = base / html.unescape(reference)
    if "://" in reference or not source.is_file():
        return reference
    name = source.name
    media.setdefault(name, source)
    return name


def _model(name: str, created: int) -> dict[str, Any]:
    notetype = _NOTETYPES[name]
    return {
        "id": notetype.id,
        "name": name,
        "type": 1 if notetype.cloze else 0,
        "mod": created,
        "usn": -1,
        "sortf": 0,
        "did": DECK_ID,
        "tags": [],
        "vers": [],
        "css": _CSS,
        "latexPre": "\\documentclass[12pt]{article}\n\\begin{document}\n",
        "latexPost": "\\end{document}",
        "latexsvg": False,
        "req": [[i, "any", [0]] for i in range(len(notetype.templates))],
        "flds": [
            {"name": field, "ord": i, "sticky": False, "rtl": False, "font": "Arial", "size": 20, "media": []}
            for i, field in enumerate(notetype.fields)
        ],
        "tmpls": [
            {"name": t_name, "ord": i, "qfmt": question, "afmt": answer, "did": None, "bqfmt": "", "bafmt": ""}
            for i, (t_name, question, answer) in enumerate(notetype.templates)
        ],
    }


def _deck(deck_id: int, name: str, created: int) -> dict[str, Any]:
    return {
        "id": deck_id,
        "name": name,
        "mod": created,
        "usn": -1,
        "desc": "",
        "dyn": 0,
        "conf": 1,
        "collapsed": False,
        "browserCollapsed": False,
        "extendNew": 0,
        "extendRev": 0,
        "newToday": [0, 0],
        "revToday": [0, 0],
        "lrnToday": [0, 0],
        "timeToday": [0, 0],
    }

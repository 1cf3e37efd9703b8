"""Anki notes to quizcli cards: each note type to a kind, HTML fields to Markdown, GUIDs to stable ids.

- Basic: a flashcard.
- Basic (and reversed card), Basic (optional reversed card): a flashcard with ``reverse`` (the optional
  one when its *Add Reverse* field is filled).
- Cloze (any note type of the cloze kind): a cloze card from the field the template names; the other
  fields are the explanation.
- Basic (type in the answer), or a template with ``{{type:...}}``: a typed card; the answer is the
  field it types.
- Anything else: a flashcard from the first two fields, counted under the note type's name.

A note type is recognised by its name (Anki's English names), a cloze type by
its kind whatever its name.  Each Anki card (a note and a template or cloze number)
maps to one quizcli item, which is how the review log is matched.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

from quizcli.cards import Card
from quizcli.interop.anki import deck_tag, guid_id
from quizcli.interop.anki_collection import Collection, Note, NoteType
from quizcli.interop.html_text import html_to_markdown
from quizcli.interop.model import ImportResult, Skipped, build_result
from quizcli.kinds.cloze import Cloze
from quizcli.kinds.flashcard import Flashcard
from quizcli.kinds.typed import Typed

STOCK_BASIC, STOCK_REVERSED, STOCK_OPTIONAL_REVERSED, STOCK_TYPING, STOCK_CLOZE, STOCK_OCCLUSION = range(1, 7)
_BY_NAME = {
    "basic": STOCK_BASIC,
    "basic (and reversed card)": STOCK_REVERSED,
    "basic (optional reversed card)": STOCK_OPTIONAL_REVERSED,
    "basic (type in the answer)": STOCK_TYPING,
    "cloze": STOCK_CLOZE,
    "image occlusion": STOCK_OCCLUSION,
}
_CLOZE_FIELD = re.compile(r"\{\{(?:[^{}]*:)?cloze:([^{}]+)\}\}")
_TYPE_FIELD = re.compile(r"\{\{type:(?:[^{}:]*:)?([^{}]+)\}\}")
_SRC = re.compile(r"""(\bsrc\s*=\s*)(["']?)([^"'\s>]+)\2""", re.IGNORECASE)
_SOUND = re.compile(r"\[sound:([^\]]+)\]")


class Media(NamedTuple):
    """The package's media file names and the folder (relative to the deck) they are copied into ("": not copied)."""

    names: frozenset[str]
    folder: str

    def moved(self, name: str) -> str:
        return f"{self.folder}/{name}" if name in self.names else name


class Notes(NamedTuple):
    """The imported cards, which quizcli item each Anki card became, and note types read as plain flashcards."""

    result: ImportResult
    items: dict[int, str]  # Anki card id -> quizcli item id
    other_types: dict[str, int]  # note type name -> notes imported from their first two fields


def stock_kind(notetype: NoteType) -> int:
    """Which of Anki's own note types this is, by its name (ignoring the ``-a1b2c`` or ``+`` Anki adds to a copy),
    then by its kind (cloze) or a ``{{type:...}}`` template; 0 for any other (a custom one, or a stock one renamed)."""
    by_name = _BY_NAME.get(re.sub(r"(-\w{5}|\++)$", "", notetype.name).strip().casefold(), 0)
    if notetype.cloze:
        return STOCK_OCCLUSION if STOCK_OCCLUSION in (by_name, notetype.stock_kind) else STOCK_CLOZE
    if by_name in (STOCK_CLOZE, STOCK_OCCLUSION):  # named like a cloze type but not of the cloze kind
        return 0
    if not by_name and any(_TYPE_FIELD.search(template) for template in notetype.templates):
        return STOCK_TYPING
    return by_name


def collection_cards(collection: Collection, media: Media, title: str) -> Notes:
    """Every note as a card (or skipped with why), its references to the package's media moved into their folder."""
    first_deck = _first_decks(collection)
    deck_names = {collection.decks.get(deck, "") for deck in first_deck.values()}
    tag_decks = len(deck_names) > 1
    cards_of = _cards_by_note(collection)
    entries: list[Card | Skipped] = []
    others: Counter[str] = Counter()
    for position, note in enumerate(collection.notes, start=1):
        notetype = collection.notetypes.get(note.notetype)
        if notetype is None:
            entries.append(Skipped(position, f"note {note.guid}: its note type is missing from the collection"))
            continue
        fields = [_markdown(value, media) for value in note.fields]
        deck = collection.decks.get(first_deck.get(note.id, 0), "") if tag_decks else ""
        tags = tuple(dict.fromkeys([*note.tags, *([deck_tag(deck)] if deck else [])]))
        entry = _note_card(note, notetype, fields, position)
        if isinstance(entry, Card):
            entry = entry._replace(tags=tags)
            if stock_kind(notetype) == 0:
                others[notetype.name] += 1
        entries.append(entry)
    result = build_result("apkg", entries, title)
    by_position = {card.line: card for card in result.cards}
    items: dict[int, str] = {}
    for position, note in enumerate(collection.notes, start=1):
        card = by_position.get(position)
        if card is not None:
            variants = {item.variant: item.id for item in card.items()}
            for anki_card, ordinal in cards_of.get(note.id, ()):
                variant = _variant(card, ordinal)
                if variant in variants:
                    items[anki_card] = variants[variant]
    return Notes(result=result, items=items, other_types=dict(others))


def deck_title(collection: Collection, fallback: str) -> str:
    """The name of the top-level deck every card is in, else ``fallback`` (the package's name)."""
    tops = {collection.decks.get(card.deck, "").split("::")[0] for card in collection.cards}
    top = next(iter(tops)) if len(tops) == 1 else ""
    return top if top and top != "Default" else fallback


def _note_card(note: Note, notetype: NoteType, fields: list[str], position: int) -> Card | Skipped:
    kind = stock_kind(notetype)
    card_id = guid_id(note.guid)
    fields += [""] * (max(2, len(notetype.fields)) - len(fields))  # a note may hold fewer fields than its type
    if kind == STOCK_OCCLUSION:
        return Skipped(position, "an image occlusion note: quizcli cannot draw masks over an image")
    if kind == STOCK_CLOZE:
        index = _named_field(notetype, _CLOZE_FIELD, 0)
        extra = "\n\n".join(f for i, f in enumerate(fields) if i != index and f)
        return Card(id=card_id, content=Cloze(text=fields[index]), explanation=extra, line=position)
    if kind == STOCK_TYPING:
        index = _named_field(notetype, _TYPE_FIELD, 1)
        question = fields[0] if index else fields[1]
        typed = Typed(question=question, answer=_one_line(fields[index]))
        return Card(id=card_id, content=typed, line=position)
    reverse = kind == STOCK_REVERSED or (kind == STOCK_OPTIONAL_REVERSED and len(fields) > 2 and bool(fields[2]))
    return Card(id=card_id, content=Flashcard(front=fields[0], back=fields[1], reverse=reverse), line=position)


def _named_field(notetype: NoteType, pattern: re.Pattern[str], default: int) -> int:
    """The index of the field the first template names with ``pattern`` (``{{cloze:Text}}``, ``{{type:Back}}``)."""
    for template in notetype.templates:
        found = pattern.search(template)
        if found and found.group(1).strip() in notetype.fields:
            return notetype.fields.index(found.group(1).strip())
    return default


def _variant(card: Card, ordinal: int) -> str:
    """The quizcli variant an Anki card's template (or cloze) ordinal is: ``cN`` for cloze, ``reverse`` for card 2."""
    if isinstance(card.content, Cloze):
        return f"c{ordinal + 1}"
    return "" if ordinal == 0 else "reverse" if ordinal == 1 else f"#{ordinal}"


def _first_decks(collection: Collection) -> dict[int, int]:
    """Each note's deck: that of its first card."""
    decks: dict[int, int] = {}
    for card in collection.cards:
        decks.setdefault(card.note, card.deck)
    return decks


def _cards_by_note(collection: Collection) -> dict[int, list[tuple[int, int]]]:
    found: dict[int, list[tuple[int, int]]] = {}
    for card in collection.cards:
        found.setdefault(card.note, []).append((card.id, card.ord))
    return found


def _markdown(field: str, media: Media) -> str:
    """A field's HTML as Markdown, with references to the package's media pointing into the deck's media folder."""
    if media.names and media.folder:
        field = _SRC.sub(lambda m: m.group(1) + '"' + media.moved(html.unescape(m.group(3))) + '"', field)
        field = _SOUND.sub(lambda m: f"[sound:{media.moved(m.group(1))}]", field)
    return html_to_markdown(field)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def counted(names: Iterable[tuple[str, int]]) -> str:
    """``'Vocab' (3), 'Other' (1)``."""
    return ", ".join(f"'{name}' ({count})" for name, count in names)

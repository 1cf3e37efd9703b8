"""A deck as Anki plain text: one note per card, with its guid, so re-importing updates notes.

Columns: guid, notetype, first field, second field, tags.  Flashcards are
``Basic`` (or ``Basic (and reversed card)``), typed cards ``Basic (type in the
answer)``, cloze cards ``Cloze`` with the explanation as *Back Extra*; choice
and true/false cards, which Anki has no stock notetype for, are ``Basic`` notes
with the options on the front and the answer on the back.  Fields are HTML
(``#html:true``), as Anki shows them: the deck's Markdown bold, italics, code
and line breaks become tags, ``& < >`` entities.
"""

from __future__ import annotations

from quizcli.cards import Deck
from quizcli.interop.html_text import markdown_to_html
from quizcli.interop.model import Exported, Left

HEADER = ("#separator:tab", "#html:true", "#guid column:1", "#notetype column:2", "#tags column:5")


def export_anki(deck: Deck) -> Exported:
    title = " ".join(deck.title.split())
    lines = [*HEADER, *([f"#deck:{title}"] if title else [])]
    noted: list[Left] = []
    for card in deck.cards:
        notes = card.content.anki(card)
        for note in notes.notes:
            first, second = markdown_to_html(note.first), markdown_to_html(note.second)
            fields = (card.id + note.guid, note.notetype, first, second, " ".join(card.tags))
            lines.append("\t".join(quote(f) for f in fields))
        if notes.lost:
            noted.append(Left(card.id, notes.lost))
    return Exported(text="\n".join(lines) + "\n", written=len(deck.cards), noted=tuple(noted))


def quote(field: str) -> str:
    """A field quoted (``"`` doubled) when it holds a tab, a line break or a quote."""
    if any(ch in field for ch in '\t\n\r"'):
        return '"' + field.replace('"', '""') + '"'
    return field

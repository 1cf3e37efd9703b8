"""A deck as Anki plain text: one note per card, with its guid, so re-importing updates notes.

Columns: guid, notetype, first field, second field, tags.  Flashcards are
``Basic`` (or ``Basic (and reversed card)``), typed cards ``Basic (type in the
answer)``, cloze cards ``Cloze`` with the explanation as *Back Extra*; choice
and true/false cards, which Anki has no stock notetype for, are ``Basic`` notes
with the options on the front and the answer on the back.
"""

from __future__ import annotations

from quizcli.cards import LETTERS, Card, Deck, Kind, cloze_deletions
from quizcli.interop.exporting import Exported

HEADER = ("#separator:tab", "#html:false", "#guid column:1", "#notetype column:2", "#tags column:5")


def export_anki(deck: Deck) -> Exported:
    title = " ".join(deck.title.split())
    lines = [*HEADER, *([f"#deck:{title}"] if title else [])]
    for card in deck.cards:
        notetype, first, second = note_fields(card)
        lines.append("\t".join(quote(f) for f in (card.id, notetype, first, second, " ".join(card.tags))))
    return Exported("\n".join(lines) + "\n", len(deck.cards))


def quote(field: str) -> str:
    """A field quoted (``"`` doubled) when it holds a tab, a line break or a quote."""
    if any(ch in field for ch in '\t\n\r"'):
        return '"' + field.replace('"', '""') + '"'
    return field


def note_fields(card: Card) -> tuple[str, str, str]:
    if card.kind is Kind.FLASHCARD:
        return ("Basic (and reversed card)" if card.reverse else "Basic"), card.prompt, card.answer
    if card.kind is Kind.TYPED:
        return "Basic (type in the answer)", card.prompt, card.answer
    if card.kind is Kind.CLOZE:
        return "Cloze", anki_cloze(card.prompt), card.explanation
    if card.kind is Kind.TRUE_FALSE:
        back = "\n\n".join(filter(None, ["True" if card.truth else "False", card.explanation]))
        return "Basic", f"{card.prompt}\n\nTrue or false?", back
    options = "\n".join(f"{LETTERS[i]}) {choice}" for i, choice in enumerate(card.choices))
    right = "\n".join(f"{LETTERS[i]}) {card.choices[i]}" for i in card.correct)
    return "Basic", f"{card.prompt}\n\n{options}", "\n\n".join(filter(None, [right, card.explanation]))


def anki_cloze(text: str) -> str:
    """Every deletion in Anki's numbered form: ``{{middle}}`` -> ``{{c1::middle}}``, hints kept."""
    parts, last = [], 0
    for deletion in cloze_deletions(text):
        hint = f"::{deletion.hint}" if deletion.hint else ""
        parts += [text[last : deletion.start], f"{{{{c{deletion.number}::{deletion.answer}{hint}}}}}"]
        last = deletion.end
    return "".join(parts) + text[last:]

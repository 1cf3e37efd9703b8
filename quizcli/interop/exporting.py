"""A deck to another tool's format: the text, and the cards that format cannot hold (with why)."""

from __future__ import annotations

from quizcli.cards import Deck
from quizcli.interop.formats import ExportFormat
from quizcli.interop.model import Exported


def export_deck(deck: Deck, format_name: ExportFormat) -> Exported:
    from quizcli.interop import aiken, anki_export, gift_export, json_deck

    if format_name is ExportFormat.JSON:
        return Exported(text=json_deck.export_json(deck), written=len(deck.cards))
    exporters = {
        ExportFormat.AIKEN: aiken.export_aiken,
        ExportFormat.GIFT: gift_export.export_gift,
        ExportFormat.ANKI: anki_export.export_anki,
    }
    return exporters[format_name](deck)

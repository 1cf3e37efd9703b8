"""A deck to another tool's format: the text, and the cards that format cannot hold (with why)."""

from __future__ import annotations

from typing import NamedTuple

from quizcli.cards import Deck
from quizcli.interop.formats import ExportFormat


class Left(NamedTuple):
    """A card an export could not express."""

    card_id: str
    reason: str


class Exported(NamedTuple):
    """The exported text, how many cards (or questions) it holds, those left out and those written with a loss."""

    text: str
    written: int
    left: tuple[Left, ...] = ()
    noted: tuple[Left, ...] = ()

    def summary(self) -> str:
        return f"exported {self.written}, skipped {len(self.left)}"


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

"""Anki collections built with Anki's own library, and packages written by Anki's own exporter, for the tests.

Skips (or fails in CI) when the ``anki`` extra is not installed.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import pytest

if TYPE_CHECKING:
    from anki.collection import Collection


def anki_library() -> None:
    """Skip without Anki's library on a developer's machine; CI (CI=true) must have it."""
    try:
        import anki.collection  # noqa: F401
    except ImportError:
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail("the anki extra is not installed: CI must run the Anki package tests")
        pytest.skip("the anki extra is not installed (pip install '.[test]')")


class Built(NamedTuple):
    """What was put into the collection, by a label of each note."""

    notes: dict[str, int]  # label -> note id
    guids: dict[str, str]
    suspended_card: int
    reviewed_cards: int


def new_collection(folder: Path) -> Collection:
    from anki.collection import Collection

    folder.mkdir(parents=True, exist_ok=True)
    return Collection(str(folder / "collection.anki2"))


def _note(col: Collection, notetype: str, deck: str, values: dict[str, str], tags: list[str]) -> Any:
    model = col.models.by_name(notetype)
    assert model is not None
    note = col.new_note(model)
    for name, value in values.items():
        note[name] = value
    note.tags = tags
    deck_id = col.decks.id(deck)
    assert deck_id is not None
    col.add_note(note, deck_id)
    return note


def _cloze_with_text_second(col: Collection) -> None:
    """A cloze note type whose cloze field is not the first one."""
    cloze = col.models.by_name("Cloze")
    assert cloze is not None
    model = copy.deepcopy(cloze)
    model["id"] = 0
    model["name"] = "Cloze (context first)"
    context = col.models.new_field("Context")
    model["flds"] = [context, *model["flds"]]
    for index, field in enumerate(model["flds"]):
        field["ord"] = index
    col.models.add_dict(model)


def _vocab_type(col: Collection) -> None:
    model = col.models.new("Vocab")
    for name in ("Word", "Meaning", "Example"):
        col.models.add_field(model, col.models.new_field(name))
    template = col.models.new_template("Recognise")
    template["qfmt"] = "{{Word}}"
    template["afmt"] = "{{FrontSide}}<hr id=answer>{{Meaning}}<br>{{Example}}"
    col.models.add_template(model, template)
    col.models.add_dict(model)


def build_collection(col: Collection, media_file: Path) -> Built:
    """Basic, reversed, optional reversed, two clozes, type-in and custom notes, in subdecks, with media and reviews."""
    _cloze_with_text_second(col)
    _vocab_type(col)
    stored = col.media.add_file(str(media_file))
    notes = {
        "basic": _note(
            col,
            "Basic",
            "Biology::Cells",
            {"Front": "What is the <b>powerhouse</b> of the cell?", "Back": f'Mitochondria<br><img src="{stored}">'},
            ["bio", "cells"],
        ),
        "reversed": _note(col, "Basic (and reversed card)", "Biology", {"Front": "Zelle", "Back": "cell"}, ["de"]),
        "optional": _note(
            col,
            "Basic (optional reversed card)",
            "Biology",
            {"Front": "ATP", "Back": "adenosine <i>triphosphate</i>", "Add Reverse": "y"},
            [],
        ),
        "cloze": _note(
            col,
            "Cloze",
            "Biology::Cells",
            {"Text": "{{c1::Ribosomes}} make {{c2::proteins::what}} &amp; more", "Back Extra": "In the cytoplasm"},
            ["bio"],
        ),
        "cloze_second": _note(
            col,
            "Cloze (context first)",
            "Biology",
            {"Context": "Membranes", "Text": "The membrane is a {{c1::lipid bilayer}}"},
            [],
        ),
        "typed": _note(col, "Basic (type in the answer)", "Biology", {"Front": "Symbol of sodium?", "Back": "Na"}, []),
        "vocab": _note(
            col, "Vocab", "Biology", {"Word": "osmosis", "Meaning": "diffusion of water", "Example": "x"}, ["vocab"]
        ),
    }
    deck = col.decks.id("Biology")
    assert deck is not None
    col.decks.select(deck)
    reviewed = 0
    for rating in (3, 1, 3, 4, 3):
        card = col.sched.getCard()
        if card is None:
            break
        col.sched.answerCard(card, rating)
        reviewed += 1
    suspended = notes["typed"].cards()[0].id
    col.sched.suspend_cards([suspended])
    return Built(
        notes={label: note.id for label, note in notes.items()},
        guids={label: note.guid for label, note in notes.items()},
        suspended_card=suspended,
        reviewed_cards=reviewed,
    )


def export_package(col: Collection, out: Path, legacy: bool) -> Path:
    """The whole collection as an .apkg, written by Anki's exporter (legacy: ``collection.anki21``)."""
    from anki.collection import ExportAnkiPackageOptions

    options = ExportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True, with_media=True, legacy=legacy)
    col.export_anki_package(out_path=str(out), options=options, limit=None)
    return out


def import_into(col: Collection, package: Path, with_scheduling: bool = False) -> tuple[int, int, int]:
    """Import ``package`` with Anki's importer, updating notes it already has: (new, updated, unchanged) notes."""
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest
    from anki.import_export_pb2 import ImportAnkiPackageUpdateCondition

    always = ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_ALWAYS
    options = ImportAnkiPackageOptions(
        merge_notetypes=True, update_notes=always, update_notetypes=always, with_scheduling=with_scheduling
    )
    log = col.import_anki_package(ImportAnkiPackageRequest(package_path=str(package), options=options)).log
    return len(log.new), len(log.updated), len(log.duplicate)


def notes_of(col: Collection) -> dict[str, tuple[str, list[str], list[str], list[int]]]:
    """Every note by GUID: (note type without Anki's "+" suffix, fields, tags, card ordinals)."""
    found = {}
    for note_id in col.find_notes(""):
        note = col.get_note(note_id)
        notetype = note.note_type()
        assert notetype is not None
        found[note.guid] = (
            str(notetype["name"]).rstrip("+"),
            list(note.fields),
            sorted(note.tags),
            sorted(card.ord for card in note.cards()),
        )
    return found

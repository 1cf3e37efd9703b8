"""Anki packages written by Anki itself (its own library and exporter), imported by quizcli and compared."""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import pytest
from typer.testing import CliRunner

from quizcli.cli import app
from quizcli.interop.anki import guid_id
from quizcli.interop.apkg import open_package
from quizcli.interop.apkg_notes import Media, collection_cards, deck_title
from quizcli.kinds.cloze import Cloze
from quizcli.kinds.flashcard import Flashcard
from quizcli.kinds.typed import Typed
from quizcli.store import Store

from anki_packages import Built, anki_library, build_collection, export_package, import_into, new_collection, notes_of

runner = CliRunner()
FORMATS = ("legacy", "current", "colpkg", "legacy colpkg")


class Exports(NamedTuple):
    built: Built
    packages: dict[str, Path]
    reviews: int


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Exports:
    anki_library()
    folder = tmp_path_factory.mktemp("anki")
    image = folder / "cell.png"
    image.write_bytes(b"\x89PNG not really")
    col = new_collection(folder / "collection")
    built = build_collection(col, image)
    assert col.db is not None
    reviews = int(col.db.scalar("SELECT COUNT(*) FROM revlog"))
    packages = {
        "legacy": export_package(col, folder / "legacy.apkg", legacy=True),
        "current": export_package(col, folder / "current.apkg", legacy=False),
    }
    col.export_collection_package(str(folder / "backup.colpkg"), include_media=True, legacy=False)
    packages["colpkg"] = folder / "backup.colpkg"
    col = new_collection(folder / "collection")  # the export closed it
    col.export_collection_package(str(folder / "legacy.colpkg"), include_media=True, legacy=True)
    packages["legacy colpkg"] = folder / "legacy.colpkg"
    return Exports(built=built, packages=packages, reviews=reviews)


@pytest.mark.parametrize("form", FORMATS)
def test_every_note_type_becomes_its_kind_field_by_field(exports: Exports, form: str) -> None:
    with open_package(exports.packages[form]) as package:
        media = Media(names=frozenset(m.name for m in package.media), folder="bio.media")
        notes = collection_cards(package.collection, media, deck_title(package.collection, "fallback"))
    assert notes.result.title == "Biology" and not notes.result.skipped
    cards = {card.id: card for card in notes.result.cards}
    card = {label: cards[guid_id(guid)] for label, guid in exports.built.guids.items()}
    assert card["basic"].content == Flashcard(
        front="What is the **powerhouse** of the cell?", back="Mitochondria\n![](bio.media/cell.png)"
    )
    assert card["basic"].tags == ("bio", "cells", "Biology::Cells")
    assert card["reversed"].content == Flashcard(front="Zelle", back="cell", reverse=True)
    assert card["reversed"].tags == ("de", "Biology")
    assert card["optional"].content == Flashcard(front="ATP", back="adenosine *triphosphate*", reverse=True)
    assert card["cloze"].content == Cloze(text="{{c1::Ribosomes}} make {{c2::proteins::what}} & more")
    assert card["cloze"].explanation == "In the cytoplasm"
    assert card["cloze_second"].content == Cloze(text="The membrane is a {{c1::lipid bilayer}}")
    assert card["cloze_second"].explanation == "Membranes"
    assert card["typed"].content == Typed(question="Symbol of sodium?", answer="Na")
    assert card["vocab"].content == Flashcard(front="osmosis", back="diffusion of water")
    assert notes.other_types == {"Vocab": 1}
    items = set(notes.items.values())
    assert {f"{card['cloze'].id}:c1", f"{card['cloze'].id}:c2", f"{card['reversed'].id}:reverse"} <= items
    assert len(notes.items) == 10  # every Anki card is an item


def _import(package: Path, out: Path, *flags: str) -> str:
    result = runner.invoke(app, ["import", str(package), "-o", str(out), "--force", *flags])
    assert result.exit_code == 0, result.output
    return result.output


def _body(deck: Path) -> str:
    return re.sub(r"^#.*\n", "", deck.read_text(), flags=re.MULTILINE)


def test_legacy_and_current_packages_give_the_same_deck(exports: Exports, tmp_path: Path) -> None:
    decks = {form: tmp_path / form.replace(" ", "-") / "bio.yaml" for form in FORMATS}
    for form, deck in decks.items():
        _import(exports.packages[form], deck)
    bodies = {form: _body(deck) for form, deck in decks.items()}
    assert len(set(bodies.values())) == 1, bodies
    assert (tmp_path / "current" / "bio.media" / "cell.png").read_bytes() == b"\x89PNG not really"
    check = runner.invoke(app, ["check", str(decks["current"])])
    assert check.exit_code == 0, check.output


def test_the_same_package_imported_twice_gives_the_same_deck_and_progress(exports: Exports, tmp_path: Path) -> None:
    deck = tmp_path / "bio.yaml"
    first = _import(exports.packages["current"], deck, "--with-progress")
    text = deck.read_text()
    with Store.open() as store:
        states = store.states("bio")
    second = _import(exports.packages["current"], deck, "--with-progress")
    assert deck.read_text() == text and first == second
    with Store.open() as store:
        assert store.states("bio") == states
        assert sum(len(store.item_log("bio", item)) for item in states) == exports.reviews


def test_progress_carries_reviews_states_and_suspensions(exports: Exports, tmp_path: Path) -> None:
    output = _import(exports.packages["legacy"], tmp_path / "bio.yaml", "--with-progress")
    assert f"progress: imported {exports.reviews} reviews, 0 could not be matched" in output
    assert "1 suspended" in output
    typed = guid_id(exports.built.guids["typed"])
    with Store.open() as store:
        states = store.states("bio")
        flags = store.flags("bio")
    assert len(states) == exports.built.reviewed_cards == exports.reviews
    assert flags[typed].suspended
    assert all(state.reps == 1 and state.stability for state in states.values())


DECK = """title: Export check
cards:
  - id: basic-1
    front: "What is **bold** and *italic*?"
    back: "Line one\\nline two ![cell](media/cell.png)"
    tags: [bio, cells]
  - id: rev
    front: Zelle
    back: cell
    reverse: true
  - id: cz
    cloze: "{{Ribosomes}} make {{c2::proteins::what}} & more"
    explanation: In the cytoplasm
  - id: ty
    question: Symbol of sodium?
    answer: Na
  - id: ch
    question: Which organelle makes ATP?
    choices: [Nucleus, Mitochondrion]
    answer: B
  - id: tf
    question: Cells have membranes.
    answer: true
"""


def test_quizcli_exports_import_into_anki_with_note_types_tags_and_guids(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    anki_library()
    deck = tmp_path / "export-check.yaml"
    deck.write_text(DECK)
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "cell.png").write_bytes(b"png")
    package = tmp_path / "out.apkg"
    result = runner.invoke(app, ["export", str(deck), "--format", "apkg", "-o", str(package)])
    assert result.exit_code == 0, result.output
    assert "note ch: a choice card: written as a Basic note" in result.output
    col = new_collection(tmp_path / "anki")
    assert import_into(col, package) == (6, 0, 0)
    notes = notes_of(col)
    assert notes["basic-1"] == (
        "Basic",
        ["What is <b>bold</b> and <i>italic</i>?", 'Line one<br>line two <img src="cell.png" alt="cell">'],
        ["bio", "cells"],
        [0],
    )
    assert notes["rev"] == ("Basic (and reversed card)", ["Zelle", "cell"], [], [0, 1])
    assert notes["cz"] == (
        "Cloze",
        ["{{c1::Ribosomes}} make {{c2::proteins::what}} &amp; more", "In the cytoplasm"],
        [],
        [0, 1],
    )
    assert notes["ty"] == ("Basic (type in the answer)", ["Symbol of sodium?", "Na"], [], [0])
    assert notes["ch"][0] == "Basic" and "B) Mitochondrion" in notes["ch"][1][1]
    assert notes["tf"][0] == "Basic" and notes["tf"][1][1].startswith("True")
    assert col.media.have("cell.png")
    # Exporting again later (an edited back) and importing updates the notes instead of duplicating them.
    deck.write_text(DECK.replace("back: cell", "back: the cell"))
    monkeypatch.setenv("QUIZCLI_NOW", "2026-11-29T10:00:00+00:00")  # Anki updates a note from a newer one only
    again = runner.invoke(app, ["export", str(deck), "--format", "apkg", "-o", str(package), "--force"])
    assert again.exit_code == 0, again.output
    assert import_into(col, package)[:2] == (0, 6)  # every note updated in place (the package is newer)
    assert notes_of(col)["rev"][1] == ["Zelle", "the cell"]
    assert len(col.find_notes("")) == 6


def test_an_anki_package_round_trips_through_quizcli_back_into_anki(exports: Exports, tmp_path: Path) -> None:
    deck = tmp_path / "bio.yaml"
    _import(exports.packages["current"], deck)
    package = tmp_path / "bio.apkg"
    result = runner.invoke(app, ["export", str(deck), "--format", "apkg", "-o", str(package)])
    assert result.exit_code == 0, result.output
    col = new_collection(tmp_path / "anki")
    assert import_into(col, package)[0] == len(exports.built.guids)
    notes = notes_of(col)
    basic = notes[guid_id(exports.built.guids["basic"])]
    assert basic[1] == ["What is the <b>powerhouse</b> of the cell?", 'Mitochondria<br><img src="cell.png" alt="">']
    assert basic[2] == sorted(["bio", "cells", "Biology::Cells"])
    assert col.media.have("cell.png")
    cloze = notes[guid_id(exports.built.guids["cloze"])]
    assert cloze[0] == "Cloze" and cloze[3] == [0, 1]


def test_progress_goes_back_into_anki_with_the_export(exports: Exports, tmp_path: Path) -> None:
    deck = tmp_path / "bio.yaml"
    _import(exports.packages["current"], deck, "--with-progress")
    package = tmp_path / "bio.apkg"
    result = runner.invoke(app, ["export", str(deck), "--format", "apkg", "-o", str(package), "--with-progress"])
    assert result.exit_code == 0, result.output
    col = new_collection(tmp_path / "anki")
    import_into(col, package, with_scheduling=True)
    assert col.db is not None
    assert col.db.scalar("SELECT COUNT(*) FROM revlog") == exports.reviews
    with Store.open() as store:
        states = store.states("bio")
    seen = col.db.list("SELECT c.id FROM cards c WHERE c.type != 0")
    assert len(seen) == len(states)
    suspended = col.find_cards("is:suspended")
    assert len(suspended) == 1
    card = col.get_card(suspended[0])
    assert card.note()["Front"] == "Symbol of sodium?"
    assert card.type != 0 and card.memory_state is not None and card.memory_state.stability > 0

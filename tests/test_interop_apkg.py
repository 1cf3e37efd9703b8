"""Anki packages that are damaged, hostile or hand-made: clear errors, nothing written; the protobuf reader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import zstandard
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from quizcli.cli import app
from quizcli.errors import QuizcliError
from quizcli.interop.anki import guid_id
from quizcli.interop.anki_proto import ProtobufError, fields, media_names, notetype_config, package_version
from quizcli.interop.apkg import Limits, open_package

from apkg_synthetic import write_collection, write_package
from conftest import examples

runner = CliRunner()


def _legacy(tmp_path: Path, media: dict[str, str] | None = None) -> Path:
    collection = write_collection(tmp_path / "c.anki21", [(1, "abc", "<b>front</b>", "back &amp; more")])
    members: dict[str, bytes | Path] = {"collection.anki21": collection, "media": json.dumps(media or {}).encode()}
    return write_package(tmp_path / "deck.apkg", members)


def _imports_nothing(package: Path, tmp_path: Path, message: str) -> None:
    out = tmp_path / "out" / "deck.yaml"
    result = runner.invoke(app, ["import", str(package), "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert "quizcli: error:" in result.output and message in result.output, result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_hand_made_legacy_package_imports(tmp_path: Path) -> None:
    out = tmp_path / "deck.yaml"
    result = runner.invoke(app, ["import", str(_legacy(tmp_path)), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert 'front: "**front**"' in text and 'back: "back & more"' in text
    assert f"id: {guid_id('abc')}" in text and guid_id("abc") == "abc"


def test_legacy_1_packages_hold_collection_anki2(tmp_path: Path) -> None:
    collection = write_collection(tmp_path / "c.anki2", [(1, "g:1", "a", "b")])
    package = write_package(tmp_path / "old.apkg", {"collection.anki2": collection})
    with open_package(package) as opened:
        assert [note.fields for note in opened.collection.notes] == [("a", "b")]


def test_not_a_zip(tmp_path: Path) -> None:
    package = tmp_path / "deck.apkg"
    package.write_text("not a zip at all")
    _imports_nothing(package, tmp_path, "not a zip file")


def test_a_zip_without_a_collection(tmp_path: Path) -> None:
    package = write_package(tmp_path / "deck.apkg", {"notes.txt": b"hello"})
    _imports_nothing(package, tmp_path, "holds no Anki collection")


def test_an_unknown_schema_version(tmp_path: Path) -> None:
    collection = write_collection(tmp_path / "c.anki21", [(1, "g", "a", "b")], version=99)
    package = write_package(tmp_path / "deck.apkg", {"collection.anki21": collection})
    _imports_nothing(package, tmp_path, "unknown collection schema version 99")


def test_an_unknown_package_version(tmp_path: Path) -> None:
    package = write_package(tmp_path / "deck.apkg", {"meta": b"\x08\x07", "collection.anki21b": b""})
    _imports_nothing(package, tmp_path, "unknown package version 7")


@pytest.mark.parametrize("content", [b"garbage" * 100, b"SQLite format 3\x00" + b"\x01" * 5000])
def test_a_damaged_collection(tmp_path: Path, content: bytes) -> None:
    package = write_package(tmp_path / "deck.apkg", {"collection.anki21": content})
    _imports_nothing(package, tmp_path, "damaged or not an Anki database")


def test_a_zstd_collection_that_is_not_zstd(tmp_path: Path) -> None:
    package = write_package(tmp_path / "deck.apkg", {"meta": b"\x08\x03", "collection.anki21b": b"not zstd"})
    _imports_nothing(package, tmp_path, "damaged inside the package")


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    bomb = zstandard.ZstdCompressor().compress(bytes(8 << 20))  # 8 MiB of zeros in a few hundred bytes
    package = write_package(tmp_path / "deck.apkg", {"meta": b"\x08\x03", "collection.anki21b": bomb})
    with (
        pytest.raises(QuizcliError, match="unpacks to more than 1048576 bytes"),
        open_package(package, Limits(collection_bytes=1 << 20)),
    ):
        pass  # pragma: no cover


def test_media_bigger_than_the_limit_are_refused(tmp_path: Path) -> None:
    package = _legacy(tmp_path, {"0": "big.bin"})
    write_package(package, {"collection.anki21": tmp_path / "c.anki21", "media": b'{"0": "big.bin"}', "0": bytes(5000)})
    with open_package(package, Limits(media_bytes=1000)) as opened, pytest.raises(QuizcliError, match="media files"):
        opened.copy_media(tmp_path / "media")


@pytest.mark.parametrize("name", ["../evil.txt", "/etc/passwd", "a/b.png", "..", "c:\\x.png", ".hidden"])
def test_media_names_that_leave_the_folder(tmp_path: Path, name: str) -> None:
    package = _legacy(tmp_path, {"0": name})
    _imports_nothing(package, tmp_path, "unsafe media file name")


def test_media_files_are_copied_beside_the_deck_and_referenced_there(tmp_path: Path) -> None:
    collection = write_collection(tmp_path / "c.anki21", [(1, "g", 'see <img src="cell.png">', "[sound:a b.mp3]")])
    members: dict[str, bytes | Path] = {
        "collection.anki21": collection,
        "media": b'{"0": "cell.png", "1": "a b.mp3"}',
        "0": b"png",
        "1": b"mp3",
    }
    package = write_package(tmp_path / "deck.apkg", members)
    out = tmp_path / "decks" / "bio.yaml"
    result = runner.invoke(app, ["import", str(package), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "copied 2 media files into" in result.output
    assert (tmp_path / "decks" / "bio.media" / "cell.png").read_bytes() == b"png"
    assert (tmp_path / "decks" / "bio.media" / "a b.mp3").read_bytes() == b"mp3"
    text = out.read_text()
    assert "![](bio.media/cell.png)" in text and "[sound:bio.media/a b.mp3]" in text


def test_without_output_media_are_not_copied_and_it_says_so(tmp_path: Path) -> None:
    result = runner.invoke(app, ["import", str(_legacy(tmp_path, {"0": "x.png"}))])
    assert result.exit_code == 0, result.output
    assert "1 media file not copied: give -o to copy them" in result.output


def test_progress_needs_an_output_deck(tmp_path: Path) -> None:
    result = runner.invoke(app, ["import", str(_legacy(tmp_path)), "--with-progress"])
    assert result.exit_code == 2 and "--with-progress needs -o" in result.output


def test_progress_is_for_packages_only(tmp_path: Path) -> None:
    source = tmp_path / "x.txt"
    source.write_text("a\tb\n")
    result = runner.invoke(app, ["import", str(source), "-o", str(tmp_path / "x.yaml"), "--with-progress"])
    assert result.exit_code == 2 and "for Anki packages" in result.output
    assert not (tmp_path / "x.yaml").exists()


def test_guids_become_stable_case_sensitive_ids() -> None:
    assert guid_id("own-id.1") == "own-id.1"
    assert guid_id("Ab+c/1") == guid_id("Ab+c/1") != guid_id("ab+c/1")
    assert guid_id("Ab+c/1").startswith("anki-")


def test_the_protobuf_reader() -> None:
    entry = b"\x0a\x08cell.png\x10\x05\x1a\x02\xab\xcd"  # name, size, sha1
    listed = b"\x0a" + bytes([len(entry)]) + entry + b"\x0a\x00"
    assert media_names(listed) == ["cell.png", ""]
    assert package_version(b"\x08\x03") == 3 and package_version(b"") == 0
    assert notetype_config(b"\x08\x01\x1a\x02ab\x48\x05") == (1, 5)
    assert list(fields(b"\x09" + bytes(8) + b"\x15" + bytes(4) + b"\x08\xac\x02")) == [(1, 300)]
    for broken in (b"\x08", b"\x0a\x05ab", b"\x0b"):
        with pytest.raises(ProtobufError):
            list(fields(broken))


def _with_log(tmp_path: Path) -> Path:
    day = 86_400_000
    collection = write_collection(
        tmp_path / "c.anki21",
        [(1, "n1", "one", "1"), (2, "n2", "two", "2"), (3, "n3", "three", "3")],
        reviews=[(1_700_000_000_000, 1, 4), (1_700_000_000_000 + day, 1, 0), (1_700_000_000_000 + 2 * day, 999, 3),
                 (1_700_000_000_000 + 3 * day, 1, 1), (1_700_000_000_000 + 3 * day + 5, 2, 4)],
        queues={2: -1, 3: -3},
    )  # fmt: skip
    return write_package(tmp_path / "deck.apkg", {"collection.anki21": collection})


def test_progress_counts_unmatched_and_manual_entries_and_keeps_flags(tmp_path: Path) -> None:
    from quizcli.store import Store

    out = tmp_path / "deck.yaml"
    result = runner.invoke(app, ["import", str(_with_log(tmp_path)), "-o", str(out), "--with-progress"])
    assert result.exit_code == 0, result.output
    assert "imported 3 reviews, 1 could not be matched to a card (1 manual changes left out)" in result.output
    assert "1 suspended, 1 buried" in result.output
    with Store.open() as store:
        log = store.item_log("deck", "n1")
        flags = store.flags("deck")
        states = store.states("deck")
    assert [int(review.rating) for review in log] == [4, 1]  # Easy (into review), then Again: a lapse
    assert states["n1"].reps == 2 and states["n1"].lapses == 1 and states["n2"].reps == 1
    assert flags["n2"].suspended and not flags["n3"].suspended and flags["n3"].buried_until is not None


def test_a_failed_write_leaves_no_progress_behind(tmp_path: Path) -> None:
    from quizcli.store import Store

    (tmp_path / "a-file").write_text("")
    out = tmp_path / "a-file" / "deck.yaml"  # its folder is a file: found only when the deck is written, last
    result = runner.invoke(app, ["import", str(_with_log(tmp_path)), "-o", str(out), "--with-progress"])
    assert result.exit_code == 1 and "cannot write" in result.output, result.output
    with Store.open() as store:
        assert store.states(out.stem) == {} and store.flags(out.stem) == {}
        assert store.item_log(out.stem, "n1") == []


def test_the_review_import_shows_a_progress_bar_on_a_terminal_only() -> None:
    import io

    from rich.console import Console

    from quizcli import ui

    for terminal in (True, False):
        out = io.StringIO()
        console = Console(file=out, force_terminal=terminal, width=80)
        with ui.task_progress(console, "importing the reviews of big.apkg") as advance:
            for done in range(0, 5001, 500):
                advance(done, 5000)
        assert ("importing the reviews of big.apkg" in out.getvalue()) is terminal


@settings(max_examples=examples(500), deadline=None)
@given(st.binary(max_size=200))
def test_the_protobuf_reader_takes_any_bytes_without_crashing(data: bytes) -> None:
    try:
        decoded = list(fields(data))
    except ProtobufError:
        return
    assert all(isinstance(number, int) and isinstance(value, int | bytes) for number, value in decoded)


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.text(max_size=20), max_size=8))
def test_media_names_come_back_in_order(names: list[str]) -> None:
    def length(number: int, payload: bytes) -> bytes:
        return bytes([number << 3 | 2]) + _varint(len(payload)) + payload

    listed = b"".join(length(1, length(1, name.encode()) + b"\x10\x05") for name in names)
    assert media_names(listed) == names


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def test_damaged_note_types_are_an_error(tmp_path: Path) -> None:
    import sqlite3

    collection = write_collection(tmp_path / "c.anki21", [(1, "g", "a", "b")])
    db = sqlite3.connect(collection)
    db.execute('UPDATE col SET models = \'{"1": {"name": "no id"}}\'')
    db.commit()
    db.close()
    package = write_package(tmp_path / "deck.apkg", {"collection.anki21": collection})
    _imports_nothing(package, tmp_path, "note types or decks are damaged")


def test_an_apkg_export_needs_an_output_file_and_progress_is_for_packages(tmp_path: Path) -> None:
    deck = tmp_path / "d.yaml"
    deck.write_text("title: t\ncards:\n  - id: a\n    front: f\n    back: b\n")
    binary = runner.invoke(app, ["export", str(deck), "--format", "apkg"])
    assert binary.exit_code == 2 and "give -o DECK.apkg" in binary.output
    text = runner.invoke(app, ["export", str(deck), "--format", "json", "--with-progress"])
    assert text.exit_code == 2 and "for Anki packages" in text.output

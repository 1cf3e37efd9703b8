"""``quizcli import PACKAGE.apkg``: an Anki package to a deck, its media beside it, optionally its progress.

Everything is read and converted before anything is written.  Then the media
folder and the deck file are written, and with ``--with-progress`` the review
log, states and flags go into the progress database in one transaction that
commits only once the files are written; if any step fails, what was written
is removed again, so a failed import leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from quizcli import clock
from quizcli.config import load_config
from quizcli.errors import QuizcliError
from quizcli.interop.apkg import DEFAULT_LIMITS, Limits, open_package, remove_folder
from quizcli.interop.apkg_notes import Media, collection_cards, counted, deck_title
from quizcli.interop.files import refuse_existing, write_new
from quizcli.interop.importing import Imported, imported_deck
from quizcli.text import inert, plural

if TYPE_CHECKING:
    from quizcli.interop.anki_collection import Collection

ProgressCallback = Callable[[int, int], None]


class PackageImport(NamedTuple):
    imported: Imported
    notes: list[str]  # lines for the report: media copied, note types read as flashcards, reviews


def import_package(
    path: Path,
    output: Path | None,
    force: bool,
    with_progress: bool,
    schema_ref: str,
    how: str,
    on_review: ProgressCallback | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> PackageImport:
    """Import the package at ``path`` into ``output`` (None: the deck is returned for standard output)."""
    if with_progress and output is None:
        raise QuizcliError("--with-progress needs -o DECK.yaml: progress is kept under the deck's name")
    if output is not None:
        refuse_existing(output, force)
    with open_package(path, limits) as package:
        collection = package.collection
        folder = f"{output.stem}.media" if output is not None else ""
        media = Media(names=frozenset(m.name for m in package.media), folder=folder)
        notes = collection_cards(collection, media, deck_title(collection, path.stem))
        imported = imported_deck(notes.result, notes.result.title, how, schema_ref,
                                 f"{inert(path.name)} (apkg); 'source line N' comments give the note's place"
                                 " in the package (notes in the order they were created).")  # fmt: skip
        lines = []
        if notes.other_types:
            lines.append(
                "note types imported as flashcards from their first two fields: "
                + counted(sorted(notes.other_types.items()))
            )
        if output is None:
            if package.media:
                lines.append(f"{plural(len(package.media), 'media file')} not copied: give -o to copy them")
            return PackageImport(imported=imported, notes=lines)
        media_folder = output.parent / folder
        written: list[Path] = []

        def write_files() -> None:
            if package.media:
                written.append(media_folder)
                package.copy_media(media_folder)
            write_new(output, imported.yaml, force)

        try:
            if with_progress:
                lines.append(_import_progress(output.stem, notes.items, package.collection, write_files, on_review))
            else:
                write_files()
        except BaseException:
            for folder_path in written:
                remove_folder(folder_path)
            raise
        if package.media:
            lines.insert(0, f"copied {plural(len(package.media), 'media file')} into {media_folder}")
        return PackageImport(imported=imported, notes=lines)


def _import_progress(
    deck: str,
    items: dict[int, str],
    collection: Collection,
    write_files: Callable[[], None],
    on_review: ProgressCallback | None,
) -> str:
    """Replay the collection's log into the progress database (committed after ``write_files``); the report line."""
    from quizcli.anki_progress import Replay, card_flags
    from quizcli.store import Store

    total = collection.revlog_count()
    report = None if on_review is None else (lambda done: on_review(done, total))
    flags = card_flags(collection, items, clock.now())
    with Store.open() as store:
        settings = load_config(deck).settings._replace(parameters=store.fitted_parameters(deck))
        replay = Replay(collection, items, deck, settings)
        logged = store.replace_progress(
            deck, sorted(set(items.values())), replay.answers(report), lambda: replay.states, flags, write_files
        )
    suspended = sum(flag.suspended for flag in flags.values())
    return (
        f"progress: imported {plural(logged, 'review')}, {replay.unmatched} could not be matched to a card"
        f" ({replay.manual} manual changes left out); {suspended} suspended, {len(flags) - suspended} buried"
    )

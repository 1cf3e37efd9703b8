"""``quizcli sync [FOLDER]``: progress follows the learner through a folder that git, Syncthing or Dropbox carries.

A sync reads the other devices' new segment files in the folder, merges them and writes
this device's new records as one segment of its own (see `quizcli.sync` and
`quizcli.store.sync`); ``--git`` pulls first and commits and pushes after; ``--status``
only says what would move.  The folder is remembered in the config file on first use.
"""

from __future__ import annotations

import getpass
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from quizcli import clock, config, paths
from quizcli.errors import QuizcliError
from quizcli.store import Store
from quizcli.store.sync import Identity, Incoming
from quizcli.sync import folder, segments
from quizcli.text import blake2b_hex, plural

if TYPE_CHECKING:
    from quizcli.store.sync import Merged, Record


class SyncReport(NamedTuple):
    """What to print: the report, and the warnings (half-written segments skipped until the next sync); and the
    (deck, item) of each item whose state or flags the sync changed here."""

    lines: list[str]
    warnings: list[str]
    changed: frozenset[tuple[str, str]] = frozenset()


def sync(given: Path | None, *, status: bool = False, use_git: bool = False, join: bool = False) -> SyncReport:
    """Sync with ``given`` (else the remembered folder); only count what would move with ``status``."""
    when = clock.now()  # a clock that cannot be read refuses the sync before anything is written
    target, remembered, notes = _choose_folder(given, remember=not status)
    use_git = use_git or (remembered and config.sync_with_git())  # --git once is enough for the remembered folder
    if use_git:
        from quizcli.sync import git

        if not git.is_repository(target):
            raise QuizcliError(f"{target} is not a git repository; clone the repository there, or sync without --git")
        if remembered and not status:
            notes += _remember_git()
        if not status:
            git.pull(target)
    with Store.open() as store:
        who = _identity(store, target, join, save=not status)
        incoming, warnings = _read_new(target, store.applied_segments(), who.profile)
        if status:
            return SyncReport(lines=notes + _status(store, target, who, incoming), warnings=warnings)

        def write_out(records: list[Record]) -> str:
            return folder.write_segment(target, who.device, when, segments.encode(who.device, who.profile, records))

        merged = store.sync(who.device, incoming, when, write_out, _log_digest)
    if use_git:
        git.commit(target, f"quizcli sync from device {who.device}")
        git.push(target)
    return SyncReport(lines=notes + _report(target, merged, len(incoming)), warnings=warnings, changed=merged.changed)


def _log_digest(text: str) -> str:
    """The digest an item's log is compared by (its review ids in replay order; see `quizcli.store.sync_states`)."""
    return blake2b_hex(text.encode("utf-8"), 16)


def _choose_folder(given: Path | None, remember: bool) -> tuple[Path, bool, list[str]]:
    """The folder to sync with, whether it is the one the config file keeps, and a note for what the config file
    learnt or keeps."""
    remembered = config.sync_folder()
    if given is None:
        if remembered is None:
            raise QuizcliError("no sync folder yet: give one, 'quizcli sync FOLDER' (it is remembered for next time)")
        if not remembered.is_dir():  # never made again where it was: an unmounted share would get a folder of its own
            raise QuizcliError(
                f"the sync folder {remembered} is not there (a share not mounted, a disk not plugged in?);"
                " if it moved, give its new place: 'quizcli sync FOLDER'"
            )
        return remembered, True, []
    target = given.expanduser().resolve()
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise QuizcliError(f"cannot use {target} as the sync folder: {exc.strerror or exc}") from None
    if remembered is None and remember:
        if not _is_text(str(target)):
            note = (f"Not remembered: the folder's name is not UTF-8 text, which {paths.config_file().name} cannot"
                    " hold; give the folder each time.")  # fmt: skip
            return target, False, [note]
        config.remember_sync_folder(target)
        return target, True, [f"Remembered {target} as the sync folder (in {paths.config_file()})."]
    if remembered is not None and remembered.resolve() != target:
        return target, False, [f"(The config file keeps {remembered} as the usual sync folder.)"]
    return target, remembered is not None, []


def _remember_git() -> list[str]:
    """Note in the config file that the sync folder is a git clone, unless it says so already."""
    if config.sync_with_git():
        return []
    config.remember_sync_with_git()
    return ["Remembered that it is synced with git: 'quizcli sync' (and a study session's sync) run git by itself."]


def _is_text(name: str) -> bool:
    """False for a file name with bytes that are not UTF-8 (Python holds them as lone surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _identity(store: Store, target: Path, join: bool, save: bool) -> Identity:
    """This device's identity, created on its first sync, checked against the folder's owner profile."""
    who = store.sync_identity()
    try:
        owner = folder.read_owner(target)
    except folder.UnreadableOwner:
        if who is None:
            raise
        owner = folder.Owner(profile=who.profile, owner=who.owner)  # checked at an earlier sync; left as it is
    if who is not None:
        if owner is not None and owner.profile != who.profile:
            raise QuizcliError(
                f"{target} holds the progress of another profile ({owner.owner}'s), not this device's"
                f" ({who.owner}'s): a folder shared by two people by mistake? Each person needs a folder of their own"
            )
    elif owner is None:
        me = _user_name()
        who = Identity(device=secrets.token_hex(6), profile=secrets.token_hex(8), owner=me)
    elif owner.owner != _user_name() and not join:
        raise QuizcliError(
            f"{target} holds {owner.owner}'s progress, and you are {_user_name()}: if it is yours (the same person"
            " under another user name), run 'quizcli sync --join' once; if not, use a folder of your own"
        )
    else:
        who = Identity(device=secrets.token_hex(6), profile=owner.profile, owner=owner.owner)
    if save and owner is None:
        folder.write_owner(target, folder.Owner(profile=who.profile, owner=who.owner))
    if save and store.sync_identity() is None:
        store.save_sync_identity(who)
    return who


def _user_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in the environment nor the password database
        return "someone"


def _read_new(target: Path, applied: set[str], profile: str) -> tuple[list[Incoming], list[str]]:
    """The complete segments not merged yet, and a warning for each one skipped (read again next time)."""
    incoming, warnings = [], []
    for found in folder.segment_files(target):
        if found.name in applied:
            continue
        try:
            records = segments.decode(found.path.read_bytes().decode("utf-8"), profile)
        except segments.HalfWritten as problem:
            warnings.append(f"skipped {found.name}: {problem}; it is read again at the next sync")
            continue
        except (OSError, UnicodeDecodeError) as exc:
            warnings.append(f"skipped {found.name}: cannot read it ({exc}); it is read again at the next sync")
            continue
        incoming.append(Incoming(name=found.name, records=records))
    return incoming, warnings


def _status(store: Store, target: Path, who: Identity, incoming: list[Incoming]) -> list[str]:
    pending = store.pending_sync()
    devices = {segment.name.split("/")[1] for segment in incoming}
    records = sum(record["t"] != "state" for segment in incoming for record in segment.records)  # states go along
    return [
        f"Sync folder: {target} ({who.owner}'s progress; this device is {who.device})",
        f"To bring in: {plural(len(incoming), 'segment file')} from {plural(len(devices), 'device')}"
        f" ({plural(records, 'record')})",
        f"To send: {plural(pending['reviews'], 'review')}, {plural(pending['events'], 'flag, setting or undo event')},"
        f" {plural(pending['exams'], 'exam')}",
    ]


def _report(target: Path, merged: Merged, segments_in: int) -> list[str]:
    """What came in and went out, naming only what there was."""
    came = [
        plural(count, noun)
        for count, noun in (
            (merged.reviews_in, "review"),
            (merged.flags_in, "flag change"),
            (merged.resets_in, "reset"),
            (merged.fits_in, "fitted parameter set"),
            (merged.fits_forgotten_in, "forgotten fit"),
            (merged.exams_in, "exam"),
            (merged.undos_in, "undone review"),
        )
        if count
    ]
    replayed = f"; {plural(merged.items_replayed, 'card')} rescheduled" if merged.items_replayed else ""
    went = [
        plural(count, noun)
        for count, noun in ((merged.reviews_out, "review"), (merged.events_out, "event"), (merged.exams_out, "exam"))
        if count
    ]
    return [
        f"Synced with {target}.",
        f"In: {', '.join(came)} from {plural(segments_in, 'segment file')}{replayed}." if came else "In: nothing new.",
        f"Out: {', '.join(went)} in {merged.segment}." if merged.segment else "Out: nothing new.",
    ]

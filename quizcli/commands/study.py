"""``quizcli study``: load the deck and settings, open the store, run the screen, print the summary."""

import os
import random
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext, suppress
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from quizcli import backups, catalog, clock, terminal, ui
from quizcli.config import NewOrder, load_config, one_of, retention
from quizcli.decks import DeckFile, resolve_deck
from quizcli.errors import QuizcliError
from quizcli.session import Session, StudyOptions
from quizcli.store import DamagedError, Holder, IndexEntry, Store, StoreError
from quizcli.ui import Console
from quizcli.ui.study import StudyScreen, left_out_text, print_nothing_due, print_summary

if TYPE_CHECKING:
    from quizcli.commands.study_sync import StartSync
    from quizcli.diagnostics import Diagnostic

INTERRUPTED = 130
PROGRESS_BAR_BYTES = 2 * 2**20  # a deck this big takes long enough to parse to deserve a progress bar
CLAIM_LIFETIME = timedelta(hours=12)  # a claim from another machine is taken as crashed after this


class StudyRequest(NamedTuple):
    """What the command line asked for; None means "use the configured value"."""

    deck: str
    new: int | None = None
    limit: int | None = None
    retention: float | None = None
    tag: str | None = None
    cram: bool = False
    ahead: bool = False
    seed: int | None = None
    order: str | None = None


def study(request: StudyRequest) -> int:
    """Run a study session; returns the exit status (130 after Ctrl-C).

    With ``sync = "auto"`` a sync runs beside the session from its start and again after its summary
    (`quizcli.commands.study_sync`); otherwise nothing of sync is loaded.  Ctrl-C ends every wait of the
    command (a re-index, a key, the sync after the session), even in a program started with SIGINT ignored
    (a non-interactive shell's background job).
    """
    with terminal.interruptible():
        return _study(request)


def _study(request: StudyRequest) -> int:
    deck_file = resolve_deck(request.deck)
    console = ui.make_console()
    with backups.open_for_session() as store:
        deck, broken = open_with_progress(store, deck_file, console)
        options = study_options(deck, store, request)
        beside = sync_beside(deck.name) if options.config.auto_sync else None
        session = Session(deck, store, options, clock.now, None if beside is None else beside.changed_items)
        status = run_session(session, store, deck, broken, console, request.seed)
        sum_up_answers(store)
    if beside is not None:
        from quizcli.commands.study_sync import after_session

        return after_session(beside, console, interrupted=status == INTERRUPTED) or status
    return status


def sum_up_answers(store: Store) -> None:
    """Add the session's answers to the sums of the log ``quizcli stats`` reads; if that fails, stats reads them
    from the log."""
    with suppress(StoreError):
        store.sum_up_reviews()


def sync_beside(deck: str) -> "StartSync":
    """The sync with the remembered folder, started on a thread of its own as the session starts."""
    from quizcli.commands.study_sync import StartSync

    return StartSync(deck)


def run_session(
    session: Session, store: Store, deck: IndexEntry, broken: "list[Diagnostic]", console: Console, seed: int | None
) -> int:
    """The session on screen, then its summary (or that nothing is due); returns 130 after Ctrl-C, else 0."""
    notice = catalog.left_out_notice(deck.name, broken) if broken else ""
    if session.next() is None:
        if notice:
            console.print(left_out_text(notice))
        print_nothing_due(console, deck.title, session.next_due(), clock.now())
        return 0
    with claimed(store, deck, console):
        keys = terminal.SettledInput(terminal.open_input(), session.settle)
        screen = StudyScreen(session, console, keys, random.Random(seed))
        if notice:
            screen.announce(notice)
        started, status = time.monotonic(), 0
        try:
            with terminal.cbreak() if keys.interactive else nullcontext():
                screen.run()
        except KeyboardInterrupt:
            console.print()
            status = INTERRUPTED
        print_summary(console, session.summary(time.monotonic() - started), clock.now())
    return status


@contextmanager
def claimed(store: Store, deck: IndexEntry, console: Console) -> Iterator[None]:
    """Hold the deck for this session; warn first when another live session holds it, and go on."""
    me = Holder(host=host_name(), pid=os.getpid(), started=datetime.now(UTC))
    claim: int | None = None
    try:
        claim, others = store.claim_deck(deck.name, me, stale)
    except DamagedError:
        raise
    except StoreError:  # only a warning hangs on it: a database that cannot be written fails at the first answer
        others = []
    if others:
        from quizcli.ui.presence import print_deck_in_use

        print_deck_in_use(console, deck.title, others)
    try:
        yield
    finally:
        if claim is not None:
            with suppress(StoreError):  # a claim left behind is removed by the next session
                store.release_deck(claim)


def host_name() -> str:
    """This machine's name, without importing socket (which builds its enums at import) on the study path."""
    return os.uname().nodename if hasattr(os, "uname") else os.environ.get("COMPUTERNAME", "")


def stale(holder: Holder) -> bool:
    """Whether a claim was left by a session that is gone: its process ended (this machine), or it is too old."""
    if holder.host != host_name():
        return datetime.now(UTC) - holder.started > CLAIM_LIFETIME
    return not process_alive(holder.pid)


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` of this machine is running.

    POSIX asks with signal 0.  Windows has no such signal (there ``os.kill(pid, 0)`` sends
    Ctrl-C to a console process group), so the process's exit code is asked for instead.
    """
    if sys.platform == "win32":
        return _windows_process_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # a live process of another user
    return True


if sys.platform == "win32":

    def _windows_process_alive(pid: int) -> bool:
        import ctypes
        from ctypes import wintypes

        query_limited_information, access_denied, still_active = 0x1000, 5, 259
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        handle = kernel32.OpenProcess(query_limited_information, False, pid)
        if not handle:
            return ctypes.get_last_error() == access_denied  # a live process of another user
        try:
            code = wintypes.DWORD()
            return not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)) or code.value == still_active
        finally:
            kernel32.CloseHandle(handle)


def open_with_progress(store: Store, deck_file: DeckFile, console: Console) -> "tuple[IndexEntry, list[Diagnostic]]":
    """The deck's valid cards from the index, and the errors of those left out; a big deck that changed is
    re-indexed under a progress bar."""
    try:
        big = deck_file.path.stat().st_size >= PROGRESS_BAR_BYTES
    except OSError:
        big = False  # open_deck says what is wrong with the file
    with ui.indexing_progress(console, deck_file.name, enabled=big) as on_card:
        return catalog.open_valid_cards(store, deck_file, on_card)


def study_options(deck: IndexEntry, store: Store, request: StudyRequest) -> StudyOptions:
    """Configured settings for the deck, overridden by the command line; checks the tag selects something."""
    config = load_config(deck.name)
    settings = config.settings._replace(parameters=store.fitted_parameters(deck.name))
    if request.retention is not None:
        try:
            settings = settings._replace(desired_retention=retention(request.retention))
        except ValueError as exc:
            raise QuizcliError(str(exc)) from None
    try:
        order = config.new_order if request.order is None else one_of(NewOrder, request.order, "--order")
    except ValueError as exc:
        raise QuizcliError(str(exc)) from None
    if not deck.cards:
        raise QuizcliError(f"deck '{deck.name}' has no cards yet; add some to {deck.stamp.path}")
    if request.tag is not None and not store.has_tag(deck.name, request.tag):
        tags = ", ".join(store.deck_tags(deck.name))
        raise QuizcliError(f"no card in '{deck.name}' has the tag '{request.tag}'; its tags: {tags}")
    return StudyOptions(
        config=config._replace(settings=settings, new_order=order),
        new_limit=config.new_per_day if request.new is None else request.new,
        review_limit=config.reviews_per_day if request.limit is None else request.limit,
        tag=request.tag,
        cram=request.cram,
        ahead=request.ahead,
    )

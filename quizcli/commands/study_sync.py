"""``sync = "auto"``: a study session syncs as it starts, beside its first card, and again after its summary.

The sync at the start runs on a thread of its own, on a connection of its own (`quizcli.commands.sync.sync`
opens one), so the first card never waits for it: not for a slow folder (a network share), a slow or hanging
remote (``git``), nor a big merge.  What it merges is committed in its own transaction, as another session's
answers would be: an answer given meanwhile to an item it changed is recomputed from the stored state
(`quizcli.store.reviews.ReviewLog.record_review`), and the session takes in the items it changed before choosing
the next one (`quizcli.session.Session.take_in`).  Nothing of it is printed while cards are on screen: what it
brought in and sent out, or why it failed, is told after the summary.

After the summary the session waits for that sync if it is still running, then syncs again to send its own
answers (unless there is nothing to send).  A failure there is one warning: the answers are in the progress
database already and go out with the next sync.  Ctrl-C leaves the session, the wait or the sync at the end at
once (status 130): the thread is a daemon, and a sync cut short commits nothing, so the next one does it all.
"""

import sys
import threading

from quizcli import ui
from quizcli.commands.study import INTERRUPTED
from quizcli.commands.sync import SyncReport, sync
from quizcli.errors import QuizcliError
from quizcli.store import Store
from quizcli.text import inert
from quizcli.ui import Console

WAIT_STEP_S = 0.1  # a wait for the sync is a series of short ones, which Ctrl-C ends on every platform
KEPT = "this session's answers are kept here and go out with the next sync"


def sync_remembered() -> SyncReport:
    """A sync with the remembered folder, through git when the config file says so."""
    return sync(None)


def _attempt() -> tuple[SyncReport | None, str | None]:
    """`sync_remembered`, and what it did or why it failed."""
    try:
        return sync_remembered(), None
    except QuizcliError as error:
        return None, str(error)
    except OSError as error:
        return None, error.strerror or str(error)


class StartSync:
    """The sync at a session's start, running on a thread of its own."""

    def __init__(self, deck: str) -> None:
        self._deck = deck
        self.report: SyncReport | None = None
        self.failure: str | None = None
        self._bug: Exception | None = None
        self._handed_over = False
        # Its own flag, not the thread's: Ctrl-C in Thread.join marks a thread still running as ended (Python 3.11).
        self._done = threading.Event()
        threading.Thread(target=self._run, name="quizcli-sync", daemon=True).start()

    def _run(self) -> None:
        try:
            self.report, self.failure = _attempt()
        except Exception as error:  # a bug: raised again where the session waits for the sync, never mid-screen
            self._bug = error
        finally:
            self._done.set()

    def changed_items(self) -> frozenset[str]:
        """The deck's items the sync changed, once it has merged them, handed over once; nothing before."""
        if self.report is None or self._handed_over:
            return frozenset()
        self._handed_over = True
        return frozenset(item for deck, item in self.report.changed if deck == self._deck)

    @property
    def running(self) -> bool:
        return not self._done.is_set()

    def stop(self) -> None:
        """End what the sync still runs outside this process (git and ssh, which Ctrl-C does not reach), as the
        session leaves it; what it did not commit is done by the next sync."""
        if self.running:
            from quizcli.sync import git

            git.stop_detached()

    def wait(self) -> None:
        """Wait for the sync to end (KeyboardInterrupt ends the wait)."""
        while not self._done.wait(WAIT_STEP_S):
            pass
        if self._bug is not None:
            raise self._bug


def after_session(started: StartSync, console: Console, interrupted: bool) -> int:
    """Tell what the sync at the start did, then sync again to send the session's answers; returns 130 after
    Ctrl-C (in the session, or here), else 0.  After Ctrl-C in the session nothing is waited for."""
    try:
        if not (interrupted and started.running):
            if started.running:
                ui.print_line(console, "Waiting for the sync started with the session (Ctrl-C leaves it)...", "dim")
            started.wait()
        if started.report is not None:
            _print_report(console, "At the start", started.report)
        if interrupted:
            started.stop()
            _warn_failed_start(started.failure)
            ui.print_line(console, f"Not synced after the session (interrupted): {KEPT}.", "dim")
            return INTERRUPTED
        if started.failure is not None or _anything_to_send():
            _sync_after(console, started.failure)
    except KeyboardInterrupt:
        started.stop()
        console.print()
        ui.print_line(console, f"Sync cut short (Ctrl-C): {KEPT}.", "dim")
        return INTERRUPTED
    return 0


def _sync_after(console: Console, failed_before: str | None) -> None:
    """The sync at the end, and its report; a failure like the one at the start is told once."""
    report, failure = _attempt()
    if failure != failed_before:
        _warn_failed_start(failed_before)
    if report is not None:
        _print_report(console, "After the session", report)
    else:
        _warn(f"not synced: {failure}; {KEPT}")


def _warn_failed_start(failure: str | None) -> None:
    if failure is not None:
        _warn(f"the sync as the session started failed: {failure}")


def _anything_to_send() -> bool:
    with Store.open() as store:
        return any(store.pending_sync().values())


def _print_report(console: Console, when: str, report: SyncReport) -> None:
    for warning in report.warnings:
        _warn(warning)
    ui.print_line(console, f"{when}: {' '.join(report.lines)}", "dim")


def _warn(message: str) -> None:
    print(f"quizcli: warning: {inert(message)}", file=sys.stderr)

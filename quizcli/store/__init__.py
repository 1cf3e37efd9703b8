"""The progress database: the only package that imports ``sqlite3``.

`Store` is one open database: `connection` opens, configures and migrates it
(`migrations`), and the table groups a study session needs (`reviews`, `flags`,
`deck_index`) are mixed into it.  Exams, statistics, fits and health checks
(`exams`, `statistics`, `fits`, `health`) are imported only by the methods that
use them, so ``quizcli study`` never loads them.  Each module owns its row types.
"""

from pathlib import Path
from typing import TYPE_CHECKING

from quizcli.store.connection import Sync, bulk_page_cache
from quizcli.store.deck_index import BrokenCard, DeckIndex, IndexEntry, Stamp, Unparsed, indexed_tags
from quizcli.store.flags import Flags, FlagTable
from quizcli.store.guarded import DOCTOR_HINT, DamagedError, NewerSchemaError, StoreError
from quizcli.store.presence import Holder, Presence
from quizcli.store.reviews import Answer, Rebase, ReviewLog
from quizcli.store.schema import SCHEMA_VERSION

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable, Mapping
    from datetime import date, datetime

    from quizcli.scheduler import CardState, Rating
    from quizcli.store.exams import Attempt, ExamRecord
    from quizcli.store.fits import Fit
    from quizcli.store.health import Salvaged
    from quizcli.store.statistics import CardRow, StudyLog
    from quizcli.store.sync import Identity, Incoming, Merged, Record

__all__ = [
    "DOCTOR_HINT",
    "SCHEMA_VERSION",
    "Answer",
    "BrokenCard",
    "DamagedError",
    "Flags",
    "Holder",
    "IndexEntry",
    "NewerSchemaError",
    "Rebase",
    "Stamp",
    "Store",
    "StoreError",
    "Sync",
    "Unparsed",
    "indexed_tags",
]


class Store(ReviewLog, FlagTable, DeckIndex, Presence):
    """An open progress database.  Use as a context manager, or call `close`."""

    # ---- exams ----------------------------------------------------------------------------

    def record_exam(self, exam: "ExamRecord") -> int:
        """Save a marked exam and each of its questions in one transaction; returns the attempt id."""
        from quizcli.store import exams

        with self._write("the exam result") as db:
            return exams.record_exam(db, exam)

    def exam_attempts(self, deck: str | None = None) -> "list[Attempt]":
        """Saved exams in the order they were taken, of one deck or all."""
        from quizcli.store import exams

        return exams.exam_attempts(self._db, deck)

    def last_exam_misses(self, deck: str) -> list[str] | None:
        """Item ids answered wrong or left blank in the deck's latest exam, in exam order; None before any exam."""
        from quizcli.store import exams

        return exams.last_exam_misses(self._db, deck)

    # ---- progress imported from another tool (see quizcli.commands.anki_import) -------------

    def replace_progress(
        self,
        deck: str,
        items: "Collection[str]",
        answers: "Iterable[Answer]",
        states: "Callable[[], Mapping[str, CardState]]",
        flags: "Mapping[str, Flags]",
        then: "Callable[[], None]",
    ) -> int:
        """Replace ``items``' log, states and flags with imported ones in one transaction, which commits only
        after ``then()`` (writing the deck file) succeeds; returns how many answers were logged."""
        from quizcli.store import imports

        with self._write("the imported progress") as db:
            written = imports.replace_progress(db, deck, items, answers, self._settings_id, states, flags)
            then()
            return written

    def logged_reviews(self, deck: str) -> list[tuple[str, str, int, int, int | None]]:
        """The deck's scheduling reviews in order: (item, when as stored, rating, state before, milliseconds)."""
        from quizcli.store import imports

        return imports.logged_reviews(self._db, deck)

    # ---- statistics (``deck`` None means every deck) ----------------------------------------

    def decks_with_progress(self) -> list[str]:
        from quizcli.store import statistics

        return statistics.decks_with_progress(self._db)

    def card_rows(self, deck: str | None) -> "list[CardRow]":
        from quizcli.store import statistics

        return statistics.card_rows(self._db, deck)

    def study_log(self, deck: str | None, max_answer_ms: int, first_days: "Collection[date]") -> "StudyLog":
        """The review log by study day (each answer's time counted up to ``max_answer_ms``), and the answers of
        each of ``first_days`` and after by kind."""
        from quizcli.store import statistics

        return statistics.study_log(self._db, deck, max_answer_ms, first_days)

    def sum_up_reviews(self) -> None:
        """Add the answers logged since the last sum to the sums ``stats`` reads (`quizcli.store.review_sums`):
        a write a crash may lose harmlessly, skipped when there is nothing to add."""
        from quizcli.store import review_sums

        if review_sums.all_summed(self._db):
            return
        with self._write("the sums of the review log", Sync.WITH_THE_NEXT) as db:
            review_sums.sum_up(db)

    # ---- fitted parameters (read by sessions through `fitted_parameters`) --------------------

    def review_ratings(self, deck: str | None) -> "list[tuple[str, str, datetime, Rating]]":
        from quizcli.store import fits

        return fits.review_ratings(self._db, deck)

    def guessable_items(self, deck: str | None) -> set[tuple[str, str]]:
        """(deck, item) of the items whose reviews a lucky guess could have passed (a fit leaves them out)."""
        from quizcli.store import fits

        return fits.guessable_items(self._db, deck)

    def save_fit(self, deck: str | None, fit: "Fit") -> None:
        """Keep fitted parameters for ``deck`` (None: every deck without its own)."""
        from quizcli.store import fits

        with self._write("the fitted parameters") as db:
            fits.save_fit(db, deck, fit)

    def forget_fit(self, deck: str | None) -> bool:
        """Forget the fit kept for ``deck`` (None: the one for every deck), here and, through ``quizcli sync``, on the
        other devices; False when there was none."""
        from quizcli.store import fits

        with self._write("forgetting the fitted parameters") as db:
            return fits.forget_fit(db, deck)

    # ---- health and backups (see quizcli.doctor and quizcli.backups) ------------------------

    def salvage_from(self, damaged: Path) -> "dict[str, Salvaged]":
        """Copy every readable row of a damaged database's own tables into this (new, empty) one."""
        from quizcli.store import health

        found = health.read_salvageable(damaged)
        with self._write("the salvaged rows") as db:
            return health.insert_salvaged(db, found)

    # ---- sync between devices (see quizcli.commands.sync) ----------------------------------

    def sync_identity(self) -> "Identity | None":
        """This device's sync id and profile; None before its first sync."""
        from quizcli.store import sync

        return sync.identity(self._db)

    def save_sync_identity(self, who: "Identity") -> None:
        from quizcli.store import sync

        with self._write("this device's sync identity") as db:
            sync.save_identity(db, who)

    def applied_segments(self) -> set[str]:
        """The sync folder's segment files already merged or written here."""
        from quizcli.store import sync

        return sync.applied_segments(self._db)

    def pending_sync(self) -> dict[str, int]:
        """How many reviews, events and exams of this device the next sync sends."""
        from quizcli.store import sync

        return sync.pending_counts(self._db)

    def sync(
        self,
        device: str,
        incoming: "Iterable[Incoming]",
        when: "datetime",
        write_out: "Callable[[list[Record]], str | None]",
        digest: "Callable[[str], str]",
    ) -> "Merged":
        """Merge other devices' segments and hand this device's new records to ``write_out``, in one transaction."""
        from quizcli.clock import to_text
        from quizcli.store import sync

        with self._write("the sync") as db, bulk_page_cache(db):
            return sync.merge_and_send(db, device, incoming, to_text(when), write_out, digest)

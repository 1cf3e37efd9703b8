"""``quizcli exam``: set an exam, sit it, mark it, keep the result."""

import sys
from typing import NamedTuple

from quizcli import backups, catalog, clock, exam, ui
from quizcli.decks import resolve_deck
from quizcli.store import Store, StoreError
from quizcli.text import dump_json, inert

ABANDONED = 130


class ExamRequest(NamedTuple):
    deck: str
    size: int | None = None  # --count
    tag: str | None = None
    seed: int | None = None
    shuffle: bool | None = None  # None: shuffle on a terminal or with a seed, keep the deck's order from a pipe
    time_limit_minutes: float | None = None
    pass_mark: int = 70
    retry_wrong: bool = False
    all_items: bool = False
    as_json: bool = False


def take_exam(request: ExamRequest) -> int:
    """Run an exam and print its result; returns the exit status (130 when abandoned)."""
    from quizcli.ui.exam import print_result, sit_exam

    deck_file = resolve_deck(request.deck)
    with backups.open_for_session() as store:
        entry, broken = catalog.open_valid_cards(store, deck_file)
        notice = catalog.left_out_notice(entry.name, broken) if broken else ""
        on_terminal = sys.stdin.isatty()
        if notice and not on_terminal:
            print(f"quizcli: {inert(notice)}", file=sys.stderr)
        planned = exam.plan_exam(catalog.exam_source(store, entry), _options(request, store, entry.name, on_terminal))
        if request.size is not None and len(planned.questions) < request.size:
            print(f"quizcli: {exam.short_draw(planned, request.size)}", file=sys.stderr)
        started_at = clock.now()
        sitting = sit_exam(ui.make_console(stderr=request.as_json), planned)
        if sitting.ending is exam.Ending.ABANDONED:
            print("quizcli: exam abandoned; nothing was recorded", file=sys.stderr)
            return ABANDONED
        from quizcli import history, marking  # after the sitting: nothing before the first question waits for it

        result = marking.mark(planned, sitting, started_at)
        unsaved: StoreError | None = None
        try:
            attempt: int | None = store.record_exam(marking.exam_record(result, kind=history.attempt_kind(planned)))
        except StoreError as error:  # the score is still shown: a finished exam is never lost to a late error
            attempt, unsaved = None, error
    if request.as_json:
        sys.stdout.write(dump_json(result.to_dict() | {"attempt": attempt}))
    else:
        print_result(ui.make_console(), result)
    if notice and on_terminal:  # the exam's screens clear the terminal: said where it stays in view
        print(f"quizcli: {inert(notice)}", file=sys.stderr)
    if unsaved is not None:
        raise StoreError(f"{unsaved}; the result above was not saved")
    return 0


def _options(request: ExamRequest, store: Store, deck: str, on_terminal: bool) -> exam.ExamOptions:
    only = exam.retry_pool(deck, store.last_exam_misses(deck)) if request.retry_wrong else None
    minutes = request.time_limit_minutes
    return exam.ExamOptions(
        seed=exam.new_seed() if request.seed is None else request.seed,
        tag=request.tag,
        size=request.size,
        shuffle=shuffles(request, interactive=on_terminal),
        pass_mark=request.pass_mark,
        time_limit=None if minutes is None else minutes * 60,
        only=only,
        all_items=request.all_items,
    )


def shuffles(request: ExamRequest, interactive: bool) -> bool:
    """Whether to shuffle: as asked, else on a terminal or with a seed.

    A script answering from a pipe cannot see the screen, so it gets the deck's
    order: the same answer key always gives the same score.
    """
    if request.shuffle is not None:
        return request.shuffle
    return interactive or request.seed is not None

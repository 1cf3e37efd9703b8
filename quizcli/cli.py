"""The ``quizcli`` command: thin adapters from the command line to the modules that do the work.

Each command parses its options, calls one function and prints the result.
Errors from the `QuizcliError` family are caught once, in `QuizcliGroup`, and
printed as ``quizcli: error: ...`` with exit status 1; typer maps usage errors
to 2 and Ctrl-C to 130.  Heavy modules (yaml, rich) are imported inside the
commands so that ``--help`` and completion stay fast.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from quizcli import __version__
from quizcli.errors import QuizcliError


class QuizcliGroup(TyperGroup):
    """The one place where user-facing errors become a message and an exit status."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except QuizcliError as error:
            print(f"quizcli: error: {error}", file=sys.stderr)
            raise typer.Exit(error.exit_code) from None


app = typer.Typer(
    cls=QuizcliGroup,
    name="quizcli",
    help="Terminal quiz and flashcard trainer: study YAML decks with spaced repetition, or take an exam.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _complete_deck(incomplete: str) -> list[str]:
    from quizcli.decks import find_decks

    return [d.name for d in find_decks() if d.name.startswith(incomplete)]


DeckArg = Annotated[
    str,
    typer.Argument(help="Deck name (see 'quizcli decks') or path to a .yaml file.", autocompletion=_complete_deck),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON instead.")]


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _version(value: bool) -> None:
    if value:
        print(f"quizcli {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Terminal quiz and flashcard trainer.

    Start with: quizcli study long-context
    """


@app.command("decks")
def decks_command(as_json: JsonOpt = False) -> None:
    """List every deck quizcli can find: bundled decks and your decks directory.

    Example: quizcli decks --json
    """
    from quizcli.decks import find_decks, summarize

    summaries = [summarize(d) for d in find_decks()]
    if as_json:
        _print_json([s.to_dict() for s in summaries])
        return
    from quizcli import ui

    ui.print_deck_list(ui.make_console(), summaries)


@app.command("show")
def show_command(deck: DeckArg, as_json: JsonOpt = False) -> None:
    """Print every card of a deck with its answer marked, for proof-reading.

    Example: quizcli show long-context
    """
    from quizcli.decks import resolve_deck
    from quizcli.parser import load_deck

    deck_file = resolve_deck(deck)
    loaded = load_deck(deck_file.path, deck_file.name)
    if as_json:
        _print_json(loaded.to_dict())
        return
    from quizcli import ui

    ui.print_deck(ui.make_console(), loaded)


@app.command("check")
def check_command(
    decks: Annotated[
        list[str] | None,
        typer.Argument(help="Deck names or paths; all known decks when omitted.", autocompletion=_complete_deck),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Report every problem in the given decks with path:line:column; exit 1 if any is an error.

    Example: quizcli check decks/long-context.yaml
    """
    from quizcli.check import check_decks
    from quizcli.decks import find_decks, resolve_deck

    deck_files = [resolve_deck(d) for d in decks] if decks else find_decks()
    report = check_decks(deck_files)
    if as_json:
        _print_json(report.to_dict())
    else:
        from quizcli import ui

        console = ui.make_console()
        ui.print_diagnostics(console, report.diagnostics)
        ui.print_line(console, report.summary(), "bold")
    if report.error_count:
        raise typer.Exit(1)


# ---- exam and history ----


def _positive_minutes(value: float | None) -> float | None:
    if value is not None and value <= 0:
        raise typer.BadParameter("must be more than 0 minutes")
    return value


@app.command("exam")
def exam_command(
    deck: DeckArg,
    count: Annotated[
        int | None,
        typer.Option("--count", "-n", metavar="N", min=1, help="Ask N questions drawn at random (default: all)."),
    ] = None,
    tag: Annotated[
        str | None, typer.Option("--tag", metavar="TAG", help="Only questions from cards with this tag.")
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option("--seed", metavar="SEED", min=0, help="Replay an exam: the same questions in the same order."),
    ] = None,
    shuffle: Annotated[
        bool, typer.Option("--shuffle/--no-shuffle", help="Shuffle questions and options, or keep the deck's order.")
    ] = True,
    time_limit: Annotated[
        float | None,
        typer.Option(
            "--time-limit",
            metavar="MINUTES",
            callback=_positive_minutes,
            help="Submit automatically when the time runs out (fractions allowed: 0.5).",
        ),
    ] = None,
    pass_mark: Annotated[
        int, typer.Option("--pass-mark", metavar="PERCENT", min=0, max=100, help="Percent needed to pass.")
    ] = 70,
    retry_wrong: Annotated[
        bool, typer.Option("--retry-wrong", help="Only the questions missed in the last exam on this deck.")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the result as one JSON object (the questions go to stderr).")
    ] = False,
) -> None:
    """Take an exam: the deck's choice, true/false, typed and cloze questions, marked at the end.

    On a terminal, answer with single keys (shown at the bottom of the screen); from a pipe, one line
    per question (empty line: skip; end of input: submit). The result is saved; see 'quizcli history'.

    Example: quizcli exam long-context --tag lesson-quiz --time-limit 10
    """
    from quizcli import clock, exam, ui
    from quizcli.decks import resolve_deck
    from quizcli.parser import load_deck
    from quizcli.store import Store
    from quizcli.ui.exam import print_result, sit_exam

    deck_file = resolve_deck(deck)
    loaded = load_deck(deck_file.path, deck_file.name)
    with Store.open() as store:
        only = exam.retry_pool(loaded.name, store.last_exam_misses(loaded.name)) if retry_wrong else None
        minutes = None if time_limit is None else time_limit * 60
        options = exam.ExamOptions(exam.new_seed() if seed is None else seed, tag, count, shuffle, pass_mark,
                                   minutes, only)  # fmt: skip
        planned = exam.plan_exam(loaded, options)
        started_at = clock.now()
        sitting = sit_exam(ui.make_console(stderr=as_json), planned)
        if sitting.ending is exam.Ending.ABANDONED:
            print("quizcli: exam abandoned; nothing was recorded", file=sys.stderr)
            raise typer.Exit(130)
        result = exam.mark(planned, sitting, started_at)
        attempt = store.record_exam(result)
    if as_json:
        _print_json(result.to_dict() | {"attempt": attempt})
    else:
        print_result(ui.make_console(), result)


@app.command("history")
def history_command(
    deck: Annotated[
        str | None,
        typer.Argument(help="Only this deck's exams (its name, or its .yaml path).", autocompletion=_complete_deck),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """List past exams, oldest first, with each deck's best and latest score.

    Example: quizcli history long-context
    """
    from pathlib import Path

    from quizcli.decks import DECK_SUFFIXES
    from quizcli.exam import deck_records
    from quizcli.store import Store

    name = Path(deck).stem if deck is not None and deck.endswith(DECK_SUFFIXES) else deck
    with Store.open() as store:
        attempts = store.exam_attempts(name)
    records = deck_records(attempts)
    if as_json:
        _print_json({"attempts": [a.to_dict() for a in attempts], "decks": [r.to_dict() for r in records]})
        return
    from quizcli import ui
    from quizcli.ui.exam import print_history

    print_history(ui.make_console(), attempts, records)


def main() -> None:
    """Console-script entry point."""
    app()

"""The ``quizcli`` command: thin adapters from the command line to the modules that do the work.

Each command parses its options, calls one function and prints the result.
Errors from the `QuizcliError` family are caught once, in `QuizcliGroup`, and
printed as ``quizcli: error: ...`` with exit status 1; typer maps usage errors
to 2 and Ctrl-C to 130.  Heavy modules (yaml, rich) are imported inside the
commands so that ``--help`` and completion stay fast.
"""

import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperCommand, TyperGroup

from quizcli import __version__
from quizcli.errors import QuizcliError, report_error, report_output_error
from quizcli.fast_path import MAX_CARDS, MAX_SEED, MAX_STATS_DAYS, MAX_TIME_LIMIT_MINUTES, STATS_DAYS
from quizcli.interop.formats import ExportFormat, ImportFormat

if TYPE_CHECKING:
    from quizcli.cards import Deck
    from quizcli.check import CheckReport
    from quizcli.decks import DeckFile


HELP_ORDER = (
    "study",
    "exam",
    "history",
    "stats",
    "optimize",
    "decks",
    "show",
    "check",
    "add",
    "new",
    "import",
    "export",
    "schema",
    "reset",
    "unsuspend",
    "sync",
    "doctor",
    "help",
)


class QuizcliGroup(TyperGroup):
    """The one place where user-facing errors become a message and an exit status."""

    def list_commands(self, ctx: Any) -> list[str]:
        """Commands in the order a new user needs them, not the order they are defined in."""
        return sorted(super().list_commands(ctx), key=lambda name: HELP_ORDER.index(name))

    def invoke(self, ctx: Any) -> Any:
        try:
            result = super().invoke(ctx)
            sys.stdout.flush()  # a full or failing output fails here, not in the interpreter's last flush
            return result
        except QuizcliError as error:
            raise typer.Exit(report_error(error)) from None
        except OSError as error:  # only writing the output gets here: quizcli's own file errors are QuizcliErrors
            raise typer.Exit(report_output_error(error)) from None


# "\b" keeps click from rewrapping the paragraph that follows it.
GETTING_STARTED = """\b
Getting started:
  quizcli decks                                 the decks you have
  quizcli study long-context                    a study session (q quits)
  quizcli exam long-context --tag lesson-quiz   an eight-question exam
  quizcli new my-deck --edit                    write a deck of your own
  quizcli help deck-format                      how decks are written
  quizcli COMMAND --help                        a command's options"""


class QuizcliCommand(TyperCommand):
    """A command whose usage line reads ``quizcli study [OPTIONS] DECK``, as the README writes it.

    typer wraps a required argument in braces (``{DECK}``), which reads as a literal or a set.
    """

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return [re.sub(r"\{([^{}]*)\}", r"\1", piece) for piece in super().collect_usage_pieces(ctx)]


def _new_app() -> typer.Typer:
    return typer.Typer(
        cls=QuizcliGroup,
        name="quizcli",
        help="Terminal quiz and flashcard trainer: study YAML decks with spaced repetition, or take an exam.",
        epilog=GETTING_STARTED,
        no_args_is_help=True,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )


app = _new_app()


def _complete_deck(incomplete: str) -> list[str]:
    from quizcli.decks import find_decks

    return [d.name for d in find_decks() if d.name.startswith(incomplete)]


def _complete_tag(ctx: typer.Context, incomplete: str) -> list[str]:
    """The tags of the deck already typed, from the store's deck index: completion never parses YAML."""
    from quizcli import paths
    from quizcli.decks import resolve_deck
    from quizcli.store import indexed_tags

    # With the option's value still to come the parse stops short, leaving the deck in ctx.args.
    deck = ctx.params.get("deck") or next((arg for arg in ctx.args if not arg.startswith("-")), None)
    if not isinstance(deck, str):
        return []
    try:
        name = resolve_deck(deck).name
    except QuizcliError:
        return []
    return [tag for tag in indexed_tags(paths.progress_db(), name) if tag.startswith(incomplete)]


def _flag(*names: str, help: str) -> Any:
    """An on/off option, off unless given."""
    return typer.Option(*names, help=help)


def _cards(name: str, help: str) -> Any:
    """An option that takes how many cards a day (0 for none)."""
    return typer.Option(name, metavar="N", min=0, max=MAX_CARDS, help=help)


def _text(name: str, help: str) -> Any:
    """An option that takes a text (or, repeated, several): a card's field for ``add``."""
    return typer.Option(name, help=help, metavar="TEXT")


DeckArg = Annotated[
    str,
    typer.Argument(
        help="Deck name (see 'quizcli decks') or path to a .yaml file.", metavar="DECK", autocompletion=_complete_deck
    ),
]
JsonOpt = Annotated[bool, _flag("--json", help="Print machine-readable JSON instead.")]


def _optional_deck(help_text: str) -> Any:
    """The ``[DECK]`` argument of a command that covers every deck when it is left out."""
    return typer.Argument(help=help_text, metavar="[DECK]", autocompletion=_complete_deck)


def _print_json(data: object) -> None:
    from quizcli.text import dump_json

    sys.stdout.write(dump_json(data))


def _write_out(text: str) -> None:
    """Data for standard output (an export, an imported deck): exact into a pipe or file, inert on a terminal."""
    if sys.stdout.isatty():
        from quizcli.text import inert

        text = inert(text)
    sys.stdout.write(text)


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


@app.command("decks", cls=QuizcliCommand, short_help="List the decks quizcli can find.")
def decks_command(as_json: JsonOpt = False) -> None:
    """List every deck quizcli can find: bundled decks and your decks directory.

    Example: quizcli decks --json
    """
    from quizcli import paths
    from quizcli.decks import find_decks
    from quizcli.listing import deck_lines, decks_dir_line, summarize

    summaries = summarize(find_decks())
    if as_json:
        _print_json([s.to_dict() for s in summaries])
        return
    import shutil

    print("\n".join(deck_lines(summaries, shutil.get_terminal_size().columns)))
    print(decks_dir_line(summaries, paths.user_decks_dir()))


@app.command("show", cls=QuizcliCommand, short_help="Print a deck's cards with answers, to proof-read.")
def show_command(deck: DeckArg, as_json: JsonOpt = False) -> None:
    """Print every card of a deck with its answer marked, for proof-reading.

    Example: quizcli show long-context
    """
    from quizcli.commands.show import shown_deck

    loaded = shown_deck(deck)
    if as_json:
        _print_json(loaded.to_dict())
        return
    from quizcli import ui

    ui.print_deck(ui.make_console(), loaded)


@app.command("check", cls=QuizcliCommand, short_help="Check decks for errors; --strict adds lints.")
def check_command(
    decks: Annotated[
        list[str] | None,
        typer.Argument(
            help="Deck names or paths; all known decks when omitted.",
            metavar="[DECK]...",
            autocompletion=_complete_deck,
        ),
    ] = None,
    as_json: JsonOpt = False,
    strict: Annotated[
        bool, _flag("--strict", help="Add authoring lints (Q1xx codes) and exit 1 on any warning.")
    ] = False,
    watch: Annotated[bool, _flag("--watch", help="Check again each time a deck is saved, until Ctrl-C.")] = False,
) -> None:
    """Report every problem in the given decks with path:line:column; exit 1 if any is an error.

    --strict adds authoring lints a card can silence with 'lint-ignore: [Q103]'.
    Example: quizcli check decks/long-context.yaml --strict
    """
    from quizcli.check import check_decks
    from quizcli.decks import find_decks, resolve_deck

    deck_files = [resolve_deck(d) for d in decks] if decks else find_decks()
    if watch:
        _watch_decks(deck_files, strict, as_json)
    report = check_decks(deck_files, strict)
    _print_check(report, as_json)
    if report.failed:
        raise typer.Exit(1)


def _print_check(report: "CheckReport", as_json: bool) -> None:
    if as_json:
        _print_json(report.to_dict())
    else:
        from quizcli import ui

        console = ui.make_console()
        ui.print_diagnostics(console, report.diagnostics)
        ui.print_line(console, report.summary(), "bold")


def _watch_decks(deck_files: "list[DeckFile]", strict: bool, as_json: bool) -> NoReturn:
    """Check and re-check on every save; Ctrl-C ends it (status 130, as for any interrupted command)."""
    from quizcli import clock, terminal
    from quizcli.check import watch

    def show(report: "CheckReport") -> None:
        if not as_json:
            print(f"-- checked at {clock.now().astimezone():%H:%M:%S}; watching for changes (Ctrl-C stops)")
        _print_check(report, as_json)
        sys.stdout.flush()

    try:
        with terminal.interruptible():
            watch(deck_files, strict, show)
    except KeyboardInterrupt:
        raise typer.Exit(130) from None


def _a_tag(value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise typer.BadParameter("needs a tag (tags are words without spaces)")
    return value


def _file_name(value: Path | None) -> Path | None:
    if value is not None and str(value) in {"", "."}:  # typer turns an empty value into "."
        raise typer.BadParameter("needs a file name")
    return value


OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write to this file instead of standard output.",
        dir_okay=False,
        metavar="FILE",
        callback=_file_name,
    ),
]
ForceOpt = Annotated[bool, _flag("--force", help="Overwrite the output file if it exists.")]


@app.command("new", cls=QuizcliCommand, short_help="Write a commented starter deck to edit.")
def new_command(
    name: Annotated[str, typer.Argument(help="The deck's name: its file stem, e.g. biology-101.", metavar="NAME")],
    directory: Annotated[
        Path | None,
        typer.Option("--dir", help="Write it here instead of your decks directory.", file_okay=False, metavar="DIR"),
    ] = None,
    edit: Annotated[bool, _flag("--edit", help="Open it in $VISUAL or $EDITOR.")] = False,
    force: ForceOpt = False,
) -> None:
    """Write a commented starter deck with a card of each common kind, ready to edit.

    Example: quizcli new biology-101 --edit
    """
    from quizcli import paths, schema, starter

    target = directory or paths.user_decks_dir()
    path = starter.create_starter(name, target, schema.modeline(), force)
    in_decks_dir = path.parent.resolve() == paths.user_decks_dir().resolve()
    print(f"created {path}\nstudy it with: quizcli study {path.stem if in_decks_dir else path}")
    if edit:
        starter.open_in_editor(path)


@app.command("add", cls=QuizcliCommand, short_help="Add a card to a deck, asked for or from options.")
def add_command(
    deck: Annotated[str, typer.Argument(help="Deck name or path.", metavar="DECK", autocompletion=_complete_deck)],
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind", help="flashcard, choice, matching, ordering, true-false, typed or cloze.", metavar="KIND"
        ),
    ] = None,
    front: Annotated[str | None, _text("--front", help="A flashcard's front.")] = None,
    back: Annotated[str | None, _text("--back", help="A flashcard's back.")] = None,
    question: Annotated[str | None, _text("--question", help="The question.")] = None,
    choice: Annotated[list[str] | None, _text("--choice", help="A choice (repeat it, in order).")] = None,
    answer: Annotated[str | None, _text("--answer", help="Choice letter(s), true/false, or the typed answer.")] = None,
    accept: Annotated[
        list[str] | None, _text("--accept", help="Another typed answer that counts (repeatable).")
    ] = None,
    pair: Annotated[
        list[str] | None,
        typer.Option("--pair", help="A matching pair, 'item -> match' (repeat it, in order).", metavar="PAIR"),
    ] = None,
    order: Annotated[
        list[str] | None, _text("--order", help="An item to put in order (repeat it, in the right order).")
    ] = None,
    cloze: Annotated[str | None, _text("--cloze", help="Cloze text, each hidden part in double braces.")] = None,
    explanation: Annotated[str | None, _text("--explanation", help="Shown after answering.")] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="A tag (repeatable).", metavar="TAG")] = None,
    card_id: Annotated[
        str | None, typer.Option("--id", help="The card's id (default: from its first words).", metavar="ID")
    ] = None,
    from_stdin: Annotated[
        bool, _flag("--stdin", help="Read cards as YAML or JSON (as a deck writes them) from standard input.")
    ] = False,
) -> None:
    """Add a card to the end of a deck's cards, keeping the rest of the file as it is.

    With no card option, asks for the kind and its fields (also from piped lines), checks the
    card as 'quizcli check' does, and offers to add another.
    Example: quizcli add biology-101 --front "Mitochondria" --back "The cell's power plant"
    """
    from quizcli.commands.add import AddRequest, add

    given = {"front": front, "back": back, "question": question, "answer": answer, "cloze": cloze}
    answers: dict[str, str | list[str]] = {key: value for key, value in given.items() if value is not None}
    listed = (("choices", choice), ("accept", accept), ("pairs", pair), ("order", order))
    answers |= {key: values for key, values in listed if values}
    if answers and explanation is not None:
        answers["explanation"] = explanation
    if answers and tag:
        answers["tags"] = tag
    status = add(AddRequest(deck=deck, kind=kind, answers=answers, card_id=card_id, from_stdin=from_stdin))
    if status:
        raise typer.Exit(status)


@app.command("schema", cls=QuizcliCommand, short_help="Print the deck format's JSON Schema.")
def schema_command(
    path: Annotated[bool, _flag("--path", help="Print where the schema file is instead.")] = False,
) -> None:
    """Print the JSON Schema (draft 2020-12) of the deck format, for editors and validators.

    A deck whose first line is '# yaml-language-server: $schema=PATH' gets completion and
    validation in editors using the YAML language server; 'quizcli new' writes that line.
    Example: quizcli schema > deck.schema.json
    """
    from quizcli import schema

    sys.stdout.write(schema.schema_reference() + "\n" if path else schema.schema_text())


@app.command("import", cls=QuizcliCommand, short_help="Import Aiken, GIFT, Anki text or packages, hashcards, lessons.")
def import_command(
    file: Annotated[Path, typer.Argument(help="The file to import.", dir_okay=False, metavar="FILE")],
    format_name: Annotated[
        ImportFormat | None,
        typer.Option("--format", "-f", help="The file's format; when omitted, its extension's, else detected."),
    ] = None,
    output: OutputOpt = None,
    flashcards: Annotated[
        bool, _flag("--flashcards", help="Lesson text: also make a flashcard of each short titled section.")
    ] = False,
    force: ForceOpt = False,
    with_progress: Annotated[
        bool, _flag("--with-progress", help="Anki packages: also import the review history (needs -o).")
    ] = False,
) -> None:
    """Import Moodle Aiken or GIFT questions, Anki notes or packages, hashcards, lesson text or JSON as a deck.

    Prints the deck (or writes it with -o) and lists every question skipped, with its line and
    why; exits 1 when anything was skipped.
    Example: quizcli import questions.gift -o biology.yaml
    """
    from quizcli import schema, ui
    from quizcli.interop.files import read_source, write_new
    from quizcli.interop.importing import import_text

    if with_progress and output is None:
        raise typer.BadParameter("--with-progress needs -o DECK.yaml: progress is kept under the deck's name")
    if format_name is ImportFormat.APKG or (format_name is None and file.suffix.lower() in (".apkg", ".colpkg")):
        _import_package(file, format_name, output, force, with_progress)
        return
    if with_progress:
        raise typer.BadParameter("--with-progress is for Anki packages (.apkg, .colpkg) only")
    imported = import_text(read_source(file), str(file), format_name, schema.schema_reference(), flashcards)
    if not imported.result.cards:  # a deck of no card is no deck: say why, write nothing
        ui.print_import_report(ui.make_console(stderr=True), str(file), imported, None)
        raise QuizcliError(f"nothing to import from {file}: no question could be read; no deck was written")
    if output is not None:
        write_new(output, imported.yaml, force)
    else:
        _write_out(imported.yaml)
    ui.print_import_report(ui.make_console(stderr=output is None), str(file), imported, output)
    if imported.result.skipped:
        raise typer.Exit(1)


def _import_package(
    file: Path, format_name: ImportFormat | None, output: Path | None, force: bool, with_progress: bool
) -> None:
    from quizcli import schema, ui
    from quizcli.commands.anki_import import import_package

    console = ui.make_console(stderr=True)
    with ui.task_progress(console, f"importing the reviews of {file.name}") as on_review:
        how = "as given" if format_name else "from the file name"
        done = import_package(file, output, force, with_progress, schema.schema_reference(), how, on_review)
    imported = done.imported
    if output is None:
        _write_out(imported.yaml)
    report_console = ui.make_console(stderr=output is None)
    for line in done.notes:
        ui.print_line(report_console, line)
    ui.print_import_report(report_console, str(file), imported, output)
    if imported.result.skipped:
        raise typer.Exit(1)


@app.command("export", cls=QuizcliCommand, short_help="Export a deck as Anki text or package, Aiken, GIFT or JSON.")
def export_command(
    deck: DeckArg,
    format_name: Annotated[ExportFormat, typer.Option("--format", "-f", help="The format to write.")],
    output: OutputOpt = None,
    force: ForceOpt = False,
    with_progress: Annotated[
        bool, _flag("--with-progress", help="Anki packages: also write each card's schedule and reviews.")
    ] = False,
) -> None:
    """Export a deck as Anki text or package (apkg, needs -o), Aiken, GIFT or JSON; exits 1 when a card is left out.

    Example: quizcli export long-context --format anki -o long-context.txt
    """
    from quizcli import ui
    from quizcli.decks import resolve_deck
    from quizcli.interop.exporting import export_deck
    from quizcli.interop.files import write_new
    from quizcli.parser import load_deck

    deck_file = resolve_deck(deck)
    if format_name is ExportFormat.APKG:
        _export_package(load_deck(deck_file.path, deck_file.name), output, force, with_progress)
        return
    if with_progress:
        raise typer.BadParameter("--with-progress is for Anki packages (--format apkg) only")
    exported = export_deck(load_deck(deck_file.path, deck_file.name), format_name)
    if output is not None:
        write_new(output, exported.text, force)
    else:
        _write_out(exported.text)
    ui.print_export_report(ui.make_console(stderr=output is None), exported, output)
    if exported.left:
        raise typer.Exit(1)


def _export_package(loaded: "Deck", output: Path | None, force: bool, with_progress: bool) -> None:
    from quizcli import clock, ui
    from quizcli.interop.apkg_write import export_apkg
    from quizcli.interop.files import refuse_existing

    if output is None:
        raise typer.BadParameter("an Anki package is a binary file: give -o DECK.apkg")
    refuse_existing(output, force)
    now = clock.now()
    created = int(now.timestamp())
    if with_progress:
        from quizcli.anki_progress import DeckProgress
        from quizcli.store import Store

        with Store.open() as store:
            progress = DeckProgress(store, loaded.name, created - created % 86400, now)
        exported = export_apkg(loaded, output, created, progress)
    else:
        exported = export_apkg(loaded, output, created)
    ui.print_export_report(ui.make_console(), exported, output)
    if exported.left:
        raise typer.Exit(1)


@app.command("study", cls=QuizcliCommand, short_help="Study a deck with spaced repetition.")
def study_command(
    deck: DeckArg,
    new: Annotated[int | None, _cards("--new", help="New cards today (default: 20, or config).")] = None,
    limit: Annotated[int | None, _cards("--limit", help="Most reviews today (default: 200).")] = None,
    retention: Annotated[
        float | None, typer.Option("--retention", metavar="R", help="Desired retention, 0.70-0.99 (default: 0.90).")
    ] = None,
    tag: Annotated[
        str | None,
        typer.Option(
            "--tag", metavar="TAG", help="Only cards with this tag.", autocompletion=_complete_tag, callback=_a_tag
        ),
    ] = None,
    cram: Annotated[bool, _flag("--cram", help="Practise every card; the schedule is not touched.")] = False,
    ahead: Annotated[bool, _flag("--ahead", help="Also review cards that are not due yet.")] = False,
    seed: Annotated[
        int | None,
        typer.Option("--seed", metavar="SEED", min=0, max=MAX_SEED, help="Fix the order of choice options."),
    ] = None,
    order: Annotated[
        str | None,
        typer.Option(
            "--order", metavar="ORDER", help="New cards: 'spread' (related cards apart; the default) or 'authored'."
        ),
    ] = None,
) -> None:
    """Study a deck with spaced repetition (FSRS): due cards first, then new ones.

    Keys: Space/Enter reveal, 1-4 rate (Again, Hard, Good, Easy), A-D choose,
    u undo, s suspend, b bury until tomorrow, q quit.  Settings live in
    config.toml in the quizcli config directory (see 'quizcli help study').

    Example: quizcli study long-context --new 10 --tag key-issues
    """
    from quizcli.commands.study import StudyRequest, study

    request = StudyRequest(
        deck=deck, new=new, limit=limit, retention=retention, tag=tag, cram=cram, ahead=ahead, seed=seed, order=order
    )
    status = study(request)
    if status:
        raise typer.Exit(status)


@app.command("reset", cls=QuizcliCommand, short_help="Forget a deck's study progress.")
def reset_command(
    deck: DeckArg,
    yes: Annotated[bool, _flag("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Forget all study progress of a deck (its review history and schedule).

    Example: quizcli reset long-context --yes
    """
    from quizcli.decks import resolve_deck
    from quizcli.store import Store
    from quizcli.text import inert

    name = resolve_deck(deck).name
    if not yes and not typer.confirm(f"Forget all progress on '{inert(name)}'?"):
        raise typer.Exit(1)
    with Store.open() as store:
        removed = store.reset(name)
    print(f"Forgot {removed} answers on '{inert(name)}'.")


@app.command("unsuspend", cls=QuizcliCommand, short_help="List or bring back suspended cards.")
def unsuspend_command(
    deck: DeckArg,
    items: Annotated[
        list[str] | None,
        typer.Argument(help="Card ids to bring back (as listed); none: list them.", metavar="[ITEM]..."),
    ] = None,
    every: Annotated[bool, _flag("--all", help="Unsuspend every suspended card of the deck.")] = False,
) -> None:
    """List a deck's suspended cards (suspended with 's' or as leeches), or bring some back into study.

    Example: quizcli unsuspend long-context typed-position-degradation
    """
    from quizcli.commands.suspended import unsuspend

    _print_lines(unsuspend(deck, items or [], every))


# ---- exam and history ----


def _positive_minutes(value: float | None) -> float | None:
    if value is not None and not 0 < value <= MAX_TIME_LIMIT_MINUTES:  # False for NaN too
        raise typer.BadParameter(f"must be more than 0 and at most {MAX_TIME_LIMIT_MINUTES:,} minutes")
    return value


@app.command("exam", cls=QuizcliCommand, short_help="Take a timed, scored exam on a deck.")
def exam_command(
    deck: DeckArg,
    count: Annotated[
        int | None,
        typer.Option(
            "--count", "-n", metavar="N", min=1, max=MAX_CARDS, help="Ask N questions drawn at random (default: all)."
        ),
    ] = None,
    tag: Annotated[
        str | None,
        typer.Option(
            "--tag",
            metavar="TAG",
            help="Only questions from cards with this tag.",
            autocompletion=_complete_tag,
            callback=_a_tag,
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed", metavar="SEED", min=0, max=MAX_SEED, help="Replay an exam: the same questions in the same order."
        ),
    ] = None,
    shuffle: Annotated[
        bool | None,
        typer.Option(
            "--shuffle/--no-shuffle",
            help="Shuffle questions and options, or keep the deck's order "
            "(default: shuffle on a terminal or with --seed; from a pipe, the deck's order).",
        ),
    ] = None,
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
        bool, _flag("--retry-wrong", help="Only the questions missed in the last exam on this deck.")
    ] = False,
    all_items: Annotated[
        bool,
        typer.Option(
            "--all-items", help="Let one exam ask several items of a card (cloze deletions), which show each other."
        ),
    ] = False,
    as_json: Annotated[
        bool, _flag("--json", help="Print the result as one JSON object (the questions go to stderr).")
    ] = False,
) -> None:
    """Take an exam: the deck's choice, true/false, typed and cloze questions, marked at the end.

    On a terminal, answer with single keys (shown at the bottom of the screen); from a pipe, one line
    per question (empty line: skip; end of input: submit), in the deck's order unless you give
    --shuffle or --seed. The result is saved; see 'quizcli history'.

    Example: quizcli exam long-context --tag lesson-quiz --time-limit 10
    """
    from quizcli.commands.exam import ExamRequest, take_exam

    request = ExamRequest(
        deck=deck,
        size=count,
        tag=tag,
        seed=seed,
        shuffle=shuffle,
        time_limit_minutes=time_limit,
        pass_mark=pass_mark,
        retry_wrong=retry_wrong,
        all_items=all_items,
        as_json=as_json,
    )
    status = take_exam(request)
    if status:
        raise typer.Exit(status)


@app.command("history", cls=QuizcliCommand, short_help="List past exams and each deck's best score.")
def history_command(
    deck: Annotated[str | None, _optional_deck("Only this deck's exams (its name, or its .yaml path).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List past exams, oldest first, with each deck's best and latest score.

    Example: quizcli history long-context
    """
    from quizcli.commands.history import show_history

    show_history(deck, as_json)


# ---- statistics and personal parameters ----


@app.command("stats", cls=QuizcliCommand, short_help="Show progress, retention and forecasts.")
def stats_command(
    deck: Annotated[
        str | None, _optional_deck("Only this deck (its name, or its .yaml path); all decks when omitted.")
    ] = None,
    days: Annotated[
        int,
        typer.Option(
            "--days",
            metavar="N",
            min=1,
            max=MAX_STATS_DAYS,
            help=f"Look back N days for the heatmap, calibration and time (default: {STATS_DAYS}, 12 weeks).",
        ),
    ] = STATS_DAYS,
    as_json: JsonOpt = False,
) -> None:
    """Show progress: card counts, reviews per day, forecast, retention, calibration, weak cards, exams, time.

    Example: quizcli stats long-context --days 30
    """
    from quizcli.commands.stats import show_stats

    show_stats(deck, days, as_json)


@app.command("optimize", cls=QuizcliCommand, short_help="Fit FSRS's parameters to your own reviews.")
def optimize_command(
    deck: Annotated[
        str | None,
        _optional_deck("Fit to this deck's reviews, for this deck; all decks' when omitted, for every deck."),
    ] = None,
    reset: Annotated[bool, _flag("--reset", help="Forget the fitted parameters instead.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Fit FSRS's parameters to your own reviews (needs: pip install 'quizcli[optimizer]').

    Needs 512 reviews made a day or more after the card's previous one, and says how many more
    otherwise.  The fit is kept, and used by later sessions, only when it predicts your reviews
    better (lower log loss) than the parameters in use.  Parameters fitted for a deck win over
    those fitted for every deck.
    Example: quizcli optimize long-context
    """
    from quizcli.commands.optimize import forget, optimize

    if reset:
        forget(deck, as_json)
    else:
        optimize(deck, as_json)


@app.command("sync", cls=QuizcliCommand, short_help="Sync progress with your other devices through a folder.")
def sync_command(
    folder: Annotated[
        Path | None,
        typer.Argument(help="The sync folder (remembered after the first use).", metavar="[FOLDER]"),
    ] = None,
    status: Annotated[bool, _flag("--status", help="Only say what would come in and go out.")] = False,
    use_git: Annotated[
        bool, _flag("--git", help="The folder is a git clone: pull, then commit and push the new files.")
    ] = False,
    join: Annotated[
        bool, _flag("--join", help="Join a folder whose owner has another user name (the same person).")
    ] = False,
) -> None:
    """Merge your progress with your other devices' through a folder that git, Syncthing or Dropbox carries.

    Each device writes only its own files there; reviews from the others are added (never twice),
    their cards' schedules replayed, and flag changes merged by time (see 'quizcli help sync').
    Example: quizcli sync ~/Sync/quizcli
    """
    from quizcli.commands.sync import sync

    report = sync(folder, status=status, use_git=use_git, join=join)
    for warning in report.warnings:
        print(f"quizcli: warning: {warning}", file=sys.stderr)
    _print_lines(report.lines)


@app.command("doctor", cls=QuizcliCommand, short_help="Check, repair or restore the progress database.")
def doctor_command(
    repair: Annotated[
        bool, _flag("--repair", help="Salvage a damaged database into a fresh one (the old one is kept).")
    ] = False,
    restore: Annotated[
        str | None, typer.Option("--restore", metavar="DATE", help="Restore the backup of this date (YYYY-MM-DD).")
    ] = None,
    yes: Annotated[bool, _flag("--yes", "-y", help="Do not ask before restoring.")] = False,
) -> None:
    """Check the progress database, list its daily backups, salvage it or restore a backup.

    Exits 1 when the database is damaged.  Nothing is ever deleted: a repaired or replaced
    database is renamed with a timestamp beside the new one.
    Example: quizcli doctor --repair
    """
    from quizcli import doctor

    if repair and restore is not None:
        raise typer.BadParameter("give --repair or --restore, not both")
    if restore is not None:
        backup = doctor.find_backup(restore)
        if not yes and not typer.confirm(f"Replace the progress database with the backup of {backup.day}?"):
            raise typer.Exit(1)
        _print_lines(doctor.restore(backup))
    elif repair:
        _print_lines(doctor.repair().lines())
    else:
        report = doctor.check()
        _print_lines(report.lines())
        if not report.sound:
            raise typer.Exit(1)


def _complete_topic(incomplete: str) -> list[str]:
    from quizcli.help_topics import topics

    return [topic for topic in topics() if topic.startswith(incomplete)]


@app.command("help", cls=QuizcliCommand, short_help="Read the manual: quizcli help deck-format.")
def help_command(
    topic: Annotated[
        str | None,
        typer.Argument(help="The topic; the list when omitted.", metavar="[TOPIC]", autocompletion=_complete_topic),
    ] = None,
) -> None:
    """Print the manual installed with quizcli: one topic per document (study, exam, deck-format, stats...).

    On a terminal the text goes through a pager ($PAGER, else less); into a pipe or a file, straight.
    Example: quizcli help deck-format
    """
    from quizcli.help_topics import topic_list, topic_text

    text = topic_list() if topic is None else topic_text(topic)
    if sys.stdout.isatty():
        import pydoc

        pydoc.pager(text)
    else:
        sys.stdout.write(text)


def _print_lines(lines: list[str]) -> None:
    from quizcli.text import inert

    print("\n".join(inert(line) for line in lines))


def app_for(args: list[str]) -> typer.Typer:
    """The app that runs ``quizcli ARGS``: when ARGS name a command, an app holding that command alone.

    Before it parses anything, typer turns every registered command into a click command by
    reading its signature, where one is all that runs.
    The root options, help and usage errors are the same; anything else (no command, an option
    first, a misspelt name, shell completion) gets the whole app.
    """
    if not args or args[0] not in HELP_ORDER or "_QUIZCLI_COMPLETE" in os.environ:
        return app
    single = _new_app()
    single.registered_callback = app.registered_callback
    single.registered_commands = [info for info in app.registered_commands if info.name == args[0]]
    return single

"""``quizcli study``, ``exam``, ``stats`` and ``history`` without typer, for the command lines typer reads alike.

typer and click are a quarter of the instructions to a study session's first card, spent on
reading a deck name and a few options.  `command_for` reads the usual command lines itself: the
command, its deck (which ``stats`` and ``history`` may leave out), and options it knows, each at most once, written
``--name value``, with values plainly in range.  Any other command line (help, completion,
``--name=value``, a misspelt or repeated option, a value typer would have to convert or refuse)
gets None and goes to typer, whose messages and exit statuses stay the reference.
``tests/test_fast_path.py`` checks that typer reads every command line this accepts into the same
request, and `quizcli.cli` takes its limits and defaults from here.
"""

from collections.abc import Callable, Mapping
from typing import Any

from quizcli.errors import report_failures

MAX_CARDS = 1_000_000  # more than any deck holds (200,000 cards at most), and within what SQLite stores
MAX_SEED = 2**63 - 1  # the largest integer SQLite stores: an exam's seed is saved with its result
MAX_TIME_LIMIT_MINUTES = 10_000  # about a week: beyond it a limit means nothing, and NaN or infinity nothing at all
STATS_DAYS = 84  # twelve weeks: the default window of ``quizcli stats``
MAX_STATS_DAYS = 3660

Value = Callable[[str], Any]  # an option's value as typer would give it, or None when typer should read it

# Each command's options that take no value, and the field each sets to what (--shuffle/--no-shuffle: True, False).
_JSON = {"--json": ("as_json", True)}
_FLAGS = {"study": {"--cram": ("cram", True), "--ahead": ("ahead", True)}, "stats": _JSON, "history": _JSON,
          "exam": {"--shuffle": ("shuffle", True), "--no-shuffle": ("shuffle", False),
                   "--retry-wrong": ("retry_wrong", True), "--all-items": ("all_items", True), **_JSON}}  # fmt: skip


def _whole(low: int, high: int) -> Value:
    """Decimal digits, as typer's range-checked integers take them."""

    def value(text: str) -> int | None:
        number = int(text) if text.isascii() and text.isdigit() else None
        return number if number is not None and low <= number <= high else None

    return value


def _decimal(low: float, high: float) -> Value:
    """Digits with at most one decimal point (``0.9``, ``.5``, ``10``), within (``low``, ``high``]."""

    def value(text: str) -> float | None:
        number = float(text) if text.isascii() and text.replace(".", "", 1).isdigit() else None
        return number if number is not None and low < number <= high else None

    return value


def _tag(text: str) -> str | None:
    return text if text.strip() else None  # a blank tag is typer's to refuse


def _text(text: str) -> str:
    return text


_STUDY: Mapping[str, tuple[str, Value]] = {
    "--new": ("new", _whole(0, MAX_CARDS)),
    "--limit": ("limit", _whole(0, MAX_CARDS)),
    "--retention": ("retention", _decimal(float("-inf"), float("inf"))),  # the command checks the range
    "--tag": ("tag", _tag),
    "--seed": ("seed", _whole(0, MAX_SEED)),
    "--order": ("order", _text),
}
_EXAM: Mapping[str, tuple[str, Value]] = {
    "--count": ("size", _whole(1, MAX_CARDS)),
    "-n": ("size", _whole(1, MAX_CARDS)),
    "--tag": ("tag", _tag),
    "--seed": ("seed", _whole(0, MAX_SEED)),
    "--time-limit": ("time_limit_minutes", _decimal(0, MAX_TIME_LIMIT_MINUTES)),
    "--pass-mark": ("pass_mark", _whole(0, 100)),
}
_STATS: Mapping[str, tuple[str, Value]] = {"--days": ("days", _whole(1, MAX_STATS_DAYS))}
_VALUED: Mapping[str, Mapping[str, tuple[str, Value]]] = {
    "study": _STUDY,
    "exam": _EXAM,
    "stats": _STATS,
    "history": {},
}


def fields_for(args: list[str]) -> tuple[str, dict[str, Any]] | None:
    """The command and its request's fields (``deck`` and the options given) when ARGS are a study, exam,
    stats or history command line this module reads as typer would; None otherwise."""
    if not args or args[0] not in _FLAGS:
        return None
    command, flags, valued = args[0], _FLAGS[args[0]], _VALUED[args[0]]
    fields: dict[str, Any] = {}
    rest = iter(args[1:])
    value: Any
    for arg in rest:
        if arg in flags:
            field, value = flags[arg]
        elif arg in valued:
            field, read = valued[arg]
            text = next(rest, None)
            value = None if text is None or text.startswith("-") else read(text)
        elif arg and not arg.startswith("-") and "deck" not in fields:
            field, value = "deck", arg
        else:
            return None
        if value is None or field in fields:
            return None
        fields[field] = value
    return (command, fields) if "deck" in fields or command in ("stats", "history") else None


def command_for(args: list[str]) -> Callable[[], int] | None:
    """``quizcli ARGS`` ready to run (its modules imported) when `fields_for` reads it; None otherwise."""
    found = fields_for(args)
    if found is None:
        return None
    command, fields = found
    run = _RUNNERS[command](fields)
    return lambda: report_failures(run)


def _study(fields: dict[str, Any]) -> Callable[[], int]:
    from quizcli.commands.study import StudyRequest, study

    request = StudyRequest(**fields)
    return lambda: study(request)


def _exam(fields: dict[str, Any]) -> Callable[[], int]:
    from quizcli.commands.exam import ExamRequest, take_exam

    request = ExamRequest(**fields)
    return lambda: take_exam(request)


def _stats(fields: dict[str, Any]) -> Callable[[], int]:
    from quizcli.commands.stats import show_stats

    shown = (fields.get("deck"), fields.get("days", STATS_DAYS), fields.get("as_json", False))

    def stats() -> int:
        show_stats(*shown)
        return 0

    return stats


def _history(fields: dict[str, Any]) -> Callable[[], int]:
    from quizcli.commands.history import show_history

    asked = (fields.get("deck"), fields.get("as_json", False))

    def history() -> int:
        show_history(*asked)
        return 0

    return history


_RUNNERS: Mapping[str, Callable[[dict[str, Any]], Callable[[], int]]] = {
    "study": _study,
    "exam": _exam,
    "stats": _stats,
    "history": _history,
}

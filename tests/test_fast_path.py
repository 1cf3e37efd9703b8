"""A usual study or exam command line runs without typer (`quizcli.fast_path`): every command line it reads, typer
reads into the same request, and every other one is left to typer, whose messages stay the reference."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from quizcli import fast_path
from quizcli.cli import app
from quizcli.commands import exam as exam_command
from quizcli.commands import history as history_command
from quizcli.commands import stats as stats_command
from quizcli.commands import study as study_command

from conftest import examples

runner = CliRunner()
OPTIONS = ["--days", "--new", "--limit", "--retention", "--tag", "--seed", "--order", "--cram", "--ahead", "--count", "-n",
           "--time-limit", "--pass-mark", "--shuffle", "--no-shuffle", "--retry-wrong", "--all-items", "--json"]  # fmt: skip
VALUES = ["0", "1", "5", "05", "20", "100", "101", "0.9", ".5", "10.", "1e3", "nan", "inf", "-1", "+5", "1_0", "",
          " ", "x", "lesson-quiz", "spread", "1000000", "1000001", "10000", "10001", str(2**63 - 1), str(2**63),
          "3660", "3661", "\u0663"]  # fmt: skip
OTHERS = ["long-context", "deck.yaml", "-d", "--help", "-h", "--version", "--new=5", "--tag=x", "--", "--nope"]


def typer_request(args: list[str]) -> Any:
    """The request typer builds from ``quizcli ARGS``, with nothing run; None when it refuses the command line."""
    seen: list[Any] = []

    def keep(request: Any) -> int:
        seen.append(request)
        return 0

    def keep_stats(deck: str | None, days: int, as_json: bool) -> None:
        seen.append((deck, days, as_json))

    def keep_history(deck: str | None, as_json: bool) -> None:
        seen.append((deck, as_json))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(study_command, "study", keep)
        patch.setattr(exam_command, "take_exam", keep)
        patch.setattr(stats_command, "show_stats", keep_stats)
        patch.setattr(history_command, "show_history", keep_history)
        result = runner.invoke(app, args)
    return seen[0] if result.exit_code == 0 and seen else None


def request_of(command: str, fields: dict[str, Any]) -> Any:
    if command == "stats":
        return (fields.get("deck"), fields.get("days", fast_path.STATS_DAYS), fields.get("as_json", False))
    if command == "history":
        return (fields.get("deck"), fields.get("as_json", False))
    return (study_command.StudyRequest if command == "study" else exam_command.ExamRequest)(**fields)


def command_lines() -> st.SearchStrategy[list[str]]:
    """Any tokens after the command, or a deck among options each followed by a value (the usual shape)."""
    anything = st.lists(st.sampled_from(OPTIONS + VALUES + OTHERS), max_size=7)
    pairs = st.lists(st.tuples(st.sampled_from(OPTIONS), st.sampled_from(VALUES)), max_size=4)
    usual = st.builds(lambda pairs, at: [token for pair in pairs for token in pair][:at] + ["long-context"]
                      + [token for pair in pairs for token in pair][at:], pairs, st.integers(0, 8))  # fmt: skip
    commands = st.sampled_from(["study", "exam", "stats", "history"])
    return st.tuples(commands, st.one_of(anything, usual)).map(lambda c: [c[0], *c[1]])


@settings(max_examples=examples(500), deadline=None)
@given(command_lines())
def test_every_command_line_the_fast_path_reads_typer_reads_into_the_same_request(args: list[str]) -> None:
    found = fast_path.fields_for(args)
    if found is not None:
        assert typer_request(args) == request_of(*found)


@pytest.mark.parametrize(
    "args",
    [
        ["study", "long-context"],
        ["study", "long-context", "--new", "10", "--tag", "key-issues"],
        ["study", "--cram", "deck.yaml", "--order", "authored", "--seed", "7", "--limit", "0", "--retention", "0.85"],
        ["study", "long-context", "--ahead"],
        ["exam", "long-context", "--count", "20"],
        ["exam", "long-context", "-n", "5", "--no-shuffle", "--json"],
        ["exam", "long-context", "--tag", "lesson-quiz", "--time-limit", "10", "--pass-mark", "80", "--seed", "3"],
        ["exam", "long-context", "--retry-wrong", "--all-items", "--shuffle"],
        ["stats"],
        ["stats", "long-context", "--days", "30"],
        ["stats", "--json"],
        ["history"],
        ["history", "long-context", "--json"],
    ],
)
def test_the_usual_command_lines_take_the_fast_path(args: list[str]) -> None:
    found = fast_path.fields_for(args)
    assert found is not None and typer_request(args) == request_of(*found)


@pytest.mark.parametrize(
    "args",
    [
        ["study"],
        ["study", "--help"],
        ["study", "long-context", "--new=5"],
        ["study", "long-context", "--new", "-1"],
        ["study", "long-context", "--new", "5", "--new", "6"],
        ["study", "long-context", "--tag", " "],
        ["study", "one", "two"],
        ["study", "long-context", "--count", "5"],
        ["exam", "long-context", "--time-limit", "0"],
        ["exam", "long-context", "--shuffle", "--no-shuffle"],
        ["exam", "long-context", "--pass-mark", "101"],
        ["decks"],
        ["stats", "--days", "0"],
        ["stats", "one", "two"],
        ["history", "--days", "5"],
        ["history", "one", "two"],
    ],
)
def test_anything_else_is_left_to_typer(args: list[str]) -> None:
    assert fast_path.fields_for(args) is None


def test_a_failure_on_the_fast_path_is_reported_as_typer_reports_it(capsys: pytest.CaptureFixture[str]) -> None:
    command = fast_path.command_for(["study", "no-such-deck"])
    assert command is not None
    status, printed = command(), capsys.readouterr()
    result = runner.invoke(app, ["study", "no-such-deck", "--limit=5"])  # the same failure, through typer
    assert (
        (status, printed.out, printed.err)
        == (result.exit_code, result.stdout, result.stderr)
        == (
            1,
            "",
            "quizcli: error: no deck named 'no-such-deck'\nknown decks: long-context\n",
        )
    )


def test_the_installed_command_studies_without_loading_typer(quizcli_home: Path) -> None:
    script = Path(sys.executable).with_name("quizcli")
    code = (
        "import runpy, sys; sys.argv = ['quizcli', 'study', 'long-context']\n"
        "try:\n    runpy.run_path(sys.argv_script, run_name='__main__')\nexcept SystemExit as end:\n"
        "    print('typer' in sys.modules, end.code)"
    )
    result = subprocess.run([sys.executable, "-c", code.replace("sys.argv_script", repr(str(script)))], input="q\n",
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.stdout.strip().splitlines()[-1] == "False 0", result.stderr

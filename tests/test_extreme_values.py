"""Extreme values and over-long names at the boundary: each refused in one line (with the accepted range), never a
traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizcli.cli import app

from conftest import REPO

runner = CliRunner()
MIXED = str(REPO / "tests" / "fixtures" / "every-kind.yaml")
HUGE = "1" + "0" * 40


@pytest.mark.parametrize("now", ["0001-01-01T00:00:00+14:00", "0001-01-01", "9999-12-31T23:59:59"])
def test_a_clock_outside_the_calendar_is_one_line(now: str) -> None:
    result = runner.invoke(app, ["study", MIXED], input="", env={"QUIZCLI_NOW": now})
    assert result.exit_code == 1
    assert result.stderr == f"quizcli: error: QUIZCLI_NOW must be between 1900-01-01 and 9000-01-01, got '{now}'\n"


@pytest.mark.parametrize(
    ("arguments", "accepted"),
    [
        (["exam", MIXED, "--time-limit", "nan"], "at most 10,000 minutes"),
        (["exam", MIXED, "--time-limit", "inf"], "at most 10,000 minutes"),
        (["exam", MIXED, "--time-limit", "1e308"], "at most 10,000 minutes"),
        (["exam", MIXED, "--seed", HUGE], "0<=x<=9223372036854775807"),
        (["exam", MIXED, "--count", HUGE], "1<=x<=1000000"),
        (["study", MIXED, "--seed", HUGE], "0<=x<=9223372036854775807"),
        (["study", MIXED, "--new", HUGE], "0<=x<=1000000"),
        (["study", MIXED, "--limit", HUGE], "0<=x<=1000000"),
    ],
)
def test_an_option_out_of_range_is_a_usage_error_before_anything_runs(arguments: list[str], accepted: str) -> None:
    result = runner.invoke(app, arguments, input="\n")
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert accepted in result.stderr and "Score" not in result.stdout


@pytest.mark.parametrize(
    ("setting", "accepted"),
    [
        ("new_per_day = 99999999999999999999", "from 0 to 1,000,000"),
        ('learning_steps = ["99999999999d"]', "at most 365d"),
        ("relearning_steps = [99999999999999]", "at most 365d"),
    ],
)
def test_a_config_value_out_of_range_is_one_line_with_the_range(
    quizcli_home: Path, setting: str, accepted: str
) -> None:
    quizcli_home.mkdir(parents=True)
    (quizcli_home / "config.toml").write_text(f"[study]\n{setting}\n", encoding="utf-8")
    result = runner.invoke(app, ["study", MIXED], input="\n3\n")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert result.stderr.startswith("quizcli: error: ") and accepted in result.stderr


def test_over_long_names_are_one_line(tmp_path: Path, quizcli_home: Path) -> None:
    long_name = "x" * 300
    result = runner.invoke(app, ["export", MIXED, "-f", "json", "-o", str(tmp_path / f"{long_name}.json")])
    assert result.exit_code == 1 and result.stderr.endswith(": File name too long\n")
    result = runner.invoke(app, ["new", long_name])
    assert result.exit_code == 1 and result.stderr.endswith(": File name too long\n")
    assert not list(tmp_path.glob("x*"))

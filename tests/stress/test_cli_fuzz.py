"""The command line itself, fuzzed: random options and values for every command, a random ``QUIZCLI_NOW`` and a
random config file, run as a real process.

Each run must end within 10 s, without a traceback, with a status quizcli documents (0, 1, 2 or 130),
and a run that fails writes no file of its own (an export or import target, a new deck).  The options
and their types are read from the command line's own definition, so a new option is fuzzed too.
``QUIZCLI_STRESS_SEED=N`` replays a campaign.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main

from quizcli.cli import app

from conftest import REPO

QUIZCLI = str(Path(sys.executable).with_name("quizcli"))
SEED = int(os.environ.get("QUIZCLI_STRESS_SEED") or random.SystemRandom().randrange(2**32))
RUNS = 80

pytestmark = [
    pytest.mark.stress,
    pytest.mark.skipif(not Path(QUIZCLI).exists(), reason="needs the installed quizcli script"),
]

NUMBERS = ["0", "-1", "1", "3", "100", "1e308", "nan", "inf", "-inf", "1" + "0" * 40, "0x10", "", "½", "2.5"]
TEXTS = ["", "lesson-quiz", "a" * 300, "\x1b]0;t\x07", "deck\udc9b", "../../etc/passwd", "-", "--help", "é", " "]
NOWS = ["2026-11-28T10:00:00+00:00", "0001-01-01", "9999-12-31T23:59:59", "1970-01-01T00:00:00Z", "garbage", "",
        "2026-03-29T02:30:00", "2026-12-31T23:59:59-12:00"]  # fmt: skip
CONFIGS = [None, "", "[study]\nnew_per_day = 99999999999999999999\n", '[study]\nlearning_steps = ["99999999999d"]\n',
           "[study]\nretention = nan\n", "not toml [[[", "[study]\nnext_day_starts_at = 25\n",
           "[study]\nnew_per_day = 5\nlearning_steps = [\"1m\"]\n", "\x00\xff"]  # fmt: skip


def commands() -> dict[str, Any]:
    """Every command's definition (typer's click objects, read by duck typing: typer vendors click)."""
    group: Any = typer.main.get_command(app)
    return {name: command for name, command in group.commands.items() if name != "help"}


RUN_UNTIL_INTERRUPTED = {"watch"}  # options that by design never end on their own (check --watch)


def value_for(param: Any, rng: random.Random, decks: list[str]) -> list[str]:
    """Zero or more command-line words for one parameter."""
    if param.param_type_name == "argument":
        return [rng.choice(decks + TEXTS)] if param.required or rng.random() < 0.5 else []
    if rng.random() < 0.5 or param.name in RUN_UNTIL_INTERRUPTED:
        return []
    name = rng.choice(param.opts + param.secondary_opts)
    if param.is_flag or param.count:
        return [name]
    if hasattr(param.type, "choices"):
        return [name, rng.choice([*map(str, param.type.choices), rng.choice(TEXTS)])]
    if param.type.name in {"integer", "float", "integer range", "float range"}:
        return [name, rng.choice(NUMBERS)]
    return [name, rng.choice(decks + TEXTS + NUMBERS)]


def files_under(directory: Path) -> set[Path]:
    return {path for path in directory.rglob("*") if path.is_file()}


def test_random_command_lines_never_trace_back_hang_or_leave_a_file_on_error(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    deck = work / "mixed.yaml"
    deck.write_bytes((REPO / "tests" / "fixtures" / "every-kind.yaml").read_bytes())
    decks = [str(deck), "long-context", str(work / "missing.yaml"), str(work), str(work / "out.json")]
    table = commands()
    statuses: dict[int, int] = {}
    for run in range(RUNS):
        name = rng.choice(sorted(table))
        words = [word for param in table[name].params for word in value_for(param, rng, decks)]
        config = rng.choice(CONFIGS)
        home.mkdir(exist_ok=True)
        if config is None:
            (home / "config.toml").unlink(missing_ok=True)
        else:
            (home / "config.toml").write_text(config, encoding="utf-8", errors="surrogateescape")
        env = dict(
            os.environ, QUIZCLI_HOME=str(home), QUIZCLI_NOW=rng.choice(NOWS), NO_COLOR="1", EDITOR="true", VISUAL="true"
        )
        before = files_under(work)
        answers = "".join(rng.choice(["\n", "1\n", "3\n", "q\n", "y\n", "B\n"]) for _ in range(20))
        line = [QUIZCLI, name, *words]
        try:
            result = subprocess.run(line, input=answers.encode(), env=env, cwd=work, capture_output=True, timeout=10)
        except subprocess.TimeoutExpired:
            pytest.fail(f"seed {SEED}, run {run}: over 10 s: {line[1:]!r}")
        said = (result.stdout + result.stderr).decode("utf-8", "replace")
        assert "Traceback" not in said, f"seed {SEED}, run {run}: {line[1:]!r}\n{said}"
        assert result.returncode in {0, 1, 2, 130}, f"seed {SEED}, run {run}: {line[1:]!r}\n{said}"
        if result.returncode != 0:
            assert files_under(work) == before, f"seed {SEED}, run {run}: a file written on error: {line[1:]!r}"
        statuses[result.returncode] = statuses.get(result.returncode, 0) + 1
    print(f"\nseed {SEED}: {RUNS} command lines, exit statuses {dict(sorted(statuses.items()))}")

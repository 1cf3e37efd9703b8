"""The first card of ``quizcli study`` (and the first question of ``quizcli exam``) on an unchanged deck loads
only the modules that screen needs.

Each run goes through tests/first_screen.py, which records which modules quizcli loaded (those Python
loads by itself are left out) at the moment quizcli first reads its piped input, with the first card on
the screen, and then ends the process.  The allowed set below is explicit: a module outside it fails the
test with the way to keep it off the path.  See docs/architecture.md, "Start-up rules".
"""

from __future__ import annotations

import ast
import fnmatch
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

from conftest import REPO

FIRST_SCREEN = REPO / "tests" / "first_screen.py"

# quizcli's modules that the first card may load ("name.*" covers a package's modules).
STUDY_PATH = (
    "quizcli",
    "quizcli.__main__",
    "quizcli.fast_path",  # the command line, read without typer
    "quizcli.errors",
    "quizcli.commands",
    "quizcli.commands.study",
    "quizcli.paths",
    "quizcli.clock",
    "quizcli.config",
    "quizcli.text",
    "quizcli.decks",
    "quizcli.catalog",
    "quizcli.backups",
    "quizcli.cards",
    "quizcli.kinds",
    "quizcli.kinds.*",
    "quizcli.store",
    "quizcli.store.*",
    "quizcli.scheduler",
    "quizcli.session",
    "quizcli.grading",
    "quizcli.terminal",
    "quizcli.ui",
    "quizcli.ui.study",
)
EXAM_PATH = (
    *(name for name in STUDY_PATH if name not in {"quizcli.commands.study", "quizcli.session", "quizcli.ui.study"}),
    "quizcli.commands.exam",
    "quizcli.exam",
    "quizcli.ui.exam",
)
# Outside libraries the path may load, by top-level name: Rich and what it imports, py-fsrs.
THIRD_PARTY = {"typing_extensions", "colorama", "rich", "fsrs"}

# Never on the path, whatever the patterns above allow (a name listed exactly above still is): what each is
# for, so the failure says why.  A top-level name covers its submodules.
DENIED = {
    "typer": "a usual study or exam command line is read by quizcli.fast_path",
    "quizcli.cli": "the typer app: quizcli.fast_path reads a usual study or exam command line",
    "yaml": "parses deck files; an unchanged deck is read from the index",
    "quizcli.parser": "parses deck files; quizcli.catalog imports it only when a deck changed",
    "quizcli.diagnostics": "deck errors; loaded with the parser",
    "quizcli.check": "quizcli check",
    "quizcli.lint": "quizcli check --strict",
    "quizcli.schema": "quizcli schema and quizcli new",
    "quizcli.starter": "quizcli new",
    "quizcli.interop.*": "import and export",
    "quizcli.kinds.authoring": "what quizcli add asks a new card for",
    "quizcli.listing": "quizcli decks",
    "quizcli.doctor": "quizcli doctor",
    "quizcli.stats": "quizcli stats",
    "quizcli.history": "quizcli history, and an exam's result once it is over",
    "quizcli.marking": "an exam's marking, once the sitting is over",
    "quizcli.fitting": "quizcli optimize",
    "quizcli.commands.stats": "quizcli stats",
    "quizcli.commands.optimize": "quizcli optimize",
    "quizcli.commands.suspended": "quizcli unsuspend",
    "quizcli.ui.stats": "quizcli stats and optimize",
    "quizcli.store.stat*": "the statistics' queries: quizcli stats",
    "quizcli.store.exams": "exam results: written once an exam is over, read by quizcli history and stats",
    "quizcli.store.fit*": "storing fitted parameters: quizcli optimize (a session reads them with the review log)",
    "quizcli.store.health": "quizcli doctor's checks and salvage",
    "quizcli.store.migrat*": "only a database behind this quizcli's schema is migrated",
    "quizcli.store.salvage": "quizcli doctor --repair",
    "platformdirs": "the Linux data directory is found by the XDG rule in quizcli.paths",
    "socket": "builds its enums at import; the machine's name comes from os.uname",
    "hashlib": "loads OpenSSL; a deck's digest is needed only in the racy window, from _blake2",
    "_hashlib": "OpenSSL's bindings; see hashlib",
    "tomllib": "read only when a config file exists",
    "decimal": "GIFT import and export",
    "html": "import of HTML-formatted notes",
    "shlex": "quizcli new --edit",
    "markdown_it": "Rich's Markdown renderer: only for a card with block Markdown",
    "pygments": "Rich's code highlighting: only for a card with a code block",
    "pydantic": "pulled in by typer 0.29 and later; typer is held below it",
    "typer.rich_utils": "typer's Rich help; quizcli's app sets rich_markup_mode=None",
    "rich.markdown": "only for a card with block Markdown",
    "rich.syntax": "only for a card with a code block",
    "rich.progress": "only while a big deck is re-indexed",
    "rich.table": "tables are drawn by quizcli stats and the exam's result, not by the first card",
    "rich.traceback": "quizcli never shows a traceback",
}

FIRST_CARD = "Capital of France?"  # tests/fixtures/every-kind.yaml's first card


class Run(NamedTuple):
    modules: list[str]  # loaded by quizcli up to its first read of the piped input
    screen: str  # what it printed until then
    importtime: str  # ``-X importtime``'s report


def first_screen(tmp_path: Path, args: list[str], env: dict[str, str]) -> Run:
    """Run ``quizcli ARGS`` until it first reads its piped input."""
    snapshot = tmp_path / "modules.txt"
    snapshot.unlink(missing_ok=True)
    result = subprocess.run(
        [sys.executable, "-X", "importtime", str(FIRST_SCREEN), "--modules", str(snapshot), *args],
        input="", capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert snapshot.exists(), f"quizcli {' '.join(args)} never asked for input:\n{result.stdout}{result.stderr}"
    return Run(snapshot.read_text(encoding="utf-8").split(), result.stdout, result.stderr)


def indexed_deck(decks: Path) -> str:
    """every-kind.yaml in the decks directory, dated a minute back: indexed by the next run, unchanged after it."""
    path = decks / "every-kind.yaml"
    shutil.copyfile(REPO / "tests" / "fixtures" / "every-kind.yaml", path)
    past = path.stat().st_mtime - 60
    os.utime(path, (past, past))
    return path.stem


def matches(name: str, patterns: object) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)  # type: ignore[attr-defined]


def why_not_allowed(name: str, quizcli_path: tuple[str, ...]) -> str | None:
    """None when ``name`` may load on the path; else the reason it may not.  A name the path lists
    exactly is allowed; a denied name or pattern wins over the path's patterns."""
    if name in quizcli_path:
        return None
    denied = next((pattern for pattern in DENIED if fnmatch.fnmatchcase(name, pattern)), None)
    if denied is None and "." in name:
        denied = next((root for root in DENIED if root == name.split(".")[0]), None)
    if denied is not None:
        return DENIED[denied]
    root = name.split(".")[0]
    if root == "quizcli":
        return None if matches(name, quizcli_path) else "a quizcli module outside this path's list"
    if root in sys.stdlib_module_names or root in THIRD_PARTY:
        return None
    return "an outside library not in THIRD_PARTY"


def importers(name: str, importtime: str) -> list[str]:
    """The chain of imports that loaded ``name``, outermost first, from ``-X importtime``'s report."""
    lines = [line.split("|")[-1] for line in importtime.splitlines() if line.startswith("import time:")]
    for index, line in enumerate(lines):
        if line.strip() == name:
            chain, depth = [name], len(line) - len(line.lstrip())
            for later in lines[index + 1 :]:  # a module is reported after everything it imported
                if len(later) - len(later.lstrip()) < depth:
                    chain.append(later.strip())
                    depth = len(later) - len(later.lstrip())
            return chain[::-1]
    return [name]


def assert_only_allowed(run: Run, quizcli_path: tuple[str, ...], what: str) -> None:
    strays = {name: why for name in run.modules if (why := why_not_allowed(name, quizcli_path)) is not None}
    strays = {name: why for name, why in strays.items() if name.rpartition(".")[0] not in strays}  # a package's modules
    report = "\n".join(
        f"  {name}: {why}\n    loaded by {' -> '.join(importers(name, run.importtime))}" for name, why in strays.items()
    )
    assert not strays, (
        f"{what} on an unchanged deck loads modules outside the allowed set:\n{report}\n"
        "Keep a module off this path by importing it inside the function that needs it (or under "
        "TYPE_CHECKING for a type), as the start-up rules in docs/architecture.md say.  If the first "
        "screen truly needs it, add it to the allowed set in tests/test_startup_imports.py, with the "
        "instruction count it adds (benchmarks/instructions.py) in the commit message."
    )


def string_annotated_records(modules: list[str]) -> list[str]:
    """quizcli modules among ``modules`` that define a NamedTuple under ``from __future__ import annotations``."""
    found = []
    for name in modules:
        if name.split(".")[0] != "quizcli":
            continue
        path = REPO.joinpath(*name.split("."))
        tree = ast.parse(
            (path / "__init__.py" if path.is_dir() else path.with_suffix(".py")).read_text(encoding="utf-8")
        )
        future = any(
            isinstance(node, ast.ImportFrom)
            and node.module == "__future__"
            and "annotations" in {a.name for a in node.names}
            for node in tree.body
        )
        records = [
            node.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef) and any(ast.unparse(base).endswith("NamedTuple") for base in node.bases)
        ]
        if future and records:
            found.append(f"{name} ({', '.join(records)})")
    return found


def assert_records_evaluate_annotations(run: Run) -> None:
    stringly = string_annotated_records(run.modules)
    assert not stringly, (
        "these start-up modules define NamedTuples under `from __future__ import annotations`, so typing "
        f"compiles every field's annotation from its text: {'; '.join(stringly)}.  Leave the import out and "
        "quote only forward references (docs/architecture.md, Start-up rules)."
    )


def home_env(tmp_path: Path, where: str) -> tuple[dict[str, str], Path]:
    """The environment quizcli runs in, and its data directory: QUIZCLI_HOME, or the XDG variables a user has."""
    env = dict(os.environ)
    if where == "xdg":
        env.pop("QUIZCLI_HOME")
        env |= {"XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
        data = tmp_path / "data" / "quizcli"
    else:
        data = Path(env["QUIZCLI_HOME"])
    (data / "decks").mkdir(parents=True)
    return env, data


WHERE = ["quizcli-home", pytest.param("xdg", marks=pytest.mark.skipif(sys.platform != "linux", reason="Linux only"))]


@pytest.mark.parametrize("where", WHERE)
def test_study_first_card_on_an_unchanged_deck_loads_only_the_study_path(tmp_path: Path, where: str) -> None:
    env, data = home_env(tmp_path, where)
    deck = indexed_deck(data / "decks")
    indexing = first_screen(tmp_path, ["study", deck], env)
    assert "yaml" in indexing.modules  # the first run parsed the deck: the snapshot sees what a run loads
    run = first_screen(tmp_path, ["study", deck], env)
    assert FIRST_CARD in run.screen
    assert_only_allowed(run, STUDY_PATH, "quizcli study")
    assert_records_evaluate_annotations(run)


def test_exam_first_question_on_an_unchanged_deck_loads_only_the_exam_path(tmp_path: Path) -> None:
    env, data = home_env(tmp_path, "quizcli-home")
    deck = indexed_deck(data / "decks")
    first_screen(tmp_path, ["study", deck], env)
    run = first_screen(tmp_path, ["exam", deck, "--count", "5", "--seed", "1"], env)
    assert "question 1 of 5" in run.screen
    assert_only_allowed(run, EXAM_PATH, "quizcli exam")
    assert_records_evaluate_annotations(run)

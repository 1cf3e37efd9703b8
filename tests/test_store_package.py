"""The store as a package: below every other layer, small modules, and light on the study path."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, write_deck

STORE = REPO / "quizcli" / "store"
# What the store may build on: the records it reads and writes (cards, card states) and plain helpers.
BELOW_THE_STORE = {"quizcli.cards", "quizcli.clock", "quizcli.errors", "quizcli.paths", "quizcli.scheduler"}


def quizcli_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("quizcli"):
            package = node.module == "quizcli"  # from quizcli import paths
            found |= {f"quizcli.{alias.name}" for alias in node.names} if package else {node.module}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("quizcli")}
    return found


def test_no_store_module_imports_from_a_higher_layer() -> None:
    for path in sorted(STORE.glob("*.py")):
        upward = {name for name in quizcli_imports(path) if not name.startswith("quizcli.store")} - BELOW_THE_STORE
        assert not upward, f"{path.name} imports {upward}"


def test_no_store_module_is_over_400_lines() -> None:
    for path in sorted(STORE.glob("*.py")):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, path.name


def test_studying_an_unchanged_deck_loads_no_exam_statistics_fit_or_health_module(user_decks: Path) -> None:
    write_deck(user_decks, "d", "cards:\n  - front: one\n    back: 1\n  - front: two\n    back: 2\n")
    probe = (
        "import atexit, sys\n"
        "atexit.register(lambda: print(sorted(m for m in sys.modules if m.startswith('quizcli.store')),"
        " file=sys.stderr))\n"
        "sys.argv = ['quizcli', 'study', 'd']\n"
        "from quizcli.__main__ import main\n"
        "main()\n"
    )
    for run in ("indexes the deck and takes the day's backup", "finds it unchanged"):
        done = subprocess.run([sys.executable, "-c", probe], input="q\n", capture_output=True, text=True)
        assert done.returncode == 0, (run, done.stderr)
    loaded = done.stderr.strip().splitlines()[-1]
    assert "quizcli.store.reviews" in loaded
    for heavy in ("exams", "statistics", "fits", "health"):
        assert f"quizcli.store.{heavy}" not in loaded


def sql_strings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def test_no_store_query_uses_numbered_placeholders() -> None:
    """`?1` is a named placeholder to sqlite3: bound with a sequence it warns on 3.12 and fails from 3.14 on."""
    for path in sorted(STORE.glob("*.py")):
        numbered = [text for text in sql_strings(path) if re.search(r"\?\d", text)]
        assert not numbered, f"{path.name}: {numbered}"


def test_a_deprecation_warning_from_quizcli_code_fails_the_tests() -> None:
    """pyproject's filterwarnings turns one raised from a quizcli module into an error (and no other)."""
    with pytest.raises(DeprecationWarning):
        exec("import warnings; warnings.warn('old', DeprecationWarning)", {"__name__": "quizcli.store.example"})
    with pytest.warns(DeprecationWarning):
        exec("import warnings; warnings.warn('old', DeprecationWarning)", {"__name__": "elsewhere"})

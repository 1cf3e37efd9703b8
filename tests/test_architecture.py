"""The layering rules hold: each outside library is imported by one module only, and lint and types pass."""

from __future__ import annotations

import ast
import functools
import importlib.util
import os
import shutil
import subprocess
import sys
from typing import NoReturn

import pytest

from conftest import REPO

PACKAGE = REPO / "quizcli"
OWNERS = {
    "yaml": {"parser"},
    "rich": {"ui"},
    # quizcli's own database, and an Anki collection: a foreign file format that is SQLite (docs/architecture.md).
    "sqlite3": {"store", "interop.anki_collection"},
    "typer": {"cli"},
    "fsrs": {"scheduler"},
    # Kept off the start-up path by one owner each (docs/architecture.md, start-up rules).
    "platformdirs": {"paths"},
    "tomllib": {"config"},
    "hashlib": {"text"},
    "fsrs_rs_python": {"fitting"},
    "markdownify": {"interop"},  # HTML fields of imported files, loaded on the first one
}


def imported_roots(source: str) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@functools.cache
def modules() -> list[tuple[str, set[str]]]:
    """Each package module and the libraries it imports, read once for every library's check."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(PACKAGE).with_suffix("").parts).removesuffix(".__init__")
        found.append((name, imported_roots(path.read_text(encoding="utf-8"))))
    return found


@pytest.mark.parametrize("library", sorted(OWNERS))
def test_each_library_is_imported_by_its_owner_only(library: str) -> None:
    importers = {name for name, roots in modules() if library in roots}
    strays = {name for name in importers if name.split(".")[0] not in OWNERS[library] and name not in OWNERS[library]}
    assert not strays, f"{library} imported by {strays}"


def missing(name: str) -> NoReturn:
    """A check whose tool is not installed skips on a developer's machine, and fails in CI (which sets CI=true)."""
    message = f"{name} is not installed (pip install '.[test]')"
    if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
        pytest.fail(f"{message}: CI must run every check")
    pytest.skip(message)


def tool(name: str) -> str:
    path = shutil.which(name, path=str(REPO / ".venv" / "bin")) or shutil.which(name)
    return path if path is not None else missing(name)


def test_ruff_lint_passes() -> None:
    result = subprocess.run([tool("ruff"), "check", str(REPO)], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_passes() -> None:
    result = subprocess.run([tool("ruff"), "format", "--check", str(REPO)], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_missing_tool_fails_in_ci_and_skips_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run every check"):
        tool("no-such-linter")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="no-such-linter is not installed"):
        tool("no-such-linter")


def test_mypy_strict_passes() -> None:
    """quizcli, the tests and the benchmarks (the files pyproject's [tool.mypy] lists)."""
    if importlib.util.find_spec("mypy") is None:
        missing("mypy")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(REPO / "pyproject.toml")],
        capture_output=True, text=True, cwd=REPO,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_mypy_strict_passes_for_quizcli_on_windows_and_macos(platform: str) -> None:
    """Code behind a ``sys.platform`` check (msvcrt's console, termios) is type-checked as that system sees it."""
    if importlib.util.find_spec("mypy") is None:
        missing("mypy")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(REPO / "pyproject.toml"), "--platform", platform,
         "--cache-dir", str(REPO / ".mypy_cache" / platform), str(REPO / "quizcli")],
        capture_output=True, text=True, cwd=REPO,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr

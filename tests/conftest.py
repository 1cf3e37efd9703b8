"""Every test runs with its own quizcli home and a fixed clock, so none touches the real user's data."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LONG_CONTEXT = REPO / "decks" / "long-context.yaml"
FIXED_NOW = "2026-11-28T10:00:00+00:00"


@pytest.fixture(autouse=True)
def quizcli_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "quizcli-home"
    monkeypatch.setenv("QUIZCLI_HOME", str(home))
    monkeypatch.setenv("QUIZCLI_NOW", FIXED_NOW)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    return home


@pytest.fixture
def user_decks(quizcli_home: Path) -> Path:
    decks = quizcli_home / "decks"
    decks.mkdir(parents=True)
    return decks


def write_deck(directory: Path, name: str, text: str) -> Path:
    path = directory / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time is UTC, so study days roll over at 04:00 UTC; the process's time zone is put back afterwards."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()

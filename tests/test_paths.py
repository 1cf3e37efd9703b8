"""Where quizcli keeps its data: QUIZCLI_HOME first, then the platform's own place, as platformdirs says."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs
import pytest

from quizcli import paths


def test_quizcli_home_holds_data_and_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIZCLI_HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", "/elsewhere")
    assert paths.data_dir() == paths.config_dir() == tmp_path
    assert paths.progress_db() == tmp_path / "progress.db" and paths.config_file() == tmp_path / "config.toml"


HOMES = ["/home/ada", "/home/ada/", "/", "relative/home", ""]
XDG = [None, "", "/data/xdg", "/data/xdg/", "relative/xdg", "/data/../xdg"]


@pytest.mark.parametrize("home", HOMES)
@pytest.mark.parametrize("xdg", XDG)
def test_without_quizcli_home_the_directories_are_platformdirs_own(
    home: str, xdg: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On Linux the usual cases are resolved without importing platformdirs; they must agree with it."""
    monkeypatch.delenv("QUIZCLI_HOME")
    monkeypatch.setenv("HOME", home)
    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        if xdg is None:
            monkeypatch.delenv(variable, raising=False)
        else:
            monkeypatch.setenv(variable, xdg)
    try:
        expected = platformdirs.user_data_path("quizcli"), platformdirs.user_config_path("quizcli")
    except RuntimeError:  # platformdirs cannot place a home it cannot resolve: neither may quizcli guess one
        pytest.skip("platformdirs finds no home here")
    assert (paths.data_dir(), paths.config_dir()) == expected


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG rule is resolved directly on Linux only")
def test_the_usual_linux_case_does_not_import_platformdirs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QUIZCLI_HOME")
    monkeypatch.setenv("HOME", "/home/ada")
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setitem(sys.modules, "platformdirs", None)  # importing it now raises ImportError
    assert paths.data_dir() == Path("/home/ada/.local/share/quizcli")

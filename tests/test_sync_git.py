"""``quizcli sync --git`` through a real git repository: a bare repository as the remote, two clones, two homes."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sync_devices import Device

from quizcli import config
from quizcli.errors import QuizcliError
from quizcli.scheduler import Rating
from quizcli.sync import git

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git program")
T0 = datetime.fromisoformat("2026-11-28T10:00:00+00:00")


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def run_git(*args: str | Path) -> str:
    return subprocess.run(["git", *map(str, args)], capture_output=True, text=True, check=True).stdout


@pytest.fixture(autouse=True)
def own_git_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No system or user git config: the tests see git as a fresh install would (and name no committer)."""
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    (tmp_path / "gitconfig").write_text("[init]\n\tdefaultBranch = main\n", encoding="utf-8")
    yield


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    bare = tmp_path / "progress.git"
    run_git("init", "--quiet", "--bare", bare)
    return bare


def clone(remote: Path, into: Path) -> Path:
    run_git("clone", "--quiet", remote, into)
    return into


def test_two_devices_sync_through_a_git_remote(remote: Path, tmp_path: Path) -> None:
    laptop, desktop = Device(tmp_path / "laptop"), Device(tmp_path / "desktop")
    laptop_clone, desktop_clone = clone(remote, tmp_path / "l-clone"), clone(remote, tmp_path / "d-clone")
    laptop.answer("d", "a", Rating.GOOD, at(0))
    assert laptop.sync(laptop_clone, at(1), use_git=True).lines[-1].startswith("Out: 1 review in devices/")
    desktop.answer("d", "a", Rating.AGAIN, at(2))
    assert desktop.sync(desktop_clone, at(3), use_git=True).lines[-2].startswith("In: 1 review")
    assert laptop.sync(None, at(4), use_git=True).lines[-2].startswith("In: 1 review")
    assert laptop.progress() == desktop.progress()
    assert len(laptop.progress()["reviews"]) == 2
    log = run_git("--git-dir", remote, "log", "--format=%s", "main").splitlines()
    assert len(log) == 2 and all(line.startswith("quizcli sync from device ") for line in log)
    assert run_git("-C", laptop_clone, "status", "--porcelain") == ""


def test_a_push_that_lost_a_race_pulls_and_pushes_again(
    remote: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop, desktop = Device(tmp_path / "laptop"), Device(tmp_path / "desktop")
    laptop_clone, desktop_clone = clone(remote, tmp_path / "l-clone"), clone(remote, tmp_path / "d-clone")
    laptop.sync(laptop_clone, at(0), use_git=True)
    desktop.sync(desktop_clone, at(1), use_git=True)
    laptop.answer("d", "a", Rating.GOOD, at(2))
    laptop.sync(None, at(3), use_git=True)
    desktop.answer("d", "b", Rating.GOOD, at(4))
    real_pull, pulls = git.pull, []

    def first_pull_misses(folder: Path) -> None:  # the desktop's pull comes before the laptop's push...
        pulls.append(folder)
        if len(pulls) > 1:
            real_pull(folder)

    monkeypatch.setattr(git, "pull", first_pull_misses)
    desktop.sync(None, at(5), use_git=True)  # ...so its push is rejected at first: pulled again, never forced
    assert len(pulls) == 2
    monkeypatch.undo()
    laptop.sync(None, at(6), use_git=True)
    desktop.sync(None, at(7), use_git=True)
    assert laptop.progress() == desktop.progress()
    assert len(laptop.progress()["reviews"]) == 2


def test_git_is_remembered_with_the_folder(remote: Path, tmp_path: Path) -> None:
    laptop = Device(tmp_path / "laptop")
    report = laptop.sync(clone(remote, tmp_path / "l-clone"), at(0), use_git=True)
    assert report.lines[1].startswith("Remembered that it is synced with git")
    laptop.answer("d", "a", Rating.GOOD, at(1))
    assert laptop.sync(None, at(2)).lines[-1].startswith("Out: 1 review")  # no --git: committed and pushed
    assert "devices/" in run_git("--git-dir", remote, "log", "--name-only", "main")
    assert laptop.sync(None, at(3), use_git=True).lines[0] == f"Synced with {tmp_path / 'l-clone'}."


def test_a_folder_that_is_not_a_repository_is_refused(tmp_path: Path) -> None:
    home = Device(tmp_path / "home")
    with pytest.raises(QuizcliError, match="is not a git repository"):
        home.sync(tmp_path / "plain", at(0), use_git=True)
    assert not config.sync_with_git(home.home / "config.toml")


def test_missing_git_is_said_plainly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(QuizcliError, match="needs the git program, which was not found"):
        Device(tmp_path / "home").sync(tmp_path / "folder", at(0), use_git=True)


def test_an_unreachable_remote_is_said_plainly_and_nothing_is_lost(remote: Path, tmp_path: Path) -> None:
    laptop = Device(tmp_path / "laptop")
    laptop_clone = clone(remote, tmp_path / "l-clone")
    laptop.sync(laptop_clone, at(0), use_git=True)
    run_git("-C", laptop_clone, "remote", "set-url", "origin", tmp_path / "gone.git")
    laptop.answer("d", "a", Rating.GOOD, at(1))
    with pytest.raises(QuizcliError, match="the remote is unreachable"):
        laptop.sync(None, at(2), use_git=True)
    run_git("-C", laptop_clone, "remote", "set-url", "origin", remote)
    assert laptop.sync(None, at(3), use_git=True).lines[-1].startswith("Out: 1 review")
    assert "devices/" in run_git("--git-dir", remote, "log", "--name-only", "main")


def test_authentication_failures_are_told_apart() -> None:
    message = git._explain("push", "remote: Invalid username or password.\nfatal: Authentication failed for 'x'\n")
    assert message.startswith("git push: authentication failed")

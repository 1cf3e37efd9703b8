"""``quizcli sync --git``: the sync folder is a git repository; pull, commit this device's new files, push.

The system ``git`` is run as a program (no git library): nothing of it loads unless ``--git``
is given.  It never asks for a password (``GIT_TERMINAL_PROMPT=0``) and never force-pushes:
each device adds only files of its own, so a pull never conflicts and a push that lost a
race is pulled again and pushed once more.

git run off the main thread (the sync beside a study session) runs in a session of its own,
without the terminal: ssh cannot ask for a passphrase or about a host key over the cards, nor
read the keys meant for them (it fails instead, and the failure is told after the session).
Ctrl-C does not reach it there, so the session ends it with `stop_detached`.
"""

import os
import shutil
import signal
import socket
import subprocess
import threading
from contextlib import suppress
from pathlib import Path

from quizcli.errors import QuizcliError

TIMEOUT_S = 120
_UNREACHABLE = ("could not resolve host", "unable to access", "connection refused", "could not read from remote",
                "does not appear to be a git repository", "no such file or directory", "network is unreachable",
                "connection timed out")  # fmt: skip
_DENIED = ("authentication failed", "permission denied", "could not read username", "could not read password",
           "403", "host key verification failed")  # fmt: skip


class GitError(QuizcliError):
    """git is missing, or a git step failed; the message says which and what git said."""

    def __init__(self, message: str, stderr: str = "") -> None:
        super().__init__(message)
        self.stderr = stderr


def run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``git -C FOLDER ARGS``; a failure becomes a `GitError` in words the user can act on."""
    program = shutil.which("git")
    if program is None:
        raise GitError("--git needs the git program, which was not found on PATH; install git or sync without --git")
    try:
        result = _git([program, "-C", str(folder), *args])
    except subprocess.TimeoutExpired:
        raise GitError(f"'git {args[0]}' took over {TIMEOUT_S} s; is the remote reachable?") from None
    if result.returncode != 0:
        raise GitError(_explain(args[0], result.stderr), result.stderr)
    return result


_detached: set[subprocess.Popen[str]] = set()  # git runs started off the main thread, still running


def _git(command: list[str]) -> subprocess.CompletedProcess[str]:
    """Run git without input, its output captured; off the main thread, in a session of its own."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    detached = threading.current_thread() is not threading.main_thread()
    with subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        start_new_session=detached,
    ) as process:  # fmt: skip
        if detached:
            _detached.add(process)
        try:
            stdout, stderr = process.communicate(timeout=TIMEOUT_S)
        except BaseException:  # a timeout, or Ctrl-C on the main thread
            process.kill()
            raise
        finally:
            _detached.discard(process)
    return subprocess.CompletedProcess(args=command, returncode=process.returncode, stdout=stdout, stderr=stderr)


def stop_detached() -> None:
    """End the git runs started off the main thread, with what they started (ssh): Ctrl-C does not reach them.
    git removes its lock files as it ends."""
    for process in list(_detached):
        with suppress(OSError):
            if hasattr(os, "killpg"):
                os.killpg(process.pid, signal.SIGTERM)
            else:
                process.terminate()


def _explain(step: str, stderr: str) -> str:
    lines = [line for line in stderr.strip().splitlines() if not line.startswith("hint:")]
    said = next((line for line in reversed(lines) if line.startswith(("fatal:", "error:"))), lines[-1] if lines else "")
    said = said or "no message"
    lowered = stderr.lower()
    if any(sign in lowered for sign in _DENIED):
        return f"git {step}: authentication failed (git said: {said}); check your key or credentials"
    if any(sign in lowered for sign in _UNREACHABLE):
        return f"git {step}: the remote is unreachable (git said: {said}); your progress is kept and sent next time"
    return f"git {step} failed: {said}"


def is_repository(folder: Path) -> bool:
    try:
        return run(folder, "rev-parse", "--is-inside-work-tree").stdout.strip() == "true"
    except GitError as error:
        if "not found on PATH" in str(error):
            raise
        return False


def has_remote(folder: Path) -> bool:
    return bool(run(folder, "remote").stdout.strip())


def pull(folder: Path) -> None:
    """Bring in the other devices' new files (nothing to do while the remote branch does not exist yet)."""
    if not has_remote(folder):
        return
    run(folder, "fetch", "--quiet")
    branch = _branch(folder)
    if run(folder, "ls-remote", "--heads", "origin", branch).stdout.strip():
        run(folder, *_committer(folder), "pull", "--rebase", "--quiet", "origin", branch)


def commit(folder: Path, message: str) -> bool:
    """Commit the sync files that changed; False when there was nothing to commit."""
    present = [name for name in ("devices", "quizcli-sync.json") if (folder / name).exists()]
    if present:
        run(folder, "add", "--all", "--", *present)
    if run_status(folder, "diff", "--cached", "--quiet") == 0:
        return False
    run(folder, *_committer(folder), "commit", "--quiet", "-m", message)
    return True


def push(folder: Path) -> None:
    """Push this device's commits; a push that lost a race with another device pulls again and tries once more."""
    if not has_remote(folder):
        return
    branch = _branch(folder)
    try:
        run(folder, "push", "--quiet", "origin", f"HEAD:{branch}")
    except GitError as error:
        if "[rejected]" not in error.stderr:
            raise
        pull(folder)
        run(folder, "push", "--quiet", "origin", f"HEAD:{branch}")


def run_status(folder: Path, *args: str) -> int:
    program = shutil.which("git") or "git"
    return _git([program, "-C", str(folder), *args]).returncode


def _committer(folder: Path) -> list[str]:
    """Options naming a committer when git has none configured (commits and rebases need one)."""
    if run_status(folder, "config", "user.email") == 0:
        return []
    return ["-c", "user.name=quizcli", "-c", f"user.email=quizcli@{socket.gethostname()}"]


def _branch(folder: Path) -> str:
    return run(folder, "symbolic-ref", "--short", "HEAD").stdout.strip()

"""Two `quizcli study` sessions on one deck, in real pseudo-terminals: the second warns and goes on (pexpect)."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from terminal import QUIZCLI, finish
from test_study_tty import FIXTURE, spawn

pytestmark = pytest.mark.skipif(not Path(QUIZCLI).exists(), reason="needs the installed quizcli script")
WARNING = "another quizcli session is studying"


def test_a_second_session_on_the_deck_warns_and_goes_on(quizcli_home: Path) -> None:
    first = spawn(quizcli_home, FIXTURE)
    first.expect("Capital of France")
    second = spawn(quizcli_home, FIXTURE)
    second.expect(WARNING)
    second.expect(f"process {first.pid} on ")
    second.expect("Going on")
    second.expect("Capital of France")  # the warning does not stop the session
    second.send("q")
    assert finish(second) == 0
    first.send("q")
    assert finish(first) == 0
    third = spawn(quizcli_home, FIXTURE)  # both ended: their claims are gone
    third.expect("Capital of France")
    assert WARNING not in (third.before or "")
    third.send("q")
    assert finish(third) == 0


def test_a_crashed_sessions_claim_is_cleaned_up(quizcli_home: Path) -> None:
    crashed = spawn(quizcli_home, FIXTURE)
    crashed.expect("Capital of France")
    crashed.kill(signal.SIGKILL)  # no chance to release its claim
    assert finish(crashed) == 128 + signal.SIGKILL
    after = spawn(quizcli_home, FIXTURE)
    after.expect("Capital of France")
    assert WARNING not in (after.before or "")
    after.send("q")
    assert finish(after) == 0

"""A single Ctrl-C always reaches the exam, however it falls against the screen being drawn and the wait for a key."""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

import pexpect
import pytest

from conftest import FIXED_NOW

QUIZCLI = str(Path(sys.executable).with_name("quizcli"))
PAUSES = 1000

pytestmark = [
    pytest.mark.stress,
    pytest.mark.skipif(not Path(QUIZCLI).exists(), reason="needs the installed quizcli script"),
]


def test_every_ctrl_c_pauses_the_exam(quizcli_home: Path) -> None:
    """Ctrl-C the moment the question screen is complete (or a little later), then carry on; none may be lost."""
    env = dict(os.environ, QUIZCLI_HOME=str(quizcli_home), QUIZCLI_NOW=FIXED_NOW, NO_COLOR="1", COLUMNS="80")
    child = pexpect.spawn(
        QUIZCLI, ["exam", "long-context", "--no-shuffle"], env=env, dimensions=(24, 80), encoding="utf-8", timeout=10
    )
    child.delaybeforesend = None
    rng = random.Random(12)
    child.expect_exact("Ctrl-C pause")
    for attempt in range(PAUSES):
        spin_until = time.perf_counter() + rng.random() * 0.0002  # the race is microseconds wide: no sleep is that fine
        while time.perf_counter() < spin_until:
            pass
        child.send("\x03")
        index = child.expect_exact(["carries on", pexpect.TIMEOUT], timeout=3)
        assert index == 0, f"Ctrl-C number {attempt + 1} was lost"
        child.send("z")
        child.expect_exact("Ctrl-C pause")
    child.send("\x03")
    child.expect_exact("carries on")
    child.send("a")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130

"""Key input: a Ctrl-C that Python drops (raised inside a finalizer) is raised again at the next wait for a key."""

from __future__ import annotations

import os
import sys
import weakref

import pytest

from quizcli import terminal


class Thing:
    pass


def drop_a_ctrl_c() -> None:
    """Raise KeyboardInterrupt where Python cannot propagate it: in a weakref callback, as the import system does."""

    def callback(ref: weakref.ref[Thing]) -> None:
        raise KeyboardInterrupt

    thing = Thing()
    ref = weakref.ref(thing, callback)
    del thing
    assert ref() is None


def test_a_dropped_ctrl_c_is_raised_at_the_next_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "unraisablehook", terminal.keep_dropped_interrupts)
    drop_a_ctrl_c()  # no exception here: Python had to drop it
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, b"a")  # a key is waiting, yet the Ctrl-C comes first
        with pytest.raises(KeyboardInterrupt):
            terminal.KeyInput(read_end).key()
        assert terminal.KeyInput(read_end).key() == "a"  # raised once only, and the key is still there
    finally:
        os.close(read_end)
        os.close(write_end)


def test_other_unraisable_errors_are_still_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    reported: list[type[BaseException] | None] = []
    monkeypatch.setattr(sys, "__unraisablehook__", lambda unraisable: reported.append(unraisable.exc_type))
    monkeypatch.setattr(sys, "unraisablehook", terminal.keep_dropped_interrupts)

    def callback(ref: weakref.ref[Thing]) -> None:
        raise ValueError("a bug in a finalizer")

    thing = Thing()
    ref = weakref.ref(thing, callback)
    del thing
    assert ref() is None
    assert reported == [ValueError]
    terminal.raise_dropped_interrupt()  # nothing kept: returns quietly

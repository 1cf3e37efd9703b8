"""Any order of syncs converges: two or three devices studying, flagging, resetting, fitting and forgetting fits,
each with its own copy of the sync folder (as Syncthing keeps one per device), files delivered late, twice, or half
at first."""

from __future__ import annotations

import shutil
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sync_devices import Device

from quizcli.scheduler import Rating
from quizcli.sync import folder as sync_folder

from conftest import examples

T0 = datetime.fromisoformat("2026-11-28T10:00:00+00:00")
DECKS = ("d", "e")

answer = st.tuples(
    st.just("answer"), st.integers(0, 2), st.sampled_from(DECKS), st.integers(0, 3), st.sampled_from(list(Rating))
)
flag = st.tuples(st.just("flag"), st.integers(0, 2), st.sampled_from(DECKS), st.integers(0, 3), st.booleans())
reset = st.tuples(st.just("reset"), st.integers(0, 2), st.sampled_from(DECKS))
fit = st.tuples(st.just("fit"), st.integers(0, 2), st.sampled_from([DECKS[0], None]), st.integers(1, 9))
forget_fit = st.tuples(st.just("forget fit"), st.integers(0, 2), st.sampled_from([DECKS[0], None]))
sync = st.tuples(st.just("sync"), st.integers(0, 2))
deliver = st.tuples(
    st.just("deliver"),
    st.integers(0, 2),
    st.integers(0, 2),
    st.integers(0, 50),
    st.sampled_from(["whole", "half", "twice"]),
)
step = st.tuples(
    st.integers(1, 600),  # minutes since the step before
    st.one_of(answer, answer, flag, reset, fit, forget_fit, forget_fit, sync, sync, deliver, deliver),
)


class World:
    """The devices, each with its own copy of the folder, and the true time (each device's clock is off by its own)."""

    def __init__(self, root: Path, count: int, offsets: list[int]) -> None:
        self.devices = [Device(root / f"device{n}") for n in range(count)]
        self.folders = [root / f"folder{n}" for n in range(count)]
        self.offsets = offsets
        self.now = T0

    def clock(self, n: int) -> datetime:
        return self.now + timedelta(minutes=self.offsets[n])

    def sync(self, n: int) -> list[str]:
        return self.devices[n].sync(self.folders[n], self.clock(n)).lines

    def deliver(self, source: int, target: int, pick: int, how: str) -> None:
        files = sorted(path.relative_to(self.folders[source]) for path in self.folders[source].rglob("*.json*"))
        if not files or source == target:
            return
        name = files[pick % len(files)]
        into = self.folders[target] / name
        into.parent.mkdir(parents=True, exist_ok=True)
        text = (self.folders[source] / name).read_text(encoding="utf-8")
        text = text[: len(text) // 2] if how == "half" else text
        if into.exists() and len(into.read_text(encoding="utf-8")) > len(text):
            return  # a segment is written once: a shorter copy is a part of it, and no sync tool puts it over the whole
        into.write_text(text, encoding="utf-8")
        if how == "twice" and name.suffix == sync_folder.SUFFIX:
            shutil.copy(into, into.with_name(f"again-{into.name}"))

    def deliver_everything(self) -> None:
        for source in range(len(self.folders)):
            for target in range(len(self.folders)):
                for pick in range(len(list(self.folders[source].rglob("*.json*")))):
                    self.deliver(source, target, pick, "whole")

    def play(self, minutes: int, action: tuple[Any, ...]) -> None:
        self.now += timedelta(minutes=minutes)
        kind, n = action[0], action[1] % len(self.devices)
        device, when = self.devices[n], self.clock(n)
        if kind == "answer":
            device.answer(action[2], f"i{action[3]}", action[4], when)
        elif kind == "flag":
            device.suspend(action[2], f"i{action[3]}", action[4], when)
        elif kind == "reset":
            device.reset(action[2], when)
        elif kind == "fit":
            device.fit(action[2], (action[3] / 10,) * 21, when)
        elif kind == "forget fit":
            device.forget_fit(action[2], when)
        elif kind == "sync":
            self.sync(n)
        else:
            self.deliver(n, action[2] % len(self.devices), action[3], action[4])


@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    count=st.integers(2, 3),
    offsets=st.lists(st.sampled_from([-90, 0, 0, 45, 1440]), min_size=3, max_size=3),
    steps=st.lists(step, max_size=30),
)
def test_any_order_of_syncs_converges_to_the_replay_of_the_union(
    count: int, offsets: list[int], steps: list[tuple[int, tuple[Any, ...]]]
) -> None:
    with tempfile.TemporaryDirectory() as root:
        world = World(Path(root), count, offsets)
        world.sync(0)  # the first device makes the folder; its owner file reaches the others
        for n in range(1, count):
            world.deliver(0, n, 0, "whole")
            world.sync(n)
        for minutes, action in steps:
            world.play(minutes, action)
        world.now += timedelta(days=1)
        for _ in range(2):  # everyone sends, then everyone takes in what was sent
            for n in range(count):
                world.sync(n)
            world.deliver_everything()
        progress = [device.progress() for device in world.devices]
        assert all(each == progress[0] for each in progress[1:])
        assert progress[0]["cards"] == world.devices[0].replayed_union()
        assert all(device.states_unlike_their_log() == [] for device in world.devices)
        for n in range(count):  # syncing again changes nothing
            assert world.sync(n)[-2:] == ["In: nothing new.", "Out: nothing new."]
        assert [device.progress() for device in world.devices] == progress

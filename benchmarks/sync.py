"""How long ``quizcli sync`` takes: 100,000 reviews from another device merged, and a sync with nothing new.

Usage: python benchmarks/sync.py [REVIEWS]   (targets: 100,000 reviews merged in 5 s or less; nothing new in
10 F or less, F being a bare ``python -c pass``)
The other device's log is written straight into its database (1,000 items, answered day after day), then
synced out; the clock starts when this device's sync starts, in a fresh process, as a user runs it.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from quizcli import scheduler
from quizcli.clock import to_text
from quizcli.scheduler import Rating, Settings
from quizcli.store import Answer, Store

T0 = datetime.fromisoformat("2025-01-01T09:00:00+00:00")


def fill(database: Path, reviews: int, items: int = 1000) -> None:
    """``reviews`` answers spread over ``items`` items, each item's answered a day apart, logged in one transaction."""
    settings = Settings()
    states: dict[str, scheduler.CardState] = {}
    answers = []
    for n in range(reviews):
        item = f"i{n % items}"
        when = T0 + timedelta(days=n // items, seconds=n % items)
        before = states.get(item) or scheduler.new_card(when)
        rating = Rating.AGAIN if n % 11 == 0 else Rating.GOOD
        states[item] = scheduler.review(before, rating, when, settings, scheduler.item_seed("bench", item))
        answers.append(
            Answer(
                deck="bench", item=item, rating=rating, when=when, before=before, after=states[item], settings=settings
            )
        )
    with Store.open(database) as store:
        store.replace_progress("bench", list(states), answers, lambda: states, {}, lambda: None)


def timed_sync(home: Path, folder: Path) -> tuple[float, str]:
    env = {**os.environ, "QUIZCLI_HOME": str(home), "QUIZCLI_NOW": to_text(T0 + timedelta(days=400))}
    start, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(
        [sys.executable, "-m", "quizcli", "sync", str(folder)], env=env, capture_output=True, text=True, check=True
    )
    said = done.stdout.strip().splitlines()[-2]
    return time.perf_counter() - start, f"{_children_cpu() - cpu:.2f} s of CPU; {said}"


def _children_cpu() -> float:
    """CPU seconds used by finished child processes: unlike the wall clock, not stretched by a busy machine."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def main() -> None:
    reviews = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as root:
        other, this, folder = Path(root) / "other", Path(root) / "this", Path(root) / "folder"
        other.mkdir()
        fill(other / "progress.db", reviews)
        timed_sync(other, folder)
        Store.open(this / "progress.db").close()  # this device's database exists before the timed run
        seconds, said = timed_sync(this, folder)
        print(f"{reviews:,} reviews from another device: {seconds:.2f} s ({said})")
        seconds, said = timed_sync(this, folder)
        bare = statistics.median(_bare_start() for _ in range(5))
        print(f"nothing new: {seconds:.3f} s, {seconds / bare:.1f} F with F {bare * 1000:.0f} ms ({said})")


def _bare_start() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()

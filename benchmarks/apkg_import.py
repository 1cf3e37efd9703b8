"""Time `quizcli import BIG.apkg -o deck.yaml --with-progress`: 10,000 notes and 100,000 reviews; target < 10 s.

    python benchmarks/apkg_import.py [--notes N] [--reviews-per-note R] [--runs K]

The package is hand-made (tests/apkg_synthetic.py: the legacy layout, one Basic
card per note, its reviews a day apart); its fields are HTML as Anki's editor writes
it (divs, line breaks, bold, italics, lists, entities), each note's text distinct.  Each run imports it into a fresh
quizcli home in its own process; the median wall time and the largest peak
memory (RSS) of the runs are printed.  Exits 1 when the median misses 10 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from apkg_synthetic import write_collection, write_package  # noqa: E402

QUIZCLI = str(Path(sys.executable).with_name("quizcli"))
LIMIT_S = 10.0
START_MS = 1_700_000_000_000
DAY_MS = 86_400_000


# Fields as Anki's editor writes them: divs per line, <br>, bold and italics, entities, a list, a styled span.
FRONTS = (
    "<div><b>Question</b> number {n}:&nbsp;what is &quot;term {n}&quot;?</div>",
    "What does <i>word {n}</i> mean &amp; where is it used?<br>",
    '<div>Translate <span style="color: rgb(0, 0, 255);">phrase {n}</span></div><div><br></div>',
)
BACKS = (
    "<div>Answer {n}</div><div><br></div><div>with <b>a second</b> line &lt;{n}&gt;</div>",
    "<ul><li>first point {n}</li><li><i>second</i> point</li></ul>",
    "Meaning {n}<br><br><u>Example:</u> <b>bold</b> and <em>stress</em>&nbsp;&mdash; done",
)


def notes(count: int) -> Iterator[tuple[int, str, str, str]]:
    for number in range(1, count + 1):
        front, back = FRONTS[number % len(FRONTS)], BACKS[number % len(BACKS)]
        yield number, f"guid{number}", front.format(n=number), back.format(n=number)


def reviews(count: int, per_note: int) -> Iterator[tuple[int, int, int]]:
    """Every note's reviews a day apart (ratings cycling through Again, Good, Good, Easy, Hard), in time order."""
    for day in range(per_note):
        for number in range(1, count + 1):
            yield START_MS + day * DAY_MS + number, number, (1, 3, 3, 4, 2)[(day + number) % 5]


def build(folder: Path, count: int, per_note: int) -> Path:
    collection = write_collection(folder / "collection.anki21", notes(count), reviews(count, per_note))
    return write_package(folder / "big.apkg", {"collection.anki21": collection, "media": b"{}"})


def run_once(package: Path, folder: Path) -> float:
    home = Path(tempfile.mkdtemp(dir=folder))
    env = dict(os.environ, QUIZCLI_HOME=str(home))
    start = time.perf_counter()
    subprocess.run(
        [QUIZCLI, "import", str(package), "-o", str(home / "deck.yaml"), "--with-progress"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--reviews-per-note", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        package = build(folder, options.notes, options.reviews_per_note)
        times = [run_once(package, folder) for _ in range(options.runs)]
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    median = statistics.median(times)
    total = options.notes * options.reviews_per_note
    print(f"import of {options.notes} notes, {total} reviews: median {median:.2f} s over {options.runs} runs")
    print(f"  runs: {', '.join(f'{t:.2f}' for t in times)} s; peak memory {peak_mb:.0f} MB; limit {LIMIT_S:.0f} s")
    sys.exit(0 if median <= LIMIT_S else 1)


if __name__ == "__main__":
    main()

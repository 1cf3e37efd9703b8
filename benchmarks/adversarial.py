"""Hostile input, timed: a megabyte of each adversarial pattern through every fuzz target, and the crashers corpus.

The test suite checks the same inputs for behaviour and for work that grows linearly (counted in
function calls); the seconds are measured here, where a busy machine cannot fail a test run.
Exits 1 when an input takes longer than its limit: 2 s for a megabyte (5 s for Anki text, where a
megabyte of five-byte lines is 200,000 notes, each made a card), 1 s for a crasher.

    python benchmarks/adversarial.py [TARGET...]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "fuzz"))
from targets import ADVERSARIAL_PATTERNS, TARGETS  # noqa: E402

MEGABYTE_LIMITS = {"anki": 5.0}
# Text that opens one card, which a megabyte of plain lines then continues.
OPEN_CARDS = {"hashcards": "Q: q\nA: a\n"}
MEGABYTE_LIMIT = 2.0
CRASHER_LIMIT = 1.0


def timed(target: str, text: str) -> float:
    started = time.perf_counter()
    TARGETS[target](text)
    return time.perf_counter() - started


def fill(pattern: str, size: int) -> str:
    return (pattern * (size // len(pattern) + 1))[:size]


def main(targets: list[str]) -> int:
    missed = 0
    for target in targets or sorted(TARGETS):
        seconds, pattern = max((timed(target, fill(p, 1_000_000)), p) for p in ADVERSARIAL_PATTERNS)
        if target in OPEN_CARDS:
            seconds, pattern = max(
                (seconds, pattern), (timed(target, OPEN_CARDS[target] + fill("a\n", 1_000_000)), "one card")
            )
        limit = MEGABYTE_LIMITS.get(target, MEGABYTE_LIMIT)
        verdict = "ok" if seconds < limit else "TOO SLOW"
        missed += seconds >= limit
        print(f"{target:8} slowest 1 MB input {pattern!r:12} {seconds:6.2f} s (limit {limit:.0f} s) {verdict}")
    for crasher in sorted((REPO / "tests" / "fixtures" / "crashers").glob("*.txt")):
        target, _, text = crasher.read_text(encoding="utf-8").partition("\n")
        if targets and target not in targets:
            continue
        seconds = timed(target, text)
        missed += seconds >= CRASHER_LIMIT
        verdict = "ok" if seconds < CRASHER_LIMIT else "TOO SLOW"
        print(f"crasher {crasher.name:40} {seconds:6.2f} s (limit {CRASHER_LIMIT:.0f} s) {verdict}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""How the first card's time and the process's peak memory grow with the deck: 1,000 to 200,000 cards.

    python benchmarks/scaling.py                   # 1,000, 10,000, 100,000 and 200,000 cards
    python benchmarks/scaling.py 1000 10000        # chosen sizes

For each size, in a home of its own: ``quizcli study DECK`` to its first card in a pseudo-terminal, as
`run.py` measures it, when the deck is unchanged since the last session, right after an edit (the deck is
re-indexed), and on the first session of a new study day (the daily health check and backup of a database
that holds the deck's index).  Each figure is the median of a few runs (one after an edit from 100,000
cards up), with the peak memory (``VmHWM``) of the last, and F, a bare ``python -c pass``, beside them.
Informational: there are no targets here; `run.py` holds them.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from make_deck import make_deck  # noqa: E402
from run import FIRST_SCREEN, bare_python, first_screen, touch_content, user_env  # noqa: E402

SIZES = (1_000, 10_000, 100_000, 200_000)
NEW_DAY = datetime(2031, 1, 1, 12, tzinfo=UTC)


def measured(runs: int, once: Callable[[list[float]], float]) -> tuple[float, float]:
    """The median time of ``runs`` runs and the peak memory (MB) of the last."""
    peaks: list[float] = []
    times = [once(peaks) for _ in range(runs)]
    return statistics.median(times), peaks[-1]


def size_row(cards: int, root: Path) -> list[str]:
    deck = root / "deck.yaml"
    deck.write_text(make_deck(cards), encoding="utf-8")
    env = user_env(root)
    args = ["study", str(deck)]
    first_screen(env, args, FIRST_SCREEN)  # the first run indexes it and takes today's backup
    runs = 3 if cards < 100_000 else 1
    edits, days = iter(range(1, 1_000)), iter(range(1_000))

    def unchanged(peak: list[float]) -> float:
        return first_screen(env, args, FIRST_SCREEN, peak)

    def edited(peak: list[float]) -> float:
        touch_content(deck, next(edits))
        return first_screen(env, args, FIRST_SCREEN, peak)

    def first_of_day(peak: list[float]) -> float:
        day = NEW_DAY + timedelta(days=next(days))
        return first_screen(env | {"QUIZCLI_NOW": day.isoformat()}, args, FIRST_SCREEN, peak)

    bare = statistics.median(bare_python() for _ in range(5))
    cells = [f"{cards:,}"]
    for time, peak in (measured(3, unchanged), measured(runs, edited), measured(3, first_of_day)):
        cells.append(f"{time * 1000:,.0f} ms ({time / bare:.1f} F), {peak:.0f} MB")
    megabytes = (root / "data" / "quizcli" / "progress.db").stat().st_size / 1e6
    return [*cells, f"{bare * 1000:.1f} ms", f"{megabytes:.0f} MB"]


def main(sizes: list[int]) -> None:
    header = ["cards", "unchanged", "after an edit", "first of a day", "F", "database"]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for cards in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            print("| " + " | ".join(size_row(cards, Path(tmp))) + " |", flush=True)


if __name__ == "__main__":
    main([int(size) for size in sys.argv[1:]] or list(SIZES))

"""Measure quizcli against its performance targets; exit 1 when one is missed.

    python benchmarks/run.py              # the full run: 100 and 100,000 cards
    python benchmarks/run.py --quick      # fewer runs, 20,000 cards (a smoke test)

Every time is a median over several runs, and is also given as a multiple of
F, the median of ``python -c pass`` with the same interpreter, run alternately
with the command measured (one of each, in turn), so that both see the same
load on the machine.  Interactive times are taken in a real pseudo-terminal
(pexpect): from spawning ``quizcli`` until the first card's screen (its key
help line) is on the terminal.  quizcli finds its data directory as a user's
does (platformdirs, through ``XDG_DATA_HOME`` pointed at a scratch directory).
Needs the test extra (pexpect) and a Unix terminal layer.
"""

from __future__ import annotations

import argparse
import functools
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pexpect

sys.path.insert(0, str(Path(__file__).parent))
from make_deck import make_deck  # noqa: E402
from sync import T0 as LOG_START  # noqa: E402
from sync import fill  # noqa: E402

QUIZCLI = str(Path(sys.executable).with_name("quizcli"))
FIRST_SCREEN = r"show answer|to answer|Your answer|t true"
FIRST_QUESTION = r"question 1 of"
EDITED_CARDS = 10_000  # the deck of which one card is edited


@dataclass(frozen=True)
class Row:
    what: str
    value: float  # seconds, or F / MB / ms where the unit says
    unit: str
    limit: float
    ratio: str = ""

    @property
    def ok(self) -> bool:
        return self.value <= self.limit


def median_of(runs: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(runs))


def paired(runs: int, measure: Callable[[], float]) -> tuple[float, float, float]:
    """``measure`` and a bare Python start, run alternately: (median ratio of each pair, median time, median F).

    The two runs of a pair see the same load, so the median of their ratios holds still
    on a machine whose load comes and goes, where a ratio of two medians can swing by 2 F.
    """
    times, bare = [], []
    for _ in range(runs):
        bare.append(bare_python())
        times.append(measure())
    ratios = [t / f for t, f in zip(times, bare, strict=True)]
    return statistics.median(ratios), statistics.median(times), statistics.median(bare)


def startup_row(what: str, runs: int, measure: Callable[[], float], multiple: float = 8) -> Row:
    ratio, t, f = paired(runs, measure)
    return Row(what, ratio, "F", multiple, f"{t * 1000:.0f} ms, F {f * 1000:.1f} ms")


def bare_python() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - started


def timed_command(env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    subprocess.run([QUIZCLI, *args], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def first_screen(env: dict[str, str], args: list[str], marker: str, peak: list[float] | None = None) -> float:
    """Seconds from spawning quizcli until ``marker`` is on the terminal; then Ctrl-C (nothing is answered)."""
    started = time.perf_counter()
    child = pexpect.spawn(QUIZCLI, args, env=env, dimensions=(24, 80), encoding="utf-8", timeout=600)
    child.expect(marker)
    elapsed = time.perf_counter() - started
    if peak is not None and child.pid is not None:
        peak.append(peak_rss_mb(child.pid))
    child.sendintr()  # a study session ends; an exam pauses to ask, and a second Ctrl-C abandons it
    if child.expect([pexpect.EOF, "abandon"], timeout=30) == 1:
        child.sendintr()
        child.expect(pexpect.EOF, timeout=30)
    child.close()
    return elapsed


def piped_command(env: dict[str, str], *args: str) -> float:
    """Seconds for a command whose output is read from a pipe, as a script reads it."""
    started = time.perf_counter()
    subprocess.run([QUIZCLI, *args], env=env, check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def bare_parse(path: Path) -> float:
    """A plain ``yaml.load`` with libyaml's CSafeLoader, in its own process, timed inside it."""
    code = (
        "import sys, time, yaml\n"
        "text = open(sys.argv[1], encoding='utf-8').read()\n"
        "t = time.perf_counter(); yaml.load(text, Loader=yaml.CSafeLoader); print(time.perf_counter() - t)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(path)], check=True, capture_output=True, text=True)
    return float(out.stdout)


def touch_content(path: Path, n: int) -> None:
    """A real edit: the title changes, so size and content change."""
    text = path.read_text(encoding="utf-8")
    first, rest = text.split("\n", 1)
    path.write_text(f"title: Generated deck, edit {n}\n{rest}", encoding="utf-8")


def edit_card(path: Path, n: int) -> None:
    """A real edit of one card: the back of the flashcard nearest the middle of the deck is written anew (on the
    same line, so the cards after it stay where they were)."""
    text = path.read_text(encoding="utf-8")
    back = text.index("\n    back: ", len(text) // 2) + len("\n    back: ")
    end = text.index("\n", back)
    path.write_text(f'{text[:back]}"The back as edited, edit {n}."{text[end:]}', encoding="utf-8")


def per_answer(home: Path, deck: Path, answers: int) -> tuple[float, float]:
    """In-process: from the rating to the next card built and the answer on the disk (median, p95 in ms)."""
    os.environ["QUIZCLI_HOME"] = str(home)
    from quizcli import catalog, clock
    from quizcli.decks import DeckFile, Source
    from quizcli.grading import make_question
    from quizcli.scheduler import Rating
    from quizcli.session import Session, StudyOptions
    from quizcli.store import Store

    with Store.open() as store:
        entry = catalog.open_deck(store, DeckFile(deck.stem, deck, Source.PATH))
        session = Session(entry, store, StudyOptions(new_limit=answers + 10), clock.now)
        item, times = session.next(), []
        for n in range(answers):
            assert item is not None
            started = time.perf_counter()
            session.answer(item, Rating.GOOD if n % 5 else Rating.AGAIN, True, 1000)
            item = session.next()
            if item is not None:
                make_question(item)
            session.settle()
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def flashcards(count: int) -> str:
    """A deck of flashcards only, so that every answer on a terminal is the same two keys."""
    cards = "".join(f"  - {{id: f{n}, front: 'Front {n}?', back: 'Back {n}.'}}\n" for n in range(count))
    return f"title: Flashcards\ncards:\n{cards}"


def per_answer_on_a_terminal(env: dict[str, str], deck: Path, answers: int) -> tuple[float, float]:
    """On a pty at 80x24, from the rating key sent to the next card on screen (median, p95 in ms).

    Each card is revealed (Space), then rated Good (3) with no delay; the time runs from the rating until
    the next card's key line is drawn, so it holds the answer's durable commit and the next card's draw.
    """
    child = pexpect.spawn(QUIZCLI, ["study", str(deck), "--new", str(answers + 1)], env=env, dimensions=(24, 80),
                          encoding="utf-8", timeout=120)  # fmt: skip
    child.delaybeforesend = None
    child.expect("show answer")
    times = []
    for _ in range(answers):
        child.send(" ")
        child.expect("3 Good")
        started = time.perf_counter()
        child.send("3")
        child.expect("show answer")
        times.append((time.perf_counter() - started) * 1000)
    child.sendintr()
    child.expect(pexpect.EOF, timeout=30)
    child.close()
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def terminal_answer_rows(env: dict[str, str], root: Path, big_cards: int) -> list[Row]:
    rows = []
    for count in (100, big_cards):
        deck = root / f"flashcards-{count}.yaml"
        deck.write_text(flashcards(count), encoding="utf-8")
        first_screen(env, ["study", str(deck)], FIRST_SCREEN)  # indexed once, as a deck in use is
        median, p95 = per_answer_on_a_terminal(env, deck, min(count - 1, 200))
        rows.append(Row(f"per answer on a terminal, {count:,} cards, p95", p95, "ms", 5.0, f"median {median:.2f} ms"))
    return rows


def prepare(root: Path, big_cards: int) -> dict[str, Path]:
    data = root / "data"  # XDG_DATA_HOME: quizcli keeps its database and the user's decks in data/quizcli
    decks = data / "quizcli" / "decks"
    decks.mkdir(parents=True)
    for n in range(50):
        (decks / f"deck-{n:02d}.yaml").write_text(make_deck(20, seed=n), encoding="utf-8")
    small, middle, big = root / "small.yaml", root / "middle.yaml", root / "big.yaml"
    small.write_text(make_deck(100), encoding="utf-8")
    middle.write_text(make_deck(EDITED_CARDS), encoding="utf-8")
    big.write_text(make_deck(big_cards), encoding="utf-8")
    return {"root": root, "home": data / "quizcli", "small": small, "middle": middle, "big": big}


def user_env(root: Path) -> dict[str, str]:
    """The environment of a user whose data and config directories are under ``root``.

    On Linux quizcli resolves them through platformdirs, as for any user; elsewhere the XDG
    variables are not honoured, so ``QUIZCLI_HOME`` keeps the benchmark off the real data.
    """
    env = {key: value for key, value in os.environ.items() if key != "QUIZCLI_HOME"}
    env |= {"NO_COLOR": "1", "TERM": "xterm"}
    if sys.platform == "linux":
        return env | {"XDG_DATA_HOME": str(root / "data"), "XDG_CONFIG_HOME": str(root / "config")}
    return env | {"QUIZCLI_HOME": str(root / "data" / "quizcli")}


def measure(runs: int, big_runs: int, big_cards: int) -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        files = prepare(Path(tmp), big_cards)
        env = user_env(files["root"])
        rows = startup_rows(env, files, runs, big_cards)
        rows += whole_deck_rows(env, files, runs, big_cards)
        rows += shown_rows(env, files["root"], runs)
        rows += edited_rows(env, files, runs, big_runs, big_cards)
        rows.append(reindex_memory_row(env, files, big_cards))
        median, p95 = per_answer(files["home"], files["big"], 300)
        rows.append(Row("per answer, median (in-process)", median, "ms", 1.5))
        rows.append(Row("per answer, p95 (in-process)", p95, "ms", 4.0))
        rows += terminal_answer_rows(env, files["root"], big_cards)
        peak: list[float] = []
        first_screen(env, ["study", str(files["big"])], FIRST_SCREEN, peak)
        rows.append(Row(f"peak memory, study {big_cards:,} cards", peak[0], "MB", 80))
        big = ["study", str(files["big"])]
        rows.append(first_of_day_row(env, big, runs, f"{big_cards:,}", files["home"] / "progress.db"))
        return rows  # the first-of-day runs last: their days are years ahead, and the backups named so stay


def startup_rows(env: dict[str, str], files: dict[str, Path], runs: int, big_cards: int) -> list[Row]:
    rows = []
    for label, deck in (("100", files["small"]), (f"{big_cards:,}", files["big"])):
        args = ["study", str(deck)]
        first_screen(env, args, FIRST_SCREEN)  # index it once: the runs below find it unchanged
        what = f"study {label} cards, first card (unchanged)"
        rows.append(startup_row(what, runs, functools.partial(first_screen, env, args, FIRST_SCREEN)))
        exam = ["exam", str(deck), "--count", "20"]
        what = f"exam {label} cards, first question (unchanged)"
        rows.append(startup_row(what, runs, functools.partial(first_screen, env, exam, FIRST_QUESTION)))
    timed_command(env, "decks")
    rows.append(startup_row("decks, 50 decks (unchanged)", runs, lambda: timed_command(env, "decks")))
    rows.append(startup_row("--help", runs, lambda: timed_command(env, "--help")))
    return rows


def first_of_day_row(env: dict[str, str], args: list[str], runs: int, label: str, database: Path) -> Row:
    """The first session of a day against any other, run in turn with a bare start, so that all three see the
    same load: each first-of-a-day run is a new day (``QUIZCLI_NOW``), so each takes the day's health check and
    backup of the database the big deck's index has filled.  Its first card must come within 1 F of the other's."""
    days = iter(range(1, 10_000))
    same_day, new_day, bare = [], [], []
    for _ in range(runs):
        bare.append(bare_python())
        same_day.append(first_screen(env, args, FIRST_SCREEN))
        day = datetime(2030, 1, 1, 12, tzinfo=UTC) + timedelta(days=next(days))
        new_day.append(first_screen(env | {"QUIZCLI_NOW": day.isoformat()}, args, FIRST_SCREEN))
    other = statistics.median(t / f for t, f in zip(same_day, bare, strict=True))
    first = statistics.median(t / f for t, f in zip(new_day, bare, strict=True))
    what = f"study {label} cards, first of a day ({database.stat().st_size / 1e6:.0f} MB db)"
    return Row(what, first, "F", other + 1, f"any other session {other:.1f} F")


def whole_deck_rows(env: dict[str, str], files: dict[str, Path], runs: int, big_cards: int) -> list[Row]:
    """Commands that once read the whole big deck: an exam of all of it, and stats with it among the user's decks.

    The big deck is linked into the decks directory for ``stats`` (the same file, so the same index entry) and
    unlinked afterwards, so the other rows see the 50 small decks only.
    """
    exam = ["exam", str(files["big"])]
    first_screen(env, exam, FIRST_QUESTION)  # index it once: the runs below find it unchanged
    what = f"exam {big_cards:,} cards, all of them, first question"
    rows = [startup_row(what, runs, functools.partial(first_screen, env, exam, FIRST_QUESTION), 10)]
    link = files["home"] / "decks" / "big.yaml"
    link.symlink_to(files["big"])
    try:
        timed_command(env, "stats")
        among = f"a {big_cards:,}-card deck among the decks"
        for command in ("stats", "history", "decks"):
            rows.append(startup_row(f"{command}, {among}", runs, functools.partial(timed_command, env, command), 10))
        piped_command(env, "show", "big", "--json")
        show = median_of(3, lambda: piped_command(env, "show", "big", "--json"))
        rows.append(Row(f"show --json, {big_cards:,} cards, to a pipe", show, "s", float("inf")))
    finally:
        link.unlink()
    return rows


def shown_rows(env: dict[str, str], root: Path, runs: int) -> list[Row]:
    """``show`` of a 10,000-card deck to a pipe, and ``stats`` over a log of 100,000 reviews (a home of its own)."""
    deck = root / "shown.yaml"
    deck.write_text(make_deck(10_000), encoding="utf-8")
    piped_command(env, "show", str(deck))  # indexed once: the runs below find it unchanged
    rows = [Row("show 10,000 cards to a pipe", median_of(3, lambda: piped_command(env, "show", str(deck))), "s", 1.0)]
    reviewed = user_env(root / "reviewed")
    fill(root / "reviewed" / "data" / "quizcli" / "progress.db", 100_000)
    at = reviewed | {"QUIZCLI_NOW": (LOG_START + timedelta(days=100)).isoformat()}  # the log's last days in view
    timed_command(at, "stats")
    rows.append(startup_row("stats, 100,000 reviews", runs, functools.partial(timed_command, at, "stats"), 10))
    return rows


def reindex_memory_row(env: dict[str, str], files: dict[str, Path], big_cards: int) -> Row:
    """Peak memory of re-indexing the big deck after an edit, above that of opening it unchanged, per card."""
    unchanged: list[float] = []
    first_screen(env, ["study", str(files["big"])], FIRST_SCREEN, unchanged)
    touch_content(files["big"], 1_000_001)
    edited: list[float] = []
    first_screen(env, ["study", str(files["big"])], FIRST_SCREEN, edited)
    per_card = (edited[0] - unchanged[0]) * 1024 / big_cards
    what = f"re-index {big_cards:,} cards, peak memory above unchanged"
    return Row(what, per_card, "KB/card", 1.0, f"{edited[0]:.0f} MB vs {unchanged[0]:.0f} MB")


def edited_rows(env: dict[str, str], files: dict[str, Path], runs: int, big_runs: int, big_cards: int) -> list[Row]:
    edits = iter(range(1_000_000))

    def edited(deck: Path) -> float:
        touch_content(deck, next(edits))
        return first_screen(env, ["study", str(deck)], FIRST_SCREEN)

    rows = [startup_row("study 100 cards, first card after an edit", runs, lambda: edited(files["small"]), 10)]
    rows.append(one_card_edited_row(env, files["middle"], runs))
    parse = median_of(big_runs, lambda: bare_parse(files["big"]))
    big = median_of(big_runs, lambda: edited(files["big"]))
    rows.append(Row(f"bare CSafeLoader parse, {big_cards:,} cards", parse, "s", float("inf")))
    rows.append(
        Row(f"study {big_cards:,} cards, first card after an edit", big, "s", 0.5 * parse, f"{big / parse:.2f}x parse")
    )
    return rows


def one_card_edited_row(env: dict[str, str], deck: Path, runs: int) -> Row:
    """The first card after one card of a deck in use was edited: the deck is re-indexed, its other cards unchanged."""
    edits = iter(range(1_000_000))
    args = ["study", str(deck)]
    first_screen(env, args, FIRST_SCREEN)  # indexed once, as a deck in use is

    def edited() -> float:
        edit_card(deck, next(edits))
        return first_screen(env, args, FIRST_SCREEN)

    return startup_row(f"edit one card of a {EDITED_CARDS:,}-card deck -> first card", runs, edited, 15)


def report(rows: list[Row]) -> bool:
    print(f"F = python -c pass ({sys.executable}, {os.cpu_count()} cores), run alternately with each command;")
    print("a start-up row is the median of each pair's ratio, then the median times\n")
    print(f"| {'what':<48} | {'median':>10} | {'':>22} | {'target':>10} | ok |")
    print(f"|{'-' * 50}|{'-' * 12}|{'-' * 24}|{'-' * 12}|----|")
    for row in rows:
        value, limit = _shown(row.value, row.unit), _shown(row.limit, row.unit)
        mark = "yes" if row.ok else "NO"
        print(f"| {row.what:<48} | {value:>10} | {row.ratio:>22} | {limit:>10} | {mark:<2} |")
    return all(row.ok for row in rows)


def _shown(value: float, unit: str) -> str:
    if value == float("inf"):
        return "-"
    if unit == "s":
        return f"{value * 1000:.0f} ms" if value < 10 else f"{value:.1f} s"
    if unit == "F":
        return f"{value:.1f} F"
    return f"{value:.2f} {unit}" if unit in ("ms", "KB/card") else f"{value:.0f} {unit}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and a 20,000-card deck")
    args = parser.parse_args()
    runs, big_runs, big_cards = (5, 1, 20_000) if args.quick else (15, 3, 100_000)
    gc.collect()
    rows = measure(runs, big_runs, big_cards)
    sys.exit(0 if report(rows) else 1)


if __name__ == "__main__":
    main()

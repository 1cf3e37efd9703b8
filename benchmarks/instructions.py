"""Instructions to the first screen, counted by callgrind: a start-up figure that does not drift with the load.

python benchmarks/instructions.py             # 100 and 100,000 cards, a few minutes
python benchmarks/instructions.py --quick     # 100 cards only

Each row runs quizcli under ``valgrind --tool=callgrind`` with its input piped, and stops it the
moment it first reads that input: the first card (or question) is then on the screen.  The deck is
indexed by a run before, and its file dated a minute back, so the measured run finds it unchanged
and outside the racy window.  Counts of one command agree within 0.1% from run to run
(``PYTHONHASHSEED`` is fixed), so one run per row is enough, and a change of 1% is a real one.
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from make_deck import make_deck

FIRST_SCREEN = Path(__file__).resolve().parent.parent / "tests" / "first_screen.py"


def instructions(args: list[str], env: dict[str, str], driver: bool = True) -> int:
    """Instructions the whole process executed (the dynamic loader and Python's own start included)."""
    command = [sys.executable, str(FIRST_SCREEN), *args] if driver else [sys.executable, *args]
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False,
    )  # fmt: skip
    found = re.search(r"Collected : (\d+)", result.stderr)
    if found is None:
        raise SystemExit(f"callgrind gave no count for {args}:\n{result.stderr[-2000:]}")
    return int(found.group(1))


def prepare(home: Path, count: int, env: dict[str, str]) -> None:
    """A deck of ``count`` cards in the user's decks directory, indexed, and dated outside the racy window."""
    decks = home / "decks"
    decks.mkdir(parents=True, exist_ok=True)
    path = decks / f"cards-{count}.yaml"
    if not path.exists():
        path.write_text(make_deck(count), encoding="utf-8")
        _date_back(path)
    subprocess.run(
        [sys.executable, "-m", "quizcli", "study", path.stem],
        env=env, input="q\n", text=True, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip


def compile_package(env: dict[str, str]) -> None:
    """Byte-code for every quizcli module, as an installed package has (``PYTHONDONTWRITEBYTECODE`` or not)."""
    code = "import compileall, pathlib, quizcli; compileall.compile_dir(pathlib.Path(quizcli.__file__).parent, quiet=1)"
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


def edited(home: Path, count: int) -> str:
    """The deck's title changed (so its size and content): the next run re-indexes it."""
    path = home / "decks" / f"cards-{count}.yaml"
    first, rest = path.read_text(encoding="utf-8").split("\n", 1)
    title = first.replace(" (edited)", "") if first.endswith(" (edited)") else f"{first} (edited)"
    path.write_text(f"{title}\n{rest}", encoding="utf-8")
    _date_back(path)  # still re-indexed (its size changed), and found unchanged by the runs after it
    return path.stem


def _date_back(path: Path) -> None:
    past = path.stat().st_mtime - 60
    os.utime(path, (past, past))


def rows(sizes: list[int], home: Path, env: dict[str, str]) -> dict[str, Callable[[], int]]:
    """What each row measures, by name."""
    found: dict[str, Callable[[], int]] = {"python -c pass": lambda: instructions(["-c", "pass"], env, driver=False)}
    for count in sizes:
        deck = f"cards-{count}"
        found[f"study {count:,} cards, first card"] = functools.partial(instructions, ["study", deck], env)
        exam = ["exam", deck, "--count", "20"]
        found[f"exam {count:,} cards, first question"] = functools.partial(instructions, exam, env)
        found[f"exam {count:,} cards, all of them, first question"] = functools.partial(
            instructions, ["exam", deck], env
        )
    found["stats, every deck"] = lambda: instructions(["stats"], env)
    found["decks, unchanged"] = lambda: instructions(["decks"], env)
    found["--help"] = lambda: instructions(["--help"], env)
    found["study 100 cards after an edit, first card"] = lambda: instructions(["study", edited(home, 100)], env)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 cards only")
    parser.add_argument("--home", type=Path, help="keep the decks and their index here, to compare code versions")
    parser.add_argument("--only", metavar="WORDS", help="only the rows whose name holds one of these, ';'-separated")
    parser.add_argument("--xdg", action="store_true", help="find the data as a user's does (XDG), not QUIZCLI_HOME")
    options = parser.parse_args()
    sizes = [100] if options.quick else [100, 100_000]
    with tempfile.TemporaryDirectory() as scratch:
        home = (options.home or Path(scratch)) / "home"
        env = os.environ | {"PYTHONHASHSEED": "0", "QUIZCLI_NOW": "2026-11-28T10:00:00+00:00", "COLUMNS": "80"}
        env.pop("QUIZCLI_HOME", None)
        if options.xdg:
            env |= {"XDG_DATA_HOME": str(home.parent), "XDG_CONFIG_HOME": str(home.parent / "config")}
            home = home.parent / "quizcli"
        else:
            env["QUIZCLI_HOME"] = str(home)
        compile_package(env)
        for count in sizes:
            prepare(home, count, env)
        subprocess.run([sys.executable, "-m", "quizcli", "decks"], env=env, check=True, stdout=subprocess.DEVNULL)
        for what, measure in rows(sizes, home, env).items():
            if options.only is None or any(word in what for word in options.only.split(";")):
                print(f"{what:<42} {measure() / 1e6:8.1f} M", flush=True)


if __name__ == "__main__":
    main()

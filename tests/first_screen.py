"""Run quizcli as its console script does, until it first reads its piped input: its first screen is then drawn.

python tests/first_screen.py [--modules FILE] ARGS...

The process ends at that first read.  With ``--modules FILE``, the modules loaded since this script
started (those Python loads by itself are left out) are first written to FILE, one per line.
Used by tests/test_startup_imports.py and benchmarks/instructions.py.
"""

import os
import sys
from typing import NoReturn

LOADED_BEFORE = set(sys.modules)


class FirstRead:
    """Standard input that ends the process when quizcli first reads it."""

    def __init__(self, stream: object, modules_file: str | None) -> None:
        self._stream, self._modules_file = stream, modules_file

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)

    def readline(self, *args: object) -> NoReturn:
        if self._modules_file is not None:
            with open(self._modules_file, "w", encoding="utf-8") as out:
                out.write("\n".join(sorted(set(sys.modules) - LOADED_BEFORE)))
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)

    read = readline


def main() -> None:
    args = sys.argv[1:]
    modules_file = None
    if args[:1] == ["--modules"]:
        modules_file, args = args[1], args[2:]
    sys.stdin = FirstRead(sys.stdin, modules_file)
    sys.argv = ["quizcli", *args]
    from quizcli.__main__ import main as quizcli

    quizcli()


if __name__ == "__main__":
    main()

"""Coverage-guided fuzzing of one target with atheris: ``python fuzz/run.py TARGET [libFuzzer options]``.

Every input must be handled in under ``-timeout`` seconds without an uncaught exception;
libFuzzer writes any crasher as ``crash-*``/``timeout-*`` in the working directory.  See fuzz/README.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).parent))
with atheris.instrument_imports():
    from targets import TARGETS


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        sys.exit(f"usage: python fuzz/run.py {{{'|'.join(TARGETS)}}} [libFuzzer options]")
    target = TARGETS[sys.argv[1]]

    def one_input(data: bytes) -> None:
        target(atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(len(data)))

    atheris.Setup([sys.argv[0], *sys.argv[2:]], one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()

"""The ``quizcli`` executable (and ``python -m quizcli``): the command line, imported with the collector off.

A usual study or exam command line runs without typer (`quizcli.fast_path`); any other goes to the typer app.

Start-up imports typer and the command line's modules: tens of thousands of objects the collector
tracks, all living as long as the process and none of them garbage.  Collecting while they are
made would walk them again and again, so the collector is off until they are imported, and then
they are frozen out of its sight: otherwise its first collections would walk them all, since none
has been collected yet.  The command then runs with the youngest generation collected far less
often than Python's default: what it still imports is just as long-lived, and a session makes
little cyclic garbage.
"""

import gc
import sys


def main() -> None:
    """Console-script entry point."""
    gc.disable()
    from quizcli.terminal import keep_dropped_interrupts, utf8_off_the_console

    sys.unraisablehook = keep_dropped_interrupts
    utf8_off_the_console()
    from quizcli.fast_path import command_for

    command = command_for(sys.argv[1:])
    if command is None:
        from quizcli.cli import app_for

        command = app_for(sys.argv[1:])
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    gc.enable()
    sys.exit(command())


if __name__ == "__main__":
    main()

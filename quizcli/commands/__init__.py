"""What the interactive commands do, start to finish: load, open the store, run a screen, report.

The CLI adapters in `quizcli.cli` parse options and call one function here;
the logic itself lives in `session`, `exam` and the store, the drawing in `ui`.
"""

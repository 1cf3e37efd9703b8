"""The fuzz targets: each takes untrusted text and must return, or raise only quizcli's own errors.

Shared by the atheris harness (``fuzz/run.py``) and the test suite (the crashers corpus in
``tests/fixtures/crashers`` and the timing tests), so a crasher found by either is replayed by both.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from quizcli.interop.aiken import import_aiken
from quizcli.interop.anki import import_anki
from quizcli.interop.detect import detect_format
from quizcli.interop.gift import import_gift
from quizcli.interop.hashcards import import_hashcards
from quizcli.interop.json_deck import import_json
from quizcli.interop.lesson import import_lesson
from quizcli.interop.model import ImportFormatError
from quizcli.parser import parse_bytes


def parser(text: str) -> None:
    """The deck parser over the file's bytes (decoding included): a deck or located diagnostics."""
    result = parse_bytes(text.encode("utf-8", "surrogatepass"), "fuzz.yaml", "fuzz")
    assert all(d.line >= 1 and d.column >= 1 and d.message for d in result.diagnostics)


def render(text: str) -> None:
    """Card text drawn as Markdown: inert and in time linear in its length."""
    from quizcli.ui import make_console, markdown

    console = make_console(width=80)
    console.file = io.StringIO()
    console.print(markdown(text))
    assert "\x1b" not in console.file.getvalue()


def _importer(function: Callable[[str], object]) -> Callable[[str], None]:
    def run(text: str) -> None:
        try:
            function(text)
        except ImportFormatError as error:  # the one error an importer may raise: located
            assert error.line >= 1

    return run


def detect(text: str) -> None:
    try:
        detect_format(text)
    except ImportFormatError:
        pass


TARGETS: dict[str, Callable[[str], None]] = {
    "parser": parser,
    "aiken": _importer(import_aiken),
    "gift": _importer(import_gift),
    "anki": _importer(import_anki),
    "lesson": _importer(import_lesson),
    "json": _importer(import_json),
    "hashcards": _importer(import_hashcards),
    "detect": detect,
    "render": render,
}

# Inputs that stress a parser's worst case when repeated to any length: unclosed emphasis and
# cloze braces, markers that open a question, quotes, escapes (the tests check the work grows
# linearly with them; benchmarks/adversarial.py times a megabyte of each).
ADVERSARIAL_PATTERNS = [
    "**a ",
    "__a ",
    "{{c1::",
    "{{",
    "}}",
    "<b",
    "\n",
    "::a",
    "{=a ~b ",
    "A) x\n",
    "- ",
    "`",
    "\\",
    "[",
    '"',
    "\t;",
    "C: [",
    "Q: a\n",
    "<!--",
]

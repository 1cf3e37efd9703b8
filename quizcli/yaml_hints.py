"""Plain-language hints for the YAML mistakes people make writing decks by hand.

PyYAML says what its grammar expected ("mapping values are not allowed in this
context"); a person needs to hear what they wrote and how to fix it.  This
module turns PyYAML's problem and context (with their 1-based places) and the
deck's lines into one located message.  It is pure text: the parser, the only
module importing ``yaml``, hands it the strings.
"""

from __future__ import annotations

import re
from typing import NamedTuple

Place = tuple[int, int]  # 1-based line and column

_KEY_VALUE = re.compile(r"^(?P<lead>\s*(?:-\s+)?)(?P<key>[^\s:#'\"][^:#]*?):[ \t]+(?P<value>.*?)\s*$")
_NO_SPACE_AFTER_COLON = re.compile(r"^\s*(?:-\s+)?(?P<key>[\w-]+):(?P<value>[^\s:].*?)\s*$")
_BLOCK_INDICATORS = {">": "folds them into one paragraph", "|": "keeps them as written"}
_SPECIAL_STARTS = {
    "@": "'@' is reserved in YAML",
    "`": "'`' is reserved in YAML",
    "%": "'%' starts a YAML directive",
    "*": "'*' starts a YAML alias (a reference to an '&anchor')",
    "&": "'&' starts a YAML anchor",
    "!": "'!' starts a YAML tag",
}


class Explained(NamedTuple):
    """Where to report a YAML syntax error, and what to say."""

    place: Place
    message: str


def explain(
    problem: str, context: str | None, problem_at: Place | None, context_at: Place | None, text: str
) -> Explained:
    """The YAML error as a located message with a hint, falling back to PyYAML's words where no hint fits."""
    lines = text.splitlines()
    at = problem_at or context_at or (1, 1)
    hint = None
    for explainer in _EXPLAINERS:
        found = explainer(problem, context or "", at, context_at, lines)
        if found is not None:
            at, hint = found
            break
    message = f"YAML syntax: {problem}"
    return Explained(at, f"{message}; {hint}" if hint else message)


Found = tuple[Place, str] | None


def _line(lines: list[str], place: Place) -> str:
    return lines[place[0] - 1] if 0 < place[0] <= len(lines) else ""


def _quoted(value: str) -> str:
    """``value`` as a YAML string: single-quoted when it holds double quotes (easier to read), else double-quoted."""
    from quizcli.interop.yaml_writer import quoted

    return f"'{value}'" if '"' in value and "'" not in value else quoted(value)


def _with_quoted_value(line: str) -> str:
    """The line (as the user wrote it) with its value quoted: ``front: Ratio: 3`` -> ``front: "Ratio: 3"``."""
    match = _KEY_VALUE.match(line)
    if match is not None:
        return f"{match['key']}: {_quoted(match['value'])}"
    item = line.strip()
    if item.startswith("- "):
        return f"- {_quoted(item[2:].strip())}"
    return _quoted(item)


def _colon_in_text(problem: str, context: str, at: Place, context_at: Place | None, lines: list[str]) -> Found:
    if not problem.startswith("mapping values are not allowed"):
        return None
    line = _line(lines, at)
    match = _KEY_VALUE.match(line)
    if match is not None and at[1] - 1 > match.end("key"):
        return at, f"text containing ': ' must be quoted: `{_with_quoted_value(line)}`"
    return at, (
        f"line {at[0]} is indented more than the key above it, so it reads as that key's text; "
        "the keys of one card start in the same column"
    )


def _misaligned(problem: str, context: str, at: Place, context_at: Place | None, lines: list[str]) -> Found:
    if problem not in ("did not find expected '-' indicator", "did not find expected key"):
        return None
    line = _line(lines, at)
    stripped = line.lstrip()
    if re.match(r"-[^\s-]", stripped):
        return at, f"a list item needs a space after '-': `- {stripped[1:]}`"
    if re.match(r"""^\s*(?:-\s+)?[\w-]+:\s*(["']).*?\1\s*[^\s#]""", line) and problem == "did not find expected key":
        return at, f"text goes on after the closing quote; quote the whole text: `{_with_quoted_value(line)}`"
    where = f" (the list began at line {context_at[0]}, column {context_at[1]})" if context_at else ""
    return at, (
        f"line {at[0]} is not indented like the lines around it{where}: the cards of a list each start "
        "with '- ' in the same column, and a card's keys line up under its first key"
    )


def _special_start(problem: str, context: str, at: Place, context_at: Place | None, lines: list[str]) -> Found:
    line = _line(lines, at)
    char = line[at[1] - 1] if 0 < at[1] <= len(line) else ""
    if problem == "found character that cannot start any token" and char == "\t":
        return at, "YAML cannot indent with tabs: use spaces"
    if context.startswith("while scanning an alias") or problem.startswith("found undefined alias"):
        place = context_at or at
        char = "*"
    elif context.startswith(("while scanning an anchor", "while scanning a tag")):
        place = context_at or at
        char = "&" if "anchor" in context else "!"
    elif problem == "found character that cannot start any token" and char in _SPECIAL_STARTS:
        place = at
    else:
        return None
    fixed = _with_quoted_value(_line(lines, place))
    return place, f"{_SPECIAL_STARTS[char]}; text starting with it must be quoted: `{fixed}`"


def _block_indicator(problem: str, context: str, at: Place, context_at: Place | None, lines: list[str]) -> Found:
    if not context.startswith("while scanning a block scalar") or context_at is None:
        return None
    line = _line(lines, context_at)
    char = line[context_at[1] - 1] if 0 < context_at[1] <= len(line) else ""
    if char not in _BLOCK_INDICATORS:
        return None
    return context_at, (
        f"a value starting with '{char}' begins a block of text on the lines below "
        f"('{char}' {_BLOCK_INDICATORS[char]}); "
        f"if '{char}' is part of the text, quote it: `{_with_quoted_value(line)}`"
    )


def _unclosed(problem: str, context: str, at: Place, context_at: Place | None, lines: list[str]) -> Found:
    if context_at is None:
        return None
    opened = f"line {context_at[0]}, column {context_at[1]}"
    if context.startswith("while parsing a flow sequence"):
        close = "end the list with ']', or quote the text if '[' is part of it"
        return at, f"the '[' opened at {opened} is not closed; {close}"
    if context.startswith("while parsing a flow mapping"):
        return at, f"the '{{' opened at {opened} is not closed; quote the text if '{{' is part of it"
    if context.startswith("while scanning a quoted scalar"):
        line = _line(lines, context_at)
        quote = line[context_at[1] - 1] if 0 < context_at[1] <= len(line) else '"'
        inside = "as '' inside '...'" if quote == "'" else 'as \\" inside "..."'
        return context_at, f"the quote {quote} opened here is never closed; close it (write a quote {inside})"
    return None


def _missing_colon(problem: str, context: str, at: Place, context_at: Place | None, lines: list[str]) -> Found:
    if not context.startswith("while scanning a simple key") or context_at is None:
        return None
    line = _line(lines, context_at)
    match = _NO_SPACE_AFTER_COLON.match(line)
    if match is not None:
        return context_at, f"a key needs a space after ':': `{match['key']}: {match['value']}`"
    return context_at, (
        f"line {context_at[0]} is neither 'key: value' nor a list item ('- ...'); "
        "text that goes on over several lines must be indented under its key"
    )


_EXPLAINERS = (_colon_in_text, _misaligned, _special_start, _block_indicator, _unclosed, _missing_colon)

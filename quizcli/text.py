"""Small text helpers shared by every layer (no terminal, no I/O)."""

from __future__ import annotations


def plural(count: int, noun: str) -> str:
    """``1 card``, ``2 cards``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def dump_json(data: object) -> str:
    """JSON as quizcli prints it: indented, UTF-8 kept readable, one trailing newline."""
    import json

    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

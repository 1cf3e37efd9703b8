"""Small text helpers shared by every layer (no terminal, no I/O)."""

from __future__ import annotations


def plural(count: int, noun: str) -> str:
    """``1 card``, ``2 cards``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"

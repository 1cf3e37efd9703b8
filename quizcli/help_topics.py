"""`quizcli help TOPIC`: the documentation installed with quizcli, one topic per ``docs/*.md`` file.

A pip install has no repository to browse, so the help texts and the starter deck name a topic
(``quizcli help deck-format``) instead of a path or a URL.
"""

from __future__ import annotations

from quizcli import paths
from quizcli.errors import QuizcliError


class UnknownTopicError(QuizcliError):
    """No installed document has that name."""


def topics() -> list[str]:
    """The topic names, sorted: the stems of the installed documents."""
    return sorted(path.stem for path in paths.docs_dir().glob("*.md"))


def topic_text(topic: str) -> str:
    """The document of one topic, as written (Markdown reads as plain text)."""
    known = topics()
    if topic not in known:
        raise UnknownTopicError(f"no help topic '{topic}'; the topics are: {', '.join(known)}")
    return (paths.docs_dir() / f"{topic}.md").read_text(encoding="utf-8")


def topic_list() -> str:
    """What ``quizcli help`` alone prints: each topic with its document's title."""
    lines = ["Help topics (quizcli help TOPIC):"]
    for topic in topics():
        first = (paths.docs_dir() / f"{topic}.md").read_text(encoding="utf-8").partition("\n")[0]
        lines.append(f"  {topic:<14} {first.lstrip('# ').strip()}")
    return "\n".join(lines) + "\n"

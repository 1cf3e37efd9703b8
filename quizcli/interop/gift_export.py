"""A deck as GIFT: every card kind GIFT can ask, with ids, tags and explanations kept.

Each question carries ``// [id:...]`` and ``// [tag:...]`` comments (read by
Moodle 4 and by quizcli's importer), the id as its ``::title::``, and its text
as ``[markdown]``.  Explanations become general feedback (``####``).  A cloze
card becomes one missing-word question per deletion number.  Flashcards are
left out: GIFT has no self-rated question.
"""

from __future__ import annotations

from quizcli.cards import Card, Deck
from quizcli.interop.model import Exported, Left
from quizcli.kinds.output import GiftQuestion

_SPECIAL = str.maketrans({c: "\\" + c for c in "\\~=#{}:"} | {"\n": "\\n", "\r": ""})


def escape(text: str) -> str:
    """GIFT text: ``~ = # { } : \\`` escaped and newlines written as ``\\n``, so a question stays one block.

    Text that starts like a ``[format]`` marker gets an explicit ``[markdown]`` in front, so it stays text.
    """
    escaped = text.translate(_SPECIAL)
    return f"[markdown]{escaped}" if text.startswith("[") else escaped


class _Gift:
    """GIFT's escaping, as the kinds write their questions with it (`quizcli.kinds.base.GiftText`)."""

    def escape(self, text: str) -> str:
        return escape(text)

    def text(self, text: str) -> str:
        return text.translate(_SPECIAL)

    def feedback(self, card: Card) -> str:
        return f"\n####{escape(card.explanation)}" if card.explanation else ""


def export_gift(deck: Deck) -> Exported:
    questions: list[str] = []
    left: list[Left] = []
    gift = _Gift()
    for card in deck.cards:
        for written in card.content.gift(card, gift):
            if isinstance(written, GiftQuestion):
                questions.append(_question(card, written.id, written.body))
            else:
                left.append(Left(written.part or card.id, written.reason))
    return Exported(text="\n\n".join(questions) + "\n" if questions else "", written=len(questions), left=tuple(left))


def _question(card: Card, question_id: str, body: str) -> str:
    comments = [f"// [id:{question_id}]", *(f"// [tag:{_comment_escaped(tag)}]" for tag in card.tags)]
    return "\n".join([*comments, f"::{question_id}::[markdown]{body}"])


def _comment_escaped(value: str) -> str:
    """A tag as Moodle reads it back from a ``// [tag:...]`` comment: ``\\`` and ``]`` escaped with a backslash."""
    return value.replace("\\", "\\\\").replace("]", "\\]")

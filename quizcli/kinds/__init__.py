"""The question kinds, one module each, and their registry.

Adding a kind: write its module (a content record satisfying `CardContent`
and its `Kind`), add the `Kind` to `KINDS` below, and describe it in
``deck.schema.json`` and docs/deck-format.md.  mypy checks the content has
every method of `CardContent`; the screens dispatch on `Answering`, not on kinds.
"""

from typing import TYPE_CHECKING

from quizcli.kinds import choice, cloze, flashcard, matching, ordering, true_false, typed
from quizcli.kinds.base import Kind

if TYPE_CHECKING:
    from quizcli.kinds.base import CardContent

# In the order a card's fields are tried: the first kind that recognises them reads the card.
KINDS: tuple[Kind, ...] = (
    flashcard.KIND,
    choice.KIND,
    matching.KIND,
    ordering.KIND,
    true_false.KIND,
    typed.KIND,
    cloze.KIND,
)
_BY_NAME = {kind.name: kind for kind in KINDS}
_BY_CONTENT = {kind.content: kind for kind in KINDS}


def kind_named(name: str) -> Kind:
    """The kind a JSON form or the deck index names; KeyError for an unknown name."""
    return _BY_NAME[name]


def kind_of(content: "CardContent") -> Kind:
    """The kind a content record (``Choice(...)``, ``Cloze(...)``...) belongs to."""
    return _BY_CONTENT[type(content)]

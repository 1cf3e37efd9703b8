"""The question kinds, one module each, and their registry.

Adding a kind: write its module (a content record satisfying `CardContent`,
whose class reads it as `ContentType` says, and its `Kind` as the module's
``KIND``), add its name to `_MODULES` below, and
describe it in ``deck.schema.json`` and docs/deck-format.md.  mypy checks the
content has every method of `CardContent`; the screens dispatch on
`Answering`, not on kinds.

A kind's module is imported the first time a card of that kind is met, so a
session loads only the kinds its deck uses; `all_kinds` loads every one (the
parser, which must try them all, and messages that list them).
"""

import sys
from importlib import import_module
from typing import TYPE_CHECKING

from quizcli.kinds.base import Kind

if TYPE_CHECKING:
    from quizcli.kinds.base import CardContent

# Kind name -> module, in the order a card's fields are tried: the first kind that recognises them reads the card.
_MODULES = {
    "flashcard": "flashcard",
    "choice": "choice",
    "matching": "matching",
    "ordering": "ordering",
    "true-false": "true_false",
    "typed": "typed",
    "cloze": "cloze",
}
_LOADED: dict[str, Kind] = {}


def kind_named(name: str) -> Kind:
    """The kind a JSON form or the deck index names; KeyError for an unknown name."""
    kind = _LOADED.get(name)
    if kind is None:
        kind = _LOADED[name] = _module_kind(f"quizcli.kinds.{_MODULES[name]}")
    return kind


def kind_of(content: "CardContent") -> Kind:
    """The kind a content record (``Choice(...)``, ``Cloze(...)``...) belongs to: its module's ``KIND``."""
    return _module_kind(type(content).__module__)


def all_kinds() -> tuple[Kind, ...]:
    """Every kind, in the order a card's fields are tried."""
    return tuple(kind_named(name) for name in _MODULES)


def _module_kind(module: str) -> Kind:
    loaded = sys.modules.get(module) or import_module(module)
    kind: Kind = loaded.KIND
    return kind

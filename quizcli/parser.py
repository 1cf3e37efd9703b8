"""Deck files (YAML) to `Deck` objects, with every problem located at line and column.

This is the only module that imports ``yaml``.  It never constructs Python
objects from YAML: it composes the node tree with the safe libyaml loader
(pure-Python ``SafeLoader`` when libyaml is missing) and walks the nodes
itself, so every value keeps its position, duplicate keys are caught, and
``yes``/``no`` stay text instead of silently becoming booleans.
"""

from __future__ import annotations

import difflib
import gc
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import yaml
from yaml.composer import Composer
from yaml.resolver import Resolver

from quizcli.cards import SOURCE_BYTES, Card, Deck, derived_id, valid_id
from quizcli.decks import MAX_DECK_BYTES, read_deck_file
from quizcli.diagnostics import Diagnostic, Severity
from quizcli.errors import DeckError
from quizcli.kinds import all_kinds
from quizcli.kinds.base import Kind, short
from quizcli.text import blake2b_digests

if TYPE_CHECKING:
    from quizcli.kinds.base import CardContent, Value

try:
    from yaml import CSafeLoader as _Loader
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _CParser  # type: ignore[assignment]
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

# Limits on what a deck file may make quizcli do (docs/reliability.md gives the measurements).
MAX_FILE_BYTES = MAX_DECK_BYTES  # read no further by decks.read_deck_file
MAX_DEPTH = 1000  # nesting levels; libyaml stops there by itself, and the alias scan below does too
MAX_ALIASES = 10_000  # '*name' references in one file
MAX_EXPANDED = MAX_FILE_BYTES  # characters plus nodes once every alias is expanded: no bigger than a file may be
MAX_CARDS = 200_000
_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_CORE}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}

DECK_KEYS = ("title", "description", "tags", "cards")
COMMON_KEYS = ("id", "tags", "explanation", "lint-ignore")
KINDS = all_kinds()
ALL_CARD_KEYS = sorted(set(COMMON_KEYS).union(*(kind.keys for kind in KINDS)))
# The key that names each family of kinds (front, question, cloze), and the keys that start one.
_FAMILIES = {kind.starts[0]: kind.starts for kind in KINDS}
_BOOLEAN_LOOKING = ("yes", "no", "y", "n", "on", "off")  # booleans in YAML 1.1, text in a deck
_MISSING_CODES = ("E103", "E113")  # a required key is missing
_NEW_CARD_KEYS = ("id", *_FAMILIES)  # a card's second one of these starts, most likely, the next card


@dataclass
class ParseResult:
    """The cards that parsed cleanly, and every diagnostic (errors and warnings)."""

    deck: Deck
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.WARNING]


class _Reporter:
    """Collects diagnostics for one file, so every problem is reported at once."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.diagnostics: list[Diagnostic] = []

    def at(self, line: int, column: int, code: str, message: str, severity: Severity = Severity.ERROR) -> None:
        """Record a problem at a 1-based line and column."""
        self.diagnostics.append(
            Diagnostic(path=self.path, line=line, column=column, severity=severity, code=code, message=message)
        )

    def at_mark(self, mark: Any, code: str, message: str) -> None:
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        self.at(line, column, code, message)

    def error(self, node: yaml.Node, code: str, message: str) -> None:
        self.at_mark(node.start_mark, code, message)

    def warning(self, node: yaml.Node, code: str, message: str) -> None:
        mark = node.start_mark
        self.at(mark.line + 1, mark.column + 1, code, message, Severity.WARNING)


Fields = dict[str, tuple[yaml.Node, yaml.Node]]


ProgressCallback = Callable[[int, int], None]


def read_deck(path: Path, name: str | None = None) -> ParseResult:
    """Read and parse a deck file; unreadable files raise, bad content becomes diagnostics."""
    return parse_bytes(read_deck_file(path), str(path), name or path.stem)


def parse_bytes(raw: bytes, path: str, name: str, on_card: ProgressCallback | None = None) -> ParseResult:
    """Decode (UTF-8, with or without BOM, or UTF-16 with BOM) and parse a deck file's content."""
    reporter = _Reporter(path)
    text = _decode(raw, reporter)
    if text is None:
        return ParseResult(Deck(name=name, path=path, title=name), reporter.diagnostics)
    return parse_deck(text, path, name, on_card)


class Sourced(NamedTuple):
    """Consecutive cards of a streamed deck file, with the digests of their texts in the file (each from the line of
    its '-' to the next card's), by which the deck index knows them again once the file is edited, and their lines.

    Either one card parsed (``card``; its source None when its first key is not on the line of its '-', so that
    its line is not its text's), or a run of cards whose texts the index holds parsed already (``card`` None; see
    `CardStream.reusing`).
    """

    card: Card | None
    sources: Sequence[bytes | None]
    lines: Sequence[int]


class CardStream:
    """A deck's cards parsed a chunk at a time, without the whole file's node tree: re-indexing streams them into
    the index, holding the nodes of a few hundred cards at a time instead of the whole tree, and parsing only the
    cards whose text the index does not hold already.

    Only a clean deck of the usual shape streams: a mapping whose last key is 'cards', no anchors, one document.
    Anything else (an error, a duplicate id, keys after 'cards', too many cards) stops the stream with ``complete``
    False, and the caller parses the file as a whole (`parse_bytes`), which reports every problem at once.
    ``on_card(done, total)`` reports how far into the file the stream has read.
    """

    def __init__(self, raw: bytes, path: str, name: str) -> None:
        self.raw, self.path, self.name = raw, path, name
        self.title, self.description = name, ""
        self.tags: tuple[str, ...] = ()
        self.complete = False
        self.reusable: Mapping[bytes, str] = {}
        self.reusable_tags: tuple[str, ...] = ()

    def reusing(self, reusable: Mapping[bytes, str], tags: tuple[str, ...]) -> None:
        """Hand on unparsed each card whose text has a digest in ``reusable`` (digest -> card id), as long as the
        deck's own tags, which every card holds, are still ``tags``: a card's parse depends on its text alone."""
        self.reusable, self.reusable_tags = reusable, tags

    def cards(self, on_card: ProgressCallback | None = None) -> Iterator[Sourced]:
        """Every card in file order; ``complete`` says afterwards whether the whole deck was read this way."""
        loader = _StreamLoader(self.raw)
        collecting = gc.isenabled()
        gc.disable()  # as in `parse_deck`; a chunk's nodes are freed by reference counting once it is parsed
        try:
            yield from self._cards(loader, _Reporter(self.path), on_card)
        except (_Unstreamable, yaml.YAMLError, RecursionError):
            self.complete = False  # the whole parse says what is wrong
        finally:
            loader.dispose()
            if collecting:
                gc.enable()

    def _cards(self, loader: _StreamLoader, rep: _Reporter, on_card: ProgressCallback | None) -> Iterator[Sourced]:
        for event in (yaml.StreamStartEvent, yaml.DocumentStartEvent, yaml.MappingStartEvent):
            if not loader.check_event(event):
                return
            start = loader.get_event()
        header: list[tuple[yaml.Node, yaml.Node]] = []
        while not loader.check_event(yaml.MappingEndEvent):
            key = loader.next_node()
            if _scalar_text(key) == "cards" and loader.check_event(yaml.SequenceStartEvent):
                break
            header.append((key, loader.next_node()))
        else:
            return
        root = yaml.MappingNode(f"{_CORE}map", header, start.start_mark, start.end_mark)  # type: ignore[union-attr,arg-type]
        tags = self._header(root, rep)
        sequence = loader.peek_event()
        if sequence.flow_style or _has_error(rep):  # type: ignore[union-attr]
            return  # a '[...]' list of cards is parsed whole
        mark = sequence.start_mark  # type: ignore[union-attr]
        if mark is None:
            return
        reusable = self.reusable if tags == self.reusable_tags else {}
        seen: set[str] = set()
        for entry in _entries(self.raw, mark.line, mark.column, reusable, _CardParse(rep, tags), on_card):
            card = entry.card
            ids = [card.id] if card is not None else [reusable[source] for source in entry.sources]  # type: ignore[index]
            before = len(seen)
            seen.update(ids)
            if len(seen) != before + len(ids) or len(seen) > MAX_CARDS:
                return  # a duplicate id, or too many cards
            yield entry
        self.complete = bool(seen)

    def _header(self, root: yaml.Node, rep: _Reporter) -> tuple[str, ...]:
        """The deck's title and description, and its tags, from the keys before 'cards'."""
        fields = _mapping(root, rep, "a deck") or {}
        _reject_unknown(fields, DECK_KEYS, rep, "deck")
        self.title = _optional_text(fields, "title", rep) or self.name
        self.description = _optional_text(fields, "description", rep) or ""
        self.tags = _tags(fields, rep)
        return self.tags


class _CardParse:
    """A streamed card's node to its card; a card with an error stops the stream (the whole parse reports it)."""

    def __init__(self, rep: _Reporter, deck_tags: tuple[str, ...]) -> None:
        self.rep, self.deck_tags = rep, deck_tags

    def __call__(self, node: yaml.Node) -> Card:
        card = _card(node, self.rep, self.deck_tags)
        if card is None or _has_error(self.rep):
            raise _Unstreamable
        self.rep.diagnostics.clear()  # its warnings: a stream keeps none, and need not look through them again
        return card


_OTHER_BREAKS = (b"\xc2\x85", b"\xe2\x80\xa8", b"\xe2\x80\xa9")  # NEL, LS and PS in UTF-8
CHUNK_CARDS = 500  # cards composed at a time by libyaml: few enough to keep memory flat, enough to keep it fast


def _entries(
    raw: bytes,
    line: int,
    column: int,
    reusable: Mapping[bytes, str],
    parse: Callable[[yaml.Node], Card],
    on_card: ProgressCallback | None,
) -> Iterator[Sourced]:
    """The entries of the block list whose '-' is at ``line`` and ``column``, each with its text's digest: a run of
    those whose digest is in ``reusable`` at a time, unparsed; the others parsed, libyaml composing the text of a
    chunk of consecutive entries at a time.

    An entry starts on a line that holds its '-' at the list's column, since everything inside an entry is
    indented further.  A quoted or bracketed text can break that rule, but then a chunk is cut mid-text and fails
    to compose, or composes into fewer entries, which stops the stream; so does anything after the list (it would
    not be part of a list).  So a text the index holds parsed was an entry's whole text then, as it is now.
    """
    starts = _entry_starts(raw, line, column)
    ends = starts[1:] + array("q", [len(raw)])
    sources = blake2b_digests(raw, zip(starts, ends, strict=True), SOURCE_BYTES)
    lines = array("q", accumulate(map(raw.count, repeat(b"\n"), starts, ends), initial=line + 1))  # from 1
    known = [source in reusable for source in sources]
    done = 0
    while done < len(starts):
        if known[done]:
            end = _index(known, False, done)
            yield Sourced(None, sources[done:end], lines[done:end])
        else:
            end = min(_index(known, True, done), done + CHUNK_CARDS)
            yield from _composed(raw, starts[done], ends[end - 1], lines[done:end], sources[done:end], parse)
        done = end
        if on_card is not None:
            on_card(ends[done - 1], len(raw))


def _index(values: list[bool], value: bool, start: int) -> int:
    """Where ``value`` is next in ``values`` from ``start`` on; their length when it is not."""
    try:
        return values.index(value, start)
    except ValueError:
        return len(values)


def _entry_starts(raw: bytes, line: int, column: int) -> array[int]:
    """Where each entry of the block list whose '-' is at ``line`` and ``column`` starts (its line's start)."""
    start = 0
    for _ in range(line):
        start = raw.index(b"\n", start) + 1
    dash = b"\n" + b" " * column + b"-"  # at a line's start, then a space or a line break
    starts, found = array("q"), raw.find(dash, start - 1) if start else -1
    while found != -1:
        after = found + len(dash)
        if after < len(raw) and raw[after] in b" \t\r\n":
            starts.append(found + 1)
        found = raw.find(dash, after)
    if not starts or starts[0] != start:
        raise _Unstreamable
    return starts


def _composed(
    raw: bytes, begin: int, end: int, lines: array[int], sources: list[bytes], parse: Callable[[yaml.Node], Card]
) -> Iterator[Sourced]:
    """The cards of the consecutive entries from ``begin`` to ``end``, starting on ``lines``, their text composed
    by libyaml at once, and each card's line set back to the file's."""
    root = yaml.compose(raw[begin:end], Loader=_Loader)
    if not isinstance(root, yaml.SequenceNode) or len(root.value) != len(sources):
        raise _Unstreamable
    for node, line, source in zip(root.value, lines, sources, strict=True):
        shown = node.start_mark
        node.start_mark = yaml.Mark(shown.name, shown.index, shown.line + lines[0] - 1, shown.column, None, 0)
        card = parse(node)
        yield Sourced(card, [source if card.line == line else None], [card.line])


class _StreamLoader(_CParser, Composer, Resolver):
    """libyaml's events, composed into nodes in Python one node at a time (libyaml composes whole documents)."""

    def __init__(self, raw: bytes) -> None:
        _CParser.__init__(self, raw)
        Composer.__init__(self)
        Resolver.__init__(self)

    def next_node(self) -> yaml.Node:
        """The node whose events come next (past a mapping's key, or at a sequence's entry)."""
        if self.check_event(yaml.AliasEvent):
            raise _Unstreamable  # no anchor was written ('&' is not in the text): the whole parse reports it
        node: yaml.Node = Composer.compose_node(self, None, None)  # type: ignore[arg-type,assignment]
        return node


class _Unstreamable(Exception):
    """What the file holds next cannot be streamed: it is parsed whole instead."""


def _has_error(rep: _Reporter) -> bool:
    return any(d.severity is Severity.ERROR for d in rep.diagnostics)


def card_stream(raw: bytes, path: str, name: str) -> CardStream | None:
    """The deck's cards as a `CardStream`; None when it cannot stream (see there), so it must be parsed whole."""
    if b"&" in raw or raw.startswith((b"\xff\xfe", b"\xfe\xff")) or _other_line_breaks(raw):
        return None
    if _decode(raw, _Reporter(path)) is None:
        return None
    return CardStream(raw, path, name)  # libyaml reads UTF-8 bytes as they are: no decoded copy is kept


def _other_line_breaks(raw: bytes) -> bool:
    """Whether libyaml would count a line break other than '\\n' (and '\\r\\n'): a lone '\\r', or NEL, LS or PS in
    UTF-8.  A stream counts its cards' lines by '\\n' alone, so the cards after one would not be on libyaml's lines."""
    lone_return = b"\r" in raw and raw.count(b"\r") != raw.count(b"\r\n")
    return lone_return or any(mark in raw for mark in _OTHER_BREAKS)


def load_deck(path: Path, name: str | None = None) -> Deck:
    """Parse a deck, raising `DeckError` with every problem when it has any error."""
    result = read_deck(path, name)
    if result.errors:
        raise DeckError(result.diagnostics)
    return result.deck


def _decode(raw: bytes, reporter: _Reporter) -> str | None:
    if len(raw) > MAX_FILE_BYTES:
        reporter.at(1, 1, "E100", f"file is larger than {MAX_FILE_BYTES // 2**20} MiB; split the deck")
        return None
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):  # before UTF-16, whose mark starts UTF-32's
        try:
            return raw.decode("utf-32")
        except UnicodeDecodeError:
            reporter.at(1, 1, "E100", "file starts with a UTF-32 mark but is not valid UTF-32")
            return None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            reporter.at(1, 1, "E100", "file starts with a UTF-16 mark but is not valid UTF-16")
            return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start)
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1)
        reporter.at(line + 1, column + 1, "E100", "file is not valid UTF-8 text; save it as UTF-8")
        return None
    if "\x00" in text:
        reporter.at(1, 1, "E100", "file contains NUL bytes; it is not a text deck")
        return None
    return text


def parse_deck(text: str, path: str, name: str, on_card: ProgressCallback | None = None) -> ParseResult:
    """Parse deck text; never raises for bad content (problems become diagnostics).

    The garbage collector is paused meanwhile: a big deck makes millions of
    small objects that are all still in use, and collecting over them more
    than doubles the parse time.  ``on_card(done, total)`` reports progress.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _parse(text, path, name, on_card)
    finally:
        if collecting:
            gc.enable()


def _parse(text: str, path: str, name: str, on_card: ProgressCallback | None) -> ParseResult:
    reporter = _Reporter(path)
    empty = Deck(name=name, path=path, title=name)
    composed, root = _compose(text, reporter)
    if not composed:
        return ParseResult(empty, reporter.diagnostics)
    if root is None:
        reporter.at(1, 1, "E101", "the file is empty; a deck needs at least a 'cards:' list")
        return ParseResult(empty, reporter.diagnostics)
    deck = _deck(root, reporter, name, path, on_card) or empty
    return ParseResult(deck, sorted(reporter.diagnostics, key=lambda d: (d.line, d.column)))


def _compose(text: str, rep: _Reporter) -> tuple[bool, yaml.Node | None]:
    """The document's node tree (None for an empty one), or False after reporting why there is none."""
    try:
        if "&" in text:  # no '&', no anchor, so no alias: the scan costs a quarter of a parse, skipped when it can be
            _check_aliases(text)
        return True, yaml.compose(text, Loader=_Loader)
    except _LimitError as exc:
        rep.at_mark(exc.mark, "E100", str(exc))
    except yaml.MarkedYAMLError as exc:
        _report_syntax_error(exc, text, rep)
    except (yaml.YAMLError, RecursionError) as exc:
        rep.at(1, 1, "E100", f"YAML syntax: {exc}")
    return False, None


def parse_cards(text: str, path: str) -> ParseResult:
    """Cards given apart from a deck file (``quizcli add --stdin``): a list of cards, one card, or a whole deck.

    JSON is YAML too, so ``[{"front": "x", "back": "y"}]`` reads the same as the YAML list.
    """
    reporter = _Reporter(path)
    empty = Deck(name="stdin", path=path, title="stdin")
    composed, root = _compose(text, reporter)
    if root is None:
        if composed:
            reporter.at(1, 1, "E101", "no cards given")
        return ParseResult(empty, reporter.diagnostics)
    if isinstance(root, yaml.MappingNode) and not any(_scalar_text(key) == "cards" for key, _ in root.value):
        root = yaml.SequenceNode(f"{_CORE}seq", [root], root.start_mark, root.end_mark)
    if isinstance(root, yaml.SequenceNode):
        cards_key = yaml.ScalarNode(f"{_CORE}str", "cards", root.start_mark, root.start_mark)
        root = yaml.MappingNode(f"{_CORE}map", [(cards_key, root)], root.start_mark, root.end_mark)
    deck = _deck(root, reporter, "stdin", path, None) or empty
    return ParseResult(deck, sorted(reporter.diagnostics, key=lambda d: (d.line, d.column)))


def _report_syntax_error(exc: yaml.MarkedYAMLError, text: str, rep: _Reporter) -> None:
    """A YAML syntax error, located where the mistake is and explained in plain words where it can be."""
    from quizcli.yaml_hints import explain

    problem = exc.problem or exc.context or "invalid YAML"
    if "nesting depth" in problem:
        problem += f" (at most {MAX_DEPTH} levels; a deck needs 4)"
    context = exc.context if exc.problem else None
    explained = explain(problem, context, _place(exc.problem_mark), _place(exc.context_mark), text)
    rep.at(*explained.place, "E100", explained.message)


def _place(mark: Any) -> tuple[int, int] | None:
    return None if mark is None else (mark.line + 1, mark.column + 1)


class _LimitError(Exception):
    """The document would exceed one of the limits above."""

    def __init__(self, message: str, mark: Any) -> None:  # libyaml's marks are not yaml.Mark, but alike
        super().__init__(message)
        self.mark = mark


def _check_aliases(text: str) -> None:
    """Refuse alias bombs ("billion laughs") before any node is built, from the event stream alone.

    Each event adds its size to a running total (a scalar its length plus one, a collection
    one), and an alias adds the size its anchor stood for, so the total is the size of the
    document with every alias written out; nesting is counted on the way.
    """
    sizes: dict[str, int] = {}
    open_anchors: list[tuple[str | None, int]] = []
    expanded = aliases = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            aliases += 1
            if event.anchor not in sizes:
                raise _LimitError(f"alias '*{event.anchor}' refers to a node that contains it", event.start_mark)
            expanded += sizes[event.anchor]
        elif isinstance(event, yaml.ScalarEvent):
            expanded += len(event.value) + 1
            if event.anchor is not None:
                sizes[event.anchor] = len(event.value) + 1
        elif isinstance(event, yaml.CollectionStartEvent):
            open_anchors.append((event.anchor, expanded))
            expanded += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor, start = open_anchors.pop()
            if anchor is not None:
                sizes[anchor] = expanded - start
        _within_limits(len(open_anchors), aliases, expanded, event.start_mark)


def _within_limits(depth: int, aliases: int, expanded: int, mark: Any) -> None:
    if depth > MAX_DEPTH:
        raise _LimitError(f"nested deeper than {MAX_DEPTH} levels (a deck needs 4)", mark)
    if aliases > MAX_ALIASES:
        raise _LimitError(f"more than {MAX_ALIASES:,} aliases ('*name'); write the text out instead", mark)
    if expanded > MAX_EXPANDED:
        raise _LimitError(f"aliases expand the deck beyond {MAX_EXPANDED // 2**20} MiB (an alias bomb?)", mark)


def _deck(root: yaml.Node, rep: _Reporter, name: str, path: str, on_card: ProgressCallback | None) -> Deck | None:
    fields = _mapping(root, rep, "a deck")
    if fields is None:
        return None
    _reject_unknown(fields, DECK_KEYS, rep, "deck")
    title = _optional_text(fields, "title", rep) or name
    description = _optional_text(fields, "description", rep) or ""
    tags = _tags(fields, rep)
    if "cards" not in fields:
        rep.error(root, "E103", "missing 'cards': a deck needs a list of cards")
        return Deck(name=name, path=path, title=title, description=description, tags=tags)
    cards_node = fields["cards"][1]
    if _is_null(cards_node):
        card_nodes: list[yaml.Node] = []
    elif isinstance(cards_node, yaml.SequenceNode):
        card_nodes = cards_node.value
    else:
        rep.error(cards_node, "E101", "'cards' must be a list of cards (each starting with '- ')")
        return Deck(name=name, path=path, title=title, description=description, tags=tags)
    if not card_nodes:
        rep.warning(cards_node, "W202", "deck has no cards")
    if len(card_nodes) > MAX_CARDS:
        rep.error(cards_node, "E100", f"{len(card_nodes):,} cards: a deck holds at most {MAX_CARDS:,}; split it")
        return Deck(name=name, path=path, title=title, description=description, tags=tags)
    parsed = []
    for number, node in enumerate(card_nodes, start=1):
        card = _card(node, rep, tags)
        if card is not None:
            parsed.append((card, node))
        if on_card is not None and number % 1000 == 0:
            on_card(number, len(card_nodes))
    cards = _unique_cards(parsed, rep)
    return Deck(name=name, path=path, title=title, description=description, tags=tags, cards=tuple(cards))


def _unique_cards(parsed: list[tuple[Card, yaml.Node]], rep: _Reporter) -> list[Card]:
    """Drop (and report) cards whose id repeats an earlier card's."""
    first_line: dict[str, int] = {}
    unique = []
    for card, node in parsed:
        if card.id in first_line:
            hint = "" if card.explicit_id else " (two cards with the same text: give them explicit ids)"
            rep.error(node, "E107", f"duplicate id '{card.id}' (first used on line {first_line[card.id]}){hint}")
            continue
        first_line[card.id] = card.line
        unique.append(card)
    return unique


def _card(node: yaml.Node, rep: _Reporter, deck_tags: tuple[str, ...]) -> Card | None:
    fields = _mapping(node, rep, "a card")
    if fields is None:
        return None
    view = _CardFields(fields, node, rep, _misspelled(fields))
    kind = _kind(view)
    if kind is None:
        _reject_unknown(fields, ALL_CARD_KEYS, rep, "card")
        return None
    _reject_unknown(fields, COMMON_KEYS + kind.keys, rep, kind.label)
    errors_before = len(rep.diagnostics)
    content = kind.read(view)
    if content is None or any(d.severity is Severity.ERROR for d in rep.diagnostics[errors_before:]):
        return None
    if kind.name == "typed":
        _warn_boolean_looking(fields["answer"][1], rep)
    card_tags = tuple(dict.fromkeys(deck_tags + _tags(fields, rep)))
    explanation = _optional_text(fields, "explanation", rep) or ""
    lint_ignore = _text_list(fields["lint-ignore"][1], rep, "lint-ignore") if "lint-ignore" in fields else ()
    card_id = _card_id(content, fields, node, rep)
    if card_id is None:
        return None
    return Card(
        id=card_id[0],
        content=content,
        explanation=explanation,
        tags=card_tags,
        lint_ignore=lint_ignore or (),
        explicit_id=card_id[1],
        line=node.start_mark.line + 1,
    )


def _kind(fields: _CardFields) -> Kind | None:
    """The first kind of the card's family that recognises its fields; a card in no family or two is reported."""
    families = [name for name, starts in _FAMILIES.items() if any(key in fields for key in starts)]
    if len(families) > 1:
        names = _either([f"'{name}'" for name in _FAMILIES])
        fields.error("E111", f"a card has one of {names}, not {' and '.join(families)}")
        return None
    if not families:
        if any(key in fields.misspelled for starts in _FAMILIES.values() for key in starts):
            return None  # the misspelled key is reported (with its did-you-mean) instead
        named = [f"'{name}' ({', '.join(k.name for k in KINDS if k.starts[0] == name)})" for name in _FAMILIES]
        fields.error("E103", f"a card needs {_either(named)}")
        return None
    return next(kind for kind in KINDS if kind.starts[0] == families[0] and kind.recognises(fields))


def _warn_boolean_looking(answer: yaml.Node, rep: _Reporter) -> None:
    """Warn when a YAML 1.1 boolean word (``answer: no``) is taken as typed text: a true/false card was likely meant."""
    word = _scalar_text(answer)
    quoted = isinstance(answer, yaml.ScalarNode) and bool(answer.style)  # style: the quote, or none
    if word is None or quoted or word.lower() not in _BOOLEAN_LOOKING:
        return
    truth = "true" if word.lower() in ("yes", "y", "on") else "false"
    rep.warning(
        answer,
        "W204",
        f"'answer: {word}' makes a typed-answer card whose answer is the word '{word}'; for a true/false "
        f"card write 'answer: {truth}', or quote the word to keep it typed: 'answer: \"{word}\"'",
    )


def _either(names: list[str]) -> str:
    return ", ".join(names[:-1]) + f" or {names[-1]}"


def _card_id(content: CardContent, fields: Fields, node: yaml.Node, rep: _Reporter) -> tuple[str, bool] | None:
    """The card's id and whether it was written (else it is derived from the prompt, with a warning)."""
    if "id" not in fields:
        card_id = derived_id(content.prompt)
        rep.warning(node, "W201", f"card has no id (derived '{card_id}'); editing its text will reset its progress")
        return card_id, False
    id_node = fields["id"][1]
    explicit = _scalar_text(id_node)
    if explicit is None or not valid_id(explicit):
        rep.error(id_node, "E112", "id must be letters, digits, '-', '_' or '.', starting with a letter or digit")
        return None
    return explicit, True


class _NodeValue:
    """A YAML node as a kind reads it (`quizcli.kinds.base.Value`): its text, its items, its place."""

    def __init__(self, node: yaml.Node, rep: _Reporter) -> None:
        self.node, self.rep = node, rep

    def text(self) -> str | None:
        return _scalar_text(self.node)

    def is_null(self) -> bool:
        return _is_null(self.node)

    def items(self) -> list[Value] | None:
        if not isinstance(self.node, yaml.SequenceNode):
            return None
        return [_NodeValue(item, self.rep) for item in self.node.value]

    def boolean(self) -> bool | None:
        return _boolean(self.node)

    def describe(self) -> str:
        return _describe(self.node)

    def error(self, code: str, message: str) -> None:
        self.rep.error(self.node, code, message)


class _CardFields:
    """A card's fields as a kind reads them (`quizcli.kinds.base.DeckFields`), reporting at their places.

    A key missing because it was misspelled (``qestion``) is reported once, as the
    unknown key with its did-you-mean, not again as missing.
    """

    def __init__(self, fields: Fields, node: yaml.Node, rep: _Reporter, misspelled: frozenset[str]) -> None:
        self.fields, self.node, self.rep, self.misspelled = fields, node, rep, misspelled

    def __contains__(self, key: str) -> bool:
        return key in self.fields

    def value(self, key: str) -> Value | None:
        return _NodeValue(self.fields[key][1], self.rep) if key in self.fields else None

    def marker(self, key: str) -> Value:
        return _NodeValue(self.fields[key][1], self.rep)

    def required_text(self, key: str) -> str | None:
        if key not in self.fields and key in self.misspelled:
            return None
        return _required_text(self.fields, key, self.node, self.rep)

    def optional_bool(self, key: str) -> bool | None:
        return _optional_bool(self.fields, key, self.rep)

    def text_list(self, key: str) -> tuple[str, ...] | None:
        return _text_list(self.fields[key][1], self.rep, key) if key in self.fields else None

    def error(self, code: str, message: str) -> None:
        if code in _MISSING_CODES and any(f"'{key}:'" in message for key in self.misspelled):
            return
        self.rep.error(self.node, code, message)


def _misspelled(fields: Fields) -> frozenset[str]:
    """The card keys that the card's unknown keys are close to: ``qestion`` stands for ``question``."""
    unknown = [key for key in fields if key not in ALL_CARD_KEYS]
    return frozenset(match for key in unknown for match in difflib.get_close_matches(key, ALL_CARD_KEYS, 1, 0.6))


# ---- generic node helpers ------------------------------------------------------------


def _mapping(node: yaml.Node, rep: _Reporter, what: str) -> Fields | None:
    """A mapping node's fields by key, reporting a non-mapping, odd keys and duplicates.

    In a card, a second ``id`` (or ``front``, ``question``, ``cloze``) is most likely
    the next card written without its ``- ``: that is reported once, and the keys from
    there on are left out rather than each reported as another duplicate.
    """
    if not isinstance(node, yaml.MappingNode):
        rep.error(node, "E101", f"expected {what} as 'key: value' lines, found {_describe(node)}")
        return None
    fields: Fields = {}
    for key_node, value_node in node.value:
        key = _scalar_text(key_node)
        if key is None:
            rep.error(key_node, "E101", "keys must be plain words")
            continue
        if key in fields:
            first = fields[key][0].start_mark.line + 1
            if what == "a card" and key in _NEW_CARD_KEYS:
                hint = f"is '- ' missing before it, to start a new card (`- {key}: ...`)?"
                rep.error(key_node, "E110", f"duplicate key '{key}' (first on line {first}): {hint}")
                break
            rep.error(key_node, "E110", f"duplicate key '{key}' (first on line {first})")
            continue
        _check_tag(value_node, rep)
        fields[key] = (key_node, value_node)
    return fields


def _check_tag(node: yaml.Node, rep: _Reporter) -> None:
    if isinstance(node, yaml.ScalarNode) and node.tag not in _SCALAR_TAGS:
        rep.error(node, "E114", f"YAML tag '{node.tag}' is not allowed in a deck")
    elif isinstance(node, yaml.SequenceNode) and node.tag != f"{_CORE}seq":
        rep.error(node, "E114", f"YAML tag '{node.tag}' is not allowed in a deck")
    elif isinstance(node, yaml.MappingNode) and node.tag != f"{_CORE}map":
        rep.error(node, "E114", f"YAML tag '{node.tag}' is not allowed in a deck")


def _reject_unknown(fields: Fields, allowed: tuple[str, ...] | list[str], rep: _Reporter, where: str) -> None:
    for key, (key_node, _) in fields.items():
        if key in allowed:
            continue
        if key in ALL_CARD_KEYS and where != "deck":
            rep.error(key_node, "E111", f"'{key}' does not belong on a {where}")
            continue
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else f" (expected one of: {', '.join(allowed)})"
        rep.error(key_node, "E102", f"unknown key '{key}' in {where}{hint}")


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    return "nothing" if _is_null(node) else f"'{short(str(node.value))}'"


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == f"{_CORE}null"


def _scalar_text(node: yaml.Node) -> str | None:
    """A scalar's text exactly as written (``3.10`` stays ``3.10``); None for non-scalars and null."""
    if not isinstance(node, yaml.ScalarNode) or _is_null(node) or node.tag not in _SCALAR_TAGS:
        return None
    return str(node.value)


def _boolean(node: yaml.Node) -> bool | None:
    """True/false only for the words true and false: ``yes``, ``no``, ``on``, ``off`` stay text."""
    if isinstance(node, yaml.ScalarNode) and node.tag == f"{_CORE}bool":
        return {"true": True, "false": False}.get(str(node.value).lower())
    return None


def _required_text(fields: Fields, key: str, card: yaml.Node, rep: _Reporter) -> str | None:
    if key not in fields:
        rep.error(card, "E103", f"missing '{key}'")
        return None
    return _text_value(fields[key][1], rep, key)


def _optional_text(fields: Fields, key: str, rep: _Reporter) -> str | None:
    if key not in fields or _is_null(fields[key][1]):
        return None
    return _text_value(fields[key][1], rep, key)


def _text_value(node: yaml.Node, rep: _Reporter, key: str) -> str | None:
    if _is_null(node):
        rep.error(node, "E104", f"'{key}' is empty")
        return None
    text = _scalar_text(node)
    if text is None:
        rep.error(node, "E101", f"'{key}' must be text, found {_describe(node)}")
        return None
    if not text.strip():
        rep.error(node, "E104", f"'{key}' is empty")
        return None
    return text.strip("\n")


def _optional_bool(fields: Fields, key: str, rep: _Reporter) -> bool | None:
    if key not in fields:
        return None
    node = fields[key][1]
    value = _boolean(node)
    if value is None:
        rep.error(node, "E101", f"'{key}' must be true or false, found {_describe(node)}")
    return value


def _text_list(node: yaml.Node, rep: _Reporter, key: str) -> tuple[str, ...] | None:
    if not isinstance(node, yaml.SequenceNode):
        rep.error(node, "E101", f"'{key}' must be a list, e.g. [first, second], found {_describe(node)}")
        return None
    values = [_text_value(item, rep, f"{key} item") for item in node.value]
    if any(v is None for v in values):
        return None
    return tuple(v for v in values if v is not None)


def _tags(fields: Fields, rep: _Reporter) -> tuple[str, ...]:
    if "tags" not in fields or _is_null(fields["tags"][1]):
        return ()
    node = fields["tags"][1]
    if isinstance(node, yaml.ScalarNode):
        tags: tuple[str, ...] | None = (t,) if (t := _text_value(node, rep, "tags")) else None
    else:
        tags = _text_list(node, rep, "tags")
    if tags is None:
        return ()
    for tag in tags:
        if any(ch.isspace() for ch in tag):
            rep.error(node, "E101", f"tag '{short(tag)}' contains a space; use '-' instead")
    return tuple(t for t in tags if not any(ch.isspace() for ch in t))

"""A fast path for the HTML most Anki fields hold: markdownify's result without BeautifulSoup or markdownify.

Fields written by Anki's editor are mostly text in ``div``, ``br``, ``b``, ``i``,
``u`` and ``span`` tags and lists, with entities.  For such a field this module builds the
same tree BeautifulSoup's ``html.parser`` builder would and applies markdownify's
rules for those tags (whitespace next to blocks, newline collapsing, ``chomp`` of
inline markup), so the result is identical (tests/test_interop_html_fast.py checks
it against markdownify on generated fields).  Anything else (another tag, a tag
left open or closed out of order, an attribute it cannot read, an entity HTML 5 does
not name) returns None, and the caller uses markdownify.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.entities import html5

# Tag -> the markup markdownify wraps its text in ("" for a tag it keeps only the text of).
_INLINE = {"b": "**", "strong": "**", "i": "*", "em": "*", "u": "", "span": "", "font": ""}
_PARAGRAPHS = frozenset(("div", "p"))
_LISTS = frozenset(("ul", "ol"))
_BLOCKS = _PARAGRAPHS | _LISTS | {"li"}  # markdownify drops whitespace inside and beside these
_MAX_DEPTH = 64
_ATTRIBUTES = r"""(?:\s+[A-Za-z_:][-.\w:]*(?:\s*=\s*(?:"[^"<]*"|'[^'<]*'|[^\s"'=<>`]+))?)*"""
_TOKEN = re.compile(
    rf"<(?P<end>/)?(?P<name>[A-Za-z][A-Za-z0-9]*)(?(end)\s*|(?P<attrs>{_ATTRIBUTES})\s*(?P<void>/)?)>"
    r"|&(?:(?P<entity>[A-Za-z][A-Za-z0-9]*)|#(?P<decimal>[0-9]{1,5}));"
    r"|(?P<text>[^<&]+)"
)
_NEWLINE_SPACE = re.compile(r"[\t \r\n]*[\r\n][\t \r\n]*")  # markdownify's re_newline_whitespace
_SPACE = re.compile(r"[\t ]+")  # markdownify's re_whitespace
_NEWLINES = re.compile(r"^(\n*)((?:.*[^\n])?)(\n*)$", re.DOTALL)  # markdownify's re_extract_newlines
_LINE = re.compile(r"^(.*)", re.MULTILINE)  # markdownify's re_line_with_content
_ASCII_SPACES = str.maketrans("", "", " \n\t\x0c\r")

Node = str | tuple[str, list["Node"]]  # text, or (tag name, children)


def simple_markdown(html: str) -> str | None:
    """markdownify's conversion of ``html`` (comments removed, stray ``<`` escaped), or None when it is not simple."""
    root = _tree(html)
    return None if root is None else _convert(("[document]", root)).strip("\n")


def _tree(html: str) -> list[Node] | None:
    """The nodes BeautifulSoup would build (adjacent text joined, whitespace-only text shortened), or None."""
    root: list[Node] = []
    stack: list[tuple[str, list[Node]]] = []
    children, text, position = root, [], 0
    for token in _TOKEN.finditer(html):
        if token.start() != position:
            return None
        position = token.end()
        if token["text"] is not None:
            text.append(token["text"])
        elif token["entity"] is not None or token["decimal"] is not None:
            character = _character(token["entity"], token["decimal"])
            if character is None:
                return None
            text.append(character)
        else:
            _flush(text, children)
            name = token["name"].lower()
            if name == "br":
                if token["end"] is not None:
                    return None
                children.append(("br", []))
            elif name not in _INLINE and name not in _BLOCKS or token["void"] is not None:
                return None
            elif name == "ol" and "start" in (token["attrs"] or "").lower():  # numbering from elsewhere
                return None
            elif token["end"] is None:
                if len(stack) == _MAX_DEPTH:
                    return None
                element: tuple[str, list[Node]] = (name, [])
                children.append(element)
                stack.append(element)
                children = element[1]
            elif not stack or stack.pop()[0] != name:
                return None
            else:
                children = stack[-1][1] if stack else root
    if position != len(html) or stack:
        return None
    _flush(text, children)
    return root


def _character(entity: str | None, decimal: str | None) -> str | None:
    if entity is not None:
        return html5.get(f"{entity};")
    number = int(decimal or "0")
    return chr(number) if 32 <= number < 127 or 160 <= number < 0xD800 else None


def _flush(text: list[str], children: list[Node]) -> None:
    """End a run of text as BeautifulSoup does: joined, and shortened to one newline or space if only whitespace."""
    if text:
        joined = "".join(text)
        if not joined.translate(_ASCII_SPACES):
            joined = "\n" if "\n" in joined else " "
        children.append(joined)
        text.clear()


def _is_block(node: Node | None) -> bool:
    return isinstance(node, tuple) and node[0] in _BLOCKS


def _convert(element: tuple[str, list[Node]], parents: tuple[str, ...] = (), marker: str = "") -> str:
    """markdownify's ``process_tag`` for this subset of tags.  ``marker`` is a list item's bullet or number, and
    for a list ``"\n"`` when content other than a list follows it."""
    name, children = element
    inside_block = name in _BLOCKS
    last = len(children) - 1
    strings, items = [], 0
    for index, child in enumerate(children):
        before = children[index - 1] if index > 0 else None
        after = children[index + 1] if index < last else None
        if isinstance(child, tuple):
            items += child[0] == "li"
            strings.append(_convert(child, (*parents, name), _marker(child[0], name, items, children[index + 1 :])))
        elif child.strip() != "":
            strings.append(_text(child, before, after, inside_block))
        elif not (inside_block and (before is None or after is None)) and not (_is_block(before) or _is_block(after)):
            strings.append(_text(child, before, after, inside_block))
    return _finish(name, _joined(s for s in strings if s), parents, marker)


def _marker(name: str, parent: str, items: int, following: list[Node]) -> str:
    """A list item's bullet (``-``) or number (``3.`` in an ``ol``); for a list, whether content follows it."""
    if name == "li":
        return f"{items}." if parent == "ol" else "-"
    if name in _LISTS:
        content = next((node for node in following if isinstance(node, tuple) or node.strip() != ""), None)
        return "\n" if content is not None and not (isinstance(content, tuple) and content[0] in _LISTS) else ""
    return ""


def _text(text: str, before: Node | None, after: Node | None, inside_block: bool) -> str:
    """markdownify's ``process_text`` outside ``pre``, without escaping (quizcli turns escaping off)."""
    text = _SPACE.sub(" ", _NEWLINE_SPACE.sub("\n", text))
    if _is_block(before) or (inside_block and before is None):
        text = text.lstrip(" \t\r\n")
    if _is_block(after) or (inside_block and after is None):
        text = text.rstrip()
    return text


def _joined(strings: Iterable[str]) -> str:
    """Child strings joined, newlines where two meet collapsed to the larger count (at most two)."""
    parts = [""]
    for string in strings:
        match = _NEWLINES.match(string)
        assert match is not None  # the pattern matches any string
        leading, content, trailing = match.groups()
        if parts[-1] and leading:
            leading = "\n" * min(2, max(len(parts.pop()), len(leading)))
        parts.extend((leading, content, trailing))
    return "".join(parts)


def _finish(name: str, text: str, parents: tuple[str, ...], marker: str) -> str:
    """markdownify's ``convert_<name>`` for the tags this module takes."""
    if name in _PARAGRAPHS:
        text = text.strip() if name == "div" else text.strip(" \t\r\n")
        return f"\n\n{text}\n\n" if text else ""
    if name in _LISTS:
        return "\n" + text.rstrip() if "li" in parents else "\n\n" + text + marker
    if name == "li":
        return _list_item(text.strip(), marker)
    if name == "br":
        return "  \n" + text
    markup = _INLINE.get(name, "")
    if not markup:
        return text
    prefix = " " if text and text[0] == " " else ""
    suffix = " " if text and text[-1] == " " else ""
    text = text.strip()
    return f"{prefix}{markup}{text}{markup}{suffix}" if text else ""


def _list_item(text: str, marker: str) -> str:
    """markdownify's ``convert_li``: the marker before the first line, the others indented as wide."""
    if not text:
        return "\n"
    bullet = marker + " "
    indent = " " * len(bullet)
    text = _LINE.sub(lambda line: indent + line[1] if line[1] else "", text)
    return bullet + text[len(bullet) :] + "\n"

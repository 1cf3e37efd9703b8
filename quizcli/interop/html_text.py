"""HTML fields (GIFT ``[html]`` text, Anki fields) to Markdown, and deck Markdown to HTML for Anki.

HTML is converted by markdownify (a well-kept converter over BeautifulSoup), imported here on the
first HTML field that needs it, so only ``quizcli import`` of a file with markup pays for loading it;
a field without markup skips it, and one holding only the tags Anki's editor writes (``div``, ``br``,
``b``, ``i``, ``span``...) and entities takes `quizcli.interop.simple_html`, which gives the same
result without building a BeautifulSoup tree.  The Markdown written into Anki fields is the little a flashcard uses:
``**bold**``, ``*italics*``, `` `code` `` and line breaks, with ``& < >`` escaped.
"""

from __future__ import annotations

import re
import warnings
from functools import cache
from typing import TYPE_CHECKING

from quizcli.interop.simple_html import simple_markdown

if TYPE_CHECKING:
    from markdownify import MarkdownConverter

HTML_HINT = re.compile(
    r"<(br|b|i|u|p|div|span|img|a|ul|ol|li|strong|em|sub|sup|code|pre|hr|h[1-6])\b[^<>]*>|&[a-z]+;|&#\d+;", re.I
)  # [^<>]: a search from each '<' stops at the next one, so it stays linear in the text
# A '<' that does not open a complete tag: escaped before parsing, as html.parser takes time quadratic in their
# number (complete comments are taken out first: an unclosed one is text).
_STRAY_LT = re.compile(r"<(?![/?]?[A-Za-z][^<>]*>)")
_TAG = re.compile(r"<[^<>]*>")
_MARKUP = re.compile(r"[<&]")
_EMPHASIS = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|(?<![*\w])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![*\w])|`([^`\n]+)`")


@cache
def _converter() -> MarkdownConverter:
    from markdownify import MarkdownConverter

    return MarkdownConverter(
        heading_style="ATX",
        bullets="-",
        autolinks=False,
        escape_asterisks=False,  # the text is kept as written: a deck's '*' is not escaped either
        escape_underscores=False,
        escape_misc=False,
    )


def html_to_markdown(html: str) -> str:
    """Markup to its Markdown equivalent (bold, italics, code, lists, links, images, rules), entities decoded."""
    if not _MARKUP.search(html):
        return " ".join(html.split())  # HTML runs whitespace together: so does a field without markup
    safe = _STRAY_LT.sub("&lt;", _without_comments(html))
    text = simple_markdown(safe)
    if text is not None:
        return _tidy(text.replace("\xa0", " "))
    try:
        with warnings.catch_warnings():  # BeautifulSoup warns when a field looks like a file name or a URL
            warnings.simplefilter("ignore")
            text = _converter().convert(safe)
    except RecursionError:  # markdownify recurses per level of nesting: hundreds of levels are read as text
        from html import unescape

        text = unescape(_TAG.sub(" ", safe))
    return _tidy(text.replace("\xa0", " "))


def _without_comments(html: str) -> str:
    """``<!-- ... -->`` comments removed, found by `str.find` so that unclosed ones cost linear time."""
    kept, position = [], 0
    while (start := html.find("<!--", position)) >= 0 and (end := html.find("-->", start + 4)) >= 0:
        kept.append(html[position:start])
        position = end + 3
    return "".join(kept) + html[position:]


def _tidy(text: str) -> str:
    """Spaces run together and lines stripped (markdownify ends a ``<br>`` with two) outside code; no blank runs."""
    lines, in_code = [], False
    for line in text.split("\n"):
        fence = line.strip().startswith("```")
        in_code = in_code != fence
        lines.append(line.rstrip() if in_code or fence else " ".join(line.split()))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def markdown_to_html(text: str) -> str:
    """A deck's text as an Anki field: ``& < >`` escaped, bold, italics and code as tags, line breaks as ``<br>``."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    tagged = _EMPHASIS.sub(_tag, escaped)
    return tagged.replace("\r\n", "\n").replace("\n", "<br>")


def _tag(match: re.Match[str]) -> str:
    bold, italic, code = match.groups()
    if bold is not None:
        return f"<b>{bold}</b>"
    return f"<i>{italic}</i>" if italic is not None else f"<code>{code}</code>"

"""HTML fields (GIFT ``[html]`` text, Anki fields with ``#html:true``) to Markdown, entities decoded."""

from __future__ import annotations

import re
from html.parser import HTMLParser

HTML_HINT = re.compile(
    r"<(br|b|i|u|p|div|span|img|a|ul|ol|li|strong|em|sub|sup|code|pre|h[1-6])\b[^<>]*>|&[a-z]+;|&#\d+;", re.I
)  # [^<>]: a search from each '<' stops at the next one, so it stays linear in the text
# A '<' that does not open a complete tag: escaped before parsing, as html.parser takes time quadratic in their number.
_STRAY_LT = re.compile(r"<(?![/!?]?[A-Za-z][^<>]*>)")
_INLINE = {"b": "**", "strong": "**", "i": "*", "em": "*", "code": "`", "tt": "`"}
_BLOCK = {"p", "div", "ul", "ol", "table", "tr", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"}
_SKIP = {"script", "style", "head", "title"}


class _MarkdownWriter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[tuple[int, str]] = []
        self.skipping = 0
        self.pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag in _SKIP:
            self.skipping += 1
        elif tag in _INLINE:
            self.parts.append(_INLINE[tag])
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag == "pre":
            self.pre += 1
            self.parts.append("\n\n```\n")
        elif tag == "a":
            self.links.append((len(self.parts), values.get("href", "")))
        elif tag == "img":
            self.parts.append(f"![{values.get('alt', '')}]({values.get('src', '')})")
        elif tag in _BLOCK:
            self.parts.append("\n\n" + ("#" * int(tag[1]) + " " if tag[0] == "h" else ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _INLINE:
            self.parts.append(_INLINE[tag])
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
            self.parts.append("\n```\n\n")
        elif tag == "a" and self.links:
            start, href = self.links.pop()
            if href:
                self.parts.insert(start, "[")
                self.parts.append(f"]({href})")
        elif tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data if self.pre else re.sub(r"[ \t\r\n]+", " ", data))


def html_to_markdown(html: str) -> str:
    """Markup to its Markdown equivalent (bold, italics, code, lists, links, line breaks), the rest as text."""
    writer = _MarkdownWriter()
    writer.feed(_STRAY_LT.sub("&lt;", html))
    writer.close()
    text = "".join(writer.parts).replace("\xa0", " ")
    lines, in_code = [], False
    for line in text.split("\n"):
        in_code = in_code != (line == "```")
        lines.append(line.rstrip() if in_code or line == "```" else line.strip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()

"""HTML fields to Markdown, timed: quizcli's converter (markdownify) against the hand-written one it replaced.

Converts the same few thousand Anki-like fields with each and prints the time per field, and the
cost of importing markdownify (BeautifulSoup included) in a fresh interpreter, which only
`quizcli import` of a file with HTML pays.  The hand-written converter is kept here, and only here,
as the baseline; the cases it got wrong are in tests/test_interop_html.py.

    python benchmarks/html_fields.py [FIELDS]
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from html.parser import HTMLParser

from quizcli.interop.html_text import html_to_markdown

SAMPLES = (
    "Capital of <b>France</b>?",
    "Paris &amp; nowhere else<br>(not Lyon)",
    "<div>The <i>mitochondria</i> is the <strong>powerhouse</strong> of the cell</div>",
    "<ul><li>ruthenium</li><li>rhodium</li><li>palladium</li></ul>",
    '<a href="https://example.org/a">a link</a> and <img src="heart.png" alt="heart">',
    "<pre>def f(x):\n    return x * 2</pre>",
    "Réponse<strong> incorrecte.</strong>",
    '<p>Q1</p><hr id="answer"><p>A1 with <code>x &lt; y</code></p>',
)


class _HandWritten(HTMLParser):
    """The converter quizcli used before markdownify (bold, italics, code, lists, links, line breaks)."""

    INLINE = {"b": "**", "strong": "**", "i": "*", "em": "*", "code": "`"}
    BLOCK = {"p", "div", "ul", "ol", "blockquote", "h1", "h2", "h3"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag in self.INLINE:
            self.parts.append(self.INLINE[tag])
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag == "a":
            self.links.append((len(self.parts), values.get("href", "")))
        elif tag == "img":
            self.parts.append(f"![{values.get('alt', '')}]({values.get('src', '')})")
        elif tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.INLINE:
            self.parts.append(self.INLINE[tag])
        elif tag == "a" and self.links:
            start, href = self.links.pop()
            self.parts.insert(start, "[")
            self.parts.append(f"]({href})")
        elif tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(re.sub(r"[ \t\r\n]+", " ", data))


def hand_written(html: str) -> str:
    writer = _HandWritten()
    writer.feed(html)
    writer.close()
    return re.sub(r"\n{3,}", "\n\n", "".join(writer.parts)).strip()


def per_field(convert: object, fields: list[str]) -> float:
    assert callable(convert)
    started = time.perf_counter()
    for field in fields:
        convert(field)
    return (time.perf_counter() - started) / len(fields)


def import_seconds() -> float:
    code = "import time; t = time.perf_counter(); import markdownify; print(time.perf_counter() - t)"
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def main(count: int) -> None:
    fields = [SAMPLES[i % len(SAMPLES)] + f" #{i}" for i in range(count)]
    html_to_markdown(fields[0])  # markdownify imported before the clock starts
    ours, baseline = per_field(html_to_markdown, fields), per_field(hand_written, fields)
    print(f"{count} fields: markdownify {ours * 1e6:7.1f} us a field, hand-written {baseline * 1e6:7.1f} us a field")
    print(f"importing markdownify (with BeautifulSoup): {import_seconds() * 1e3:.0f} ms, paid by `quizcli import` only")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)

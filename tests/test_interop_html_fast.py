"""The fast path for simple HTML fields gives exactly what markdownify gives, and declines everything else."""

from __future__ import annotations

from html.entities import html5

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizcli.interop.html_text import _converter, html_to_markdown
from quizcli.interop.simple_html import simple_markdown

from test_interop_properties import SETTINGS

TAGS = ("b", "strong", "i", "em", "u", "span", "font", "div", "p", "B", "DiV", "ul", "ol", "li", "li", "LI")
ATTRIBUTES = ("", ' style="color: rgb(0, 0, 255);"', " class=x", " dir='ltr'", " hidden", ' a = "1" b=2')
TEXT = st.text(alphabet="ab *_>=#-\n\t\r\xa0é.1", min_size=1, max_size=8)
ENTITIES = st.one_of(
    st.sampled_from(sorted(name for name in html5 if name.endswith(";"))).map(lambda name: f"&{name}"),
    st.sampled_from((32, 38, 60, 62, 65, 126, 160, 233, 8212, 55295)).map(lambda code: f"&#{code};"),
)
BREAKS = st.sampled_from(("<br>", "<br/>", "<br />", "<BR>"))


def elements(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    def element(tag: str, attributes: str, inner: list[str]) -> str:
        return f"<{tag}{attributes}>{''.join(inner)}</{tag.lower() if len(inner) % 2 else tag}>"

    return st.builds(element, st.sampled_from(TAGS), st.sampled_from(ATTRIBUTES), st.lists(children, max_size=4))


FIELDS = st.lists(st.recursive(st.one_of(TEXT, ENTITIES, BREAKS), elements, max_leaves=12), min_size=1, max_size=5).map(
    "".join
)


def markdownify(html: str) -> str:
    return _converter().convert(html)


@SETTINGS
@given(FIELDS)
def test_simple_fields_convert_exactly_as_markdownify_does(html: str) -> None:
    assert simple_markdown(html) == markdownify(html)


@pytest.mark.parametrize(
    "html",
    [
        "<div><b>Question</b> number 5:&nbsp;what is &quot;term&quot;?</div>",
        "Meaning<br><br><u>Example:</u> <b>bold</b> and <em>stress</em>&nbsp;&mdash; done",
        "<div>a</div>\n <div> <br> </div>\t<b> x </b>y<p> <i></i> </p>",
        "<b><b>twice</b></b> <strong> </strong>z",
        "<ul><li>first</li><li><i>second</i><ol><li>a</li> <li>b<br>c</li></ol></li></ul>after",
    ],
)
def test_anki_editor_fields_take_the_fast_path(html: str) -> None:
    assert simple_markdown(html) is not None
    assert simple_markdown(html) == markdownify(html)


@pytest.mark.parametrize(
    "html",
    [
        "<table><tr><td>one</td></tr></table>",  # a tag it does not know
        '<ol start="3"><li>three</li></ol>',
        "<b>left open",
        "<b><i>crossed</b></i>",
        "stray </b> end tag",
        "<div/>",
        "</br>",
        "a &unknownentity; b",
        "a & b",
        "&#0;",
        "&#150;",  # read as windows-1252 by BeautifulSoup
        '<span title="a&lt;b">x</span',
        "<b>" * 70 + "deep" + "</b>" * 70,
    ],
)
def test_anything_else_is_left_to_markdownify(html: str) -> None:
    assert simple_markdown(html) is None


def test_an_anki_field_reads_the_same_through_either_path() -> None:
    html = "<div>Answer 7</div><div><br></div><div>with <b>a second</b> line &lt;7&gt;</div>"
    assert html_to_markdown(html) == "Answer 7\n\nwith **a second** line <7>"

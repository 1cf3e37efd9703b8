"""HTML fields to Markdown (markdownify) and deck Markdown to Anki's HTML: the cases real files got wrong."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizcli.interop.anki import import_anki
from quizcli.interop.html_text import html_to_markdown, markdown_to_html

from test_interop_properties import SETTINGS


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        ("Réponse<strong> incorrecte.</strong>", "Réponse **incorrecte.**"),
        ("<strong><br><br>X</strong>", "**X**"),
        ('<p>Q1</p><hr id="answer"><p>A1</p>', "Q1\n\n---\n\nA1"),
        ('Q1<hr id="answer">A1', "Q1\n\n---\n\nA1"),
        ('<a href="https://x.org"><!-- from the wiki -->the text</a>', "[the text](https://x.org)"),
        ("Capital of <b>France</b>?", "Capital of **France**?"),
        ("Paris &amp; nowhere&nbsp;else<br>(not Lyon)", "Paris & nowhere else\n(not Lyon)"),
        ("<ul><li>one</li><li>two</li></ul>", "- one\n- two"),
        ("<i>it</i>, <code>x*y</code>, 2*3 and a_b", "*it*, `x*y`, 2*3 and a_b"),
        ("<pre>def f(x):\n    return x</pre>", "```\ndef f(x):\n    return x\n```"),
        ('<img src="heart.png" alt="heart">', "![heart](heart.png)"),
        ("<script>alert(1)</script>kept", "kept"),
        ("a <!-- never closed", "a <!-- never closed"),
        ("x < y and a&lt;b", "x < y and a<b"),
        ("no markup,   just  spaces", "no markup, just spaces"),
    ],
)
def test_html_fields_become_markdown(html: str, markdown: str) -> None:
    assert html_to_markdown(html) == markdown


def test_nesting_too_deep_for_the_converter_is_read_as_text() -> None:
    assert html_to_markdown("<b>" * 3000 + "deep &amp; down" + "</b>" * 3000) == "deep & down"


def test_an_anki_card_export_reads_front_and_back_apart() -> None:
    result = import_anki('#separator:tab\n#html:true\nQ1\t"Q1<hr id=""answer"">A1 <b> bold.</b>"\n')
    [card] = result.cards
    assert card.content.to_json()["back"] == "Q1\n\n---\n\nA1 **bold.**"


def test_deck_markdown_becomes_anki_html() -> None:
    assert markdown_to_html("**Bold** and *it* with `a<b` & 2*3*4\nnext") == (
        "<b>Bold</b> and <i>it</i> with <code>a&lt;b</code> &amp; 2*3*4<br>next"
    )


words = st.from_regex(r"[a-zA-Z0-9]([a-zA-Z0-9 .,?!()<>&;#{}:-]{0,10}[a-zA-Z0-9])?", fullmatch=True).map(
    lambda word: " ".join(word.split())
)


@SETTINGS
@given(parts=st.lists(st.tuples(st.sampled_from(["", "**", "*", "`"]), words), min_size=1, max_size=6))
def test_markdown_to_html_and_back_keeps_the_text_and_its_emphasis(parts: list[tuple[str, str]]) -> None:
    text = " ".join(f"{mark}{word}{mark}" for mark, word in parts)
    assert html_to_markdown(markdown_to_html(text)) == text

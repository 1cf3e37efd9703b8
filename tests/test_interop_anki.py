"""Anki plain-text notes: file headers, quoting, sniffing, header rows, cloze notes and guids."""

from __future__ import annotations

import csv

from quizcli.interop.anki import NO_SEPARATOR, guid_id, import_anki
from quizcli.kinds.choice import Choice
from quizcli.kinds.cloze import Cloze
from quizcli.kinds.flashcard import Flashcard
from quizcli.kinds.typed import Typed

from interop_helpers import by_id, fixture, skipped, written_back


def test_headers_name_the_guid_notetype_and_tags_columns() -> None:
    result = import_anki(fixture("headers.anki.txt"))
    assert result.skipped == () and result.title == "Geography"
    cards = by_id(result)
    basic = cards["fr-capital"]
    assert basic.content == Flashcard(front="Capital of **France**?", back="Paris & nowhere else")
    assert basic.tags == ("europe", "capitals") and basic.line == 8


def test_a_guid_that_is_not_a_valid_id_gets_the_id_a_package_of_the_note_gets() -> None:
    """A text export and a package of the same notes give the same ids, so progress follows either."""
    cards = by_id(import_anki(fixture("headers.anki.txt")))
    reversed_card = cards[guid_id("c;7Dq+|x%2")]  # the package importer's id for this GUID
    assert reversed_card.id.startswith("anki-")
    assert reversed_card.content == Flashcard(front="de", back="Germany", reverse=True)


def test_cloze_and_type_in_notetypes() -> None:
    cards = by_id(import_anki(fixture("headers.anki.txt")))
    cloze = cards["cloze-1"]
    assert cloze.content == Cloze(text="{{c1::Canberra::city}} is the capital of {{c2::Australia}}")
    assert cloze.explanation == "Not Sydney." and [i.id for i in cloze.items()] == ["cloze-1:c1", "cloze-1:c2"]
    typed = cards["typed-1"]
    assert isinstance(typed.content, Typed) and typed.content.answer == "Rome"


def test_quoted_fields_span_lines_with_doubled_quotes_and_html_folds_them() -> None:
    card = by_id(import_anki(fixture("headers.anki.txt")))["multiline"]
    assert card.content == Flashcard(front='A "quoted" front', back="two lines")


def test_a_comma_file_with_a_header_row() -> None:
    result = import_anki(fixture("header-row.anki.csv"))
    assert [c.content for c in result.cards] == [
        Flashcard(front="bonjour", back="hello"), Flashcard(front="merci, beaucoup", back="thank you very much"),
        Flashcard(front="au revoir", back="goodbye\nfor now"),
    ]  # fmt: skip
    assert [c.line for c in result.cards] == [2, 3, 4]


def test_a_plain_tab_file_without_headers_skips_comment_lines() -> None:
    result = import_anki(fixture("plain.anki.tsv"))
    assert [(c.content, c.line) for c in result.cards] == [
        (Flashcard(front="hund", back="dog"), 1), (Flashcard(front="katze", back="cat"), 2),
        (Flashcard(front="maus", back="mouse"), 4),
    ]  # fmt: skip


def test_cloze_notes_are_recognised_without_a_notetype_and_mistakes_are_located() -> None:
    result = import_anki(fixture("errors.anki.txt"))
    assert [(c.content, c.explanation) for c in result.cards] == [
        (Cloze(text="The {{c1::mitochondria}} is the powerhouse of the cell"), "Biology 101"),
        (Cloze(text="{{c1::Paris::city}} is on the {{c2::Seine}}"), ""),
    ]
    assert skipped(result) == [(5, NO_SEPARATOR), (6, "a quoted field opened on line 6 is never closed")]
    assert [(f.line, f.reason) for f in result.flagged] == [
        (4, "its last field may go on on line 5, which was skipped")
    ]


def test_imported_decks_pass_check() -> None:
    for name in ("headers.anki.txt", "header-row.anki.csv", "plain.anki.tsv", "errors.anki.txt", "id-front-back-tags.anki.tsv",
                 "vocabulary-header.anki.csv", "question-options.anki.csv", "raw-newline.anki.csv",
                 "headerless-cloze.anki.tsv"):  # fmt: skip
        assert written_back(import_anki(fixture(name))).diagnostics == []


def test_pipe_separator_global_tags_notetype_and_a_deck_column() -> None:
    text = (
        "#separator:Pipe\n#html:false\n#tags:vocab\n#notetype:Basic (type in the answer)\n#deck column:3\n"
        "chat|cat|French::Animals\n<b>chien</b>|dog|French\n"
    )
    result = import_anki(text)
    assert [(c.content, c.tags) for c in result.cards] == [
        (Typed(question="chat", answer="cat"), ("vocab", "French::Animals")),
        (Typed(question="<b>chien</b>", answer="dog"), ("vocab", "French")),
    ]


def test_a_header_row_maps_the_columns_by_name() -> None:
    result = import_anki(fixture("id-front-back-tags.anki.tsv"))
    assert [(c.id, c.content, c.tags, c.line) for c in result.cards] == [
        ("q-1", Flashcard(front="Capital of France?", back="Paris"), ("geo", "europe"), 2),
        ("q-2", Flashcard(front="Capital of Peru?", back="Lima"), ("geo",), 3),
    ]


def test_a_header_row_of_language_names_is_not_a_card() -> None:
    result = import_anki(fixture("vocabulary-header.anki.csv"))
    assert [c.content for c in result.cards] == [
        Flashcard(front="사과", back="apple"), Flashcard(front="물", back="water"),
    ]  # fmt: skip
    assert result.cards[0].explanation == "사과를 먹어요"


def test_a_question_and_options_table_becomes_choice_cards() -> None:
    result = import_anki(fixture("question-options.anki.csv"))
    assert [(c.content, c.tags) for c in result.cards] == [
        (Choice(question="Which is a prime?", choices=("4", "6", "7", "9"), correct=(2,)), ("Maths",)),
        (Choice(question="Which language has pointers?", choices=("Python", "C", "C++", "C#"), correct=(2,)),
         ("Programming",)),
        (Choice(question="Solve x+4=2", choices=("-2.0", "2.0", "6", "-6"), correct=(0,)), ("Maths",)),
        (Choice(question="Cheapest?", choices=("$10", "$-10", "$0", "$1"), correct=(1,)), ("Money",)),
    ]  # fmt: skip
    assert skipped(result) == [(6, "answer 'E' is not one of the options")]


def test_a_raw_line_break_in_an_unquoted_field_is_reported_and_the_note_before_flagged() -> None:
    result = import_anki(fixture("raw-newline.anki.csv"))
    assert [c.content for c in result.cards] == [
        Flashcard(front="What is HTTP?", back="A protocol"), Flashcard(front="What is DNS?", back="Name lookup"),
    ]  # fmt: skip
    assert skipped(result) == [(3, NO_SEPARATOR)]
    assert [(f.line, f.reason) for f in result.flagged] == [
        (2, "its last field may go on on line 3, which was skipped")
    ]


def test_cloze_markup_in_any_field_makes_a_cloze_card() -> None:
    result = import_anki(fixture("headerless-cloze.anki.tsv"))
    assert [(c.id, c.content, c.explanation, c.tags) for c in result.cards] == [
        ("aB3dE5fG7h", Cloze(text="The {{c1::Danube}} flows through {{c2::Vienna}}"), "A river", ("geo",)),
        ("zY8xW6vU4t", Cloze(text="{{c1::Prague}} is on the Vltava"), "", ("geo",)),
    ]
    second_field = import_anki("#separator:tab\nRivers\tThe {{c1::Rhine}} ends in Rotterdam\tDutch\n")
    assert [(c.content, c.explanation) for c in second_field.cards] == [
        (Cloze(text="The {{c1::Rhine}} ends in Rotterdam"), "Rivers\n\nDutch")
    ]


def test_a_field_longer_than_csvs_own_limit_is_read_whole_and_the_limit_is_put_back() -> None:
    long = "x" * 200_000
    limit = csv.field_size_limit()
    [card] = import_anki(f'"{long}"\tback\n').cards
    assert card.content == Flashcard(front=long, back="back")
    assert csv.field_size_limit() == limit


def test_a_megabyte_of_quotes_is_one_unclosed_field_not_a_crash() -> None:
    assert skipped(import_anki('"' * 1_000_001)) == [(1, "a quoted field opened on line 1 is never closed")]

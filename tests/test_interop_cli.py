"""The new, schema, import and export commands and check --strict, run as a user would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizcli.cli import app
from quizcli.interop.detect import detect_format, format_of_name
from quizcli.interop.model import ImportFormatError
from quizcli.schema import SCHEMA_FILE

from conftest import LONG_CONTEXT_SNAPSHOT, write_deck
from interop_helpers import FIXTURES, LESSON

runner = CliRunner()


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


@pytest.mark.parametrize(
    ("name", "expected"),
    [("moodle.aiken.txt", "aiken"), ("errors.aiken.txt", "aiken"), ("moodle.gift.txt", "gift"),
     ("errors.gift.txt", "gift"), ("headers.anki.txt", "anki"), ("header-row.anki.csv", "anki"),
     ("plain.anki.tsv", "anki"), ("errors.anki.txt", "anki"), ("with-key.lesson.txt", "lesson")],
)  # fmt: skip
def test_formats_are_detected_from_the_content(name: str, expected: str) -> None:
    assert detect_format((FIXTURES / name).read_text(encoding="utf-8")) == expected


def test_undetectable_text_is_an_error_naming_the_formats() -> None:
    with pytest.raises(ImportFormatError, match=r"give --format \(aiken\|gift\|anki\|lesson\|json\|apkg\|hashcards\)"):
        detect_format("just a sentence of prose.\n")


@pytest.mark.parametrize(
    ("name", "expected"),
    [("a.csv", "anki"), ("A.TSV", "anki"), ("q.gift", "gift"), ("deck.json", "json"), ("notes.md", "hashcards"),
     ("x.txt", None), ("README", None), ("archive.csv.txt", None)],
)  # fmt: skip
def test_the_extension_names_the_format(name: str, expected: str | None) -> None:
    assert format_of_name(name) == expected


def test_a_csv_with_one_brace_cell_is_anki_text_by_its_name_and_by_its_content(tmp_path: Path) -> None:
    source = FIXTURES / "quiz-questions.csv"
    result = run("import", str(source))
    assert result.exit_code == 0 and "format: anki (from the file name; --format chooses another)" in result.stderr
    assert "imported 30, skipped 0" in result.stderr
    assert "print(f'{value=}') show?" in result.stdout
    assert detect_format(source.read_text(encoding="utf-8")) == "anki"  # the same text named .txt


def test_a_markdown_deck_with_latex_braces_is_read_as_hashcards(tmp_path: Path) -> None:
    source = FIXTURES / "series.md"
    result = run("import", str(source), "-o", str(tmp_path / "series.yaml"))
    assert result.exit_code == 0 and "format: hashcards (from the file name" in result.stdout
    assert "imported 4, skipped 0" in result.stdout
    assert run("check", str(tmp_path / "series.yaml")).exit_code == 0
    assert detect_format(source.read_text(encoding="utf-8")) == "hashcards"


def test_a_sniffed_guess_that_leaves_most_lines_unused_is_refused(tmp_path: Path) -> None:
    prose = tmp_path / "notes.txt"
    prose.write_text("Some notes on sets.\nA set has members.\nThe {=empty} set is a set.\nSets nest.\nThe end.\n")
    result = run("import", str(prose))
    assert result.exit_code == 1 and result.stdout == ""
    assert (
        "cannot tell which format this is: read as gift it would use 1 of its 5 lines; give --format" in result.stderr
    )
    assert run("import", str(prose), "--format", "gift").exit_code == 0


def test_import_prints_the_deck_and_reports_on_stderr() -> None:
    result = run("import", str(FIXTURES / "moodle.aiken.txt"))
    assert result.exit_code == 0
    assert result.stdout.startswith(f"# yaml-language-server: $schema={SCHEMA_FILE.resolve()}\n")
    assert "format: aiken (detected; --format chooses another)" in result.stderr
    assert result.stderr.rstrip().endswith("imported 3, skipped 0")


def test_import_with_skips_exits_1_and_lists_each_with_its_line(tmp_path: Path) -> None:
    source = FIXTURES / "errors.gift.txt"
    result = run("import", str(source), "-o", str(tmp_path / "out.yaml"))
    assert result.exit_code == 1
    assert f"{source}:4: skipped: a matching answer needs '->' between the item and its match" in result.stdout
    assert "imported 1, skipped 6" in result.stdout
    assert run("check", str(tmp_path / "out.yaml")).exit_code == 0


def test_importing_the_lesson_reports_eight_questions_needing_answers(tmp_path: Path) -> None:
    out = tmp_path / "lesson.yaml"
    result = run("import", str(LESSON), "-o", str(out))
    assert result.exit_code == 0
    assert f"{LESSON}:39: note: needs an answer: Attention dilution means:" in result.stdout
    assert "imported 8, skipped 0; 8 need an answer" in result.stdout
    check = run("check", str(out))
    assert check.exit_code == 1 and check.stdout.count("needs an answer") == 8 and f"{out}:6:5:" in check.stdout


def test_import_never_overwrites_without_force(tmp_path: Path) -> None:
    out = write_deck(tmp_path, "mine", "cards: []\n")
    result = run("import", str(FIXTURES / "moodle.aiken.txt"), "-o", str(out))
    assert result.exit_code == 1 and f"quizcli: error: {out} already exists; use --force" in result.stderr
    assert out.read_text() == "cards: []\n"
    assert run("import", str(FIXTURES / "moodle.aiken.txt"), "-o", str(out), "--force").exit_code == 0


def test_import_errors_are_messages_not_tracebacks(tmp_path: Path) -> None:
    latin1 = tmp_path / "old.txt"
    latin1.write_bytes("Caf\xe9?\nA) oui\nB) non\nANSWER: A\n".encode("latin-1"))
    result = run("import", str(latin1))
    assert result.exit_code == 1 and "not UTF-8 text; save the file as UTF-8" in result.stderr
    bad_json = tmp_path / "deck.json"
    bad_json.write_text('{"cards": [\n  {"id": }\n]}')
    result = run("import", str(bad_json), "--format", "json")
    assert result.exit_code == 1 and f"quizcli: error: {bad_json}:2: not valid JSON" in result.stderr
    assert run("import", str(latin1), "--format", "word").exit_code == 2


def test_export_gift_lists_what_gift_cannot_hold() -> None:
    result = run("export", "long-context", "--format", "gift")
    assert result.exit_code == 1
    assert "// [id:q1-dilution]\n// [tag:transformers]\n" in result.stdout
    assert (
        "::q1-dilution::[markdown]Attention dilution means\\:{\n\t~Attention gets too focused\n\t=Attention"
        in result.stdout
    )
    assert "skipped long-context-issues: flashcard: GIFT has no self-rated question" in result.stderr
    assert "exported 21, skipped 12" in result.stderr


def test_export_anki_writes_headers_guids_and_cloze_notes(tmp_path: Path) -> None:
    out = tmp_path / "deck.txt"
    result = run("export", str(LONG_CONTEXT_SNAPSHOT), "--format", "anki", "-o", str(out))
    assert result.exit_code == 0 and "exported 28, skipped 0" in result.stdout
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[:5] == ["#separator:tab", "#html:true", "#guid column:1", "#notetype column:2", "#tags column:5"]
    assert "#deck:Long-Context Attention Issues" in lines
    assert any(line.startswith("cloze-lost-in-the-middle\tCloze\tModels often perform worse on information in the "
                               "{{c1::middle::which part?}} of long contexts.") for line in lines)  # fmt: skip
    assert any(
        "\tBasic\tAttention dilution means:<br><br>A) Attention gets too focused<br>B)" in line for line in lines
    )


def test_export_json_is_the_show_json_structure() -> None:
    exported = json.loads(run("export", "long-context", "--format", "json").stdout)
    assert exported == json.loads(run("show", "long-context", "--json").stdout)


def test_export_aiken_keeps_single_answer_choice_cards() -> None:
    result = run("export", "long-context", "--format", "aiken")
    assert result.stdout.startswith("Attention dilution means:\nA) Attention gets too focused\n")
    assert "exported 8, skipped 22" in result.stderr and result.exit_code == 1


def test_new_writes_a_starter_deck_in_the_decks_directory(user_decks: Path) -> None:
    result = run("new", "biology")
    path = user_decks / "biology.yaml"
    assert result.exit_code == 0
    assert result.stdout == f"created {path}\nstudy it with: quizcli study biology\n"
    assert path.read_text().startswith(f"# yaml-language-server: $schema={SCHEMA_FILE.resolve()}\n")
    strict = run("check", "biology", "--strict")
    assert strict.exit_code == 0 and "1 deck, 5 cards, 0 errors, 0 warnings" in strict.stdout
    again = run("new", "biology")
    assert again.exit_code == 1 and "already exists; use --force" in again.stderr


def test_new_in_another_directory_and_refusing_paths(tmp_path: Path) -> None:
    result = run("new", "chem", "--dir", str(tmp_path))
    assert result.exit_code == 0 and f"study it with: quizcli study {tmp_path / 'chem.yaml'}" in result.stdout
    for bad in ("../escape", "a/b", "..", ".hidden"):
        refused = run("new", bad, "--dir", str(tmp_path))
        assert refused.exit_code == 1 and "no path separators or '..'" in refused.stderr


def test_new_edit_opens_the_editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "opened"
    monkeypatch.setenv("VISUAL", f"sh -c 'echo \"$1\" > {log}' editor")
    assert run("new", "ed", "--dir", str(tmp_path), "--edit").exit_code == 0
    assert log.read_text().strip() == str(tmp_path / "ed.yaml")
    monkeypatch.delenv("VISUAL")
    monkeypatch.delenv("EDITOR", raising=False)
    result = run("new", "ed2", "--dir", str(tmp_path), "--edit")
    assert result.exit_code == 1 and "set $VISUAL or $EDITOR" in result.stderr


def test_schema_prints_the_shipped_schema_and_its_path() -> None:
    assert json.loads(run("schema").stdout)["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert run("schema", "--path").stdout.strip() == str(SCHEMA_FILE.resolve())


def test_check_strict_reports_lints_and_exits_1(tmp_path: Path) -> None:
    deck = write_deck(
        tmp_path, "lints", "cards:\n  - question: Pick\n    choices: [a, b, All of the above]\n    answer: C\n"
    )
    plain = run("check", str(deck))
    assert plain.exit_code == 0 and "[W201]" in plain.stdout
    strict = run("check", str(deck), "--strict")
    assert strict.exit_code == 1 and "[W201]" not in strict.stdout
    assert f"{deck}:2:1: warning: card has no id" in strict.stdout and "[Q101]" in strict.stdout
    assert "[Q104]" in strict.stdout and "[Q105]" in strict.stdout
    assert json.loads(run("check", str(deck), "--strict", "--json").stdout)["strict"] is True


def test_a_file_nothing_can_be_read_from_writes_no_deck(tmp_path: Path) -> None:
    source = tmp_path / "notes.txt"
    source.write_text("just a line\nand another\n", encoding="utf-8")
    result = run("import", str(source), "--format", "aiken", "-o", str(tmp_path / "deck.yaml"))
    assert result.exit_code == 1 and "no question could be read; no deck was written" in result.stderr
    assert "skipped" in result.stderr and not (tmp_path / "deck.yaml").exists()

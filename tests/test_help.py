"""--help as a new user reads it at 80 columns, `quizcli help TOPIC`, and shell completion of --tag."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from terminal import QUIZCLI, finish, spawn_quizcli
from typer.testing import CliRunner

from quizcli import catalog, paths, starter
from quizcli.cli import HELP_ORDER, app
from quizcli.decks import resolve_deck
from quizcli.store import Store

from conftest import REPO, write_deck

runner = CliRunner()


def help_of(*args: str) -> str:
    result = runner.invoke(app, [*args, "--help"], env={"COLUMNS": "80"}, terminal_width=80)
    assert result.exit_code == 0, result.output
    return result.output


def test_the_top_level_help_fits_80_columns_whole_and_shows_how_to_start() -> None:
    text = help_of()
    assert "…" not in text and "..." not in text.split("Commands:")[1]
    assert all(len(line) <= 80 for line in text.splitlines())
    assert "Getting started:" in text and "quizcli study long-context" in text and "quizcli help deck-format" in text
    listed = [
        line.split()[0] for line in text.split("Commands:")[1].splitlines() if line.startswith("  ") and line[2] != " "
    ]
    assert listed[: len(HELP_ORDER)] == list(HELP_ORDER)


@pytest.mark.parametrize("command", HELP_ORDER)
def test_a_commands_help_names_its_placeholders_plainly_and_no_repository_path(command: str) -> None:
    text = help_of(command)
    assert "{" not in text and "}" not in text
    for typer_placeholder in ("<int", "<float", "<str", "<path", "<text"):
        assert typer_placeholder not in text
    assert "docs/" not in text


def test_usage_lines_read_as_the_readme_writes_them() -> None:
    assert help_of("study").splitlines()[0] == "Usage: quizcli study [OPTIONS] DECK"
    assert help_of("unsuspend").splitlines()[0] == "Usage: quizcli unsuspend [OPTIONS] DECK [ITEM]..."
    assert "--new N " in help_of("study") and "--tag TAG " in help_of("study")


def test_help_alone_lists_every_documented_topic() -> None:
    result = runner.invoke(app, ["help"])
    assert result.exit_code == 0
    for doc in (REPO / "docs").glob("*.md"):
        assert f"  {doc.stem} " in result.output
    for topic in ("study", "exam", "deck-format", "stats", "interop", "reliability"):
        assert f"  {topic} " in result.output


def test_help_topic_prints_the_installed_document_straight_into_a_pipe() -> None:
    result = runner.invoke(app, ["help", "deck-format"])
    assert result.exit_code == 0
    assert result.output == (paths.docs_dir() / "deck-format.md").read_text(encoding="utf-8")
    assert result.output == (REPO / "docs" / "deck-format.md").read_text(encoding="utf-8")


def test_an_unknown_topic_is_an_error_that_lists_the_topics() -> None:
    result = runner.invoke(app, ["help", "nope"])
    assert result.exit_code == 1
    assert "no help topic 'nope'" in result.output and "deck-format" in result.output


def test_the_starter_deck_points_at_the_installed_help() -> None:
    text = starter.starter_text("biology", "")
    assert "quizcli help deck-format" in text and "docs/" not in text


def complete(words: str) -> list[str]:
    """What bash completion offers for ``words``, through typer's real completion protocol."""
    env = dict(os.environ, COMP_WORDS=words, COMP_CWORD=str(len(words.split()) - 1), _QUIZCLI_COMPLETE="complete_bash")
    return subprocess.run([QUIZCLI], env=env, capture_output=True, text=True, check=True).stdout.split()


def test_tag_completes_the_indexed_decks_tags_without_reading_its_file(user_decks: Path) -> None:
    deck = write_deck(
        user_decks,
        "biology",
        "cards:\n  - {id: a, front: x, back: y, tags: [cells, cellular-respiration]}\n"
        "  - {id: b, front: x, back: y, tags: [genetics]}\n",
    )
    assert complete("quizcli study biology --tag cel") == []  # never indexed: nothing known, nothing parsed
    with Store.open() as store:
        catalog.open_deck(store, resolve_deck("biology"))
    deck.write_text("not: [a deck", encoding="utf-8")  # completion reads the index, not the YAML
    assert complete("quizcli study biology --tag cel") == ["cells", "cellular-respiration"]
    assert complete("quizcli exam biology --tag g") == ["genetics"]
    assert complete("quizcli study nosuchdeck --tag g") == []


def test_help_topics_complete() -> None:
    assert complete("quizcli help dec") == ["deck-format"]


def test_help_on_a_terminal_goes_through_the_pager(quizcli_home: Path) -> None:

    env = dict(os.environ, PAGER="sed s/^/PAGED:/", MANPAGER="sed s/^/PAGED:/")
    child = spawn_quizcli(["help", "exam"], env, timeout=10)
    child.expect("PAGED:# Exams")
    assert finish(child) == 0

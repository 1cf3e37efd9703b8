"""The decks, show and check commands, run as a user would through the CLI."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizcli.cli import app
from quizcli.parser import load_deck

from conftest import LONG_CONTEXT, REPO, write_deck

runner = CliRunner()


def bundled_cards() -> int:
    return len(load_deck(LONG_CONTEXT).cards)


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def test_decks_lists_the_bundled_deck() -> None:
    result = run("decks")
    assert result.exit_code == 0
    assert "long-context" in result.stdout and "Long-Context" in result.stdout and "bundled" in result.stdout


def test_decks_json_includes_user_decks(user_decks: Path) -> None:
    write_deck(user_decks, "mine", "title: Mine\ncards:\n  - {id: a, front: x, back: y, reverse: true}\n")
    rows = {row["name"]: row for row in json.loads(run("decks", "--json").stdout)}
    assert rows["mine"] == {
        "name": "mine", "path": str(user_decks / "mine.yaml"), "source": "user",
        "title": "Mine", "cards": 1, "items": 2, "errors": 0,
    }  # fmt: skip
    assert rows["long-context"]["source"] == "bundled"


def test_user_deck_shadows_bundled_deck_of_same_name(user_decks: Path) -> None:
    write_deck(user_decks, "long-context", "title: My own\ncards: []\n")
    rows = {row["name"]: row for row in json.loads(run("decks", "--json").stdout)}
    assert rows["long-context"]["title"] == "My own"


def test_show_renders_answers_marked() -> None:
    result = run("show", "long-context")
    assert result.exit_code == 0
    assert "✓ B) Attention spreads thin over more positions" in result.stdout
    assert "Answer: true" in result.stdout


def test_show_to_a_pipe_is_plain_text_without_a_panel_per_card() -> None:
    lines = run("show", "long-context").stdout.splitlines()
    assert not any(line.startswith(("╭", "│", "╰")) for line in lines)
    assert "── q1-dilution · choice · transformers attention lesson-quiz key-issues" in lines
    assert "Answer: true" in lines


def test_show_json_is_the_normalised_deck() -> None:
    data = json.loads(run("show", str(LONG_CONTEXT), "--json").stdout)
    q1 = next(c for c in data["cards"] if c["id"] == "q1-dilution")
    assert q1["kind"] == "choice" and q1["answer"] == "B" and len(q1["choices"]) == 4
    sink = next(c for c in data["cards"] if c["id"] == "attention-sink")
    assert sink["items"] == ["attention-sink", "attention-sink:reverse"]


def test_show_never_interprets_markup(user_decks: Path) -> None:
    write_deck(
        user_decks, "hostile", 'cards:\n  - {id: a, front: "[bold red]hi[/] \\e[31m", back: "[link=x]y[/link]"}\n'
    )
    result = run("show", "hostile")
    assert "[bold red]hi[/]" in result.stdout and "[link=x]y[/link]" in result.stdout
    assert "\x1b" not in result.stdout and "^[[31m" in result.stdout


def test_check_clean_deck() -> None:
    result = run("check", str(LONG_CONTEXT))
    assert result.exit_code == 0
    assert result.stdout.strip().endswith(f"1 deck, {bundled_cards()} cards, 0 errors, 0 warnings")


def test_check_reports_every_problem_with_location(tmp_path: Path) -> None:
    bad = write_deck(tmp_path, "bad", "cards:\n  - id: a\n    frnt: x\n    back: y\n  - id: b\n    front: z\n")
    result = run("check", str(bad), str(LONG_CONTEXT))
    assert result.exit_code == 1
    assert f"{bad}:3:5: error: unknown key 'frnt' in flashcard (did you mean 'front'?) [E102]" in result.stdout
    assert "missing 'front'" not in result.stdout  # the misspelled key is the one cause, reported once
    assert f"{bad}:5:5: error: missing 'back' [E103]" in result.stdout
    assert f"2 decks, {bundled_cards()} cards, 2 errors, 0 warnings" in result.stdout


def test_check_json(tmp_path: Path) -> None:
    deck = write_deck(tmp_path, "warn", "cards:\n  - front: x\n    back: y\n")
    result = run("check", str(deck), "--json")
    data = json.loads(result.stdout)
    assert result.exit_code == 0
    assert data["summary"] == "1 deck, 1 card, 0 errors, 1 warning"
    assert data["diagnostics"][0] | {"message": ""} == {
        "path": str(deck), "line": 2, "column": 5, "severity": "warning", "code": "W201", "message": "",
    }  # fmt: skip


def test_check_without_arguments_checks_every_known_deck() -> None:
    result = run("check")
    assert result.exit_code == 0 and f"1 deck, {bundled_cards()} cards" in result.stdout


def test_unknown_deck_name_is_a_clear_error_with_suggestion() -> None:
    result = run("show", "long-contxt")
    assert result.exit_code == 1
    assert result.stderr.startswith("quizcli: error: no deck named 'long-contxt'; did you mean 'long-context'?")
    assert "known decks: long-context" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_missing_deck_file_is_an_error() -> None:
    result = run("show", "nowhere/deck.yaml")
    assert result.exit_code == 1 and "quizcli: error: no deck file at nowhere/deck.yaml" in result.stderr


def test_broken_deck_in_show_lists_problems_on_stderr(tmp_path: Path) -> None:
    bad = write_deck(tmp_path, "bad", "cards:\n  - id: a\n    front: x\n")
    result = run("show", str(bad))
    assert result.exit_code == 1
    assert "quizcli: error: 1 problem in deck:" in result.stderr and f"{bad}:2:5" in result.stderr


def test_usage_error_exits_2() -> None:
    assert run("show").exit_code == 2
    assert run("no-such-command").exit_code == 2


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0 and result.stdout.startswith("quizcli ")


def test_deck_names_complete(user_decks: Path) -> None:
    write_deck(user_decks, "linear-algebra", "cards: []\n")
    from quizcli.cli import _complete_deck

    assert _complete_deck("l") == ["linear-algebra", "long-context"]
    assert _complete_deck("lo") == ["long-context"]


def test_shell_completion_offers_deck_names_and_commands() -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = str(Path(sys.executable).with_name("quizcli"))

    def complete(words: str) -> list[str]:
        env = dict(
            os.environ, COMP_WORDS=words, COMP_CWORD=str(len(words.split()) - 1), _QUIZCLI_COMPLETE="complete_bash"
        )
        return subprocess.run([script], env=env, capture_output=True, text=True, check=True).stdout.split()

    assert complete("quizcli study lo") == ["long-context"]
    assert complete("quizcli ex") == ["exam", "export"]


def test_every_command_is_in_the_readme_and_the_help_order() -> None:
    from quizcli.cli import HELP_ORDER

    from conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    registered = {command.name for command in app.registered_commands}
    assert registered == set(HELP_ORDER)
    for name in registered:
        assert f"| `quizcli {name}" in readme, name


def test_a_named_command_runs_in_an_app_of_its_own_that_behaves_the_same(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from quizcli.cli import HELP_ORDER, app_for

    for name in HELP_ORDER:
        single = app_for([name, "--help"])
        assert [info.name for info in single.registered_commands] == [name]
        assert runner.invoke(single, [name, "--help"]).output == run(name, "--help").output
    for args in (["study"], ["stats", "--days", "x"], ["decks", "--json"], ["--version"]):
        mine, whole = runner.invoke(app_for(args), args), run(*args)
        assert (mine.exit_code, mine.output) == (whole.exit_code, whole.output)
    assert all(app_for(args) is app for args in ([], ["--help"], ["--version"], ["stduy"], ["-h", "study"]))
    monkeypatch.setenv("_QUIZCLI_COMPLETE", "bash_complete")
    assert app_for(["study"]) is app


def test_decks_prints_aligned_columns_and_cuts_long_titles_to_the_width(user_decks: Path) -> None:
    from quizcli.decks import find_decks
    from quizcli.listing import deck_lines, summarize

    write_deck(user_decks, "a", "title: " + "Very long title " * 8 + "\ncards:\n  - {id: x, front: x, back: y}\n")
    write_deck(user_decks, "broken-deck", "title: Broken\ncards:\n  - {id: x, frnt: x}\n")
    lines = deck_lines(summarize(find_decks()), 80)
    assert lines[0].split() == ["deck", "title", "cards", "source", "path"]
    rows = {line.split()[0]: line for line in lines[1:]}
    assert set(rows) == {"a", "broken-deck", "long-context"}
    assert "Very long title Very long…  " in rows["a"] and "1 error(s): run quizcli c…" in rows["broken-deck"]
    path_column = lines[0].index("path")
    for name, row in (("a", rows["a"]), ("broken-deck", rows["broken-deck"])):  # a long path is cut from the left
        shown = row[path_column:]
        assert shown.endswith(f"/{name}.yaml") and str(user_decks / f"{name}.yaml").endswith(shown.lstrip("…"))
    assert all(len(line) <= 80 for line in lines)
    assert [line.index("user") for line in (rows["a"], rows["broken-deck"])] == [lines[0].index("source")] * 2
    assert deck_lines([], 80) == ["No decks found."]
    printed = runner.invoke(app, ["decks"], env={"COLUMNS": "80"}).stdout.splitlines()
    assert printed == [*lines, f"Your decks directory: {user_decks}"]


def test_decks_says_where_your_decks_go_when_there_are_none(quizcli_home: Path) -> None:
    printed = runner.invoke(app, ["decks"]).stdout.splitlines()
    assert printed[-2:] == [
        "No decks of your own yet; 'quizcli new NAME' writes one into your decks directory:",
        f"  {quizcli_home / 'decks'}",
    ]


def test_the_executable_runs_commands_with_the_collector_on(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import gc

    from quizcli.__main__ import main

    seen: list[bool] = []
    thresholds = gc.get_threshold()

    def find_decks() -> list[object]:
        seen.append(gc.isenabled())
        return []

    monkeypatch.setattr("quizcli.decks.find_decks", find_decks)
    monkeypatch.setattr(sys, "argv", ["quizcli", "decks"])
    monkeypatch.setattr(sys, "unraisablehook", sys.unraisablehook)  # main() installs its own
    try:
        main()
    except SystemExit:
        pass
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
    assert seen == [True] and gc.isenabled()
    assert capsys.readouterr().out.startswith("No decks found.\nNo decks of your own yet;")


def test_a_deck_path_that_is_not_a_file_says_what_it_is(tmp_path: Path) -> None:
    import os

    (tmp_path / "folder.yaml").mkdir()
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "loop.yaml").symlink_to(tmp_path / "loop.yaml")
    expected = {
        "folder.yaml": "is a directory, not a deck file",
        "pipe.yaml": "is a named pipe, not a deck file",
        "loop.yaml": "is a symbolic link that leads to no file (Too many levels of symbolic links)",
    }
    for name, said in expected.items():
        result = run("check", str(tmp_path / name))
        assert result.exit_code == 1 and f"quizcli: error: {tmp_path / name} {said}" in result.stderr


def test_a_deck_of_one_flashcard_is_named_in_the_singular(tmp_path: Path) -> None:
    deck = tmp_path / "one.yaml"
    deck.write_text("title: One\ncards:\n  - {id: a, front: F, back: B}\n", encoding="utf-8")
    result = run("exam", str(deck))
    assert (
        result.exit_code == 1 and "and its one card is a flashcard; study it with 'quizcli study one'" in result.stderr
    )


def test_an_empty_output_name_or_tag_is_a_usage_error(tmp_path: Path) -> None:
    deck = str(REPO / "tests" / "fixtures" / "every-kind.yaml")
    result = run("export", deck, "-f", "json", "-o", "")
    assert result.exit_code == 2 and "'--output' / '-o': needs a file name" in result.stderr
    for command in ("exam", "study"):
        result = run(command, deck, "--tag", "")
        assert result.exit_code == 2 and "'--tag': needs a tag" in result.stderr


def test_a_utf32_deck_is_read(tmp_path: Path) -> None:
    deck = tmp_path / "wide.yaml"
    deck.write_bytes("title: Wide\ncards:\n  - {id: a, front: Ä, back: B}\n".encode("utf-32"))
    result = run("check", str(deck))
    assert result.exit_code == 0 and "1 deck, 1 card, 0 errors" in result.stdout

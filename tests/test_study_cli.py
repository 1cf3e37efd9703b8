"""`quizcli study` in line mode (stdin not a terminal), driven through CliRunner as a script would."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizcli.cli import app
from quizcli.scheduler import CardState, Rating, Settings, State, new_card
from quizcli.store import Answer, Store

from conftest import write_deck

FIXTURE = str(Path(__file__).parent / "fixtures" / "every-kind.yaml")
runner = CliRunner()
ALL_RIGHT = [
    "", "3",            # flash: reveal, Good
    "B", "",            # choice: right, accept Good
    "A C", "",          # multi: right
    "true", "",         # truth: right
    "Attention-Sink!", "",  # typed: right despite case and punctuation
    "middle", "",       # gap:c1: right
]  # fmt: skip


def study(lines: list[str], *args: str, deck: str = FIXTURE, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["study", deck, *args], input="\n".join(lines) + "\n", env=env)


def logged(home: Path) -> list[tuple[str, int, str]]:
    db = sqlite3.connect(home / "progress.db")
    return db.execute("SELECT item, rating, kind FROM reviews ORDER BY id").fetchall()


def test_every_kind_answered_right(quizcli_home: Path) -> None:
    result = study(ALL_RIGHT)
    assert result.exit_code == 0, result.output
    assert result.stdout.count("✓ Correct") == 5
    assert "Paris" in result.stdout and "It was the second." in result.stdout
    assert "Studied 6 cards in" in result.stdout and "100% correct" in result.stdout
    assert logged(quizcli_home) == [
        ("flash", 3, "review"), ("choice", 3, "review"), ("multi", 3, "review"),
        ("truth", 3, "review"), ("typed", 3, "review"), ("gap:c1", 3, "review"),
    ]  # fmt: skip


def test_wrong_answers_suggest_again_and_show_the_right_answer(quizcli_home: Path) -> None:
    result = study(["", "1", "C", "", "A", "", "false", "", "attention snik", "", "beginning", ""])
    assert result.stdout.count("✗ Wrong") == 4 and "≈ Almost" in result.stdout
    assert "Answer: attention sink  (also accepted: sink)" in result.stdout
    assert "○ B) second  ← right, not picked" in result.stdout and "✗ C) third  ← picked, not right" in result.stdout
    assert "0% correct" in result.stdout
    assert [rating for _, rating, _ in logged(quizcli_home)] == [1, 1, 1, 1, 1, 1]


def test_a_correct_answer_can_be_upgraded_or_downgraded(quizcli_home: Path) -> None:
    study(["", "4", "B", "4", "A C", "2"])
    assert [rating for _, rating, _ in logged(quizcli_home)] == [4, 4, 2]


def test_rating_keys_show_the_next_intervals() -> None:
    result = study(["", "3"])
    assert "1 Again 1m" in result.stdout and "3 Good 10m" in result.stdout and "4 Easy" in result.stdout


def test_undo_takes_back_the_last_rating(quizcli_home: Path) -> None:
    result = study(["", "3", "u", "", "4"])
    assert "Undid the last rating (flash)" in result.stdout
    assert logged(quizcli_home) == [("flash", 4, "review")]


def test_quit_and_end_of_input_end_the_session_with_a_summary(quizcli_home: Path) -> None:
    quit_result = study(["", "3", "q"])
    assert quit_result.exit_code == 0 and "Studied 1 card in" in quit_result.stdout
    eof_result = study([])
    assert eof_result.exit_code == 0 and "No cards studied." in eof_result.stdout


def test_suspend_and_bury(quizcli_home: Path) -> None:
    result = study(["s", "b", "B", "b"], "--order", "authored")  # suspend flash, bury flash:reverse, bury choice
    assert "Suspended flash." in result.stdout and "Buried flash:reverse until tomorrow." in result.stdout
    assert "Buried choice until tomorrow." in result.stdout
    db = sqlite3.connect(quizcli_home / "progress.db")
    assert db.execute("SELECT item, suspended, buried_until IS NOT NULL FROM flags ORDER BY item").fetchall() == [
        ("choice", 0, 1), ("flash", 1, 0), ("flash:reverse", 0, 1),
    ]  # fmt: skip
    assert logged(quizcli_home) == [("choice", 3, "review")]  # the answer was kept before burying


def test_nothing_due_until_the_clock_moves(quizcli_home: Path) -> None:
    easy = ["", "4", "B", "4", "A C", "4", "true", "4", "sink", "4", "middle", "4"]
    assert study(easy, "--order", "authored").stdout.count("Studied 6 cards") == 1  # 2 siblings buried
    again = study([])
    assert "Nothing due in Every Kind." in again.stdout and "Next card due in" in again.stdout
    assert "--ahead" in again.stdout and "--cram" in again.stdout
    later = study([], env={"QUIZCLI_NOW": "2027-06-01T10:00:00+00:00"})
    assert "review 6" in later.stdout


def test_cram_practises_without_touching_the_schedule(quizcli_home: Path, user_decks: Path) -> None:
    write_deck(user_decks, "flash", "cards:\n  - {id: a, front: x, back: y}\n  - {id: b, front: z, back: w}\n")
    study(["", "4"], deck="flash")
    db = sqlite3.connect(quizcli_home / "progress.db")
    before = db.execute("SELECT * FROM cards").fetchall()
    result = study(["", "1", "", "3", "", "3"], "--cram", deck="flash")
    assert "Studied 3 cards" in result.stdout  # Again brought the first card back
    assert db.execute("SELECT * FROM cards").fetchall() == before
    assert [kind for _, _, kind in logged(quizcli_home)] == ["review", "practice", "practice", "practice"]


def test_new_limit_and_tag(quizcli_home: Path, user_decks: Path) -> None:
    result = study(["", "3", "", "3", ""], "--new", "1")
    assert "new 1 ·" in result.stdout and "Studied 2 cards" in result.stdout
    assert "choice · choice" not in result.stdout
    write_deck(
        user_decks, "tagged", "cards:\n  - {id: a, front: x, back: y, tags: [t]}\n  - {id: b, front: z, back: w}\n"
    )
    tagged = study(["", "3", "", "3", "", "3"], "--tag", "t", deck="tagged")
    assert "a · flashcard" in tagged.stdout and "b · flashcard" not in tagged.stdout
    bad_tag = study([], "--tag", "nope", deck="tagged")
    assert bad_tag.exit_code == 1 and "no card in 'tagged' has the tag 'nope'; its tags: t" in bad_tag.stderr


def test_empty_and_broken_decks_are_clear_errors(user_decks: Path) -> None:
    write_deck(user_decks, "empty", "title: Empty\ncards: []\n")
    empty = study([], deck="empty")
    assert empty.exit_code == 1 and empty.stderr.startswith("quizcli: error: deck 'empty' has no cards yet")
    write_deck(user_decks, "broken", "cards:\n  - id: a\n    front: x\n")
    broken = study([], deck="broken")
    assert broken.exit_code == 1 and "broken.yaml:2:5: error: missing 'back'" in broken.stderr
    assert "Traceback" not in broken.output


@pytest.mark.parametrize("value", ["0.5", "1.2"])
def test_retention_out_of_range_is_an_error(value: str) -> None:
    result = study([], "--retention", value)
    assert result.exit_code == 1 and "desired retention must be a number from 0.70 to 0.99" in result.stderr


def write_config(home: Path, text: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(text)


def test_a_typed_card_with_alternatives_asks_for_one_answer(quizcli_home: Path) -> None:
    """Its accepted alternatives are not blanks: only a cloze card asks for several answers."""
    result = study([" ", "3", "B", "", "A C", "", "t", ""])
    typed = result.stdout[result.stdout.index("typed · typed") :]
    assert typed.split("\n")[3].startswith("Type your answer and press Enter")
    assert "Fill the 2 blanks" not in result.stdout


def test_config_file_sets_the_limits(quizcli_home: Path) -> None:
    write_config(quizcli_home, "[study]\nnew_per_day = 5\n[decks.every-kind]\nnew_per_day = 2\n")
    assert "new 2 ·" in study([]).stdout


def test_bad_config_is_a_clear_error(quizcli_home: Path) -> None:
    write_config(quizcli_home, "[study]\nnew_per_dya = 5\n")
    result = study([])
    assert result.exit_code == 1 and "unknown setting 'new_per_dya'" in result.stderr


def test_reset_forgets_progress_after_confirmation(quizcli_home: Path) -> None:
    study(["", "3"])
    refused = runner.invoke(app, ["reset", FIXTURE], input="n\n")
    assert refused.exit_code == 1 and len(logged(quizcli_home)) == 1
    done = runner.invoke(app, ["reset", FIXTURE, "--yes"])
    assert done.exit_code == 0 and "Forgot 1 answers on 'every-kind'" in done.stdout
    assert logged(quizcli_home) == []


def test_check_reports_progress_on_items_no_longer_in_the_deck(user_decks: Path) -> None:
    deck = write_deck(
        user_decks, "mine", "cards:\n  - {id: kept, front: x, back: y}\n  - {id: gone, front: z, back: w}\n"
    )
    study(["", "3", "", "3"], deck="mine")
    deck.write_text("cards:\n  - {id: kept, front: x edited, back: y}\n")
    result = runner.invoke(app, ["check", "mine"])
    assert result.exit_code == 0
    assert "1 item with study progress no longer in the deck: gone" in result.stdout
    assert "1 deck, 1 card, 0 errors, 1 warning" in result.stdout
    edited = study(["", "3"], deck="mine")  # the edited card keeps its progress: still learning, not new
    assert "new 0 · learning 1" in edited.stdout


def seed_lapses(home: Path, item: str, lapses: int) -> None:
    """A review card of every-kind, due before the fixed clock, forgotten ``lapses`` times already."""
    last, due = datetime(2026, 11, 20, 9, tzinfo=UTC), datetime(2026, 11, 27, 9, tzinfo=UTC)
    after = CardState(State.REVIEW, due=due, stability=6.0, difficulty=8.0, last_review=last, reps=25, lapses=lapses)
    with Store.open(home / "progress.db") as store:
        store.record(Answer("every-kind", item, Rating.GOOD, last, new_card(last), after, Settings()))


def test_the_eighth_lapse_shows_a_leech_notice_and_suspends(quizcli_home: Path) -> None:
    seed_lapses(quizcli_home, "flash", 7)
    result = study(["", "1"], "--new", "0")
    assert "Leech: flash has been forgotten 8 times; suspended it (u undoes)." in result.stdout
    assert "Leeches: flash (see quizcli stats)" in result.stdout
    db = sqlite3.connect(quizcli_home / "progress.db")
    assert db.execute("SELECT item FROM flags WHERE suspended").fetchall() == [("flash",)]
    assert db.execute("SELECT item FROM flags WHERE buried_until IS NOT NULL").fetchall() == [("flash:reverse",)]


def test_leech_action_tag_keeps_the_leech_in_the_session(quizcli_home: Path) -> None:
    write_config(quizcli_home, '[decks.every-kind]\nleech_action = "tag"\n')
    seed_lapses(quizcli_home, "flash", 7)
    result = study(["", "1", "", "3"], "--new", "0")
    assert "Leech: flash has been forgotten 8 times; it stays in your reviews." in result.stdout
    assert [(item, rating) for item, rating, _ in logged(quizcli_home)] == [("flash", 3), ("flash", 1), ("flash", 3)]
    flagged = sqlite3.connect(quizcli_home / "progress.db").execute("SELECT item, suspended FROM flags").fetchall()
    assert flagged == [("flash:reverse", 0)]  # only the new sibling, buried for the day (--new 0 did not queue it)


def test_a_bad_leech_action_is_a_clear_error(quizcli_home: Path) -> None:
    write_config(quizcli_home, '[study]\nleech_action = "delete"\n')
    result = study([])
    assert result.exit_code == 1 and 'leech_action must be "suspend" or "tag", got \'delete\'' in result.stderr


def test_unsuspend_lists_and_brings_back_suspended_cards(quizcli_home: Path) -> None:
    study(["s", "b", "B", "s"])  # suspend flash, bury its reverse, answer choice and suspend it
    listed = runner.invoke(app, ["unsuspend", FIXTURE])
    assert listed.exit_code == 0
    assert "2 suspended cards in 'every-kind':\n  choice\n  flash\n" in listed.stdout
    wrong = runner.invoke(app, ["unsuspend", FIXTURE, "multi"])
    assert wrong.exit_code == 1 and "not suspended in 'every-kind': multi; suspended: choice, flash" in wrong.stderr
    one = runner.invoke(app, ["unsuspend", FIXTURE, "flash"])
    assert one.stdout == "Unsuspended 1 card in 'every-kind': flash.\n"
    assert "Capital of France?" in study([]).stdout  # back in the queue
    everything = runner.invoke(app, ["unsuspend", FIXTURE, "--all"])
    assert everything.stdout == "Unsuspended 1 card in 'every-kind': choice.\n"
    assert runner.invoke(app, ["unsuspend", FIXTURE]).stdout == "No suspended cards in 'every-kind'.\n"


SELECT_ALL = """\
title: Select
cards:
  - id: pick
    question: Pick the even numbers
    choices: [two, three, four, six]
    answer: [A, C, D]
    shuffle: false
"""


def test_select_all_feedback_tells_picked_right_picked_wrong_and_missed_apart(tmp_path: Path) -> None:
    deck = write_deck(tmp_path, "select", SELECT_ALL)
    result = study(["A B", ""], deck=str(deck))
    assert result.exit_code == 0, result.output
    after = result.stdout.split("✗ Wrong", 1)[1]
    assert "✓ A) two" in after and "✗ B) three  ← picked, not right" in after
    assert "○ C) four  ← right, not picked" in after and "○ D) six  ← right, not picked" in after


def test_end_of_input_after_a_graded_answer_keeps_it_with_the_suggested_rating(
    quizcli_home: Path, tmp_path: Path
) -> None:
    deck = write_deck(tmp_path, "one", "title: One\ncards:\n  - id: gap\n    cloze: The {{middle}} is lost.\n")
    result = study(["middle"], deck=str(deck))
    assert result.exit_code == 0, result.output
    assert "Studied 1 card" in result.stdout and "100% correct" in result.stdout
    assert logged(quizcli_home) == [("gap:c1", 3, "review")]


def test_cram_shows_the_pass_and_right_and_wrong_not_intervals_or_new(quizcli_home: Path, user_decks: Path) -> None:
    write_deck(user_decks, "flash", "cards:\n  - {id: a, front: x, back: y}\n  - {id: b, front: z, back: w}\n")
    study(["", "4", "", "4"], deck="flash")
    result = study(["", "1", "", "3", "", "3"], "--cram", "--seed", "1", deck="flash")
    headers = [line for line in result.stdout.splitlines() if "left in this pass" in line]
    assert [header.split("  ", 1)[1] for header in headers] == [
        "cram · 2 left in this pass · right 0 · wrong 0",  # the first card's front
        "cram · 2 left in this pass · right 0 · wrong 0",  # its back: rated Again
        "cram · 2 left in this pass · right 0 · wrong 1",  # the other card, then it again
        "cram · 2 left in this pass · right 0 · wrong 1",
        "cram · 1 left in this pass · right 1 · wrong 1",
        "cram · 1 left in this pass · right 1 · wrong 1",
    ]
    assert "new " not in result.stdout and "1 Again (again later in this pass)" in result.stdout
    assert not re.search(r"Good \d+[mhd]", result.stdout)


def test_the_summary_and_stats_give_the_same_percent_correct(quizcli_home: Path, tmp_path: Path) -> None:
    choices = "choices: [one, two]\n    answer: B\n    shuffle: false"
    deck = write_deck(
        tmp_path, "pick",
        f"cards:\n  - id: c1\n    question: first\n    {choices}\n  - id: c2\n    question: second\n    {choices}\n"
        "  - id: t\n    question: water is wet\n    answer: true\n",
    )  # fmt: skip
    # c1 wrong but raised to Good; c2 wrong, kept Again; t right; c2 again, right
    result = study(["A", "3", "A", "", "true", "", "B", ""], deck=str(deck))
    assert "Studied 4 cards" in result.stdout and "75% correct" in result.stdout
    stats = runner.invoke(app, ["stats", "--json"])
    today = json.loads(stats.stdout)["time"]["today"]
    assert (today["answers"], today["correct"]) == (4, 3)

"""`quizcli study` in a real pseudo-terminal, key by key, as a person uses it (pexpect)."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
from pathlib import Path

import pexpect
import pytest
from terminal import QUIZCLI, finish, spawn_quizcli

FIXTURE = str(Path(__file__).parent / "fixtures" / "every-kind.yaml")

pytestmark = pytest.mark.skipif(not Path(QUIZCLI).exists(), reason="needs the installed quizcli script")


def spawn(home: Path, *args: str, now: str = "2026-11-28T10:00:00+00:00") -> pexpect.spawn[str]:
    env = dict(os.environ, QUIZCLI_HOME=str(home), QUIZCLI_NOW=now, NO_COLOR="1", TERM="xterm", COLUMNS="80")
    env.pop("LINES", None)
    return spawn_quizcli(["study", *args], env)


def reviews(home: Path) -> list[tuple[str, int]]:
    return sqlite3.connect(home / "progress.db").execute("SELECT item, rating FROM reviews ORDER BY id").fetchall()


def answer_every_kind(child: pexpect.spawn[str]) -> None:
    child.expect("Capital of France")
    child.send(" ")
    child.expect("Paris")
    child.send("3")
    child.expect("Pick the second option")
    child.send("b")
    child.expect("✓ Correct")
    child.send("\r")
    child.expect("Pick first and third")
    child.send("a")
    child.expect(r"\[x\] A\)")
    child.send("c")
    child.expect(r"\[x\] C\)")
    child.send("\r")
    child.expect("✓ Correct")
    child.send("\r")
    child.expect("Water is wet")
    child.send("t")
    child.expect("✓ Correct")
    child.send("4")
    child.expect("Your answer: ")
    child.sendline("Sink")
    child.expect("✓ Correct")
    child.send("\r")
    child.expect("Your answer: ")
    child.sendline("middle")
    child.expect("✓ Correct")
    child.send("\r")


def test_a_session_key_by_key_with_undo_and_quit(quizcli_home: Path) -> None:
    child = spawn(quizcli_home, FIXTURE, "--seed", "3")
    answer_every_kind(child)
    child.expect("Capital of France|Paris")  # the learning flashcard, or its reverse
    child.send("u")
    child.expect("Undid the last rating \\(gap:c1\\)")
    child.expect("Your answer: ")
    child.sendline("middle")
    child.expect("✓ Correct")
    child.send("q")  # on the result screen, q keeps the suggested rating and quits
    child.expect("Session over")
    child.expect(r"Studied \S*6 cards")
    assert finish(child) == 0
    assert reviews(quizcli_home) == [
        ("flash", 3), ("choice", 3), ("multi", 3), ("truth", 4), ("typed", 3), ("gap:c1", 3),
    ]  # fmt: skip


def test_nothing_due_until_time_passes_then_cards_return_in_due_order(quizcli_home: Path) -> None:
    quizcli_home.mkdir(parents=True, exist_ok=True)
    (quizcli_home / "config.toml").write_text("[study]\nbury_new_siblings = false\n", encoding="utf-8")
    child = spawn(quizcli_home, FIXTURE, "--new", "2", "--order", "authored")
    for _ in range(2):  # flash, then its reverse (the only two new items allowed)
        child.expect("Space/Enter show answer")
        child.send(" ")
        child.expect("Easy")
        child.send("4")
    child.expect("Session over")
    assert finish(child) == 0
    again = spawn(quizcli_home, FIXTURE, "--new", "2")  # today's two new cards are done
    again.expect(r"Nothing due in \S*Every Kind")
    again.expect("Next card due in")
    assert finish(again) == 0
    states = sqlite3.connect(quizcli_home / "progress.db").execute("SELECT item FROM cards ORDER BY due").fetchall()
    later = spawn(quizcli_home, FIXTURE, "--new", "0", now="2027-12-01T10:00:00+00:00")
    first = states[0][0]
    later.expect("review 2")
    later.expect("Paris" if first == "flash:reverse" else "Capital of France")
    later.send("\x03")
    later.expect("Session over")
    assert finish(later) == 130


def rate_the_first_flashcard_good(child: pexpect.spawn[str]) -> None:
    """Reveal the first card, rate it Good, and wait for the next card (a choice card) to be on screen."""
    child.expect("Capital of France")
    child.send(" ")
    child.send("3")
    child.expect("Pick the second option")


def test_ctrl_c_shows_the_summary_and_exits_130(quizcli_home: Path) -> None:
    child = spawn(quizcli_home, FIXTURE)
    rate_the_first_flashcard_good(child)
    child.sendintr()
    child.expect("Session over")
    child.expect(r"Studied \S*1 card")
    output = child.before or ""
    assert finish(child) == 130
    assert "Traceback" not in output
    assert reviews(quizcli_home) == [("flash", 3)]


def test_killed_session_keeps_every_answer_whose_next_card_appeared(quizcli_home: Path) -> None:
    child = spawn(quizcli_home, FIXTURE)
    rate_the_first_flashcard_good(child)
    child.send("b")
    child.send("\r")
    child.expect("Pick first and third")
    child.kill(signal.SIGKILL)
    child.close()
    assert reviews(quizcli_home) == [("flash", 3), ("choice", 3)]
    check = sqlite3.connect(quizcli_home / "progress.db").execute("PRAGMA integrity_check").fetchone()
    assert check == ("ok",)


def test_two_sessions_at_once_lose_nothing(quizcli_home: Path) -> None:
    first, second = spawn(quizcli_home, FIXTURE), spawn(quizcli_home, FIXTURE)
    for child in (first, second):
        child.expect("Capital of France")
    for child in (first, second):
        child.send(" ")
        child.expect("Easy")
        child.send("3")
    for child in (first, second):
        child.expect("Pick the second option")
        child.send("b")
        child.expect("✓ Correct")
        child.send("\r")
        child.expect("Pick first and third")
    for child in (first, second):
        child.send("q")
        child.expect("Session over")
        assert finish(child) == 0
    assert len(reviews(quizcli_home)) == 4


def test_the_leech_notice_stays_on_the_next_screen(quizcli_home: Path) -> None:
    from test_study_cli import seed_lapses

    seed_lapses(quizcli_home, "flash", 7)
    child = spawn(quizcli_home, FIXTURE, "--new", "2")  # flash:reverse (buried once flash is answered), choice
    child.expect("Capital of France")
    child.send(" ")
    child.expect("Easy")
    child.send("1")
    child.expect("new 1 · learning 0 · review 0 · done 1")  # the next card's screen: the header...
    child.expect("Leech: ")  # ...then the notice...
    child.expect("╭")  # ...then the card
    notice = " ".join(re.sub(r"\x1b\[[0-9;]*m", "", child.before or "").split())
    assert (
        notice == "flash has been forgotten 8 times; suspended it (u undoes). Rewrite it, split it or add a mnemonic."
    )
    child.send("q")
    child.expect(r"Leeches: \S*flash")
    assert finish(child) == 0


def ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def test_ctrl_c_works_even_when_started_with_sigint_ignored(quizcli_home: Path) -> None:
    """A background job of a non-interactive shell starts with SIGINT ignored; the study screen still stops on Ctrl-C."""
    env = dict(os.environ, QUIZCLI_HOME=str(quizcli_home), QUIZCLI_NOW="2026-11-28T10:00:00+00:00", NO_COLOR="1")
    child = spawn_quizcli(["study", FIXTURE], env, preexec_fn=ignore_sigint)
    child.expect("Capital of France")
    child.sendintr()
    child.expect("Session over")
    assert finish(child) == 130


def test_enter_submits_a_select_all_card_of_twenty_options(tmp_path: Path) -> None:
    """Key names are not letters: Enter ('e', 'n', 't', 'e', 'r') must not toggle options E, N, T and R."""
    choices = ", ".join(f"option {n}" for n in range(20))
    deck = tmp_path / "many.yaml"
    card = f"{{id: many, question: Pick the first two, choices: [{choices}], answer: [A, B], shuffle: false}}"
    deck.write_text(f"cards:\n  - {card}\n")
    child = spawn(tmp_path / "home", str(deck))
    child.expect("Pick the first two")
    child.send("a")
    child.expect(r"\[x\] A\)")
    child.send("b")
    child.expect(r"\[x\] B\)")
    child.send("\r")
    child.expect("✓ Correct")
    child.send("q")
    assert finish(child) == 0
    assert reviews(tmp_path / "home") == [("many", 3)]


@pytest.mark.parametrize("colour", [True, False])
def test_select_all_feedback_shows_picked_right_picked_wrong_and_missed(tmp_path: Path, colour: bool) -> None:
    from test_study_cli import SELECT_ALL

    deck = tmp_path / "select.yaml"
    deck.write_text(SELECT_ALL, encoding="utf-8")
    env = dict(os.environ, QUIZCLI_HOME=str(tmp_path / "home"), QUIZCLI_NOW="2026-11-28T10:00:00+00:00")
    env.update(TERM="xterm-256color", COLUMNS="80")
    env.pop("NO_COLOR", None)
    if not colour:
        env["NO_COLOR"] = "1"
    child = spawn_quizcli(["study", str(deck)], env)
    child.expect("Pick the even numbers")
    child.send("a")
    child.send("b")
    child.expect(r"\[x\] B\)")
    child.send("\r")
    child.expect("Wrong")
    child.expect("Enter: Again")
    screen = child.before or ""
    plain_screen = re.sub(r"\x1b\[[0-9;]*m", "", screen)
    assert "✓ A) two" in plain_screen and "✗ B) three  ← picked, not right" in plain_screen
    assert "○ C) four  ← right, not picked" in plain_screen
    coloured = [
        re.search(rf"\x1b\[[0-9;]*{code}m{mark}", screen) for code, mark in (("32", "✓"), ("31", "✗"), ("33", "○"))
    ]
    assert all(coloured) if colour else not re.search(r"\x1b\[[0-9;]*3[0-7]m", screen)  # NO_COLOR: marks only
    child.send("q")
    assert finish(child) == 0


def fresh_deck(tmp_path: Path, cards: int = 25) -> str:
    lines = ["title: Fresh", "cards:"]
    lines += [f"  - id: card{n}\n    front: Front {n}\n    back: Back {n}" for n in range(cards)]
    deck = tmp_path / "fresh.yaml"
    deck.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(deck)


def test_undo_is_confirmed_on_the_next_screen_and_the_header_counts_the_card_again(
    quizcli_home: Path, tmp_path: Path
) -> None:
    child = spawn(quizcli_home, fresh_deck(tmp_path))
    child.expect("new 20 · learning 0 · review 0 · done 0")
    child.expect("Front 0")
    child.send(" ")
    child.expect("Back 0")
    child.send("3")
    child.expect("Front 1")
    child.send("u")
    child.expect("new 20 · learning 0 · review 0 · done 0")  # the next screen's header: card0 is new again...
    child.expect("Undid the last rating")  # ...the confirmation under it...
    child.expect("╭")  # ...then the card
    child.expect("Front 0")
    child.send("q")
    assert finish(child) == 0


@pytest.mark.parametrize(("key", "notice"), [("s", "Suspended card0."), ("b", "Buried card0 until tomorrow.")])
def test_suspend_and_bury_are_confirmed_on_the_next_screen(
    quizcli_home: Path, tmp_path: Path, key: str, notice: str
) -> None:
    child = spawn(quizcli_home, fresh_deck(tmp_path))
    child.expect("Front 0")
    child.send(key)
    child.expect("new 19 · learning 0 · review 0 · done 0")
    child.expect(re.escape(notice))
    child.expect("╭")
    child.expect("Front 1")
    child.send("q")
    assert finish(child) == 0


def test_ctrl_c_after_a_graded_answer_keeps_it_with_the_suggested_rating(quizcli_home: Path, tmp_path: Path) -> None:
    deck = tmp_path / "gap.yaml"
    deck.write_text("title: Gap\ncards:\n  - id: gap\n    cloze: The {{middle}} is lost.\n", encoding="utf-8")
    child = spawn(quizcli_home, str(deck))
    child.expect("Your answer: ")
    child.sendline("middle")
    child.expect("✓ Correct")
    child.expect("Enter: Good")
    child.sendintr()
    child.expect("Session over")
    child.expect(r"Studied \S*1 card")
    assert finish(child) == 130
    assert reviews(quizcli_home) == [("gap:c1", 3)]

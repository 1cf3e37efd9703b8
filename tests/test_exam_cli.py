"""`quizcli exam` and `quizcli history` through CliRunner: line mode, one answer per line, as scripts use them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizcli.cli import app
from quizcli.store import Store

from conftest import LONG_CONTEXT_SNAPSHOT, write_deck

runner = CliRunner()
LESSON = ["long-context", "--tag", "lesson-quiz", "--no-shuffle"]
RIGHT = ["B", "B", "A", "B", "B", "B", "B", "B"]
# The whole deck in authored order with every item of a card (--all-items): true/false, cloze blanks, typed
# answers, select-all, the lesson's eight, matching, ordering.
DECK_RIGHT = ["false", "0.3", "0.05", "middle", "position degradation", "false", "true", "an attention sink",
              "attention sink", "verbatim repetition", "attention collapse", "A C B", *RIGHT]  # fmt: skip


def exam(*args: str, answers: list[str] | None = None):  # type: ignore[no-untyped-def]
    text = "".join(f"{a}\n" for a in answers or [])
    return runner.invoke(app, ["exam", *args], input=text)


def test_all_right_scores_full_marks() -> None:
    result = exam(*LESSON, answers=RIGHT)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    score = lines.index("Score: 8/8 (100%)")
    assert lines[score + 1] == "PASS"
    assert "Nothing to review: every answer was right." in result.stdout


def test_all_wrong_scores_zero_and_reviews_every_question() -> None:
    result = exam(*LESSON, answers=["C"] * 8)
    lines = result.stdout.splitlines()
    assert lines[lines.index("Score: 0/8 (0%)") + 1] == "FAIL"
    assert "Review: 8 questions to go over" in result.stdout
    assert len(re.findall(r"Question \d ", result.stdout)) == 8


def test_mixed_answers_give_the_exact_score_breakdown_and_review() -> None:
    result = exam(*LESSON, answers=["B", "B", "C", "B", "", "A", "b", "2"])
    out = result.stdout
    lines = out.splitlines()
    assert lines[lines.index("Score: 5/8 (63%)") + 1] == "FAIL"
    assert "Time taken 0:00 · pass mark 70% · seed" in out
    breakdown = [line.split() for line in lines[lines.index("By tag") + 3 :][:3]]
    assert breakdown == [
        ["key-issues", "│", "2/4", "│", "50%"],
        ["statistical-issues", "│", "1/2", "│", "50%"],
        ["solutions", "│", "2/2", "│", "100%"],
    ]
    assert "Review: 3 questions to go over" in out
    reviewed = re.findall(r"╭─ Question (\d) ─", out)
    assert reviewed == ["3", "5", "6"]
    q3 = out[out.index("╭─ Question 3 ") : out.index("╭─ Question 5 ")]
    assert "An attention sink is:" in q3 and "Your answer: C) No such concept" in q3
    assert "Correct:     A) Token that receives excessive attention" in q3
    assert "The lesson's table defines an attention sink" in q3 and q3.rstrip().endswith("wrong ─╯")
    q5 = out[out.index("╭─ Question 5 ") : out.index("╭─ Question 6 ")]
    assert "Your answer: (none)" in q5 and "skipped ─╯" in q5


def test_typed_cloze_and_select_all_answers_are_read_one_line_each() -> None:
    result = exam(str(LONG_CONTEXT_SNAPSHOT), "--no-shuffle", "--all-items", answers=DECK_RIGHT)
    assert "Score: 20/20 (100%)" in result.stdout
    almost = list(DECK_RIGHT)
    almost[4] = "position degradaton"
    result = exam(str(LONG_CONTEXT_SNAPSHOT), "--no-shuffle", "--all-items", "--json", answers=almost)
    data = json.loads(result.stdout)
    assert (data["score"], data["total"], data["percent"], data["passed"]) == (19, 20, 95, True)
    typed = data["questions"][4]
    assert (typed["answer"], typed["correct"], typed["almost"]) == ("position degradaton", False, True)


def test_end_of_input_submits_with_the_rest_unanswered() -> None:
    result = exam(*LESSON, answers=["B", "B", "A"])
    assert result.exit_code == 0
    assert "Score: 3/8 (38%)" in result.stdout and "Review: 5 questions to go over" in result.stdout


def test_json_prints_one_object_with_every_field() -> None:
    result = exam(*LESSON, "--seed", "11", "--pass-mark", "60", "--json", answers=["B", "B", "C", "B", "", "A"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert "question 1 of 8" in result.stderr  # the questions go to stderr, stdout is only JSON
    assert {k: data[k] for k in ("deck", "score", "total", "percent", "passed", "pass_mark", "seed", "tag")} == {
        "deck": "long-context", "score": 3, "total": 8, "percent": 38, "passed": False, "pass_mark": 60,
        "seed": 11, "tag": "lesson-quiz",
    }  # fmt: skip
    assert data["attempt"] == 1 and data["timed_out"] is False and data["duration_seconds"] >= 0
    assert data["started_at"] == "2026-11-28T10:00:00.000000+00:00"
    assert [q["item"] for q in data["questions"]][:2] == ["q1-dilution", "q2-lost-in-the-middle"]
    assert data["questions"][2] | {"tags": []} == {
        "number": 3, "item": "q3-attention-sink", "kind": "choice", "tags": [],
        "question": "An attention sink is:", "answer": "C) No such concept",
        "expected": "A) Token that receives excessive attention", "correct": False, "almost": False,
        "skipped": False, "flagged": False,
    }  # fmt: skip
    assert data["tags"][0] == {"tag": "key-issues", "score": 2, "total": 4, "percent": 50}


def test_without_a_seed_one_is_drawn_and_replays_the_same_exam() -> None:
    first = exam("long-context", "--tag", "lesson-quiz", "--shuffle", "--json")
    seed = json.loads(first.stdout)["seed"]
    again = exam("long-context", "--tag", "lesson-quiz", "--seed", str(seed), "--json")
    other = exam("long-context", "--tag", "lesson-quiz", "--seed", str(seed + 1), "--json")
    assert again.stderr == first.stderr != other.stderr  # same questions, same options, same order
    expected = [(q["item"], q["expected"]) for q in json.loads(first.stdout)["questions"]]
    assert expected == [(q["item"], q["expected"]) for q in json.loads(again.stdout)["questions"]]


def test_count_draws_part_of_the_pool() -> None:
    data = json.loads(exam("long-context", "--count", "5", "--seed", "3", "--json").stdout)
    assert data["total"] == 5 and len({q["item"] for q in data["questions"]}) == 5


def test_history_lists_attempts_in_order_with_best_and_latest() -> None:
    exam(*LESSON, answers=RIGHT[:5])
    exam(*LESSON, answers=RIGHT)
    exam(*LESSON, answers=RIGHT[:2])
    result = runner.invoke(app, ["history"])
    assert result.exit_code == 0
    scores = re.findall(r"│ +(\d/8) │ +(\d+%) │ (PASS|FAIL)", result.stdout)
    assert scores == [("5/8", "63%", "FAIL"), ("8/8", "100%", "PASS"), ("2/8", "25%", "FAIL")]
    summary = r"long-context │ tag lesson-quiz │ +3/3 │ 2/8 \(25%\) FAIL │ 8/8 \(100%\) │ +-75$"
    assert re.search(summary, result.stdout, re.MULTILINE)
    data = json.loads(runner.invoke(app, ["history", "long-context", "--json"]).stdout)
    assert [a["score"] for a in data["attempts"]] == [5, 8, 2]
    assert data["decks"][0]["best"]["score"] == 8 and data["decks"][0]["latest"]["score"] == 2
    assert [a["kind"] for a in data["attempts"]] == ["tag"] * 3 and data["decks"][0]["trend"] == -75
    assert json.loads(runner.invoke(app, ["history", "other-deck", "--json"]).stdout)["attempts"] == []


def test_history_before_any_exam() -> None:
    result = runner.invoke(app, ["history"])
    assert result.exit_code == 0 and "No exams taken yet" in result.stdout


def test_retry_wrong_asks_only_the_questions_missed_last_time() -> None:
    exam(*LESSON, answers=["B", "B", "C", "B", "", "A", "B", "B"])
    result = exam("long-context", "--retry-wrong", "--no-shuffle", "--json", answers=["A", "B", "B"])
    data = json.loads(result.stdout)
    assert [q["item"] for q in data["questions"]] == ["q3-attention-sink", "q5-dilution-example",
                                                       "q6-position-degradation"]  # fmt: skip
    assert data["score"] == 3
    result = exam("long-context", "--retry-wrong")
    assert result.exit_code == 1
    assert "quizcli: error: the last exam on 'long-context' had no wrong or skipped question" in result.stderr


def test_retry_wrong_before_any_exam_is_a_clear_error() -> None:
    result = exam("long-context", "--retry-wrong")
    assert result.exit_code == 1 and "no exam taken on 'long-context' yet" in result.stderr


def test_a_deck_of_flashcards_gets_a_clear_message(user_decks: Path) -> None:
    write_deck(user_decks, "cards", "cards:\n  - {id: a, front: x, back: y}\n")
    result = exam("cards")
    assert result.exit_code == 1
    assert result.stderr.startswith("quizcli: error: 'cards' has no question an exam can mark")
    assert "Traceback" not in result.stdout + result.stderr


def test_an_exam_never_touches_the_schedule() -> None:
    exam("long-context", "--no-shuffle", "--all-items", answers=DECK_RIGHT)
    with Store.open() as store:
        assert store.states("long-context") == {} and store.items_with_progress("long-context") == set()
        assert len(store.exam_attempts("long-context")) == 1


def test_ctrl_c_in_line_mode_abandons_and_records_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    from quizcli.terminal import LineInput
    from quizcli.ui import exam as screens

    class Interrupted(LineInput):
        def line(self, prompt: str, timeout: float | None = None) -> str:
            raise KeyboardInterrupt

    monkeypatch.setattr(screens, "open_input", Interrupted)
    result = exam(*LESSON)
    assert result.exit_code == 130 and "exam abandoned; nothing was recorded" in result.stderr
    with Store.open() as store:
        assert store.exam_attempts() == []


@pytest.mark.parametrize(
    ("option", "value"), [("--time-limit", "0"), ("--pass-mark", "101"), ("--count", "0"), ("--seed", "-1")]
)
def test_bad_option_values_are_usage_errors(option: str, value: str) -> None:
    assert exam("long-context", option, value).exit_code == 2


def test_the_time_limit_submits_a_scripted_exam_waiting_for_input(tmp_path: Path) -> None:
    """A pipe that stays open but sends nothing more: the wait for the next line times out after 0.6 seconds."""
    command = [sys.executable, "-m", "quizcli", "exam", *LESSON, "--time-limit", "0.01"]
    with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as process:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write("B\n")
        process.stdin.flush()
        guard = threading.Timer(20, process.kill)  # a broken time limit fails the test instead of hanging it
        guard.start()
        out = process.stdout.read()  # until the exam ends: stdin stays open, so only the time limit can end it
        guard.cancel()
        assert process.wait() == 0
    assert "Time is up" in out and "Score: 1/8 (13%)" in out


def test_deck_text_is_shown_as_text_never_as_markup(user_decks: Path) -> None:
    write_deck(user_decks, "hostile", 'cards:\n  - {id: a, question: "[red]Q[/] \\e[31m", choices: ["[b]x[/b]", y], answer: B, '
               'explanation: "[link=z]why[/link]"}\n')  # fmt: skip
    result = exam("hostile", "--no-shuffle", answers=["A"])
    assert "[red]Q[/] ^[[31m" in result.stdout and "[b]x[/b]" in result.stdout and "[link=z]why[/link]" in result.stdout
    assert "\x1b" not in result.stdout


def test_a_piped_answer_key_scores_the_same_every_time(quizcli_home: Path) -> None:
    """From a pipe the lesson keeps its authored order, so its answer key always scores 8 of 8: through a real pipe
    into a process of its own, then again in this one (not a terminal either), each run drawing afresh."""
    key = ["b", "b", "a", "b", "b", "b", "b", "b"]
    run = subprocess.run(
        [sys.executable, "-m", "quizcli", "exam", "long-context", "--tag", "lesson-quiz"],
        input="".join(f"{answer}\n" for answer in key), capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "Score: 8/8 (100%)" in run.stdout.splitlines()
    for _ in range(4):
        result = exam("long-context", "--tag", "lesson-quiz", answers=key)
        assert result.exit_code == 0, result.stderr
        assert "Score: 8/8 (100%)" in result.stdout.splitlines()


def test_piped_options_state_their_letters() -> None:
    result = exam("long-context", "--tag", "lesson-quiz", answers=["B"])
    assert result.exit_code == 0
    assert re.search(r"^ *○ A\) ", result.stdout, re.MULTILINE)
    assert re.search(r"^ *○ B\) ", result.stdout, re.MULTILINE)


@pytest.mark.parametrize(
    ("shuffle", "seed", "interactive", "expected"),
    [
        (None, None, False, False),  # a pipe: the deck's order
        (None, None, True, True),  # a terminal: shuffled
        (None, 7, False, True),  # a seed replays a shuffled exam, even from a pipe
        (True, None, False, True),
        (False, 7, True, False),
    ],
)
def test_when_an_exam_is_shuffled(shuffle: bool | None, seed: int | None, interactive: bool, expected: bool) -> None:
    from quizcli.commands.exam import ExamRequest, shuffles

    request = ExamRequest(deck="long-context", seed=seed, shuffle=shuffle)
    assert shuffles(request, interactive=interactive) is expected


def test_history_of_a_deck_named_in_bytes_that_are_not_utf8_is_empty_not_a_crash() -> None:
    result = CliRunner().invoke(app, ["history", "deck\udc9b", "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["attempts"] == []

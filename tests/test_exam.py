"""Exam logic, without a terminal: the draw, the answer sheet, the deadline, marking and history summaries."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from quizcli.cards import Deck
from quizcli.exam import (
    Deadline,
    Ending,
    ExamError,
    ExamOptions,
    Sheet,
    exam_pool,
    plan_exam,
    retry_pool,
    toggle_letter,
)
from quizcli.history import deck_records
from quizcli.kinds.choice import Choice
from quizcli.marking import mark, percent
from quizcli.parser import load_deck, parse_deck
from quizcli.store.exams import Attempt

from conftest import LONG_CONTEXT

T0 = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
MIXED = """\
title: Mixed
tags: [everything]
cards:
  - {id: flash, front: a front, back: a back}
  - id: pick
    question: Pick B
    choices: [no, yes, nope]
    answer: B
    tags: [one]
  - id: all
    question: Pick A and C
    choices: [right, wrong, also right]
    answer: [A, C]
    tags: [one]
  - {id: truth, question: Sky is blue, answer: true, tags: [two]}
  - {id: word, question: Say attention sink, answer: attention sink, tags: [two]}
  - {id: blanks, cloze: "{{c1::red}} and {{c1::blue}} then {{green}}", tags: [two]}
"""


def mixed() -> Deck:
    result = parse_deck(MIXED, "mixed.yaml", "mixed")
    assert result.errors == []
    return result.deck


def lesson() -> Deck:
    return load_deck(LONG_CONTEXT)


def test_the_pool_is_every_auto_gradable_item_in_deck_order() -> None:
    ids = [item.id for item in exam_pool(mixed(), ExamOptions(seed=1))]
    assert ids == ["pick", "all", "truth", "word", "blanks:c1", "blanks:c3"]


def test_the_pool_follows_the_tag_and_the_retry_list() -> None:
    assert [i.id for i in exam_pool(mixed(), ExamOptions(seed=1, tag="one"))] == ["pick", "all"]
    only = frozenset({"truth", "blanks:c3", "gone"})
    assert [i.id for i in exam_pool(mixed(), ExamOptions(seed=1, only=only))] == ["truth", "blanks:c3"]


def test_a_deck_of_flashcards_is_a_clear_error() -> None:
    deck = parse_deck("cards:\n  - {id: a, front: x, back: y}\n  - {id: b, front: z, back: w}\n", "f.yaml", "f").deck
    with pytest.raises(ExamError, match="'f' has no question an exam can mark.*its 2 cards are flashcards"):
        plan_exam(deck, ExamOptions(seed=1))
    with pytest.raises(ExamError, match="'e' has no cards"):
        plan_exam(parse_deck("cards: []\n", "e.yaml", "e").deck, ExamOptions(seed=1))


def test_an_unknown_tag_lists_the_tags_there_are() -> None:
    with pytest.raises(ExamError, match="no question in 'mixed' has the tag 'three'; its tags: everything, one, two"):
        plan_exam(mixed(), ExamOptions(seed=1, tag="three"))


def test_retrying_needs_an_earlier_attempt_with_misses() -> None:
    with pytest.raises(ExamError, match="no exam taken on 'd' yet"):
        retry_pool("d", None)
    with pytest.raises(ExamError, match="no wrong or skipped question"):
        retry_pool("d", [])
    assert retry_pool("d", ["a", "b"]) == {"a", "b"}
    with pytest.raises(ExamError, match="none of the questions missed last time"):
        plan_exam(mixed(), ExamOptions(seed=1, only=frozenset({"removed-card"})))


def shown(options: ExamOptions) -> list[tuple[str, tuple[str, ...]]]:
    return [(q.item.id, q.options) for q in plan_exam(lesson(), options).questions]


def test_a_seed_replays_the_same_questions_and_options() -> None:
    first = shown(ExamOptions(seed=42, tag="lesson-quiz"))
    assert first == shown(ExamOptions(seed=42, tag="lesson-quiz"))
    assert first != shown(ExamOptions(seed=43, tag="lesson-quiz"))
    assert first != shown(ExamOptions(seed=42, tag="lesson-quiz", shuffle=False))


def test_no_shuffle_keeps_the_authored_order_of_questions_and_options() -> None:
    questions = plan_exam(lesson(), ExamOptions(seed=42, tag="lesson-quiz", shuffle=False)).questions
    cards = [c for c in lesson().cards if "lesson-quiz" in c.tags]
    choices = [(c.id, c.content.choices) for c in cards if isinstance(c.content, Choice)]
    assert len(choices) == len(cards) and [(q.item.id, q.options) for q in questions] == choices


def test_count_draws_that_many_at_random_and_more_than_there_are_is_all() -> None:
    drawn = [q.item.id for q in plan_exam(lesson(), ExamOptions(seed=3, size=5, shuffle=False)).questions]
    pool = [item.id for item in exam_pool(lesson(), ExamOptions(seed=3))]
    assert len(drawn) == 5 and drawn == [i for i in pool if i in drawn]  # unshuffled: in deck order
    assert drawn != pool[:5]
    assert len(plan_exam(lesson(), ExamOptions(seed=3, size=99, all_items=True)).questions) == len(pool)
    cards = {ref.card_id for ref in exam_pool(lesson(), ExamOptions(seed=3))}
    assert len(cards) < len(pool)  # its cloze cards have more than one deletion: one each is asked
    assert {q.item.card.id for q in plan_exam(lesson(), ExamOptions(seed=3, size=99)).questions} == cards


@pytest.mark.parametrize(
    ("score", "total", "expected"),
    [(5, 8, 63), (1, 8, 13), (3, 8, 38), (2, 3, 67), (1, 3, 33), (0, 8, 0), (8, 8, 100), (139, 200, 70)],
)
def test_percent_rounds_half_up(score: int, total: int, expected: int) -> None:
    assert percent(score, total) == expected


# The exams marked below ask every item, both deletions of the cloze card included (--all-items).


def sit(deck: Deck, responses: list[str | None], **options: object) -> list[bool]:
    exam = plan_exam(deck, ExamOptions(seed=1, shuffle=False, all_items=True, **options))  # type: ignore[arg-type]
    sheet = Sheet(len(exam.questions))
    sheet.responses = list(responses)
    result = mark(exam, sheet.finish(Ending.SUBMITTED, 12.5), T0)
    return [outcome.correct for outcome in result.outcomes]


def test_each_question_scores_one_only_when_exactly_right() -> None:
    right = sit(mixed(), ["B", "A C", "true", "Attention Sink!", "red; blue", "green"])
    assert right == [True] * 6
    wrong = sit(mixed(), ["2", "A", "t", "attention sinkk", "red", None])
    assert wrong == [True, False, True, False, False, False]
    assert sit(mixed(), ["A B C", "C A", "false", "", "red | blue", "GREEN"]) == [False, True, False, False, True, True]


def test_the_result_marks_almost_skipped_and_flagged_questions() -> None:
    exam = plan_exam(mixed(), ExamOptions(seed=1, shuffle=False, pass_mark=50, all_items=True))
    sheet = Sheet(len(exam.questions))
    sheet.responses = ["B", "A", None, "attention sinkk", "red; blue", "green"]
    sheet.current = 2
    sheet.toggle_flag()
    result = mark(exam, sheet.finish(Ending.TIMED_OUT, 61.0), T0)
    assert (result.score, result.total, result.percent, result.passed, result.timed_out) == (3, 6, 50, True, True)
    word = result.outcomes[3].to_dict()
    assert word | {"tags": []} == {
        "number": 4, "item": "word", "kind": "typed", "tags": [], "question": "Say attention sink",
        "answer": "attention sinkk", "expected": "attention sink", "correct": False, "almost": True,
        "skipped": False, "flagged": False,
    }  # fmt: skip
    truth = result.outcomes[2].to_dict()
    assert (truth["answer"], truth["skipped"], truth["flagged"]) == (None, True, True)
    assert result.outcomes[1].given() == "A) right"
    assert result.outcomes[4].expected() == "red; blue"
    assert [o.number for o in result.mistakes()] == [2, 3, 4]
    assert result.finished_at == datetime(2026, 11, 28, 10, 1, 1, tzinfo=UTC)


def test_tags_on_every_question_are_left_out_of_the_breakdown() -> None:
    exam = plan_exam(mixed(), ExamOptions(seed=1, shuffle=False, all_items=True))
    sheet = Sheet(len(exam.questions))
    sheet.responses = ["B", "A", "true", None, None, None]
    tags = [t.to_dict() for t in mark(exam, sheet.finish(Ending.SUBMITTED, 1), T0).tags]
    assert tags == [
        {"tag": "one", "score": 1, "total": 2, "percent": 50},
        {"tag": "two", "score": 1, "total": 4, "percent": 25},
    ]


def test_the_sheet_moves_within_the_exam_and_keeps_answers_and_flags() -> None:
    sheet = Sheet(3)
    assert not sheet.move(-1) and sheet.current == 0
    sheet.answer(" B ")
    assert sheet.move(2) and sheet.current == 2 and not sheet.move(1)
    sheet.toggle_flag()
    sheet.answer("   ")
    assert sheet.responses == ["B", None, None] and sheet.unanswered() == [1, 2] and sheet.answered() == 1
    sheet.toggle_flag()
    assert sheet.flagged == set()


def test_toggling_letters_builds_a_select_all_answer() -> None:
    assert toggle_letter(None, "C") == "C"
    assert toggle_letter("C", "A") == "A C"
    assert toggle_letter("A C", "C") == "A"
    assert toggle_letter("A", "A") is None


def test_the_deadline_runs_on_the_clock_it_is_given() -> None:
    now = [100.0]
    deadline = Deadline.start(30, clock=lambda: now[0])
    assert deadline.remaining() == 30 and not deadline.expired()
    now[0] = 130.0
    assert deadline.remaining() == 0 and deadline.expired()
    untimed = Deadline.start(None)
    assert untimed.remaining() is None and not untimed.expired()


def attempt(number: int, deck: str, score: int, total: int = 8, kind: str = "full", tag: str | None = None,
            timed_out: bool = False) -> Attempt:  # fmt: skip
    return Attempt(id=number, deck=deck, started_at=T0, seconds=60, score=score, total=total,
                   percent=percent(score, total), pass_mark=70, passed=percent(score, total) >= 70, seed=1, tag=tag,
                   timed_out=timed_out, kind=kind)  # fmt: skip


def test_each_deck_keeps_its_best_and_latest_attempt() -> None:
    attempts = [attempt(1, "b", 5), attempt(2, "a", 8), attempt(3, "b", 7), attempt(4, "b", 7), attempt(5, "b", 2)]
    records = {r.deck: r for r in deck_records(attempts)}
    assert list(records) == ["a", "b"]
    assert records["b"].attempts == 4 and records["b"].best.id == 3 and records["b"].latest.id == 5
    assert records["a"].best.id == records["a"].latest.id == 2


@pytest.mark.parametrize("width", [40, 80])
def test_the_result_ends_with_the_score_and_fits_the_width(width: int) -> None:
    from rich.console import Console

    from quizcli.ui.exam import print_result

    exam = plan_exam(lesson(), ExamOptions(seed=123456, shuffle=False, time_limit=600))
    sheet = Sheet(len(exam.questions))
    sheet.responses = [None] * len(exam.questions)
    result = mark(exam, sheet.finish(Ending.TIMED_OUT, 600.0), T0)
    console = Console(record=True, width=width, highlight=False, emoji=False, markup=False, color_system=None)
    print_result(console, result)
    lines = console.export_text().rstrip("\n").splitlines()
    assert all(len(line.rstrip()) <= width for line in lines)
    assert lines[-2:] == [f"Score: 0/{result.total} (0%)", "FAIL"]
    assert "By tag" in lines and any(line.startswith("Review: ") for line in lines)
    assert lines.index("By tag") < len(lines) - 2


def test_best_and_trend_compare_only_attempts_like_the_latest() -> None:
    retry = attempt(2, "a", 2, total=2, kind="retry")
    subset = attempt(3, "a", 3, total=3, kind="subset")
    attempts = [attempt(1, "a", 5), retry, subset, attempt(4, "a", 6), attempt(5, "a", 7, total=8)]
    record = deck_records(attempts)[0]
    assert record.best.id == 5 and record.compared == 3 and record.attempts == 5
    assert record.trend == percent(7, 8) - percent(6, 8)
    lone = deck_records([attempt(1, "b", 8), replace(retry, deck="b")])[0]
    assert lone.best.kind == "retry" and lone.compared == 1 and lone.trend is None


def test_an_attempt_is_full_subset_tag_or_retry() -> None:
    from quizcli.history import attempt_kind

    def kind(**options: object) -> str:
        return attempt_kind(plan_exam(mixed(), ExamOptions(seed=1, **options)))  # type: ignore[arg-type]

    assert kind() == "full" and kind(size=6) == "full" and kind(size=99) == "full" and kind(size=2) == "subset"
    assert kind(tag="one") == "tag" and kind(tag="one", size=1) == "tag"
    assert kind(only=frozenset({"pick"})) == kind(only=frozenset({"pick"}), tag="one") == "retry"


def test_the_history_fits_80_columns_with_no_verdict_alone_on_a_line() -> None:
    from rich.console import Console

    from quizcli.ui.exam import print_history

    attempts = [attempt(1, "a-deck-with-a-rather-long-name-indeed", 8, kind="tag", tag="lesson-quiz-part"),
                attempt(2, "a-deck-with-a-rather-long-name-indeed", 2, total=2, kind="retry", timed_out=True),
                attempt(3, "b", 3)]  # fmt: skip
    console = Console(record=True, width=80, highlight=False, emoji=False, markup=False, color_system=None)
    print_history(console, attempts, deck_records(attempts))
    lines = console.export_text().splitlines()
    assert all(len(line.rstrip()) <= 80 for line in lines)
    assert not [line for line in lines if line.strip() in ("PASS", "FAIL")]
    assert any("retry" in line and "2/2" in line and "PASS" in line for line in lines)
    assert any("│ tag " in line and "8/8" in line for line in lines)

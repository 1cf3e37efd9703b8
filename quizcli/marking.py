"""Marking a sitting: each question's credit, the percent, the score per tag.  Pure.

A question scores 1 or 0, except where its kind gives partial credit (a
matching question per pair, an ordering question per position): then the
share it got right.  A select-all question scores only when exactly the right
options are chosen; a typed or cloze "almost" is wrong.  The percent is
rounded half up to a whole number, and that shown number is what the pass
mark is compared with.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from quizcli.clock import to_text
from quizcli.exam import Ending, Exam, ExamOptions, Sitting
from quizcli.grading import grade
from quizcli.kinds.base import Question, Verdict
from quizcli.store.exams import AnswerRecord, ExamRecord


class Outcome(NamedTuple):
    """One marked question; ``response`` is None when it was left blank."""

    number: int
    question: Question
    response: str | None
    verdict: Verdict
    flagged: bool = False

    @property
    def correct(self) -> bool:
        return self.verdict.correct

    @property
    def credit(self) -> float:
        """The share of the question's mark: 1 or 0, or a fraction for a kind with partial credit."""
        return self.verdict.credit

    @property
    def skipped(self) -> bool:
        return self.response is None

    def given(self) -> str | None:
        """The answer as the user should see it again: letters with their option text, or the text typed."""
        return None if self.response is None else self.question.item.card.content.describe(self.question, self.response)

    def expected(self) -> str:
        return self.question.expected()

    def to_dict(self) -> dict[str, Any]:
        """The question as ``exam --json`` prints it; ``score`` only for a question with partial credit."""
        item = self.question.item
        partial = {} if self.verdict.partial is None else {"score": round(self.credit, 4)}
        return {
            "number": self.number,
            "item": item.id,
            "kind": str(item.card.kind),
            "tags": list(item.card.tags),
            "question": self.question.prompt,
            "answer": self.given(),
            "expected": self.expected(),
            "correct": self.correct,
            "almost": self.verdict.almost,
            "skipped": self.skipped,
            "flagged": self.flagged,
        } | partial


def percent(score: float, total: int) -> int:
    """A whole percent, rounded half up: 5/8 (62.5%) is 63."""
    return math.floor(100 * score / total + 0.5 + 1e-9) if total else 0


def total_credit(outcomes: Iterable[Outcome]) -> float:
    """The sum of the credits: a whole number when it is one (``6``, not ``6.0``), else to two decimals."""
    credit = sum(outcome.credit for outcome in outcomes)
    whole = round(credit)
    return whole if abs(credit - whole) < 1e-9 else round(credit, 2)


class TagScore(NamedTuple):
    tag: str
    score: float
    total: int

    @property
    def percent(self) -> int:
        return percent(self.score, self.total)

    def to_dict(self) -> dict[str, Any]:
        return {"tag": self.tag, "score": self.score, "total": self.total, "percent": self.percent}


class Result(NamedTuple):
    """A marked exam, as shown on the final screen, printed by ``--json`` and saved in the store."""

    deck: str
    title: str
    outcomes: tuple[Outcome, ...]
    options: ExamOptions
    started_at: datetime
    seconds: float
    timed_out: bool = False
    tags: tuple[TagScore, ...] = ()

    @property
    def score(self) -> float:
        return total_credit(self.outcomes)

    @property
    def total(self) -> int:
        return len(self.outcomes)

    @property
    def percent(self) -> int:
        return percent(self.score, self.total)

    @property
    def passed(self) -> bool:
        return self.percent >= self.options.pass_mark

    @property
    def finished_at(self) -> datetime:
        return self.started_at + timedelta(seconds=self.seconds)

    def mistakes(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if not outcome.correct]

    def to_dict(self) -> dict[str, Any]:
        return {
            "deck": self.deck,
            "title": self.title,
            "score": self.score,
            "total": self.total,
            "percent": self.percent,
            "pass_mark": self.options.pass_mark,
            "passed": self.passed,
            "started_at": to_text(self.started_at),
            "finished_at": to_text(self.finished_at),
            "duration_seconds": round(self.seconds, 3),
            "timed_out": self.timed_out,
            "time_limit_seconds": self.options.time_limit,
            "seed": self.options.seed,
            "tag": self.options.tag,
            "shuffle": self.options.shuffle,
            "questions": [outcome.to_dict() for outcome in self.outcomes],
            "tags": [tag.to_dict() for tag in self.tags],
        }


def mark(exam: Exam, sitting: Sitting, started_at: datetime) -> Result:
    """Mark every question of a sitting; a blank answer is wrong."""
    outcomes = tuple(
        Outcome(
            number=number,
            question=question,
            response=response,
            verdict=_verdict(question, response),
            flagged=number - 1 in sitting.flagged,
        )
        for number, (question, response) in enumerate(zip(exam.questions, sitting.responses, strict=True), start=1)
    )
    return Result(
        deck=exam.deck.name,
        title=exam.deck.title,
        outcomes=outcomes,
        options=exam.options,
        started_at=started_at,
        seconds=sitting.seconds,
        timed_out=sitting.ending is Ending.TIMED_OUT,
        tags=tuple(tag_scores(outcomes, exam.deck.tag_order)),
    )


def _verdict(question: Question, response: str | None) -> Verdict:
    return Verdict(correct=False) if response is None else grade(question, response)


def tag_scores(outcomes: Sequence[Outcome], order: Iterable[str]) -> list[TagScore]:
    """Score per tag, in ``order``.  A tag every question has (the deck's own, the ``--tag``) only repeats the total."""
    scores = []
    for tag in order:
        tagged = [outcome for outcome in outcomes if tag in outcome.question.item.card.tags]
        if tagged and len(tagged) < len(outcomes):
            scores.append(TagScore(tag, total_credit(tagged), len(tagged)))
    return scores


def exam_record(result: Result, kind: str = "full") -> ExamRecord:
    """A marked exam as the store saves it; ``kind``: full, subset, tag or retry (`quizcli.history.attempt_kind`)."""
    options = result.options
    return ExamRecord(
        deck=result.deck,
        started_at=result.started_at,
        finished_at=result.finished_at,
        seconds=result.seconds,
        score=result.score,
        total=result.total,
        percent=result.percent,
        pass_mark=options.pass_mark,
        passed=result.passed,
        seed=options.seed,
        tag=options.tag,
        shuffled=options.shuffle,
        time_limit_s=options.time_limit,
        timed_out=result.timed_out,
        kind=kind,
        answers=tuple(
            AnswerRecord(
                number=outcome.number,
                item=outcome.question.item.id,
                kind=str(outcome.question.kind),
                given=outcome.given(),
                expected=outcome.expected(),
                correct=outcome.correct,
                almost=outcome.verdict.almost,
                flagged=outcome.flagged,
            )
            for outcome in result.outcomes
        ),
    )

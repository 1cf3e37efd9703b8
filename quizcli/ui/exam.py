"""The exam screens: one question at a time on a terminal, one line per question from a pipe.

On a terminal (key mode) letters or digits choose an option (toggle one for
select-all), ``t``/``f`` answer true/false, and Enter moves on; ``p``/``n`` or
the arrow keys move back and on, ``s`` leaves a question blank, ``m`` flags
it, ``x`` submits after a confirmation, and Ctrl-C pauses to submit or
abandon.  A letter that names an option of the question on screen always
chooses it.  On a typed or cloze question any printable key starts the answer
(typed in the panel, the clock running on), so only keys that are never text
move there: the arrows, Tab and Ctrl-P/N/K/F/X (`quizcli.exam.TEXT_SAFE_MOVES`).

From a pipe (line mode) each line answers the next question, an empty line
leaves it blank, and the end of input submits the exam with the rest blank.

A time limit is kept by waiting for input with a timeout (`quizcli.terminal`
raises `TimeoutError`, no signal is involved): while a key is awaited, on any
screen and while an answer is typed, the wait ends whenever the shown clock
changes, to redraw it, and when the time is up.  The time keeping itself
(time left, when to redraw, what happens when the time is up) is
`quizcli.exam.Deadline`'s, and what the navigation, submit and pause keys do
is `quizcli.exam`'s too (`move_for`, `confirms_submit`, `pause_choice`).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from typing import TYPE_CHECKING, assert_never

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from quizcli.exam import (
    ON_TIME_UP,
    Deadline,
    Ending,
    Exam,
    Move,
    Sheet,
    Sitting,
    confirms_submit,
    is_text,
    move_for,
    pause_choice,
    toggle_letter,
)
from quizcli.grading import option_position
from quizcli.kinds.base import LETTERS, Answering, Question
from quizcli.terminal import BACKSPACE, ENTER, ESCAPE, Input, cbreak, discard_typeahead, open_input
from quizcli.text import plural
from quizcli.ui import Hanging, listed_lines, markdown, plain

if TYPE_CHECKING:
    from rich.table import Table

    from quizcli.history import DeckRecord
    from quizcli.marking import Outcome, Result, TagScore
    from quizcli.store.exams import Attempt

_NAVIGATION = "p/← back · n/→ next · s skip · m flag · x submit · Ctrl-C pause"
_TYPING_NAVIGATION = "← back · →/Tab next · Ctrl-K skip · Ctrl-F flag · Ctrl-X submit · Ctrl-C pause"


class _TimeUp(Exception):
    """The time limit ran out."""


def sit_exam(console: Console, exam: Exam) -> Sitting:
    """Take the exam on this terminal, keys in cbreak mode, or from stdin a line per question."""
    inp = open_input()
    with cbreak() if inp.interactive else nullcontext():
        sitting = take_exam(console, inp, exam)
        if inp.interactive:
            discard_typeahead()  # an answer half-typed when the time ran out must not reach the shell
    return sitting


def take_exam(console: Console, inp: Input, exam: Exam, clock: Callable[[], float] = time.monotonic) -> Sitting:
    """Ask every question and return what was handed in; keys on a terminal, lines otherwise."""
    deadline = Deadline.start(exam.options.time_limit, clock)
    sheet = Sheet(len(exam.questions))
    runner = _KeyExam if inp.interactive else _LineExam
    ending = runner(console, inp, exam, sheet, deadline).run()
    if inp.interactive:
        console.clear()
    return sheet.finish(ending, deadline.elapsed())


class _Runner:
    def __init__(self, console: Console, inp: Input, exam: Exam, sheet: Sheet, deadline: Deadline) -> None:
        self.console = console
        self.inp = inp
        self.exam = exam
        self.sheet = sheet
        self.deadline = deadline

    @property
    def question(self) -> Question:
        return self.exam.questions[self.sheet.current]

    def _line(self, prompt: str) -> str:
        """A typed line, cut short by `_TimeUp` when the time limit runs out first."""
        try:
            return self.inp.line(prompt, self.deadline.remaining())
        except TimeoutError:
            raise _TimeUp from None

    def _status(self) -> str:
        sheet = self.sheet
        status = (
            f"question {sheet.current + 1} of {sheet.size} · {sheet.answered()} answered · {len(sheet.flagged)} flagged"
        )
        shown = self.deadline.shown()
        return status if shown is None else f"{status} · {format_duration(shown)} left"


class _LineExam(_Runner):
    """Line mode: each line of input answers the next question in order; Ctrl-C abandons."""

    def run(self) -> Ending:
        for index in range(self.sheet.size):
            self.sheet.current = index
            if self.deadline.expired():
                return ON_TIME_UP
            self.console.print()
            self.console.print(plain(self._status(), "bold"))
            self.console.print(
                question_body(self.question, None), plain(f"({_how_to_answer(self.question)[0]})", "dim")
            )
            try:
                self.sheet.answer(self._line("answer: "))
            except EOFError:
                return Ending.SUBMITTED
            except _TimeUp:
                return ON_TIME_UP
            except KeyboardInterrupt:  # no keyboard to ask "submit or abandon?" with
                return Ending.ABANDONED
        return Ending.SUBMITTED


_TYPING_KEYS = "Enter save and next · Backspace delete · Esc cancel"


def _how_to_answer(question: Question) -> tuple[str, str]:
    """How a question is answered, said once for both modes: (what line mode's line holds, the keys key mode shows)."""
    match question.answering:
        case Answering.CHOOSE:
            last = LETTERS[len(question.options) - 1]
            if question.multiple:
                return "letters of all the right options, e.g. A C", f"A-{last} toggle · Enter next"
            return "a letter", f"A-{last} choose · Enter next"
        case Answering.TRUE_FALSE:
            return "true or false", "t true · f false · Enter next"
        case Answering.LINE:
            if question.blanks > 1:
                typed = f"type the {question.blanks} answers separated by ';'"
            else:
                typed = f"type {question.how}" if question.how else "type the answer"
            return typed, typed
        case Answering.REVEAL:
            raise ValueError("an exam asks no self-rated question")
        case unknown:
            assert_never(unknown)


class _KeyExam(_Runner):
    """Key mode: one question on screen, answered and navigated with single keys."""

    def run(self) -> Ending:
        try:
            while (ending := self._guarded()) is None:
                pass
            return ending
        except _TimeUp:
            return ON_TIME_UP

    def _guarded(self) -> Ending | None:
        try:
            return self._handle(self._key(self._draw))
        except KeyboardInterrupt:
            return self._pause()
        except EOFError:
            return self._confirm_submit()

    def _key(self, draw: Callable[[], None]) -> str:
        """The next key press, redrawing each second while a clock runs; `_TimeUp` when it runs out."""
        draw()
        while True:
            if self.deadline.expired():
                raise _TimeUp
            try:
                return self.inp.key(self.deadline.until_redraw())
            except TimeoutError:
                draw()

    def _handle(self, key: str) -> Ending | None:
        if self._choose(key):
            return None
        typing = self.question.answering is Answering.LINE
        if typing and (key == ENTER or is_text(key)):
            return self._type("" if key == ENTER else key)
        if key == ENTER:
            return self._advance()
        return self._move(move_for(key, typing=typing))

    def _move(self, move: Move | None) -> Ending | None:
        match move:
            case Move.NEXT:
                return self._advance()
            case Move.BACK:
                self.sheet.move(-1)
            case Move.SKIP:
                self.sheet.answer(None)
                return self._advance()
            case Move.FLAG:
                self.sheet.toggle_flag()
            case Move.SUBMIT:
                return self._confirm_submit()
            case None:
                pass
            case unknown:
                assert_never(unknown)
        return None

    def _choose(self, key: str) -> bool:
        """Answer from an option key; False when the key is not an answer to this question."""
        question, lowered = self.question, key.lower()
        if question.answering is Answering.TRUE_FALSE and lowered in ("t", "f"):
            self.sheet.answer("true" if lowered == "t" else "false")
            return True
        position = option_position(key, len(question.options)) if question.answering is Answering.CHOOSE else None
        if position is None:
            return False
        letter = LETTERS[position]
        self.sheet.answer(toggle_letter(self.sheet.response, letter) if question.multiple else letter)
        return True

    def _type(self, text: str) -> Ending | None:
        """Type an answer key by key, starting with ``text``, the clock running on.

        What is typed is the answer at once (so a time-out or a pause keeps it); Enter
        saves it and moves on, Escape (or Enter on nothing) goes back to the answer there
        was, and a move key saves it and moves.
        """
        previous = self.sheet.response
        while True:
            self.sheet.answer(text or previous)
            key = self._key(functools.partial(self._draw, typing=text))
            if key == ENTER:
                return self._advance() if text.strip() else None
            if key == ESCAPE:
                self.sheet.answer(previous)
                return None
            if key == BACKSPACE:
                text = text[:-1]
            elif is_text(key):
                text += key
            elif (move := move_for(key, typing=True)) is not None:
                return self._move(move)

    def _advance(self) -> Ending | None:
        """The next question; past the last one, the offer to submit."""
        return None if self.sheet.move(1) else self._confirm_submit()

    def _confirm_submit(self) -> Ending | None:
        """Submit on ``y`` (or a second end of input); Ctrl-C pauses as anywhere else."""
        try:
            key = self._key_or_end(self._draw_confirm)
        except KeyboardInterrupt:
            return self._pause()
        return Ending.SUBMITTED if key is None or confirms_submit(key) else None

    def _pause(self) -> Ending | None:
        """Ctrl-C: submit, abandon (a second Ctrl-C too), or any other key to carry on."""
        try:
            key = self._key_or_end(self._draw_pause)
        except KeyboardInterrupt:
            return Ending.ABANDONED
        return Ending.SUBMITTED if key is None else pause_choice(key)

    def _key_or_end(self, draw: Callable[[], None]) -> str | None:
        """The key pressed on the screen ``draw`` shows; None at the end of input, which submits the exam."""
        try:
            return self._key(draw)
        except EOFError:
            return None

    def _draw(self, typing: str | None = None) -> None:
        """The question on screen; ``typing``: the answer being typed, shown with a cursor."""
        question, sheet = self.question, self.sheet
        subtitle = "⚑ flagged for review" if sheet.current in sheet.flagged else ""
        response = sheet.response if typing is None else f"{typing}▏"
        panel = Panel(question_body(question, response), title=plain(self._status()), title_align="left",
                      subtitle=plain(subtitle), subtitle_align="right")  # fmt: skip
        navigation = _TYPING_NAVIGATION if question.answering is Answering.LINE else _NAVIGATION
        keys = _how_to_answer(question)[1] if typing is None else _TYPING_KEYS
        self._screen(panel, f"{keys}\n{navigation}")

    def _draw_confirm(self) -> None:
        sheet = self.sheet
        lines = [plain(f"{sheet.answered()} of {plural(sheet.size, 'question')} answered.")]
        if blank := sheet.unanswered():
            lines.append(plain(f"Unanswered (they count as wrong): {_numbers(blank)}", "bold"))
        if sheet.flagged:
            lines.append(plain(f"Flagged for review: {_numbers(sorted(sheet.flagged))}"))
        panel = Panel(Group(*lines), title=plain(f"Submit the exam? · {self._status()}"), title_align="left")
        self._screen(panel, f"y submit · any other key goes back to question {sheet.current + 1}")

    def _draw_pause(self) -> None:
        sheet = self.sheet
        text = plain(f"Exam paused; the clock keeps running. {sheet.answered()} of {sheet.size} answered.")
        panel = Panel(text, title=plain(f"Paused · {self._status()}"), title_align="left")
        self._screen(panel, "s submit now · a abandon (nothing is recorded) · any other key carries on")

    def _screen(self, body: RenderableType, keys: str) -> None:
        self.console.clear()
        self.console.print(plain(f"{self.exam.deck.title} · exam", "bold"))
        self.console.print(body)
        self.console.print(plain(keys, "dim"))


def _numbers(indices: Sequence[int]) -> str:
    return ", ".join(str(i + 1) for i in indices)


def question_body(question: Question, response: str | None) -> Group:
    """The prompt, the options (or typed answer) with ``response`` marked as the answer so far."""
    parts: list[RenderableType] = [markdown(question.prompt), Text()]
    match question.answering:
        case Answering.CHOOSE:
            if question.multiple:
                parts.append(Text("(select all that apply)", style="dim"))
            chosen = set((response or "").split())
            keys = [(LETTERS[i], text, LETTERS[i] in chosen) for i, text in enumerate(question.options)]
            parts.append(_options(keys, question.multiple))
        case Answering.TRUE_FALSE:
            parts.append(_options([(key, word, response == word) for key, word in (("t", "true"), ("f", "false"))]))
        case Answering.LINE:
            listed = listed_lines(question)
            parts += [*listed, Text()] if listed else []
            parts.append(Text.assemble(("Your answer: ", "bold"), plain(response or "—")))
        case Answering.REVEAL:
            raise ValueError("an exam asks no self-rated question")
        case unknown:
            assert_never(unknown)
    return Group(*parts)


def _options(options: Sequence[tuple[str, str, bool]], multiple: bool = False) -> Group:
    """One line per (key, text, chosen), long texts wrapping under themselves rather than under the key."""
    lines = []
    for key, text, chosen in options:
        mark = ("[x]" if chosen else "[ ]") if multiple else ("●" if chosen else "○")
        lines.append(Hanging(Text(f" {mark} {key}) "), plain(text, "bold" if chosen else "")))
    return Group(*lines)


def format_duration(seconds: float) -> str:
    """``75`` -> ``1:15``; an hour or more as ``1:02:03``."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


# ---- the result ---------------------------------------------------------------------------


def print_result(console: Console, result: Result) -> None:
    """The final screen: the review of every miss and the breakdown by tag, then time, score and PASS/FAIL.

    The score comes last so that it is what the terminal shows when the exam ends,
    however long the review above it.
    """
    console.print(plain(f"{result.title} · exam", "bold"))
    mistakes = result.mistakes()
    if mistakes:
        console.print()
        console.print(plain(f"Review: {plural(len(mistakes), 'question')} to go over", "bold"))
        for outcome in mistakes:
            console.print(review_panel(outcome))
    if result.tags:
        console.print()
        console.print(plain("By tag", "bold"))
        console.print(_tag_table(result.tags))
    console.print()
    if not mistakes:
        console.print(plain("Nothing to review: every answer was right."))
    if result.timed_out:
        console.print(plain("Time is up: the exam was submitted, and unanswered questions count as wrong.", "yellow"))
    console.print(plain(_facts(result), "dim"))
    console.print(plain(f"Score: {result.score}/{result.total} ({result.percent}%)", "bold"))
    console.print(Text("PASS", "bold green") if result.passed else Text("FAIL", "bold red"))


def _facts(result: Result) -> str:
    facts = f"Time taken {format_duration(result.seconds)}"
    if result.options.time_limit is not None:
        facts += f" of {format_duration(result.options.time_limit)}"
    return f"{facts} · pass mark {result.options.pass_mark}% · seed {result.options.seed}"


def _tag_table(tags: Sequence[TagScore]) -> Table:
    table = _table(("tag", "score", "%"), right=("score", "%"))
    for tag in tags:
        table.add_row(plain(tag.tag), f"{tag.score}/{tag.total}", f"{tag.percent}%")
    return table


def review_panel(outcome: Outcome) -> Panel:
    given = outcome.given()
    verdict = "skipped" if given is None else "almost (counted wrong)" if outcome.verdict.almost else "wrong"
    from rich.table import Table

    answers = Table.grid(padding=(0, 1))
    answers.add_column(style="bold", no_wrap=True)
    answers.add_column()
    answers.add_row("Your answer:", plain(given or "(none)", "red"))
    answers.add_row("Correct:", plain(outcome.expected(), "green"))
    listed = listed_lines(outcome.question)
    lines: list[RenderableType] = [
        markdown(outcome.question.prompt),
        Text(),
        *listed,
        *([Text()] if listed else []),
        answers,
    ]
    explanation = outcome.question.item.card.explanation
    if explanation:
        lines += [Text(), markdown(explanation)]
    return Panel(Group(*lines), title=plain(f"Question {outcome.number}"), title_align="left",
                 subtitle=plain(verdict), subtitle_align="right")  # fmt: skip


# ---- history ------------------------------------------------------------------------------


def print_history(console: Console, attempts: Sequence[Attempt], records: Sequence[DeckRecord]) -> None:
    """Every attempt, oldest first, with its kind; then per deck the latest, and the best and trend of its like."""
    if not attempts:
        console.print("No exams taken yet. Start one with: quizcli exam DECK")
        return
    table = _table(("date", "deck", "kind", "score", "%", "result", "time"), right=("score", "%", "time"))
    for a in attempts:
        time_taken = format_duration(a.seconds) + ("*" if a.timed_out else "")
        table.add_row(_date(a), plain(a.deck), plain(_kind(a)), f"{a.score}/{a.total}", f"{a.percent}%",
                      _verdict(a.passed), time_taken)  # fmt: skip
    console.print(table)
    if any(a.timed_out for a in attempts):
        console.print(plain("* the time limit ran out", "dim"))
    console.print()
    summary = _table(("deck", "kind", "exams", "latest", "best", "trend"), right=("exams", "trend"))
    for record in records:
        latest = record.latest
        summary.add_row(plain(record.deck), plain(_kind(latest)), f"{record.compared}/{record.attempts}",
                        Text.assemble(f"{_score(latest)} ", _verdict(latest.passed)), _score(record.best),
                        "—" if record.trend is None else f"{record.trend:+d}")  # fmt: skip
    console.print(summary)
    console.print(plain("best and trend: over exams of the same kind as the latest; trend in points", "dim"))


def _table(columns: Sequence[str], right: Sequence[str]) -> Table:
    """A borderless table whose cells fold rather than push a column (PASS, a score) onto a line of its own."""
    from rich.table import Table  # the results screens only: questions are drawn without tables

    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    for column in columns:
        table.add_column(column, justify="right" if column in right else "left",
                         no_wrap=column not in ("deck", "kind", "tag"), overflow="fold")  # fmt: skip
    return table


def _kind(attempt: Attempt) -> str:
    """``full``, ``subset``, ``retry``, or ``tag NAME``: what the attempt asked."""
    return f"tag {attempt.tag}" if attempt.kind == "tag" and attempt.tag else attempt.kind


def _date(attempt: Attempt) -> str:
    return attempt.started_at.astimezone().strftime("%Y-%m-%d %H:%M")


def _score(attempt: Attempt) -> str:
    return f"{attempt.score}/{attempt.total} ({attempt.percent}%)"


def _verdict(passed: bool) -> Text:
    return Text("PASS", "green") if passed else Text("FAIL", "red")

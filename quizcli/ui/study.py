"""The study screen: one card at a time, keyboard first.

Keys: Space/Enter reveals a flashcard, 1-4 rate it (Again, Hard, Good, Easy)
with the next interval shown under each; choice cards take a letter (A-D) or
digit, select-all cards several letters then Enter, true/false cards t or f,
typed and cloze cards a line of text.  After an auto-graded answer Enter
accepts the suggested rating and 1-4 override it.  ``u`` undoes the last
rating, ``s`` suspends, ``b`` buries until tomorrow, ``q`` ends the session
(letters that are options of the card on screen select the option instead).
What each key does, and which rating is suggested, is `quizcli.session`'s
policy (`key_action`, `Session.suggest`); this module draws and reads keys.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import datetime
from typing import assert_never

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.rule import Rule
from rich.text import Text

from quizcli.cards import Item
from quizcli.config import LeechAction
from quizcli.grading import grade, make_question, option_position, parse_letters, parse_truth
from quizcli.kinds.base import LETTERS, Answering, Question, Verdict
from quizcli.scheduler import Rating, format_interval
from quizcli.session import (
    DEFAULT_RATING,
    Action,
    Command,
    Result,
    Session,
    Stage,
    Summary,
    counts_correct,
    key_action,
)
from quizcli.terminal import ENTER, Input
from quizcli.text import plural
from quizcli.ui import Hanging, inert, listed_lines, markdown, plain

COMMANDS = {Command.UNDO: "undo", Command.SUSPEND: "suspend", Command.BURY: "bury", Command.QUIT: "quit"}
RATING_NAMES = {Rating.AGAIN: "Again", Rating.HARD: "Hard", Rating.GOOD: "Good", Rating.EASY: "Easy"}
RATING_STYLES = {Rating.AGAIN: "red", Rating.HARD: "yellow", Rating.GOOD: "green", Rating.EASY: "blue"}


class Quit(Exception):
    """The user ended the session with ``q``."""


class StudyScreen:
    """Drives a `Session` from key presses (or lines) and draws it on a console."""

    def __init__(
        self,
        session: Session,
        console: Console,
        keys: Input,
        rng: random.Random | None = None,
        tick: Callable[[], float] = time.monotonic,
    ) -> None:
        self.session, self.console, self.keys = session, console, keys
        self.rng = rng or random.Random()
        self.tick = tick
        self._held: list[Text] = []  # notices to show under the next screen's header

    def announce(self, text: str) -> None:
        """Say ``text`` once at the start: now in line mode, under the first card's header on a terminal."""
        self._hold(left_out_text(text))

    def run(self) -> None:
        """Study until the queue is empty, ``q``, or end of input (Ctrl-C propagates to the caller)."""
        try:
            while (item := self.session.next()) is not None:
                self._study(item)
        except (Quit, EOFError):
            return
        finally:
            self._show_held()

    # ---- one item ------------------------------------------------------------------------

    def _study(self, item: Item) -> None:
        question = make_question(item, self.rng)
        started = self.tick()
        if question.answering is Answering.REVEAL:
            if not self._reveal(question):
                return
            suggested = None
        else:
            response = self._ask(question)
            if response is None:
                return
            verdict = grade(question, response)
            self._draw(question, self._verdict_lines(question, verdict))
            suggested = self.session.suggest(question, verdict)
        try:
            rating, then = self._rating(item, suggested)
        except (KeyboardInterrupt, EOFError):
            if suggested is not None:  # a graded answer is kept on every way out, as q keeps it
                self.session.answer(item, suggested, counts_correct(suggested), self._elapsed_ms(started))
            raise
        if rating is None:
            return
        result = self.session.answer(item, rating, counts_correct(rating), self._elapsed_ms(started))
        if result.leech:
            self._leech_notice(result)
        if then is not None:
            self._command(then, item)

    def _reveal(self, question: Question) -> bool:
        """Show a flashcard's front until Space/Enter, then its back; False when a command took over."""
        self._draw(question, [], footer="Space/Enter show answer · u undo · s suspend · b bury · q quit")
        while True:
            key = self.keys.key()
            action = key_action(Stage.FRONT, key)
            if action.reveal:
                break
            if self._carry_out(action, key, question.item):
                return False
        answer = [Rule(style="dim"), markdown(question.answers[0]), *self._explanation(question.item)]
        self._draw(question, answer)
        return True

    def _ask(self, question: Question) -> str | None:
        """The user's response as a string, or None when a command (undo, suspend...) took its place."""
        match question.answering:
            case Answering.CHOOSE:
                return self._ask_choice(question)
            case Answering.TRUE_FALSE:
                return self._ask_truth(question)
            case Answering.LINE:
                return self._ask_line(question)
            case Answering.REVEAL:
                raise ValueError("a self-rated question is revealed and rated, not answered")
            case unknown:
                assert_never(unknown)

    def _ask_line(self, question: Question) -> str:
        blanks = question.blanks
        if blanks > 1:
            hint = f"Fill the {blanks} blanks, separated by ';'"
        elif question.how:
            hint = f"Type {question.how}, then Enter"
        else:
            hint = "Type your answer and press Enter"
        self._draw(question, listed_lines(question), footer=f"{hint} (leave it empty if you don't know)")
        return self._read_line("Your answer: ")

    def _ask_choice(self, question: Question) -> str | None:
        count = len(question.options)
        free = _free_commands(count)
        chosen: set[int] = set()
        while True:
            self._draw(question, _option_lines(question, chosen), footer=_choice_footer(question, free))
            key = self.keys.key()
            if key in free:
                if self._command(key, question.item):
                    return None
                continue
            picked = _picked(key, count, self.keys.interactive)
            if picked is not None and (not question.multiple or not self.keys.interactive):
                if question.multiple or len(picked) == 1:
                    return key
            elif picked is not None:
                chosen ^= picked
            elif key == ENTER and chosen:
                return " ".join(LETTERS[i] for i in sorted(chosen))
            elif not self.keys.interactive:
                self._notice(f"Not an option: {key!r}.")

    def _ask_truth(self, question: Question) -> str | None:
        footer = "t true · f false · u undo · s suspend · b bury · q quit"
        self._draw(question, [Text("t) true    f) false")], footer=footer)
        while True:
            key = self.keys.key()
            if parse_truth(key) is not None:
                return key
            if self._command(key, question.item):
                return None

    # ---- ratings and commands ------------------------------------------------------------

    def _rating(self, item: Item, suggested: Rating | None) -> tuple[Rating | None, Command | None]:
        """The rating to record (None: a command finished with the item) and a command to run after it."""
        self.console.print(self._rating_row(item, suggested))
        while True:
            key = self.keys.key()
            action = key_action(Stage.RATING, key, suggested)
            if action.rating is not None:
                return action.rating, action.command
            if self._carry_out(action, key, item):
                return None, None

    def _command(self, key: str, item: Item) -> bool:
        """Carry out the command ``key`` names (u/s/b/q) for the item on screen; True when it is finished with."""
        return self._carry_out(key_action(Stage.ASKED, key), key, item)

    def _carry_out(self, action: Action, key: str, item: Item) -> bool:
        """Carry out an action's command for the item on screen; True when that item is finished with."""
        match action.command:
            case Command.QUIT:
                raise Quit
            case Command.UNDO:
                undone = self.session.undo()
                if undone is None:
                    self._notice("Nothing to undo.")
                    return False
                self._confirm(f"Undid the last rating ({undone.id}).")
                return True
            case Command.SUSPEND:
                self.session.suspend(item)
                self._confirm(f"Suspended {item.id}.")
                return True
            case Command.BURY:
                self.session.bury(item)
                self._confirm(f"Buried {item.id} until tomorrow.")
                return True
            case None:
                if not self.keys.interactive:
                    self._notice(f"Not understood: {key!r}.")
                return False
            case unknown:
                assert_never(unknown)

    # ---- drawing -------------------------------------------------------------------------

    def _draw(self, question: Question, extra: list[RenderableType], footer: str = "") -> None:
        with self.console:  # the whole screen in one write: no half-drawn card, and one system call
            if self.keys.interactive:
                self.console.clear()
            else:
                self.console.print(Rule(style="dim"))
            body: list[RenderableType] = [self._prompt(question), *extra]
            panel = Panel(Group(*body), title=plain(_label(question)), title_align="left")
            screen: list[RenderableType] = [self._header(), *self._take_held(), panel]
            screen += [Text(footer, style="dim")] if footer else []
            self.console.print(Group(*screen))  # one render of the whole screen

    def _header(self) -> Text:
        if self.session.options.cram:
            tally = self.session.cram_tally()
            return Text.assemble(
                (inert(self.session.deck.title), "bold"),
                "  cram · ",
                f"{tally.left} left in this pass · ",
                (f"right {tally.right}", "green"),
                " · ",
                (f"wrong {tally.wrong}", "red"),
            )
        counts = self.session.counts()
        done = len(self.session.results)
        return Text.assemble(
            (inert(self.session.deck.title), "bold"),
            "  ",
            (f"new {counts.new}", "blue"),
            " · ",
            (f"learning {counts.learning}", "red"),
            " · ",
            (f"review {counts.review}", "green"),
            " · ",
            f"done {done}",
        )

    def _prompt(self, question: Question) -> RenderableType:
        if question.blank:
            return markdown(question.prompt.replace(question.blank, f"**{question.blank}**"))
        return markdown(question.prompt)

    def _verdict_lines(self, question: Question, verdict: Verdict) -> list[RenderableType]:
        if verdict.correct:
            head = Text("✓ Correct", style="bold green")
        elif verdict.almost:
            head = Text("≈ Almost — counted as wrong", style="bold yellow")
        else:
            head = Text("✗ Wrong", style="bold red")
        lines: list[RenderableType] = [Rule(style="dim"), head]
        match question.answering:
            case Answering.CHOOSE:
                chosen = parse_letters(verdict.given, len(question.options)) or set()
                lines += _option_lines(question, chosen, reveal=True)
            case Answering.LINE | Answering.TRUE_FALSE:
                lines += listed_lines(question)
                lines.append(Text.assemble(("Your answer: ", "bold"), inert(verdict.given or "(none)")))
                lines.append(Text.assemble(("Answer: ", "bold"), (inert(_expected_text(question)), "green")))
            case Answering.REVEAL:
                raise ValueError("a self-rated question has no verdict")
            case unknown:
                assert_never(unknown)
        return lines + self._explanation(question.item)

    def _explanation(self, item: Item) -> list[RenderableType]:
        if not item.card.explanation:
            return []
        return [Text("Explanation", style="italic dim"), markdown(item.card.explanation)]

    def _rating_row(self, item: Item, suggested: Rating | None) -> Text:
        """The rating keys with each one's next interval; in cram, where nothing is scheduled, what Again does."""
        cram = self.session.options.cram
        intervals = {} if cram else self.session.preview(item)
        row = Text()
        for rating in Rating:
            style = RATING_STYLES[rating] + (" bold reverse" if rating is suggested else "")
            row.append(f" {int(rating)} {RATING_NAMES[rating]} ", style=style)
            if rating in intervals:
                row.append(f"{format_interval(intervals[rating])}   ", style="dim")
            else:
                row.append("(again later in this pass)   " if rating is Rating.AGAIN else "  ", style="dim")
        accept = f"Enter: {RATING_NAMES[suggested]}" if suggested else f"Space/Enter: {RATING_NAMES[DEFAULT_RATING]}"
        row.append(f"\n{accept} · u undo · s suspend · b bury · q quit", style="dim")
        return row

    def _notice(self, text: str) -> None:
        self.console.print(Text(text, style="italic"))

    def _confirm(self, text: str) -> None:
        """Confirm a command that moves on to another screen: on a terminal, under the next screen's header."""
        self._hold(Text(text, style="italic"))

    def _hold(self, text: Text) -> None:
        """Show ``text`` now in line mode; on a terminal, under the next header, where a redraw cannot clear it."""
        if self.keys.interactive:
            self._held.append(text)
        else:
            self.console.print(text)

    def _show_held(self) -> None:
        for notice in self._take_held():
            self.console.print(notice)

    def _take_held(self) -> list[Text]:
        """The notices held for the next screen, which then holds none."""
        held, self._held = self._held, []
        return held

    def _leech_notice(self, result: Result) -> None:
        """Name the leech where it cannot be missed: now in line mode, under the next header on a terminal."""
        lapses = result.after.lapses if result.after is not None else 0
        suspended = self.session.options.config.leech_action is LeechAction.SUSPEND
        what = "suspended it (u undoes)" if suspended else "it stays in your reviews"
        text = Text.assemble(
            ("Leech: ", "bold reverse yellow"),
            (inert(result.item.id), "bold"),
            f" has been forgotten {lapses} times; {what}. Rewrite it, split it or add a mnemonic.",
        )
        self._hold(text)

    def _read_line(self, prompt: str) -> str:
        if self.keys.interactive:
            return self.keys.line(prompt)
        answer = self.keys.line(prompt)
        self.console.print(plain(prompt + answer))
        return answer

    def _elapsed_ms(self, started: float) -> int:
        return round((self.tick() - started) * 1000)


def _label(question: Question) -> str:
    item = question.item
    if item.variant == "reverse":
        return f"{item.card.id} · reverse"
    return f"{item.id} · {item.card.kind}" + (" · select all that apply" if question.multiple else "")


def _expected_text(question: Question) -> str:
    """The answer, with the alternatives a one-blank answer also accepts."""
    if question.blanks == 1 and len(question.answers) > 1:
        return f"{question.expected()}  (also accepted: {', '.join(question.answers[1:])})"
    return question.expected()


def _free_commands(option_count: int) -> set[str]:
    """Command keys not taken by an option letter of the card on screen."""
    taken = {LETTERS[i].lower() for i in range(option_count)}
    return {key for key in COMMANDS if key not in taken}


def _choice_footer(question: Question, free: set[str]) -> str:
    last = LETTERS[len(question.options) - 1]
    how = (
        f"A-{last} toggle, Enter to answer" if question.multiple else f"A-{last} or 1-{len(question.options)} to answer"
    )
    commands = " · ".join(f"{key} {COMMANDS[key]}" for key in COMMANDS if key in free)
    return f"{how} · {commands}" if commands else how


def _picked(key: str, count: int, interactive: bool) -> set[int] | None:
    """The options a key press (one, by its letter or digit) or a typed line (any number) picks."""
    if not interactive:
        return parse_letters(key, count)
    position = option_position(key, count)
    return None if position is None else {position}


# After an answer, each option as the learner picked it: (mark, style, note), told apart without colour too.
PICKED_RIGHT = ("✓", "green", "")
PICKED_WRONG = ("✗", "red", "  ← picked, not right")
MISSED = ("○", "yellow", "  ← right, not picked")
NOT_PICKED = (" ", "", "")


def _option_lines(question: Question, chosen: set[int], reveal: bool = False) -> list[RenderableType]:
    """One line per option; a long option wraps under its own text, not under the letter."""
    lines: list[RenderableType] = []
    right = set(question.right)
    for pos, option in enumerate(question.options):
        if not reveal:
            label, body = Text(f" {'[x]' if pos in chosen else '[ ]'} {LETTERS[pos]}) "), plain(option)
        else:
            mark, style, note = _outcome(pos in chosen, pos in right)
            label = Text.assemble(" ", (mark, f"bold {style}" if style else ""), f" {LETTERS[pos]}) ")
            body = plain(option, style)
            body.append(note, style="dim")
        lines.append(Hanging(label, body))
    return lines


def _outcome(picked: bool, right: bool) -> tuple[str, str, str]:
    if picked:
        return PICKED_RIGHT if right else PICKED_WRONG
    return MISSED if right else NOT_PICKED


def print_summary(console: Console, summary: Summary, now: datetime) -> None:
    console.print(Rule("Session over", style="dim"))
    if not summary.studied:
        console.print("No cards studied.")
    else:
        minutes, seconds = divmod(round(summary.seconds), 60)
        console.print(
            Text.assemble(
                ("Studied ", ""), (plural(summary.studied, "card"), "bold"),
                f" in {minutes}m {seconds:02d}s · ", (f"{summary.percent}% correct", "bold"),
            )
        )  # fmt: skip
    if summary.leeches:
        names = inert(", ".join(summary.leeches))
        console.print(Text.assemble(("Leeches: ", "bold yellow"), names, " (see quizcli stats)"))
    console.print(f"Next due: {_when(summary.next_due, now)} · due by end of tomorrow: {summary.due_tomorrow}")


def left_out_text(text: str) -> Text:
    """A notice naming the deck's cards left out of the session (it quotes deck text, so made inert)."""
    return Text(inert(text), style="yellow")


def print_nothing_due(console: Console, title: str, next_due: datetime | None, now: datetime) -> None:
    console.print(Text.assemble("Nothing due in ", (inert(title), "bold"), "."))
    if next_due is not None:
        console.print(f"Next card due {_when(next_due, now)}.")
    console.print("Study early with --ahead, or practise everything without touching the schedule with --cram.")


def _when(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "nothing scheduled"
    if moment <= now:
        return "now"
    local = moment.astimezone().strftime("%a %Y-%m-%d %H:%M")
    return f"in {format_interval(moment - now)} ({local})"

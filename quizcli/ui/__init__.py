"""Everything quizcli draws: the only module that imports ``rich``.

Deck text is untrusted: it is shown through `Text` and `Markdown` objects,
never as Rich markup, and control characters are neutralised first so a
deck cannot move the cursor, retitle the window or hide text.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console as Console  # re-exported for type hints outside the ui package
from rich.console import ConsoleOptions, Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from quizcli.cards import Card, Deck
from quizcli.kinds.base import LETTERS, Answering, Question
from quizcli.text import inert as inert  # re-exported: the ui modules import it from here
from quizcli.text import plural

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from quizcli.diagnostics import Diagnostic
    from quizcli.interop.importing import Imported
    from quizcli.interop.model import Exported
    from quizcli.kinds.output import Row, Span


def make_console(*, stderr: bool = False, width: int | None = None) -> Console:
    """A console for real output; Rich honours ``NO_COLOR`` and non-terminal output by itself."""
    return Console(stderr=stderr, width=width, highlight=False, emoji=False, markup=False)


# Markdown that needs the full renderer: headings, quotes, lists, fences, tables, links, HTML, indented code.
_BLOCK_MARKDOWN = re.compile(r"^\s{0,3}(#|>|[-+*]\s|\d+[.)]\s|```|~~~|\|)|^ {4}|\]\(|<[A-Za-z/]", re.MULTILINE)
_INLINE_MARKDOWN = re.compile(
    r"\\(?P<escaped>[\\`*_{}\[\]()#+\-.!])"
    r"|`(?P<code>[^`]+)`"
    r"|(?P<b>\*\*|(?<!\w)__)(?P<bold>\S(?:.{0,100}?\S)?)(?P=b)"
    r"|(?P<i>\*|(?<!\w)_)(?P<italic>\S(?:.{0,100}?\S)?)(?P=i)(?!\w)"
)  # spans of at most 100 characters: an unbounded one makes a line of unclosed '**' take quadratic time
BAR_AFTER_S = 0.3  # a deck re-indexed faster than this shows no progress bar: it would only flash
_INLINE_STYLES = {"code": "bold cyan", "bold": "bold", "italic": "italic"}


def markdown(text: str) -> RenderableType:
    """Card text as Markdown.  Plain text and inline emphasis are drawn directly; only block-level
    Markdown (code blocks, lists, tables...) loads Rich's full renderer, which is slow to import, so
    the study path of plain cards never loads it."""
    safe = _first_lines(inert(text))
    if _BLOCK_MARKDOWN.search(safe):
        from rich.markdown import Markdown

        return Markdown(_IMAGE.sub(r"\\!", safe), hyperlinks=False)
    return _inline(safe)


# A deck's links are never terminal hyperlinks (whose visible text may name another target): Rich writes
# them as "text (target)", and an image, which it would show by its name alone, becomes such a link.
_IMAGE = re.compile(r"!(?=\[)")


# Rich lays out some 30,000 lines a second: a card of a million lines (or of a megabyte of tabs)
# would hang the screen, so card text is shown up to these bounds, with a note of what was cut.
MAX_SHOWN_LINES = 400
MAX_SHOWN_CHARS = 20_000


def _first_lines(text: str) -> str:
    shown = "\n".join(text[:MAX_SHOWN_CHARS].split("\n", MAX_SHOWN_LINES)[:MAX_SHOWN_LINES])
    if len(shown) == len(text):
        return text
    return f"{shown}\n… ({len(text) - len(shown):,} more characters not shown; see the deck file)"


def _inline(text: str) -> Text:
    result, last = Text(), 0
    for match in _INLINE_MARKDOWN.finditer(text):
        result.append(text[last : match.start()])
        kind = next(name for name in ("escaped", "code", "bold", "italic") if match.group(name) is not None)
        result.append(match.group(kind), style=_INLINE_STYLES.get(kind, ""))
        last = match.end()
    result.append(text[last:])
    return result


def plain(text: str, style: str = "") -> Text:
    return Text(inert(text), style=style)


class Hanging:
    """A label and a text that wraps under itself, not under the label: an option line such as
    `` ✓ B) Attention spreads thin ...``.  Lighter than a table grid: rich.table stays off the study path."""

    def __init__(self, label: Text, body: Text) -> None:
        self.label, self.body = label, body

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        indent = Text(" " * self.label.cell_len)
        width = max(1, options.max_width - self.label.cell_len)
        for number, line in enumerate(self.body.wrap(console, width)):
            yield (self.label if number == 0 else indent) + line


def print_deck(console: Console, deck: Deck) -> None:
    """A proof-reading view: every card with its answer marked."""
    console.print(plain(deck.title, "bold"))
    if deck.description:
        console.print(plain(deck.description))
    items = sum(1 for _ in deck.items())
    console.print(plain(f"{deck.name} · {plural(len(deck.cards), 'card')} · {plural(items, 'study item')}", "dim"))
    if not console.is_terminal:  # a pipe or a file: plain text, since drawing a panel per card takes milliseconds
        console.file.write("".join("\n".join(card_lines(card)) + "\n\n" for card in deck.cards))
        return
    for card in deck.cards:
        console.print(card_panel(card))


def card_lines(card: Card) -> list[str]:
    """A card as plain lines, for ``quizcli show`` to a pipe: what its panel holds, without the frame and styles."""
    shown = card.content.shown()
    heading = " · ".join([card.id, str(card.kind), *([" ".join(card.tags)] if card.tags else [])])
    prompt = "".join(f"[{span.text}]{span.note}" if span.answer else span.text for span in shown.spans)
    lines = [f"── {heading}", prompt if shown.spans else shown.prompt]
    if shown.back:
        lines += ["─" * 20, shown.back]
    lines += [*shown.notes, *(f" {'✓' if row.right else ' '} {row.label} {row.text}" for row in shown.rows)]
    if shown.answer:
        lines.append(f"Answer: {shown.answer}")
    if card.explanation:
        lines.append(f"Explanation: {card.explanation}")
    return [inert(line) for line in lines]


def card_panel(card: Card) -> Panel:
    subtitle = f"{card.kind}" + (f" · {' '.join(card.tags)}" if card.tags else "")
    return Panel(
        Group(*_card_body(card)),
        title=plain(card.id),
        title_align="left",
        subtitle=plain(subtitle),
        subtitle_align="right",
    )


def _card_body(card: Card) -> list[RenderableType]:
    shown = card.content.shown()
    body: list[RenderableType] = [_spans(shown.spans) if shown.spans else markdown(shown.prompt)]
    if shown.back:
        body += [Text("─" * 20, style="dim"), markdown(shown.back)]
    body += [Text(note, style="dim") for note in shown.notes]
    body += [_row(row) for row in shown.rows]
    if shown.answer:
        body.append(Text.assemble(("Answer: ", "bold"), (inert(shown.answer), "green")))
    if card.explanation:
        body.append(Text.assemble(("Explanation: ", "italic"), inert(card.explanation)))
    return body


def _row(row: Row) -> Text:
    mark, style = ("✓", "green") if row.right else (" ", "")
    return Text.assemble(f" {mark} {inert(row.label)} ", (inert(row.text), style))


def _spans(spans: Iterable[Span]) -> Text:
    """A text with its answers highlighted, each followed by its note: a cloze card with its deletions filled in."""
    result = Text()
    for span in spans:
        if span.answer:
            result.append(f"[{inert(span.text)}]", style="bold green")
            result.append(inert(span.note), style="dim")
        else:
            result.append(inert(span.text))
    return result


def listed_lines(question: Question) -> list[RenderableType]:
    """What a typed answer refers to: the numbered items, then the lettered options (matching, ordering)."""
    if question.answering is not Answering.LINE:
        return []  # options to choose from are drawn with their marks
    stems = [Hanging(Text(f" {number}) "), plain(stem)) for number, stem in enumerate(question.stems, start=1)]
    options = [Hanging(Text(f" {LETTERS[pos]}) "), plain(option)) for pos, option in enumerate(question.options)]
    return [*stems, *([Text()] if stems and options else []), *options]


def print_diagnostics(console: Console, diagnostics: Iterable[Diagnostic]) -> None:
    for d in diagnostics:
        style = "red" if d.severity == "error" else "yellow"
        console.print(
            Text.assemble(
                (inert(f"{d.path}:{d.line}:{d.column}: "), "bold"),
                (str(d.severity), style),
                f": {inert(d.message)} ",
                (f"[{d.code}]", "dim"),
            ),
            soft_wrap=True,
        )


def print_line(console: Console, text: str, style: str = "") -> None:
    console.print(plain(text, style), soft_wrap=True)


def print_import_report(console: Console, source: str, imported: Imported, output: Path | None) -> None:
    """Every skipped question and every question needing an answer, located in the source, then a summary."""
    result = imported.result
    how = imported.how if imported.how == "as given" else f"{imported.how}; --format chooses another"
    console.print(plain(f"format: {result.format} ({how})", "dim"), soft_wrap=True)
    for skipped in result.skipped:
        console.print(_located(source, skipped.line, "skipped", "yellow", skipped.reason), soft_wrap=True)
    for flagged in result.flagged:
        console.print(_located(source, flagged.line, "check", "yellow", flagged.reason), soft_wrap=True)
    for card in result.needs_answer:
        message = f"needs an answer: {_first_line(card.prompt)} (fill in 'answer:' in the deck)"
        console.print(_located(source, card.line, "note", "cyan", message), soft_wrap=True)
    if output is not None:
        console.print(plain(f"wrote {output}; check it with: quizcli check {output}"), soft_wrap=True)
    needing = len(result.needs_answer)
    console.print(plain(result.summary() + (f"; {needing} need an answer" if needing else ""), "bold"))


def print_export_report(console: Console, exported: Exported, output: Path | None) -> None:
    for left in exported.left:
        line = Text.assemble(("skipped ", "yellow"), (inert(left.card_id), "bold"), f": {inert(left.reason)}")
        console.print(line, soft_wrap=True)
    for noted in exported.noted:
        line = Text.assemble(("note ", "cyan"), (inert(noted.card_id), "bold"), f": {inert(noted.reason)}")
        console.print(line, soft_wrap=True)
    if output is not None:
        console.print(plain(f"wrote {output}"), soft_wrap=True)
    console.print(plain(exported.summary(), "bold"))


def _located(source: str, line: int, label: str, style: str, message: str) -> Text:
    return Text.assemble((inert(f"{source}:{line}: "), "bold"), (label, style), f": {inert(message)}")


def _first_line(text: str, limit: int = 60) -> str:
    line = text.strip().split("\n", 1)[0]
    return line if len(line) <= limit else line[: limit - 1] + "…"


@contextmanager
def indexing_progress(
    console: Console, deck: str, enabled: bool, clock: Callable[[], float] = time.monotonic
) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar while a big deck is parsed and indexed; the callback takes (cards done, cards in all).

    The bar appears at the first report made once the work has gone on for `BAR_AFTER_S`, so a
    deck found unchanged in the index, or re-indexed in a moment (most of its cards unchanged),
    shows nothing and costs nothing more than the work itself: the bar's module is not even
    imported."""
    if not enabled:
        yield None
        return
    started = clock()
    with _bar_at_first_report(console) as show:

        def advance(done: int, total: int) -> None:
            if clock() - started < BAR_AFTER_S:
                return
            if not total:
                show(f"reading {inert(deck)}", done, None)
            else:
                show(f"indexing {inert(deck)}" if done < total else f"saving the index of {inert(deck)}", done, total)

        yield advance


@contextmanager
def task_progress(console: Console, description: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar for a long task, shown from its first report (done, total) on a terminal only."""
    with _bar_at_first_report(console) as show:

        def advance(done: int, total: int) -> None:
            if console.is_terminal:
                show(inert(description), done, total)

        yield advance


@contextmanager
def _bar_at_first_report(console: Console) -> Iterator[Callable[[str, int, int | None], None]]:
    """A progress bar drawn from its first report on: (description, done, total, None while unknown)."""
    with ExitStack() as stack:
        bar: list[tuple[Progress, TaskID]] = []

        def show(description: str, done: int, total: int | None) -> None:
            if not bar:
                progress = stack.enter_context(_index_progress_bar(console))
                bar.append((progress, progress.add_task(description, total=total)))
            bar[0][0].update(bar[0][1], description=description, completed=done, total=total)

        yield show


def _index_progress_bar(console: Console) -> Progress:
    from rich.progress import BarColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn, TimeElapsedColumn

    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
    )
    return Progress(*columns, console=console, transient=True)

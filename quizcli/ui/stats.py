"""The statistics screen: counts, a heatmap, a forecast, retention, calibration, weak cards, exams and time.

Everything fits 80 columns and reads without colour: the heatmap shades with
``· ░ ▒ ▓ █`` and has a legend with the numbers each shade stands for, and
every bar has its number beside it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta

from rich.console import Console, ConsoleOptions, RenderableType
from rich.rule import Rule
from rich.text import Text

from quizcli.fitting import MIN_REVIEWS, Evaluation, FitReport
from quizcli.scheduler import LEECH_LAPSES, MATURE_DAYS, format_interval
from quizcli.stats import (
    WEAK_CARDS,
    Activity,
    Calibration,
    CardCounts,
    ExamTrend,
    Forecast,
    Stats,
    TimeSpent,
    WeakCard,
    level_ranges,
    seconds,
    seconds_per_answer,
)
from quizcli.store.statistics import Tally
from quizcli.text import plural
from quizcli.ui import plain

SHADES = "·░▒▓█"
HEAT_STYLES = ("dim", "green4", "green3", "green1", "bold bright_green")
EIGHTHS = " ▏▎▍▌▋▊▉"
SPARKS = "▁▂▃▄▅▆▇█"
WEEKDAYS = ("Mon", "", "Wed", "", "Fri", "", "")
_LABEL = 4  # the weekday column of the heatmap
GAUGE = 20  # cells of a calibration gauge: 5% each


def print_stats(console: Console, stats: Stats) -> None:
    sections = (_cards, _activity, _forecast, _retention, _calibration, _weak, _exams, _time)
    console.print(_title(stats))
    for section in sections:
        console.print()
        for renderable in section(stats, console.width):
            console.print(renderable)


def _title(stats: Stats) -> Text:
    which = f"deck {stats.deck}" if stats.deck else "all decks"
    day = stats.activity.today.strftime("%a %Y-%m-%d")
    return plain(f"Statistics · {which} · study day {day} · last {plural(stats.window_days, 'day')}", "bold")


def _heading(title: str) -> Rule:
    return Rule(plain(title, "bold"), align="left", style="dim")


def _table(*columns: str, right: Iterable[str] = ()) -> Columns:
    return Columns(columns, right)


class Columns:
    """A borderless table of one-line cells laid out by hand: columns two spaces apart, the ``right`` ones (numbers)
    right-aligned, and the first column cut with ``…`` when the table is wider than the screen.

    Rich's own Table measures and wraps every cell, which cost the statistics screen most of its time.
    """

    def __init__(self, columns: Sequence[str], right: Iterable[str]) -> None:
        aligned = set(right)
        self._header = [Text(column, style="bold") for column in columns]
        self._right = [column in aligned for column in columns]
        self._rows: list[list[Text]] = []

    def add_row(self, *cells: str | Text) -> None:
        self._rows.append([cell if isinstance(cell, Text) else Text(cell) for cell in cells])

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        rows = [self._header, *self._rows]
        widths = [max(row[column].cell_len for row in rows) for column in range(len(self._header))]
        excess = sum(widths) + 2 * (len(widths) - 1) - options.max_width
        if excess > 0:
            widths[0] = max(1, widths[0] - excess)
        for row in rows:
            yield self._line(row, widths)

    def _line(self, row: list[Text], widths: list[int]) -> Text:
        line = Text(no_wrap=True, overflow="ellipsis")
        last = len(row) - 1
        for column, (cell, width) in enumerate(zip(row, widths, strict=True)):
            if cell.cell_len > width:
                cell = cell.copy()
                cell.truncate(width, overflow="ellipsis")
            pad = " " * (width - cell.cell_len)
            if column:
                line.append("  ")
            if self._right[column]:
                line.append(pad)
            line.append_text(cell)
            if not self._right[column] and column < last:
                line.append(pad)
        return line


def percent(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{100 * value:.{digits}f}%"


# ---- card counts ------------------------------------------------------------------------

_COUNT_COLUMNS = ("new", "learning", "young", "mature", "suspended", "total")


def _cards(stats: Stats, width: int) -> list[RenderableType]:
    table = _table("deck", *_COUNT_COLUMNS, right=_COUNT_COLUMNS)
    for deck in stats.decks:
        table.add_row(plain(deck.deck), *_count_cells(deck.counts))
    if len(stats.decks) > 1:
        table.add_row(Text("all decks", style="bold"), *_count_cells(stats.cards))
    note = f"young: interval under {MATURE_DAYS} days; mature: {MATURE_DAYS} days or more"
    return [_heading("Cards"), table, Text(note, style="dim")]


def _count_cells(counts: CardCounts) -> list[str]:
    return [str(value) for value in counts.to_dict().values()]  # in _COUNT_COLUMNS' order


# ---- heatmap ----------------------------------------------------------------------------


def _activity(stats: Stats, width: int) -> list[RenderableType]:
    activity = stats.activity
    found: list[RenderableType] = [_heading("Reviews per day")]
    weeks = _weeks(activity)
    cell = 2 if _LABEL + 2 * len(weeks) <= width else 1
    per_block = max(1, (width - _LABEL) // cell)
    for start in range(0, len(weeks), per_block):
        found.extend(_heatmap(activity, weeks[start : start + per_block], cell))
    found += [_legend(activity), plain(_activity_summary(activity)), plain(_streaks(activity))]
    return found


def _weeks(activity: Activity) -> list[date]:
    """The Monday of each week column, oldest first."""
    first = activity.days[0].day
    monday = first - timedelta(days=first.weekday())
    return [monday + timedelta(weeks=n) for n in range((activity.today - monday).days // 7 + 1)]


def _heatmap(activity: Activity, weeks: Sequence[date], cell: int) -> list[Text]:
    by_day = {d.day: d.answers for d in activity.days}
    rows = [_month_row(activity, weeks, cell)]
    for weekday, label in enumerate(WEEKDAYS):
        row = Text(label.ljust(_LABEL), style="dim")
        for monday in weeks:
            answers = by_day.get(monday + timedelta(days=weekday))
            level = None if answers is None else activity.level(answers)
            row.append(" " if level is None else SHADES[level], style="" if level is None else HEAT_STYLES[level])
            row.append(" " * (cell - 1))
        row.rstrip()
        rows.append(row)
    return rows


def _month_row(activity: Activity, weeks: Sequence[date], cell: int) -> Text:
    """Month names over the column where each month begins (the first column: its first day shown)."""
    first, line, free_from = activity.days[0].day, [" "] * (_LABEL + cell * len(weeks) + 3), 0
    for n, monday in enumerate(weeks):
        shown = [day for day in (monday + timedelta(days=k) for k in range(7)) if first <= day <= activity.today]
        starts = [day for day in shown if day.day == 1 or (n == 0 and day == shown[0])]
        at = _LABEL + n * cell
        if starts and at >= free_from:
            line[at : at + 3] = starts[-1].strftime("%b")
            free_from = at + 4
    return Text("".join(line).rstrip(), style="dim")


def _legend(activity: Activity) -> Text:
    legend = Text("Less ", style="dim")
    for level, shade in enumerate(SHADES):
        legend.append(shade, style=HEAT_STYLES[level])
    legend.append(" More   ", style="dim")
    keys = [f"{SHADES[0]} 0"] + [
        f"{SHADES[level]} {_span(low, high)}" for level, low, high in level_ranges(activity.peak)
    ]
    legend.append("  ".join(keys) + " answers")
    return legend


def _span(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}-{high}"


def _activity_summary(activity: Activity) -> str:
    studied, days = activity.days_studied, len(activity.days)
    text = f"Studied {studied} of {plural(days, 'day')} ({round(100 * studied / days)}%)"
    text += f" · {plural(activity.answers, 'answer')}"
    return text + (f" · {activity.answers / studied:.1f} a day studied" if studied else "")


def _streaks(activity: Activity) -> str:
    return f"Streak: {plural(activity.current_streak, 'day')} · longest {plural(activity.longest_streak, 'day')}"


# ---- forecast ---------------------------------------------------------------------------


def _forecast(stats: Stats, width: int) -> list[RenderableType]:
    forecast = stats.forecast
    head = (f"Due today {forecast.due_today} · overdue {forecast.overdue} · "
            f"{sum(forecast.due)} in the next {len(forecast.due)} days")  # fmt: skip
    return [_heading("Forecast"), plain(head), *_forecast_rows(forecast, width)]


def _forecast_rows(forecast: Forecast, width: int) -> list[Text]:
    digits = len(str(max(forecast.due)))
    label_width = 20 + digits  # "Sat 28 Nov tomorrow " + the count and a space
    peak, bar_width = max(forecast.due), max(1, min(48, width - label_width - 1))
    rows = []
    for offset, due in enumerate(forecast.due):
        day = forecast.start + timedelta(days=offset)
        name = {0: "today", 1: "tomorrow"}.get(offset, "")
        row = Text(f"{day:%a %d %b} {name:<9}{due:>{digits}} ")
        row.append(bar(due, peak, bar_width), style="cyan")
        rows.append(row)
    return rows


def bar(value: float, peak: float, width: int) -> str:
    """A horizontal bar in eighths of a cell: ``peak`` fills ``width`` cells."""
    if peak <= 0 or value <= 0:
        return ""
    eighths = max(1, round(8 * width * value / peak))
    return "█" * (eighths // 8) + EIGHTHS[eighths % 8].strip()


# ---- retention and calibration ----------------------------------------------------------


def _retention(stats: Stats, width: int) -> list[RenderableType]:
    found = stats.retention
    periods = found.periods
    table = _table("", *(f"last {p.days} days" for p in periods), right=[f"last {p.days} days" for p in periods])
    for label in ("young", "mature", "all"):
        table.add_row(label, *(_tally(getattr(p, label)) for p in periods))
    note = "share of answers to review cards that were not Again"
    return [_heading("Retention"), plain(f"{note}; desired retention {percent(found.desired, 0)}"), table]


def _tally(tally: Tally) -> str:
    return "—" if not tally.answers else f"{percent(tally.rate)} ({tally.passed}/{tally.answers})"


def _calibration(stats: Stats, width: int) -> list[RenderableType]:
    found: list[RenderableType] = [_heading("Calibration")]
    calibration, guessable = stats.calibration, stats.guessable_calibration
    if not calibration.bins and not guessable.bins:
        return [*found, plain("No reviews a day or more apart yet: nothing to compare.")]
    found.append(plain("Recall FSRS predicted against actual recall, for reviews a day or more apart"))
    if calibration.bins:
        found.append(_calibration_table(calibration))
    if guessable.bins:
        found.append(plain("Choice and true/false answers, apart: a lucky guess passes without recall"))
        found.append(_calibration_table(guessable))
    return [*found, Text("█ actual recall   ┃ predicted", style="dim")]


def _calibration_table(calibration: Calibration) -> Columns:
    table = _table("predicted", "answers", "mean", "actual", "", right=("answers", "mean", "actual"))
    for b in calibration.bins:
        table.add_row(f"{b.low * 100:.0f}-{b.high * 100:.0f}%", str(b.answers), percent(b.predicted),
                      percent(b.actual), gauge(b.actual, b.predicted))  # fmt: skip
    table.add_row("all", str(calibration.answers), percent(calibration.predicted), percent(calibration.actual), "")
    return table


def gauge(actual: float, predicted: float, width: int = GAUGE) -> str:
    """Actual recall as a bar over 0-100%, with ``┃`` in the cell the prediction falls in."""
    cells = ["█" if n < round(actual * width) else "·" for n in range(width)]
    cells[min(width - 1, int(predicted * width))] = "┃"
    return "".join(cells)


# ---- weak cards -------------------------------------------------------------------------


def _weak(stats: Stats, width: int) -> list[RenderableType]:
    weak, now = stats.weak, stats.now
    found: list[RenderableType] = [_heading("Weak cards")]
    if weak.leeches:
        table = _table("leech", "deck", "lapses", "", right=("lapses",))
        for card in weak.leeches[:WEAK_CARDS]:
            table.add_row(plain(card.item), plain(card.deck), str(card.lapses), "suspended" if card.suspended else "")
        found += [plain(f"Leeches: {plural(len(weak.leeches), 'card')} forgotten {LEECH_LAPSES} times or more"), table]
        if len(weak.leeches) > WEAK_CARDS:
            more = len(weak.leeches) - WEAK_CARDS
            found.append(plain(f"... and {more} more ('quizcli stats --json' lists every one)"))
    else:
        found.append(plain(f"No leeches: no card has been forgotten {LEECH_LAPSES} times."))
    if weak.lowest_retrievability:
        table = _table("lowest recall now", "deck", "recall", "due", right=("recall",))
        for card in weak.lowest_retrievability:
            table.add_row(plain(card.item), plain(card.deck), percent(card.retrievability, 0), _due(card, now))
        found.append(table)
    return found


def _due(card: WeakCard, now: datetime) -> str:
    if card.due <= now:
        return f"{format_interval(now - card.due)} ago"
    return f"in {format_interval(card.due - now)}"


# ---- exams and time ---------------------------------------------------------------------


def _exams(stats: Stats, width: int) -> list[RenderableType]:
    if not stats.exams:
        return [_heading("Exams"), plain("No exams taken yet.")]
    table = _table("deck", "exams", "latest", "best", "trend", right=("exams",))
    for trend in stats.exams:
        table.add_row(*_exam_row(trend))
    return [_heading("Exams"), table]


def _exam_row(trend: ExamTrend) -> tuple[Text, str, str, str, str]:
    latest, best = trend.latest, trend.best
    change = "" if trend.change is None else f" {trend.change:+d}"
    verdict = "PASS" if latest.passed else "FAIL"
    best_on = best.started_at.astimezone().strftime("%Y-%m-%d")
    return (plain(trend.deck), str(trend.attempts), f"{latest.percent}% {verdict}", f"{best.percent}% {best_on}",
            sparkline(trend.recent) + change)  # fmt: skip


def sparkline(percents: Sequence[int]) -> str:
    """One block per percent, from ``▁`` (0%) to ``█`` (100%), rounded to the nearest of the eight heights."""
    return "".join(SPARKS[(p * (len(SPARKS) - 1) + 50) // 100] for p in percents)


def _time(stats: Stats, width: int) -> list[RenderableType]:
    spent: TimeSpent = stats.time
    window, all_time, today = spent.window, spent.all_time, spent.today
    lines = [
        f"Last {plural(stats.window_days, 'day')}: {duration(seconds(window))} over {plural(window.answers, 'answer')}"
        f" · {_per_answer(seconds_per_answer(window))}",
        f"All time: {duration(seconds(all_time))} over {plural(all_time.answers, 'answer')}"
        f" · {_per_answer(seconds_per_answer(all_time))}",
        f"Today: {plural(today.answers, 'answer')} in {duration(seconds(today))}"
        + (f" · {round(100 * today.correct / today.answers)}% correct" if today.answers else ""),
    ]
    return [_heading("Time"), *(plain(line) for line in lines)]


def _per_answer(value: float | None) -> str:
    return "no timed answers" if value is None else f"{value:.1f} s per answer"


def duration(total: float) -> str:
    """``45s``, ``12m 05s``, ``3h 20m``."""
    whole = round(total)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"


# ---- quizcli optimize -------------------------------------------------------------------


def print_fit(console: Console, report: FitReport) -> None:
    which = f"'{report.deck}'" if report.deck else "all decks"
    fit, evaluation = report.fit, report.evaluation
    if report.guessable_items:
        console.print(plain(f"Left out {plural(report.guessable_items, 'choice or true/false item')}: a lucky guess "
                            "there would teach FSRS a memory that is not there."), soft_wrap=True)  # fmt: skip
    if fit is None or evaluation is None:
        console.print(plain(f"{plural(report.reviews, 'review')} of {which} can teach FSRS about you (reviews a day or "
                            f"more after the card's previous one); a fit needs {MIN_REVIEWS}, so {report.needed} more. "
                            "Until then the default parameters serve well."), soft_wrap=True)  # fmt: skip
        return
    console.print(plain(f"Fitted FSRS to {plural(fit.reviews, 'review')} of {which}."))
    _print_scores(console, evaluation, fit.reviews)
    if report.saved:
        scope = f"'{report.deck}'" if report.deck else "every deck without its own"
        console.print(plain(f"Saved: sessions of {scope} schedule with them from now on."), soft_wrap=True)
    else:
        console.print(plain("Kept the parameters in use: they predict reviews a fit has not seen at least as well."),
                      soft_wrap=True)  # fmt: skip
    console.print(plain("parameters: " + ", ".join(f"{p:.4g}" for p in fit.parameters), "dim"), soft_wrap=True)


def _print_scores(console: Console, evaluation: Evaluation, reviews: int) -> None:
    """Log loss and RMSE, in use against fitted: on the newest reviews held out, which decide, then on all."""
    held_out = f"The newest {plural(evaluation.held_out_reviews, 'review')}, held out from a trial fit"
    for label, before, after in (
        (held_out, evaluation.held_out_before, evaluation.held_out_after),
        (f"All {plural(reviews, 'review')}, which the fit learned from", evaluation.in_sample_before,
         evaluation.in_sample_after),
    ):  # fmt: skip
        change = (after.log_loss - before.log_loss) / before.log_loss
        text = (f"{label}: log loss {before.log_loss:.4f} with the parameters in use, {after.log_loss:.4f} fitted "
                f"({change:+.1%}); RMSE {before.rmse:.2%}, {after.rmse:.2%}.")  # fmt: skip
        console.print(plain(text), soft_wrap=True)
    console.print(plain("Lower predicts you better; the held-out figures decide."))


def print_forget(console: Console, deck: str | None, forgot: bool, still_fitted: bool) -> None:
    which = f"'{deck}'" if deck else "all decks"
    if not forgot:
        console.print(plain(f"No parameters were fitted for {which}."))
        return
    now = "the parameters fitted for every deck" if still_fitted else "FSRS's default parameters"
    console.print(plain(f"Forgot the parameters fitted for {which}; sessions use {now} again."), soft_wrap=True)

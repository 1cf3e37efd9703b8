"""A synthetic learner studies a generated deck through the real `quizcli study`, for weeks of simulated days.

    python benchmarks/simulate.py                  # 60 days, seed 1
    python benchmarks/simulate.py --quick          # a smoke run of under a minute
    python benchmarks/simulate.py --rate-guessable hard-when-right --json out.json

Each session is one `quizcli study DECK` process in line mode (stdin a pipe),
with ``QUIZCLI_HOME`` a scratch directory, ``QUIZCLI_NOW`` the session's time
and ``TZ`` the learner's time zone.  The learner reads each card as quizcli
prints it (its id, options, verdict) and answers from its own FSRS-6 memory
(see sim_learner.py).  Sessions fall between 07:00 and 23:00 local time, some
after midnight, some days none, some days two.  quizcli's state is read from
its progress database (read-only) before and after every session, and the
figures (see sim_measures.py) compare what quizcli did and predicted with what
the learner really remembered.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).parent))
from sim_learner import AGAIN, GOOD, HARD, Attempt, Learner, Memory, make_deck  # noqa: E402
from sim_lines import (  # noqa: E402
    Prompt,
    Screen,
    complaint,
    item_of,
    options_of,
    panel_line,
    panel_title,
    prompt_kind,
    suggested_of,
    verdict_of,
)
from sim_measures import Answer, Logged, Session, measure, render, study_day  # noqa: E402

DECK_NAME = "sim"
SECONDS_PER_ANSWER = 20  # the learner's own clock moves on this much per answer within a session
LINE_TIMEOUT = 60.0  # seconds to wait for quizcli's next line before calling the dialogue stuck
MAX_ANSWERS = 400  # the learner quits a session after this many answers (QUIZCLI_NOW stands still in a session)
QUITTABLE = (Prompt.FRONT, Prompt.CHOICE, Prompt.TRUTH)  # where "q" quits rather than being taken as an answer
POLICIES = ("suggested", "hard-when-right")


@dataclass(frozen=True)
class Plan:
    """What to simulate."""

    days: int = 60
    seed: int = 1
    cards: int = 120
    new: int = 10
    limit: int = 200
    tz: str = "America/New_York"
    start: date = date(2026, 10, 20)
    rate_guessable: str = "suggested"
    guessable_rating: str | None = None  # quizcli's guessable_rating setting (None: quizcli's default)
    skip_chance: float = 0.1
    second_session_chance: float = 0.25
    early_chance: float = 0.05
    after_midnight_chance: float = 0.05
    sibling_priming: float = 0.5
    topic_priming: float = 0.2
    study_config: str = ""  # lines of quizcli's config.toml [study] table, e.g. "bury_review_siblings = false"


# ---- when the learner studies -----------------------------------------------------------------


def session_times(plan: Plan, rng: random.Random) -> list[datetime]:
    """Session times: one a day between 07:00 and 23:00 local, sometimes two, sometimes none, now and then
    the first early (04:00-07:00) or the last after midnight (still the evening's study day); in UTC.

    Hours count real time from local midnight, so on a daylight-saving night a session after midnight may
    fall on either side of the change (01:30 EDT or 01:30 EST).
    """
    zone, moments = ZoneInfo(plan.tz), []
    for offset in range(plan.days):
        day = plan.start + timedelta(days=offset)
        if rng.random() < plan.skip_chance:
            continue
        hours = sorted(rng.uniform(7, 23) for _ in range(2 if rng.random() < plan.second_session_chance else 1))
        if len(hours) == 2 and hours[1] - hours[0] < 1:
            hours[1] = min(hours[0] + 1, 23.5)
        if rng.random() < plan.early_chance:
            hours[0] = rng.uniform(4, 7)
        if rng.random() < plan.after_midnight_chance:
            hours[-1] = 24 + rng.uniform(0, 2.5)
        midnight = datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)
        moments += [(midnight + timedelta(hours=hour)).replace(second=0, microsecond=0) for hour in hours]
    return moments


# ---- reading quizcli's progress database ------------------------------------------------------


def _read_only(home: Path) -> sqlite3.Connection | None:
    path = home / "progress.db"
    if not path.exists():
        return None
    db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    return db


def due_reviews(home: Path, when: datetime) -> dict[str, datetime]:
    """Review cards (not suspended, not buried at ``when``) and their due times."""
    db = _read_only(home)
    if db is None:
        return {}
    with db:
        rows = db.execute(
            "SELECT c.item, c.due, f.suspended, f.buried_until FROM cards c"
            " LEFT JOIN flags f ON f.deck = c.deck AND f.item = c.item WHERE c.state = 2"
        ).fetchall()
    db.close()
    due = {}
    for row in rows:
        buried = row["buried_until"] is not None and datetime.fromisoformat(row["buried_until"]) > when
        if not row["suspended"] and not buried:
            due[row["item"]] = datetime.fromisoformat(row["due"])
    return due


def reviews_after(home: Path, last_id: int) -> list[Logged]:
    """The review log's entries after ``last_id``, in order."""
    db = _read_only(home)
    if db is None:
        return []
    with db:
        columns = {row["name"] for row in db.execute("PRAGMA table_info(reviews)")}
        shift = "due_shift" if "due_shift" in columns else "0 AS due_shift"  # a quizcli from before the column
        rows = db.execute(
            "SELECT id AS review_id, item, rating, state_before, elapsed_days, retrievability, scheduled_days,"
            f" {shift} FROM reviews WHERE id > ? ORDER BY id",
            (last_id,),
        ).fetchall()
    db.close()
    return [Logged(**dict(row)) for row in rows]  # the columns named as Logged's fields


# ---- one session: the dialogue with quizcli ---------------------------------------------------


class StuckError(RuntimeError):
    """quizcli and the learner no longer understand each other."""


class Sitting:
    """One `quizcli study` process, answered line by line by the learner."""

    def __init__(self, command: list[str], env: dict[str, str], learner: Learner, started: datetime, policy: str):
        self.command, self.env, self.learner, self.policy = command, env, learner, policy
        self.started = started
        self.answers: list[tuple[Attempt, int, bool]] = []  # attempt, rating sent, quizcli's verdict
        self.mismatches = 0  # answers quizcli marked otherwise than the learner meant them
        self.cut = False  # the learner quit at MAX_ANSWERS
        self._tail: deque[str] = deque(maxlen=40)

    def run(self) -> None:
        with subprocess.Popen(
            self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=self.env, text=True, encoding="utf-8", bufsize=1,
        ) as process:  # fmt: skip
            assert process.stdin is not None and process.stdout is not None and process.stderr is not None
            stderr, errors = process.stderr, list[str]()
            drain = threading.Thread(target=lambda: errors.append(stderr.read()), daemon=True)
            drain.start()
            try:
                self._converse(_lines(process.stdout), process.stdin)
            finally:
                process.stdin.close()
                code = process.wait(timeout=LINE_TIMEOUT)
                drain.join(timeout=LINE_TIMEOUT)
        if code != 0:
            raise StuckError(f"quizcli exited with {code}: {''.join(errors)[-2000:]}\n" + "\n".join(self._tail))

    def _converse(self, lines: Iterator[str], stdin: IO[str]) -> None:
        screen: Screen | None = None
        attempt: Attempt | None = None  # the item on screen, once the learner has tried it
        for line in lines:
            self._tail.append(line)
            if complaint(line):
                raise StuckError("quizcli did not understand the learner:\n" + "\n".join(self._tail))
            if (title := panel_title(line)) is not None:
                screen = Screen(title)
            elif screen is not None and (text := panel_line(line)) is not None:
                screen.body.append(text)
            elif (prompt := prompt_kind(line)) is not None:
                if screen is None:
                    raise StuckError(f"a prompt before any card: {line!r}")
                reply, attempt = self._reply(prompt, screen, attempt, suggested_of(line))
                stdin.write(reply + "\n")
                stdin.flush()

    def _now(self) -> datetime:
        return self.started + timedelta(seconds=SECONDS_PER_ANSWER * len(self.answers))

    def _reply(
        self, prompt: Prompt, screen: Screen, tried: Attempt | None, suggested: int | None
    ) -> tuple[str, Attempt | None]:
        """The line to send, and the attempt in progress (None once it is rated)."""
        if prompt in QUITTABLE and len(self.answers) >= MAX_ANSWERS:
            self.cut = True
            return "q", None
        if prompt is Prompt.RATING:
            if tried is None:
                raise StuckError("a rating asked for before any answer:\n" + "\n".join(self._tail))
            return self._rate(tried, verdict_of(screen.body), suggested), None
        item, _ = item_of(screen.title)
        attempt = self.learner.attempt(item, self._now())
        if prompt is Prompt.CHOICE:
            response = self.learner.choose(attempt, options_of(screen.body))
        elif prompt is Prompt.TRUTH:
            response = self.learner.judge(attempt)
        elif prompt is Prompt.TEXT:
            response = self.learner.type_in(attempt)
        else:
            response = ""
        return response, attempt

    def _rate(self, attempt: Attempt, verdict: bool | None, suggested: int | None) -> str:
        """The rating line: a flashcard's own rating, else the suggested one (``suggested``, what quizcli
        offers) or the policy's override.

        The policy rates Hard only an item's first answer in a session: Hard keeps a learning item at its
        step, so pressing it at every step would never let the item graduate.
        """
        if verdict is None:
            rating = self.learner.self_rating(attempt)
            reply, passed, grade = str(rating), rating > AGAIN, rating
        else:
            self.mismatches += verdict != attempt.meant_right
            again = any(earlier.fact.item == attempt.fact.item for earlier, _, _ in self.answers)
            override = self.policy == "hard-when-right" and verdict and attempt.fact.options > 0 and not again
            rating = HARD if override else (suggested or (GOOD if verdict else AGAIN))
            reply, passed, grade = ("2" if override else ""), verdict, (GOOD if attempt.recalled else AGAIN)
        self.learner.studied(attempt, grade, self._now())
        self.answers.append((attempt, rating, passed))
        return reply


def _lines(stream: IO[str]) -> Iterator[str]:
    """quizcli's output line by line, failing when it stays silent too long (a dialogue out of step)."""
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        for line in stream:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    while True:
        try:
            line = lines.get(timeout=LINE_TIMEOUT)
        except queue.Empty:
            raise StuckError(
                "quizcli printed nothing for a minute: it waits for input the learner did not see"
            ) from None
        if line is None:
            return
        yield line


# ---- the whole run ---------------------------------------------------------------------------


@dataclass
class Run:
    sessions: list[Session]
    answers: list[Answer]
    mismatches: int
    cut: int  # sessions the learner quit at MAX_ANSWERS


def simulate(plan: Plan, home: Path) -> Run:
    """Study ``plan.days`` days in the quizcli home ``home`` (created, must be scratch)."""
    rng = random.Random(plan.seed)
    deck = make_deck(plan.cards, random.Random(plan.seed * 7919 + 1))
    decks = home / "decks"
    decks.mkdir(parents=True, exist_ok=True)
    deck_path = decks / f"{DECK_NAME}.yaml"
    deck_path.write_text(deck.yaml, encoding="utf-8")
    config_lines = [plan.study_config] if plan.study_config else []
    if plan.guessable_rating is not None:
        config_lines.append(f'guessable_rating = "{plan.guessable_rating}"')
    if config_lines:
        (home / "config.toml").write_text("[study]\n" + "\n".join(config_lines) + "\n", encoding="utf-8")
    learner = Learner(
        deck.facts, Memory(random.Random(plan.seed * 31 + 7)), random.Random(plan.seed * 131 + 3),
        sibling_priming=plan.sibling_priming, topic_priming=plan.topic_priming,
    )  # fmt: skip
    zone = ZoneInfo(plan.tz)
    sessions: list[Session] = []
    answers: list[Answer] = []
    mismatches, cut, last_id, today = 0, 0, 0, None
    for number, when in enumerate(session_times(plan, rng)):
        day = study_day(when, zone)
        if day != today:
            learner.new_day()
            today = day
        session = Session(number=number, when=when, day=day, due=due_reviews(home, when))
        sitting = Sitting(_command(plan, deck_path, number), _environment(home, when, plan.tz), learner, when,
                          plan.rate_guessable)  # fmt: skip
        sitting.run()
        logged = reviews_after(home, last_id)
        answers += _joined(session, sitting.answers, logged)
        last_id = logged[-1].review_id if logged else last_id
        mismatches += sitting.mismatches
        cut += sitting.cut
        sessions.append(session)
    return Run(sessions=sessions, answers=answers, mismatches=mismatches, cut=cut)


def _command(plan: Plan, deck: Path, number: int) -> list[str]:
    seed = str(plan.seed * 100_000 + number)
    return [sys.executable, "-m", "quizcli", "study", str(deck), "--new", str(plan.new), "--limit", str(plan.limit),
            "--seed", seed]  # fmt: skip


def _environment(home: Path, when: datetime, tz: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("QUIZCLI_")}
    env.update(
        QUIZCLI_HOME=str(home), QUIZCLI_NOW=when.isoformat(), TZ=tz, NO_COLOR="1", COLUMNS="200",
        PYTHONUNBUFFERED="1", PYTHONIOENCODING="utf-8",
    )  # fmt: skip
    return env


def _joined(session: Session, answered: list[tuple[Attempt, int, bool]], logged: list[Logged]) -> list[Answer]:
    """The learner's answers of a session matched, in order, with quizcli's review log."""
    if len(answered) != len(logged):
        raise StuckError(f"session {session.number}: {len(answered)} answers given, {len(logged)} in the log")
    joined = []
    for (attempt, rating, passed), log in zip(answered, logged, strict=True):
        if log.item != attempt.fact.item or log.rating != rating:
            raise StuckError(f"session {session.number}: answered {attempt.fact.item} {rating}, logged {log}")
        joined.append(
            Answer(
                session=session.number, day=session.day, fact=attempt.fact, memory=attempt.memory,
                recall=attempt.recall, recalled=attempt.recalled, primed_by=attempt.primed_by, passed=passed,
                logged=log,
            )
        )  # fmt: skip
    return joined


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--days", type=int, default=Plan.days)
    parser.add_argument("--seed", type=int, default=Plan.seed)
    parser.add_argument("--cards", type=int, default=Plan.cards, help="cards in the generated deck")
    parser.add_argument("--new", type=int, default=Plan.new, help="quizcli study --new")
    parser.add_argument("--limit", type=int, default=Plan.limit, help="quizcli study --limit")
    parser.add_argument("--tz", default=Plan.tz, help="the learner's time zone (default: one with daylight saving)")
    parser.add_argument("--start", type=date.fromisoformat, default=Plan.start, help="the first day (YYYY-MM-DD)")
    parser.add_argument(
        "--rate-guessable", choices=POLICIES, default=Plan.rate_guessable,
        help="on a right answer to a choice or true/false card: keep the suggested rating, or press 2 (Hard)",
    )  # fmt: skip
    parser.add_argument(
        "--guessable-rating", choices=("hard", "good"),
        help="quizcli's guessable_rating setting: the rating it suggests after a right choice or true/false review",
    )  # fmt: skip
    parser.add_argument("--skip", type=float, default=Plan.skip_chance, help="chance of a day without a session")
    parser.add_argument("--twice", type=float, default=Plan.second_session_chance, help="chance of two sessions")
    parser.add_argument("--early", type=float, default=Plan.early_chance, help="chance of a session at 04:00-07:00")
    parser.add_argument(
        "--after-midnight", type=float, default=Plan.after_midnight_chance,
        help="chance that a day's last session is after midnight (before the 04:00 rollover)",
    )  # fmt: skip
    parser.add_argument("--sibling-priming", type=float, default=Plan.sibling_priming)
    parser.add_argument("--topic-priming", type=float, default=Plan.topic_priming)
    parser.add_argument(
        "--config", default="", help="lines for quizcli's config.toml [study] table, e.g. 'new_order = \"authored\"'"
    )
    parser.add_argument("--quick", action="store_true", help="10 days of a 25-card deck (under a minute)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file as JSON")
    parser.add_argument(
        "--fit", action="store_true",
        help="also fit personal parameters to the run's log with quizcli's optimizer code (all answers; without"
        " guessable ones) and measure them (needs fsrs-rs-python)",
    )  # fmt: skip
    parser.add_argument("--keep", type=Path, help="keep quizcli's home (progress.db, the deck) in this new directory")
    args = parser.parse_args(argv)
    plan = Plan(
        days=10 if args.quick else args.days, seed=args.seed, cards=25 if args.quick else args.cards,
        new=args.new, limit=args.limit, tz=args.tz, start=args.start, rate_guessable=args.rate_guessable,
        guessable_rating=args.guessable_rating,
        skip_chance=args.skip, second_session_chance=args.twice, early_chance=args.early,
        after_midnight_chance=args.after_midnight,
        sibling_priming=args.sibling_priming, topic_priming=args.topic_priming, study_config=args.config,
    )  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="quizcli-sim-") as scratch:
        home = args.keep or Path(scratch) / "home"
        run = simulate(plan, home)
        figures = measure(
            run.sessions, run.answers, ZoneInfo(plan.tz), limit=plan.limit, new_limit=plan.new,
            mismatches=run.mismatches, cut=run.cut,
        )  # fmt: skip
        print(render(figures, _described(plan)))
        if args.fit:
            print(fitted(run, plan, home))
    if args.json:
        args.json.write_text(json.dumps({"plan": _described(plan), "figures": asdict(figures)}, indent=1, default=str))
    return 0


def fitted(run: Run, plan: Plan, home: Path) -> str:
    """Calibration and fit of parameters fitted to the run's log in ``home`` by quizcli's optimizer code: to every
    answer, and without guessable ones (as ``quizcli optimize`` fits)."""
    from sim_fit import fit_and_predict

    lines = []
    for name, keep in (("all answers", lambda a: True), ("without guessable answers", lambda a: not a.fact.options)):
        answers = fit_and_predict(run.answers, home, keep)
        figures = measure(run.sessions, answers, ZoneInfo(plan.tz), limit=plan.limit, new_limit=plan.new)
        lines.append(f"\nwith parameters fitted to {name}:")
        for group, bins in figures.calibration.items():
            gaps = " ".join(f"{b.low}%:{b.gap:+.1f}({b.answers})" for b in bins)
            lines.append(
                f"  {group:<14} largest gap {figures.worst_gap[group]:.1f} points · log loss {figures.fit[group]:.4f}"
                f" · gap by bin {gaps}"
            )
    return "\n".join(lines)


def _described(plan: Plan) -> dict[str, object]:
    return {key: str(value) if isinstance(value, date) else value for key, value in asdict(plan).items()}


if __name__ == "__main__":
    sys.exit(main())

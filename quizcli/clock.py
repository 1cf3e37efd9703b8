"""The one clock: real time, or ``QUIZCLI_NOW`` to simulate days passing, and the study day.

All datetimes quizcli stores or schedules with are UTC-aware.  "Today" is the
user's study day: the local calendar day rolling over at 04:00 local time, as
in Anki, so a late-night session still counts as the same day.  The rollover is
the wall-clock hour of each local date under the zone's own rules, so a day
with a daylight-saving change is 23 or 25 hours long.  ``zone`` None means the
process's local time zone (``TZ``); tests pass a `zoneinfo.ZoneInfo`.

The hour is Anki's "Next day starts at": ``next_day_starts_at`` in the config
file's ``[study]`` table, put in force for the process by `quizcli.config.load_config`
(`set_rollover_hour`).  Every study-day figure (limits, due reviews, burying,
``stats`` and its forecast, streaks) reads it from here, so none can disagree.

A review card is due on its due *day*: everything due before the next rollover
(`next_day_start`) is shown today, by `quizcli study` and counted by
``quizcli stats`` and its forecast alike (both go through `study_day`).
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from quizcli.errors import QuizcliError

DAY_ROLLOVER_HOUR = 4  # the default: Anki's
_ROLLOVER = {"hour": DAY_ROLLOVER_HOUR}  # the configured hour, set once a command has read the config


def now() -> datetime:
    """The current time (UTC-aware), fixed by ``QUIZCLI_NOW`` when it is set."""
    override = os.environ.get("QUIZCLI_NOW")
    if not override:
        return datetime.now(UTC)
    return parse_timestamp(override, "QUIZCLI_NOW")


def parse_timestamp(text: str, what: str) -> datetime:
    """An ISO-8601 timestamp; one without an offset is taken as local time."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise QuizcliError(
            f"{what} must be an ISO-8601 timestamp like 2026-11-28T09:00:00+00:00, got {text!r}"
        ) from None
    try:
        utc: datetime | None = (value if value.tzinfo is not None else value.astimezone()).astimezone(UTC)
    except (ValueError, OverflowError):  # year 1 or 9999 moved to UTC leaves the calendar
        utc = None
    if utc is None or not EARLIEST <= utc <= LATEST:
        raise QuizcliError(f"{what} must be between {EARLIEST:%Y-%m-%d} and {LATEST:%Y-%m-%d}, got {text!r}")
    return utc


# Times quizcli accepts: a century of intervals either side stays within what datetime can hold.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


def rollover_hour() -> int:
    """The local hour (0-23) a study day begins at."""
    return _ROLLOVER["hour"]


def set_rollover_hour(hour: int) -> None:
    """Make study days begin at ``hour`` local time (0-23) from now on in this process."""
    if not 0 <= hour <= 23:
        raise ValueError(f"the day rollover must be an hour from 0 to 23, got {hour}")
    _ROLLOVER["hour"] = hour


def study_day(moment: datetime, zone: tzinfo | None = None) -> date:
    """The study day ``moment`` falls in: its local date, or the date before when it is before the rollover hour."""
    return StudyDays(zone).of(moment)


class StudyDays:
    """`study_day` and `day_begins` for many moments and days: each date's start is worked out once, under the
    rollover hour in force when it is first needed (one serves one computation, not a process)."""

    __slots__ = ("_starts", "_zone")

    def __init__(self, zone: tzinfo | None = None) -> None:
        self._zone = zone
        self._starts: dict[date, datetime] = {}

    def begins(self, day: date) -> datetime:
        """When ``day`` begins (`day_begins`)."""
        start = self._starts.get(day)
        if start is None:
            start = self._starts[day] = day_begins(day, self._zone)
        return start

    def of(self, moment: datetime) -> date:
        """The study day ``moment`` falls in (`study_day`)."""
        day = moment.astimezone(self._zone).date()
        return day if moment >= self.begins(day) else day - timedelta(days=1)


def day_begins(day: date, zone: tzinfo | None = None) -> datetime:
    """When a study day begins, in UTC: the first moment the local clock shows the rollover hour on that date
    or later, under the zone's rules there.

    An hour the clocks skip begins the day when they jump; an hour they repeat, at its first showing.
    """
    start = datetime.combine(day, time(rollover_hour()))
    moments = (_in_utc(start.replace(fold=fold), zone) for fold in (0, 1))
    return min(moment for moment in moments if moment.astimezone(zone).replace(tzinfo=None) >= start)


def _in_utc(local: datetime, zone: tzinfo | None) -> datetime:
    """A naive local time in ``zone`` (None: the process's) in UTC; ``fold`` picks the side of a skipped hour."""
    aware = local.replace(tzinfo=zone) if zone is not None else local.astimezone()
    return aware.astimezone(UTC)


def day_start(moment: datetime, zone: tzinfo | None = None) -> datetime:
    """When the study day containing ``moment`` began, in UTC."""
    return day_begins(study_day(moment, zone), zone)


def next_day_start(moment: datetime, zone: tzinfo | None = None) -> datetime:
    """When the study day after the one containing ``moment`` begins (Anki's ``next_day_at``), in UTC."""
    return day_begins(study_day(moment, zone) + timedelta(days=1), zone)


def to_text(moment: datetime) -> str:
    """The stored form: UTC, microseconds, sortable as text."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_text(text: str) -> datetime:
    return datetime.fromisoformat(text)

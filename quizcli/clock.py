"""The one clock: real time, or ``QUIZCLI_NOW`` to simulate days passing, and the study day.

All datetimes quizcli stores or schedules with are UTC-aware.  "Today" is the
user's study day: the local calendar day rolling over at 04:00 local time, as
in Anki, so a late-night session still counts as the same day.  The rollover is
the wall-clock 04:00 of each local date under the zone's own rules, so a day
with a daylight-saving change is 23 or 25 hours long.  ``zone`` None means the
process's local time zone (``TZ``); tests pass a `zoneinfo.ZoneInfo`.

A review card is due on its due *day*: everything due before the next rollover
(`next_day_start`) is shown today, by `quizcli study` and counted by
``quizcli stats`` and its forecast alike (both go through `study_day`).
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from quizcli.errors import QuizcliError

DAY_ROLLOVER_HOUR = 4


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
    if value.tzinfo is None:
        value = value.astimezone()
    return value.astimezone(UTC)


def study_day(moment: datetime, zone: tzinfo | None = None) -> date:
    """The study day ``moment`` falls in: its local date, or the date before when it is before 04:00 local."""
    local = moment.astimezone(zone)
    day = local.date()
    return day if moment >= day_begins(day, zone) else day - timedelta(days=1)


def day_begins(day: date, zone: tzinfo | None = None) -> datetime:
    """When a study day begins: 04:00 local on that date under the zone's rules at that date, in UTC."""
    start = datetime.combine(day, time(DAY_ROLLOVER_HOUR))
    local = start.replace(tzinfo=zone) if zone is not None else start.astimezone()
    return local.astimezone(UTC)


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

"""The one clock: real time, or ``QUIZCLI_NOW`` to simulate days passing.

All datetimes quizcli stores or schedules with are UTC-aware.  "Today", for
daily limits, is the user's local calendar day rolling over at 04:00 local
time, as in Anki, so a late-night session still counts as the same day.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

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


def day_start(moment: datetime) -> datetime:
    """When the study day containing ``moment`` began (04:00 local time), in UTC."""
    local = moment.astimezone()
    start = local.replace(hour=DAY_ROLLOVER_HOUR, minute=0, second=0, microsecond=0)
    if local < start:
        start -= timedelta(days=1)
    return start.astimezone(UTC)


def to_text(moment: datetime) -> str:
    """The stored form: UTC, microseconds, sortable as text."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_text(text: str) -> datetime:
    return datetime.fromisoformat(text)

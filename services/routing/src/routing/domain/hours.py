"""Office hours and the hand-over from the on-duty officer (总值班), pure.

Working days come from `chinese_calendar` (statutory holidays and make-up working days, 调休).
It only knows the years it was released with and raises NotImplementedError for others; for
those dates we fall back to Monday–Friday, which is right on most days and errs towards
handing over (rather than holding a complaint) on an unknown holiday.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
LOOKAHEAD_DAYS = 60  # longer than any run of holidays (春节 with its weekends is ~9 days)


@dataclass(frozen=True)
class OfficeHours:
    """Reception periods of a working day, local time, in order (e.g. 08:00–12:00, 14:00–18:00)."""

    periods: tuple[tuple[time, time], ...]
    tz: ZoneInfo = SHANGHAI


def office_hours_from_json(data: list[list[str]] | None) -> OfficeHours | None:
    """[["08:00","12:00"], …] from the seed; None or [] means the tenant has no office hours."""
    if not data:
        return None
    periods = tuple(sorted((time.fromisoformat(a), time.fromisoformat(b)) for a, b in data))
    for start, end in periods:
        if start >= end:
            raise ValueError(f"office hours period {start}–{end} ends before it starts")
    return OfficeHours(periods)


def is_working_day(day: date) -> bool:
    """A working day in mainland China; Monday–Friday for years the calendar does not know."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def handover_at(received_at: datetime, hours: OfficeHours) -> datetime | None:
    """None if received within office hours on a working day; else the start of the next
    working period on a working day, when the on-duty officer hands the complaint over."""
    local = received_at.astimezone(hours.tz)
    day = local.date()
    if is_working_day(day) and any(s <= local.time() < e for s, e in hours.periods):
        return None
    for offset in range(LOOKAHEAD_DAYS):
        candidate = day + timedelta(days=offset)
        if not is_working_day(candidate):
            continue
        for start, _ in hours.periods:
            at = datetime.combine(candidate, start, tzinfo=hours.tz)
            if at > local:
                return at
    raise ValueError(f"no working period within {LOOKAHEAD_DAYS} days of {local}")

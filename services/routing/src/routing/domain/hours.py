"""Office hours and the hand-over from the on-duty officer (总值班), pure.

Which days are working days is the platform's working-day calendar, the one escalation counts
deadlines on: the official schedule (statutory holidays and make-up working days, 调休) with
the years an admin loaded over it. For a year nobody has published it falls back to
Monday–Friday, which is right on most days and errs towards handing over (rather than
holding a complaint) on an unknown holiday.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from casebridge_platform.calendar import TZ, WorkCalendar

SHANGHAI = TZ
LOOKAHEAD_DAYS = 60  # longer than any run of holidays (春节 with its weekends is ~9 days)


@dataclass(frozen=True)
class OfficeHours:
    """Reception periods of a working day, Asia/Shanghai, in order (e.g. 08:00–12:00,
    14:00–18:00)."""

    periods: tuple[tuple[time, time], ...]


def office_hours_from_json(data: list[list[str]] | None) -> OfficeHours | None:
    """[["08:00","12:00"], …] from the seed; None or [] means the tenant has no office hours."""
    if not data:
        return None
    periods = tuple(sorted((time.fromisoformat(a), time.fromisoformat(b)) for a, b in data))
    for start, end in periods:
        if start >= end:
            raise ValueError(f"office hours period {start}–{end} ends before it starts")
    return OfficeHours(periods)


def handover_at(received_at: datetime, hours: OfficeHours,
                calendar: WorkCalendar | None = None) -> datetime | None:
    """None if received within office hours on a working day; else the start of the next
    working period on a working day, when the on-duty officer hands the complaint over.
    Without a calendar, the official one with no loaded years."""
    calendar = calendar if calendar is not None else WorkCalendar()
    if calendar.in_office_hours(received_at, hours.periods):
        return None
    return calendar.next_opening(received_at, hours.periods, within_days=LOOKAHEAD_DAYS)

"""Deadline arithmetic, pure: a policy's due moment per the official working-day calendar."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time

from escalation.domain.calendar import (
    DEFAULT_OFFICE_HOURS,
    Explanation,
    Interval,
    WorkCalendar,
)


@dataclass(frozen=True)
class Policy:
    """One deadline rule of a tenant: which clock, how long, and the source it cites.

    `days` is the amount in `unit` (hours for "working_hours" and "hours"); `office_hours`
    are the tenant's, used by "working_hours" only.
    """

    clock: str
    days: int
    rule: str
    unit: str = "working_days"
    office_hours: tuple[tuple[time, time], ...] = DEFAULT_OFFICE_HOURS


def explain(started_at: datetime, policy: Policy, *, calendar: WorkCalendar | None = None,
            pauses: Iterable[Interval] = ()) -> Explanation:
    """How the clock's due moment follows from its start, the policy and the calendar."""
    _, explanation = (calendar or WorkCalendar()).add(
        started_at, policy.days, policy.unit, office_hours=policy.office_hours, pauses=pauses)
    return explanation


def due_at(started_at: datetime, policy: Policy, *, calendar: WorkCalendar | None = None,
           pauses: Iterable[Interval] = ()) -> datetime:
    """The moment the clock runs out: the first instant at which the deadline is missed."""
    return explain(started_at, policy, calendar=calendar, pauses=pauses).due_at.astimezone(UTC)


WARN_FRACTION = 2 / 3   # warn when two thirds of the allowed time are used


def warning_at(started_at: datetime, policy: Policy, *, calendar: WorkCalendar | None = None,
               pauses: Iterable[Interval] = ()) -> datetime | None:
    """When WARN_FRACTION of the allowed time is used (whole units: 3 working days warn at the
    end of the 2nd); None when that would be no time at all or the deadline itself."""
    amount = int(policy.days * WARN_FRACTION)
    if amount < 1 or amount >= policy.days:
        return None
    return due_at(started_at, replace(policy, days=amount), calendar=calendar, pauses=pauses)

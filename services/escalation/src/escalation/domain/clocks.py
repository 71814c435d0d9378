"""Deadline arithmetic, pure. Calendar days for now; working-day calendars replace it later."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Policy:
    """One deadline rule of a tenant: which clock, how long, and the source it cites."""

    clock: str
    days: int
    rule: str


def due_at(started_at: datetime, policy: Policy) -> datetime:
    """The moment the clock runs out, counting calendar days from when it started."""
    return started_at + timedelta(days=policy.days)

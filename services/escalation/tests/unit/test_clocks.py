"""Deadline arithmetic (calendar days until the working-day calendar lands)."""

from __future__ import annotations

from datetime import UTC, datetime

from escalation.domain.clocks import Policy, due_at


def test_due_is_the_policy_days_after_the_start() -> None:
    start = datetime(2026, 12, 30, 9, 30, tzinfo=UTC)
    assert due_at(start, Policy("answer", 3, "seed 003")) == datetime(2027, 1, 2, 9, 30,
                                                                      tzinfo=UTC)

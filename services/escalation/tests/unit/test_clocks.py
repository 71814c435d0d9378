"""A policy's due moment, by unit, per the official calendar."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from escalation.domain.clocks import Policy, due_at, explain


def test_working_days_skip_the_new_year_weekend_and_run_to_the_end_of_the_last_day() -> None:
    start = datetime(2026, 12, 30, 9, 30, tzinfo=UTC)  # Wednesday 17:30 in Shanghai
    # Counted: Thu 31 Dec, Fri 1 Jan 2027 (unofficial year: only weekends known), Mon 4 Jan.
    assert due_at(start, Policy("answer", 3, "seed 003")) == datetime(2027, 1, 4, 16, tzinfo=UTC)


def test_calendar_days_do_not_count_the_receipt_day() -> None:
    """《民法典》第二百零一条第一款：按照年、月、日计算期间的，开始的当日不计入，自下一日开始计算。
    Thu 31 Dec 2026 to Sat 2 Jan 2027 are the 3 days; Sat is a rest day (第二百零三条), so the
    period ends at 24:00 of Mon 4 Jan (5 Jan 00:00 +08)."""
    start = datetime(2026, 12, 30, 9, 30, tzinfo=UTC)
    policy = Policy("answer", 3, "seed 003", unit="calendar_days")
    assert due_at(start, policy) == datetime(2027, 1, 4, 16, tzinfo=UTC)
    assert explain(start, policy).moved_from == datetime(2027, 1, 2, 16, tzinfo=UTC)


def test_hours_count_from_the_moment_of_receipt() -> None:
    start = datetime(2026, 12, 30, 9, 30, tzinfo=UTC)
    assert due_at(start, Policy("autopsy", 48, "条例", unit="hours")) == datetime(
        2027, 1, 1, 9, 30, tzinfo=UTC)


def test_the_due_moment_is_utc_and_explained() -> None:
    start = datetime(2026, 12, 30, 9, 30, tzinfo=UTC)
    assert due_at(start, Policy("answer", 3, "seed 003")).tzinfo is UTC
    assert explain(start, Policy("answer", 3, "seed 003")).warnings  # 2027 unofficial


def test_an_unknown_unit_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown deadline unit"):
        due_at(datetime(2026, 1, 5, tzinfo=UTC), Policy("answer", 3, "x", unit="fortnights"))


def test_the_warning_comes_when_two_thirds_of_the_time_are_used() -> None:
    from escalation.domain.clocks import warning_at

    start = datetime(2026, 11, 2, 1, tzinfo=UTC)  # Monday 09:00 Shanghai
    assert warning_at(start, Policy("answer", 3, "r")) == \
        datetime(2026, 11, 4, 16, tzinfo=UTC)  # 24:00 Wednesday, the 2nd working day counted
    assert warning_at(start, Policy("answer", 1, "r")) is None  # no time before the deadline
    assert warning_at(start, Policy("mediation", 45, "r")) == \
        due_at(start, Policy("mediation", 30, "r"))

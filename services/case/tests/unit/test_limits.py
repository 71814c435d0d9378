"""The three-year time bar of market regulation, counted on the 2026 calendar."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from case.domain import limits
from case.domain.case import Case
from case.domain.model import Status
from casebridge_platform.calendar import WorkCalendar

CAL = WorkCalendar()


def complaint(incident: str, received: datetime) -> Case:
    return replace(Case(case_id="c", tenant_id="cc", case_number="CC-1", kind="complaint",
                        status=Status.RECEIVED),
                   incident_time=incident, received_at=received)


def test_three_years_end_on_the_corresponding_day_moved_past_a_sunday() -> None:
    """《市场监督管理投诉举报处理暂行办法》第十五条第（四）项：投诉人知道或者应当知道自己的权益受到
    被投诉人侵害之日起超过三年的，不予受理; 《民法典》第二百零二、二百零三条. Harm known 1 Mar
    2023: the corresponding day, Sun 1 Mar 2026, is a rest day, so a complaint on Mon 2 Mar is in
    time and one on Tue 3 Mar is not."""
    assert limits.time_bar_ends(date(2023, 3, 1), CAL) == date(2026, 3, 2)
    monday = complaint("2023-03-01", datetime(2026, 3, 2, 8, tzinfo=UTC))
    assert limits.time_barred(monday, "consumer_center", CAL) is None
    tuesday = complaint("2023-03-01T10:00", datetime(2026, 3, 3, 2, tzinfo=UTC))
    why = limits.time_barred(tuesday, "consumer_center", CAL)
    assert why is not None and "第十五条第（四）项" in why and "2026-03-02" in why


def test_the_bar_runs_past_the_spring_festival_and_a_leap_day_has_no_corresponding_day() -> None:
    """15 Feb 2023 + 3 years is Sun 15 Feb 2026, inside the Spring Festival (15–23 Feb): the bar
    ends on Tue 24 Feb. 29 Feb 2024 + 3 years has no 29 Feb: 28 Feb 2027 (a Sunday, guessed
    calendar), moved to Mon 1 Mar 2027."""
    assert limits.time_bar_ends(date(2023, 2, 15), CAL) == date(2026, 2, 24)
    assert limits.time_bar_ends(date(2024, 2, 29), CAL) == date(2027, 3, 1)


def test_the_bar_is_the_market_regulators_and_needs_a_known_date() -> None:
    old = complaint("2020-01-01", datetime(2026, 3, 3, 2, tzinfo=UTC))
    assert limits.time_barred(old, "hospital", CAL) is None
    assert limits.time_barred(replace(old, kind="report"), "consumer_center", CAL) is None
    assert limits.time_barred(replace(old, incident_time=""), "consumer_center", CAL) is None

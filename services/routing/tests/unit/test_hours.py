"""Office hours over real dates: weekends, holidays, make-up working days, lunch, evenings."""

from __future__ import annotations

from datetime import datetime

import pytest
from casebridge_platform.calendar import WorkCalendar, YearSchedule
from routing.domain import hours

HOSPITAL = hours.office_hours_from_json([["08:00", "12:00"], ["14:00", "18:00"]])


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=hours.SHANGHAI)


@pytest.mark.parametrize(("received", "handover"), [
    ("2026-03-10 09:00", None),                       # a Tuesday morning
    ("2026-03-10 12:30", "2026-03-10 14:00"),         # lunch break
    ("2026-03-10 07:59", "2026-03-10 08:00"),         # before opening
    ("2026-03-13 20:00", "2026-03-16 08:00"),         # Friday evening → Monday
    ("2026-03-14 10:00", "2026-03-16 08:00"),         # a Saturday
    ("2026-09-30 19:00", "2026-10-08 08:00"),         # National Day week (10-01 … 10-07)
    ("2026-10-03 10:00", "2026-10-08 08:00"),
    ("2026-09-20 10:00", None),                       # a make-up working Sunday (调休)
    ("2026-09-19 10:00", "2026-09-20 08:00"),         # Saturday before it
    ("2026-10-09 18:30", "2026-10-10 08:00"),         # Friday → make-up working Saturday
])
def test_handover_is_the_next_working_period(received: str, handover: str | None) -> None:
    assert hours.handover_at(at(received), HOSPITAL) == (at(handover) if handover else None)


def test_utc_input_is_read_in_shanghai_time() -> None:
    utc = datetime.fromisoformat("2026-03-10T01:00:00+00:00")  # 09:00 in Shanghai
    assert hours.handover_at(utc, HOSPITAL) is None


def test_years_the_calendar_does_not_know_fall_back_to_monday_to_friday() -> None:
    assert WorkCalendar().is_working_day(datetime(2031, 1, 1).date())  # a Wednesday, holiday or not
    assert not WorkCalendar().is_working_day(datetime(2031, 1, 4).date())  # a Saturday
    assert hours.handover_at(at("2031-01-03 19:00"), HOSPITAL) == at("2031-01-06 08:00")


def test_a_loaded_year_decides_over_the_guess() -> None:
    loaded = WorkCalendar().with_year(2031, YearSchedule.from_json(
        {"2031-01-06": "元旦"}, {"2031-01-04": "元旦"}))          # Monday off, Saturday worked
    assert hours.handover_at(at("2031-01-03 19:00"), HOSPITAL, loaded) == at("2031-01-04 08:00")
    assert hours.handover_at(at("2031-01-04 09:00"), HOSPITAL, loaded) is None
    assert hours.handover_at(at("2031-01-04 19:00"), HOSPITAL, loaded) == at("2031-01-07 08:00")


def test_bad_office_hours_are_refused() -> None:
    with pytest.raises(ValueError):
        hours.office_hours_from_json([["18:00", "08:00"]])
    assert hours.office_hours_from_json([]) is None

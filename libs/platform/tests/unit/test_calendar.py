"""Golden deadlines over real periods, checked by hand against the State Council's 2026 notice
(国办发明电〔2025〕7号, as in chinese_calendar 1.11): Spring Festival 15–23 Feb with make-up
working days Sat 14 Feb and Sat 28 Feb; Mid-Autumn 25–27 Sep; National Day 1–7 Oct with make-up
working days Sun 20 Sep and Sat 10 Oct."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime, time, timedelta

import pytest
from casebridge_platform.calendar import (
    TZ,
    WorkCalendar,
    YearSchedule,
    office_hours_from_json,
    package_years,
)

CAL = WorkCalendar()


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)  # type: ignore[misc]  # *args are y, m, d[, h, min]


def test_seven_working_days_from_30_september_skip_national_day() -> None:
    due, why = CAL.add_working_days(at(2026, 9, 30, 15), 7)
    # 1–7 Oct holiday; Thu 8, Fri 9, Sat 10 (make-up), Mon 12 … Thu 15: the 7th working day.
    assert due == at(2026, 10, 16)
    assert why.counted == (date(2026, 10, 8), date(2026, 10, 9), date(2026, 10, 10),
                           date(2026, 10, 12), date(2026, 10, 13), date(2026, 10, 14),
                           date(2026, 10, 15))
    assert why.holidays_skipped == tuple((date(2026, 10, d), "National Day") for d in range(1, 8))
    assert why.weekends_skipped == (date(2026, 10, 11),)
    assert why.makeup_days_counted == ((date(2026, 10, 10), "National Day"),)
    assert why.counted_from == at(2026, 10, 1) and not why.warnings and not why.paused


def test_mid_autumn_2026_falls_before_national_day_and_is_skipped_too() -> None:
    due, why = CAL.add_working_days(at(2026, 9, 24, 10), 3)
    # Fri 25 – Sun 27 Sep Mid-Autumn; Mon 28, Tue 29, Wed 30 counted.
    assert due == at(2026, 10, 1)
    assert [d for d, _ in why.holidays_skipped] == [date(2026, 9, d) for d in (25, 26, 27)]
    assert {name for _, name in why.holidays_skipped} == {"Mid-autumn Festival"}


def test_received_13_february_before_the_spring_festival() -> None:
    due, why = CAL.add_working_days(at(2026, 2, 13, 16, 45), 7)
    # Sat 14 (make-up), 15–23 holiday, Tue 24 … Fri 27, Sat 28 (make-up), Sun 1 Mar, Mon 2 Mar.
    assert due == at(2026, 3, 3)
    assert why.counted == (date(2026, 2, 14), date(2026, 2, 24), date(2026, 2, 25),
                           date(2026, 2, 26), date(2026, 2, 27), date(2026, 2, 28),
                           date(2026, 3, 2))
    assert why.makeup_days_counted == ((date(2026, 2, 14), "Spring Festival"),
                                       (date(2026, 2, 28), "Spring Festival"))
    assert [d for d, _ in why.holidays_skipped] == [date(2026, 2, d) for d in range(15, 24)]
    assert why.weekends_skipped == (date(2026, 3, 1),)


def test_a_working_hours_rule_crosses_the_lunch_break_and_the_weekend() -> None:
    hours = office_hours_from_json([["08:00", "12:00"], ["14:00", "18:00"]])
    # Fri 6 Mar 16:30–18:00 (1.5 h), Mon 9 Mar 8–12 (4 h), 14:00–16:30 (2.5 h) = 8 h.
    due, why = CAL.add_working_hours(at(2026, 3, 6, 16, 30), 8, hours)
    assert due == at(2026, 3, 9, 16, 30)
    assert why.weekends_skipped == (date(2026, 3, 7), date(2026, 3, 8))
    assert why.counted == (date(2026, 3, 6), date(2026, 3, 9))


def test_working_hours_received_at_lunch_start_after_lunch() -> None:
    due, _ = CAL.add_working_hours(at(2026, 3, 9, 12, 30), 2)
    assert due == at(2026, 3, 9, 16)


def test_working_hours_skip_a_holiday_and_count_a_make_up_saturday() -> None:
    due, why = CAL.add_working_hours(at(2026, 10, 9, 17), 2)  # Fri 9 Oct; Sat 10 is make-up
    assert due == at(2026, 10, 10, 9)
    assert why.makeup_days_counted == ((date(2026, 10, 10), "National Day"),)


def test_a_2027_deadline_is_counted_on_weekends_only_and_says_so() -> None:
    due, why = CAL.add_working_days(at(2027, 4, 30, 10), 3)  # Fri; the 2027 May Day is unknown
    assert due == at(2027, 5, 6)  # Mon 3, Tue 4, Wed 5 counted as if ordinary days
    assert why.weekends_skipped == (date(2027, 5, 1), date(2027, 5, 2))
    assert len(why.warnings) == 1 and "2027" in why.warnings[0] and "unofficial" in why.warnings[0]
    assert not CAL.is_official(2027) and CAL.is_official(2026)


def test_a_deadline_spilling_into_2027_carries_the_warning() -> None:
    _, why = CAL.add_working_days(at(2026, 12, 29, 10), 3)
    # 1 Jan 2027 is counted as a working day only because 2027 is not yet known: hence the warning.
    assert why.counted[-1] == date(2027, 1, 1) and why.warnings


def test_a_loaded_official_schedule_overrides_the_guess_for_its_year() -> None:
    loaded = CAL.with_year(2027, YearSchedule(
        holidays={date(2027, 5, d): "Labour Day" for d in range(1, 6)},
        workdays={date(2027, 5, 8): "Labour Day"}))
    due, why = loaded.add_working_days(at(2027, 4, 30, 10), 3)
    assert due == at(2027, 5, 9)  # Thu 6, Fri 7, Sat 8 (make-up) counted
    assert why.counted == (date(2027, 5, 6), date(2027, 5, 7), date(2027, 5, 8))
    assert not why.warnings and loaded.is_official(2027)
    assert why.makeup_days_counted == ((date(2027, 5, 8), "Labour Day"),)


def test_a_schedule_for_another_year_is_refused() -> None:
    with pytest.raises(ValueError, match="another year"):
        CAL.with_year(2027, YearSchedule(holidays={date(2026, 1, 1): "New Year"}))


def test_a_hold_over_three_working_days_adds_three_working_days() -> None:
    """A day period is paused by whole days: a hold from Tue 10:00 to Fri 09:00 excludes Wed,
    Thu and Fri (the day it is lifted, like the day of receipt, is not counted: 《民法典》
    第二百零一条第一款 "开始的当日不计入")."""
    pause = (at(2026, 3, 3, 10), at(2026, 3, 6, 9))
    due, why = CAL.add_working_days(at(2026, 3, 2, 10), 3, pauses=[pause])
    assert due == at(2026, 3, 11)  # Tue 3, Mon 9, Tue 10 counted
    assert why.paused == ((at(2026, 3, 4), at(2026, 3, 7), timedelta(days=3)),)
    assert why.counted == (date(2026, 3, 3), date(2026, 3, 9), date(2026, 3, 10))


def test_a_hold_a_few_milliseconds_over_a_day_moves_one_day_and_never_lands_mid_day() -> None:
    """Issue 16: a hold never makes a day period land mid-day or jump a weekend because it
    lasted a few milliseconds longer than a whole day."""
    held = at(2026, 3, 3, 10)
    for lifted in (held + timedelta(days=1), held + timedelta(days=1, milliseconds=5)):
        due, _ = CAL.add_working_days(at(2026, 3, 2, 10), 3, pauses=[(held, lifted)])
        assert due == at(2026, 3, 7)  # Tue 3, Thu 5, Fri 6 counted: one working day later
    due, _ = CAL.add_calendar_days(at(2026, 3, 2, 10), 3, pauses=[(held, held + timedelta(
        days=1, milliseconds=5))])
    assert due == at(2026, 3, 7)


def test_a_hold_placed_and_lifted_within_the_receipt_day_moves_nothing() -> None:
    received = at(2026, 3, 2, 9)
    hold = (at(2026, 3, 2, 10), at(2026, 3, 2, 23, 59))
    for unit in ("working_days", "calendar_days"):
        due, why = CAL.add(received, 5, unit, pauses=[hold])
        assert due == CAL.add(received, 5, unit)[0] and not why.paused


def test_calendar_days_count_holidays() -> None:
    due, why = CAL.add_calendar_days(at(2026, 9, 30, 10), 15)
    assert due == at(2026, 10, 16) and len(why.counted) == 15 and not why.holidays_skipped
    assert why.moved_from is None and not why.moved_why


def test_a_calendar_day_period_ending_in_national_day_ends_on_the_next_working_day() -> None:
    """《民法典》第二百零三条第一款：期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的
    最后一日。 15 days from 16 Sep 2026 end on Thu 1 Oct, National Day (1–7 Oct): the period
    ends at 24:00 of Thu 8 Oct, the first working day after it."""
    due, why = CAL.add_calendar_days(at(2026, 9, 16, 15), 15)
    assert due == at(2026, 10, 9)
    assert why.moved_from == at(2026, 10, 2)
    assert [d for d, _ in why.moved_over] == [date(2026, 10, d) for d in range(1, 8)]
    assert "2026-10-01" in why.moved_why and "第二百零三条" in why.moved_why


def test_a_calendar_day_period_ending_on_a_sunday_ends_on_monday() -> None:
    """Weekends count as 法定休假日 for 第二百零三条: 15 days from Fri 6 Mar 2026 end on Sat 21
    Mar; the period ends at 24:00 of Mon 23 Mar."""
    due, why = CAL.add_calendar_days(at(2026, 3, 6, 10), 15)
    assert due == at(2026, 3, 24) and why.moved_from == at(2026, 3, 22)
    assert [d for d, _ in why.moved_over] == [date(2026, 3, 21), date(2026, 3, 22)]


def test_a_calendar_day_period_ending_on_a_make_up_working_sunday_does_not_move() -> None:
    """Sun 20 Sep 2026 is a make-up working day (调休上班) before National Day: not a holiday."""
    due, why = CAL.add_calendar_days(at(2026, 9, 5, 10), 15)
    assert due == at(2026, 9, 21) and why.moved_from is None


def test_working_days_and_hours_are_not_moved() -> None:
    _, why = CAL.add_working_days(at(2026, 9, 30, 15), 7)
    assert why.moved_from is None
    due, why = CAL.add_hours(at(2026, 9, 30, 15), 48)  # due on National Day itself
    assert due == at(2026, 10, 2, 15) and why.moved_from is None


def test_naive_start_and_bad_office_hours_are_refused() -> None:
    with pytest.raises(ValueError):
        CAL.add_working_days(datetime(2026, 3, 2), 1)
    with pytest.raises(ValueError):
        office_hours_from_json([["14:00", "12:00"]])


HOURS = ((time(8), time(12)), (time(14), time(18)))


@pytest.mark.parametrize(("moment", "inside"), [
    (at(2026, 3, 10, 9), True),                  # a Tuesday morning
    (at(2026, 3, 10, 12, 30), False),            # its lunch break
    (at(2026, 3, 10, 18), False),                # closing time is out
    (at(2026, 9, 20, 10), True),                 # a make-up working Sunday (调休)
    (at(2026, 10, 5, 10), False),                # National Day, a Monday
])
def test_office_hours_are_office_periods_of_working_days(moment: datetime, inside: bool) -> None:
    assert CAL.in_office_hours(moment, HOURS) is inside


def test_the_next_opening_skips_evenings_weekends_and_holidays() -> None:
    assert CAL.next_opening(at(2026, 3, 10, 12, 30), HOURS) == at(2026, 3, 10, 14)
    assert CAL.next_opening(at(2026, 3, 13, 20), HOURS) == at(2026, 3, 16, 8)
    assert CAL.next_opening(at(2026, 9, 30, 19), HOURS) == at(2026, 10, 8, 8)
    assert CAL.next_opening(at(2026, 10, 9, 18, 30), HOURS) == at(2026, 10, 10, 8)  # 调休 Sat


def test_a_loaded_year_moves_the_next_opening() -> None:
    friday_evening = at(2027, 5, 7, 19)
    assert CAL.next_opening(friday_evening, HOURS) == at(2027, 5, 10, 8)  # guessed: Monday
    loaded = CAL.with_year(2027, YearSchedule.from_json(
        {"2027-05-10": "Labour Day"}, {"2027-05-08": "Labour Day"}))
    assert loaded.next_opening(friday_evening, HOURS) == at(2027, 5, 8, 8)  # make-up Saturday
    assert not loaded.in_office_hours(at(2027, 5, 10, 9), HOURS)           # the extra holiday
    assert loaded.next_opening(at(2027, 5, 8, 19), HOURS) == at(2027, 5, 11, 8)


def test_no_opening_within_the_lookahead_is_an_error() -> None:
    with pytest.raises(ValueError, match="no working period"):
        CAL.next_opening(at(2026, 9, 30, 19), HOURS, within_days=3)


def test_a_stored_schedule_reads_back_as_dates() -> None:
    s = YearSchedule.from_json({"2027-01-01": "元旦"}, {"2027-01-09": "元旦"})
    assert s == YearSchedule({date(2027, 1, 1): "元旦"}, {date(2027, 1, 9): "元旦"})
    with pytest.raises(ValueError):
        YearSchedule.from_json({"2027-13-01": "?"}, {})


def test_the_package_years_are_the_official_ones() -> None:
    years = package_years()
    assert 2026 in years and 2031 not in years


def test_the_calendar_is_pure() -> None:
    """Routing's and escalation's domain code stand on it: no database, bus or gRPC below."""
    code = ("import sys, casebridge_platform.calendar; print(sorted({m.split('.')[0] for m in "
            "sys.modules} & {'sqlalchemy', 'nats', 'grpc', 'google', 'casebridge'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"

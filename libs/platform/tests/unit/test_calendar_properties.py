"""Properties of the working-time arithmetic, over 2025–2027 (official and unofficial years)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import chinese_calendar
from casebridge_platform.calendar import (
    DEFAULT_OFFICE_HOURS,
    TZ,
    UNITS,
    WorkCalendar,
    merge,
    whole_days,
)
from hypothesis import given, settings
from hypothesis import strategies as st

CAL = WorkCalendar()
starts = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 6, 30),
                      timezones=st.just(TZ))
amounts = st.integers(min_value=0, max_value=40)
units = st.sampled_from(UNITS)
MAKEUP = sorted(d for d in chinese_calendar.workdays if d.weekday() >= 5 and d.year >= 2025)
EPS = timedelta(microseconds=1)


def then(unit: str, due: datetime) -> datetime:
    """Where a second period starts when it follows a first one that ends at `due`.

    Day periods end at 24:00 of their last counted day, and a day period never counts the day
    it starts on; so the follower starts on that last counted day (the instant just before
    `due`), as a complaint received that day would. Hour periods just go on from `due`.
    """
    return due - EPS if unit in ("working_days", "calendar_days") else due


def midnight(d: date) -> datetime:
    return datetime.combine(d, time(0), TZ)


def counted_time(unit: str, a: datetime, b: datetime,
                 pauses: list[tuple[datetime, datetime]]) -> timedelta:
    """Working time in [a, b) outside the pauses, measured naively, window by window."""
    total, d = timedelta(0), a.astimezone(TZ).date()
    while midnight(d) < b:
        if CAL.is_working_day(d):
            windows = ([(midnight(d), midnight(d + timedelta(days=1)))] if unit == "working_days"
                       else [(datetime.combine(d, x, TZ), datetime.combine(d, y, TZ))
                             for x, y in DEFAULT_OFFICE_HOURS])
            for x, y in windows:
                lo, hi = max(a, x), min(b, y)
                if lo < hi:
                    total += hi - lo - sum((max(timedelta(0), min(hi, p1) - max(lo, p0))
                                            for p0, p1 in merge(pauses)), timedelta(0))
        d += timedelta(days=1)
    return total


@settings(max_examples=150, deadline=None)
@given(starts, starts, amounts, units)
def test_monotone_in_the_start(s1: datetime, s2: datetime, n: int, unit: str) -> None:
    s1, s2 = sorted((s1, s2))
    assert CAL.add(s1, n, unit)[0] <= CAL.add(s2, n, unit)[0]


@settings(max_examples=150, deadline=None)
@given(starts, amounts, amounts, st.sampled_from([u for u in UNITS if u != "calendar_days"]))
def test_adding_n_then_m_equals_adding_n_plus_m(s: datetime, n: int, m: int, unit: str) -> None:
    first, _ = CAL.add(s, n, unit)
    assert CAL.add(then(unit, first), m, unit)[0] == CAL.add(s, n + m, unit)[0]


@settings(max_examples=150, deadline=None)
@given(starts, amounts)
def test_holidays_and_weekends_never_counted_and_nothing_working_skipped(s: datetime,
                                                                        n: int) -> None:
    due, why = CAL.add_working_days(s, n)
    assert len(why.counted) == n
    assert all(CAL.is_working_day(d) for d in why.counted)
    assert not set(why.counted) & set(chinese_calendar.holidays)
    if n:
        walked = {why.counted_from.date() + timedelta(days=i)
                  for i in range((why.counted[-1] - why.counted_from.date()).days + 1)}
        skipped = set(why.weekends_skipped) | {d for d, _ in why.holidays_skipped}
        assert walked == set(why.counted) | skipped and not skipped & set(why.counted)
        assert due == datetime.combine(why.counted[-1] + timedelta(days=1),
                                       datetime.min.time(), TZ)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(MAKEUP), st.integers(min_value=1, max_value=20),
       st.integers(min_value=0, max_value=23))
def test_make_up_days_are_counted(makeup: date, n: int, hour: int) -> None:
    received = datetime.combine(makeup - timedelta(days=1), datetime.min.time(), TZ).replace(
        hour=hour)
    _, why = CAL.add_working_days(received, n)
    assert why.counted[0] == makeup
    assert why.makeup_days_counted[0][0] == makeup


pause_lists = st.lists(st.tuples(starts, st.integers(min_value=0, max_value=15 * 24 * 60)),
                       max_size=3)
positive = st.integers(min_value=1, max_value=40)  # a zero period is due at once, never paused


@settings(max_examples=150, deadline=None)
@given(starts, positive, pause_lists, st.sampled_from(["working_days", "working_hours"]))
def test_pauses_add_exactly_their_working_time(s: datetime, n: int,
                                               raw: list[tuple[datetime, int]],
                                               unit: str) -> None:
    pauses = [(p, p + timedelta(minutes=minutes)) for p, minutes in raw]
    due, why = CAL.add(s, n, unit, pauses=pauses)
    if unit == "working_days":  # a day period is paused by whole days
        pauses = whole_days(pauses)
    length = timedelta(days=n) if unit == "working_days" else timedelta(hours=n)
    paused = sum((t for _, _, t in why.paused), timedelta(0))
    assert counted_time(unit, why.counted_from, due, pauses) == length
    assert counted_time(unit, why.counted_from, due, []) == length + paused
    assert due >= CAL.add(s, n, unit)[0]
    assert (due == CAL.add(s, n, unit)[0]) == (not paused)


@settings(max_examples=100, deadline=None)
@given(starts, positive, st.integers(min_value=1, max_value=10))
def test_a_pause_over_the_first_k_working_days_adds_k_working_days(s: datetime, n: int,
                                                                   k: int) -> None:
    first_k, why = CAL.add_working_days(s, k)
    due, _ = CAL.add_working_days(s, n, pauses=[(why.counted_from, first_k)])
    assert due == CAL.add_working_days(s, n + k)[0]


@settings(max_examples=150, deadline=None)
@given(starts, positive, pause_lists, st.sampled_from(["working_days", "calendar_days"]))
def test_day_periods_always_end_at_midnight_on_a_working_day(
        s: datetime, n: int, raw: list[tuple[datetime, int]], unit: str) -> None:
    """Holds move a day period by whole days, and (第二百零三条) its last day is a working day."""
    pauses = [(p, p + timedelta(minutes=minutes)) for p, minutes in raw]
    due, _ = CAL.add(s, n, unit, pauses=pauses)
    assert due.astimezone(TZ).time() == time(0)
    assert CAL.is_working_day((due - EPS).astimezone(TZ).date())


@settings(max_examples=100, deadline=None)
@given(starts, positive)
def test_a_calendar_day_period_moves_only_past_holidays_and_rest_days(s: datetime, n: int) -> None:
    due, why = CAL.add_calendar_days(s, n)
    plain = why.moved_from or due
    assert len(why.counted) == n and plain == midnight(why.counted[-1] + timedelta(days=1))
    assert all(not CAL.is_working_day(d) for d, _ in why.moved_over)
    assert due == plain + timedelta(days=len(why.moved_over))


@settings(max_examples=300, deadline=None)
@given(starts, amounts, units, st.lists(st.tuples(starts, st.integers(0, 30 * 24)), max_size=3),
       st.integers(0, 23))
def test_due_alone_is_adds_due_however_often_asked(start: datetime, amount: int, unit: str,
                                                    holds: list, later_hour: int) -> None:
    """due() answers from what it worked out for an earlier start of the same day (for a day
    count) and must still be exactly add()'s due moment."""
    pauses = [(a, a + timedelta(hours=h)) for a, h in holds]
    calendar = WorkCalendar()
    same_day = start.replace(hour=later_hour)
    for at in (start, same_day, start):
        assert calendar.due(at, amount, unit, pauses=pauses) == \
            CAL.add(at, amount, unit, pauses=pauses)[0]

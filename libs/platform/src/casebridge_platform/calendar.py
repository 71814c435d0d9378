"""Working-day arithmetic per the official Chinese calendar (法定节假日 and 调休), pure.

The one working-day calendar of casebridge: escalation counts deadlines on it and routing
decides office hours and the on-duty hand-over (总值班) on it, each over the same years an admin
loaded (escalation keeps them and announces each as `escalation.year_loaded`).

Counting convention (《民法典》第二百零一条、第二百零三条, which the procedural rules follow):
- Periods in days ("N个工作日内", "N日内"): "开始的当日不计入，自下一日开始计算" — the day of
  receipt is not counted; counting starts at 00:00 Asia/Shanghai the next day. "期间的最后一日的
  截止时间为二十四时" — the period ends at 24:00 of the Nth counted day, so the due moment is
  00:00 of the calendar day after it: the first instant at which the deadline is missed.
- Working days count only official working days: Mon–Fri that are not holidays, plus make-up
  working days (调休上班). Calendar days count every day.
- Periods in hours ("按照小时计算期间的，自…时间开始计算") start at the moment of receipt;
  working hours count only tenant office hours on working days.
- A period in (calendar) days whose last day is a statutory holiday — a weekend rest day
  included, as the courts apply it — ends at 24:00 of the first working day after it:
  "期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日" (第二百零三条第一款).
  A made-up working day (调休上班) is a working day, so a period ending on one does not move.
  Working-day periods never end on a holiday, and periods in hours or minutes run to the moment.
  The explanation names the day the period would have ended and the days it moved over.
- "有业务时间的，停止业务活动的时间为截止时间" (第二百零三条第二款) is not applied: every clock
  times an act of the institution itself (accept, notify, answer, report), not an act to be done
  at a counterparty's business premises, so the period runs to 24:00 of its last day.
- A pause in hours or working hours (waiting for material, appraisal time not counted) removes
  the time that falls inside it. A period in days is paused by whole days: a hold begun on one
  day and lifted on a later one excludes the days after the day it began, up to and including
  the day it was lifted — the day the count resumes is, like the day of receipt, not counted
  (第二百零一条第一款 "开始的当日不计入"); a hold placed and lifted on the same day excludes
  nothing (a hold that begins or ends at 00:00 does so at 24:00 of the day before). So a deadline
  in days always falls at 24:00 and moves by exactly the days on hold.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import chinese_calendar

TZ = ZoneInfo("Asia/Shanghai")
UNITS = ("working_days", "calendar_days", "working_hours", "hours", "minutes")
DEFAULT_OFFICE_HOURS: tuple[tuple[time, time], ...] = ((time(8), time(12)), (time(14), time(18)))
MAX_DAYS = 20 * 366  # a walk this long means a runaway pause, not a deadline
CONVENTION = {
    "working_days": "receipt day not counted; due at 24:00 (next day 00:00 Asia/Shanghai) of the "
                    "last working day counted (《民法典》第二百零一条、第二百零三条)",
    "calendar_days": "receipt day not counted; due at 24:00 (next day 00:00 Asia/Shanghai) of the "
                     "last day counted, or of the first working day after it when that day is a "
                     "holiday or rest day (《民法典》第二百零一条、第二百零三条)",
    "working_hours": "counted from the moment of receipt, office hours on working days only",
    "hours": "counted from the moment of receipt (《民法典》第二百零一条第二款)",
    "minutes": "counted from the moment of receipt",
}

Interval = tuple[datetime, datetime]
OfficeHours = Sequence[tuple[time, time]]


@dataclass(frozen=True)
class YearSchedule:
    """A year's official schedule loaded by an admin: holidays and make-up working days, named."""

    holidays: Mapping[date, str]
    workdays: Mapping[date, str] = field(default_factory=dict)

    @classmethod
    def from_json(cls, holidays: Mapping[str, str], workdays: Mapping[str, str]
                  ) -> YearSchedule:
        """As stored: {"2027-02-06": "春节", …} for the holidays and the make-up working days."""
        return cls({date.fromisoformat(d): n for d, n in holidays.items()},
                   {date.fromisoformat(d): n for d, n in workdays.items()})


@dataclass(frozen=True)
class Day:
    """What a date is: working or not, why (kind, holiday name), and whether that is official."""

    date: date
    working: bool
    kind: str  # "workday", "weekend", "holiday", "makeup" (调休上班)
    name: str | None
    official: bool


@dataclass(frozen=True)
class Explanation:
    """How a due moment was reached: what was counted, skipped and paused, and any warning."""

    unit: str
    amount: int
    started_at: datetime
    counted_from: datetime
    due_at: datetime
    convention: str
    counted: tuple[date, ...]
    weekends_skipped: tuple[date, ...]
    holidays_skipped: tuple[tuple[date, str], ...]
    makeup_days_counted: tuple[tuple[date, str], ...]
    paused: tuple[tuple[datetime, datetime, timedelta], ...]
    warnings: tuple[str, ...]
    moved_from: datetime | None = None          # the due moment before 第二百零三条 moved it
    moved_over: tuple[tuple[date, str], ...] = ()  # the holidays and rest days it moved over

    @property
    def moved_why(self) -> str:
        """Why the due moment moved, in the words of the law; empty when it did not."""
        if self.moved_from is None or not self.moved_over:
            return ""
        last = self.moved_over[0]
        return (f"the period's last day {last[0].isoformat()} is a statutory holiday or rest day"
                f"{' (' + last[1] + ')' if last[1] else ''}: it ends at 24:00 of the first "
                f"working day after it instead ({MOVED_CITE})")


MOVED_CITE = ("《民法典》第二百零三条第一款：期间的最后一日是法定休假日的，"
              "以法定休假日结束的次日为期间的最后一日")


def whole_days(pauses: Iterable[Interval]) -> list[Interval]:
    """Holds as the whole days a period in days skips: from 00:00 of the day after the hold
    began to 24:00 of the day it was lifted (Asia/Shanghai); nothing for a same-day hold."""
    out, tick = [], timedelta(microseconds=1)
    for a, b in pauses:
        # 00:00 is the 24:00 that ends the day before it
        first, last = (a - tick).astimezone(TZ).date(), (b - tick).astimezone(TZ).date()
        if last > first:
            out.append((_midnight(first + timedelta(days=1)), _midnight(last + timedelta(days=1))))
    return out


def office_hours_from_json(data: Iterable[Sequence[str]] | None) -> tuple[tuple[time, time], ...]:
    """[["08:00","12:00"], …] → time pairs; none given means the default 8–12 and 14–18."""
    if not data:
        return DEFAULT_OFFICE_HOURS
    hours = tuple((time.fromisoformat(a), time.fromisoformat(b)) for a, b in data)
    if any(a >= b for a, b in hours) or list(hours) != sorted(hours):
        raise ValueError(f"office hours must be ordered, non-empty windows: {data!r}")
    return hours


def merge(pauses: Iterable[Interval]) -> list[Interval]:
    """Sorted, non-overlapping pauses; empty or inverted intervals dropped."""
    out: list[Interval] = []
    for a, b in sorted(p for p in pauses if p[0] < p[1]):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _free(a: datetime, b: datetime, pauses: list[Interval]) -> list[Interval]:
    """[a, b) minus the (merged) pauses."""
    out, cur = [], a
    for p0, p1 in pauses:
        if p1 <= cur:
            continue
        if p0 >= b:
            break
        if p0 > cur:
            out.append((cur, p0))
        cur = max(cur, p1)
    if cur < b:
        out.append((cur, b))
    return out


def _overlap(a: datetime, b: datetime, p0: datetime, p1: datetime) -> timedelta:
    return max(timedelta(0), min(b, p1) - max(a, p0))


def _midnight(d: date) -> datetime:
    return datetime.combine(d, time(0), TZ)


def package_years() -> list[int]:
    """The years the chinese-calendar package has the official schedule of."""
    years = sorted({d.year for d in chinese_calendar.holidays})
    return [y for y in years if WorkCalendar().is_official(y)]


class WorkCalendar:
    """Which days are working days: the package's official data, an admin-loaded year's
    schedule over it, and Mon–Fri marked unofficial for a year nobody has published yet."""

    def __init__(self, schedules: Mapping[int, YearSchedule] | None = None) -> None:
        self._schedules = dict(schedules or {})
        self._days: dict[date, Day] = {}   # what each date is, worked out once
        self._dues: dict[tuple[Any, ...], datetime] = {}   # due(): answers worked out


    def with_year(self, year: int, schedule: YearSchedule) -> WorkCalendar:
        """A calendar with this year's official schedule loaded (it overrides the package)."""
        if any(d.year != year for d in [*schedule.holidays, *schedule.workdays]):
            raise ValueError(f"schedule for {year} lists dates of another year")
        return WorkCalendar({**self._schedules, year: schedule})

    def day(self, d: date) -> Day:
        known = self._days.get(d)
        if known is None:
            known = self._days[d] = self._day(d)
        return known

    def _day(self, d: date) -> Day:
        loaded = self._schedules.get(d.year)
        if loaded is not None:
            return self._loaded(d, loaded)
        try:
            holiday, name = chinese_calendar.get_holiday_detail(d)
        except NotImplementedError:
            weekday = d.weekday() < 5
            return Day(d, weekday, "workday" if weekday else "weekend", None, official=False)
        if holiday:
            return Day(d, False, "holiday" if name else "weekend", name, official=True)
        return Day(d, True, "makeup" if d.weekday() >= 5 else "workday", name, official=True)

    @staticmethod
    def _loaded(d: date, s: YearSchedule) -> Day:
        if d in s.holidays:
            return Day(d, False, "holiday", s.holidays[d], official=True)
        if d in s.workdays:
            return Day(d, True, "makeup" if d.weekday() >= 5 else "workday", s.workdays[d],
                       official=True)
        weekday = d.weekday() < 5
        return Day(d, weekday, "workday" if weekday else "weekend", None, official=True)

    def is_working_day(self, d: date) -> bool:
        return self.day(d).working

    def is_official(self, year: int) -> bool:
        """Whether the year's holidays are known (package or loaded), not guessed as Mon–Fri."""
        return self.day(date(year, 1, 1)).official

    # -- office hours ---------------------------------------------------------------------------

    def in_office_hours(self, at: datetime, office_hours: OfficeHours) -> bool:
        """Whether `at` falls within an office period of a working day (Asia/Shanghai)."""
        local = at.astimezone(TZ)
        return self.is_working_day(local.date()) and any(
            a <= local.time() < b for a, b in office_hours)

    def next_opening(self, at: datetime, office_hours: OfficeHours, *,
                     within_days: int = 60) -> datetime:
        """The start of the first office period of a working day after `at` (periods in
        order); ValueError if none lies within `within_days` days."""
        local = at.astimezone(TZ)
        for offset in range(within_days):
            d = local.date() + timedelta(days=offset)
            if not self.is_working_day(d):
                continue
            for start, _ in office_hours:
                opening = datetime.combine(d, start, TZ)
                if opening > local:
                    return opening
        raise ValueError(f"no working period within {within_days} days of {local}")

    # -- the four units ------------------------------------------------------------------------

    def add_working_days(self, start: datetime, n: int,
                         pauses: Iterable[Interval] = ()) -> tuple[datetime, Explanation]:
        """Due after n working days, the receipt day not counted (see the module docstring)."""
        return self.add(start, n, "working_days", pauses=pauses)

    def add_calendar_days(self, start: datetime, n: int,
                          pauses: Iterable[Interval] = ()) -> tuple[datetime, Explanation]:
        return self.add(start, n, "calendar_days", pauses=pauses)

    def add_working_hours(self, start: datetime, hours: int,
                          office_hours: OfficeHours = DEFAULT_OFFICE_HOURS,
                          pauses: Iterable[Interval] = ()) -> tuple[datetime, Explanation]:
        return self.add(start, hours, "working_hours", office_hours=office_hours, pauses=pauses)

    def add_hours(self, start: datetime, hours: int,
                  pauses: Iterable[Interval] = ()) -> tuple[datetime, Explanation]:
        return self.add(start, hours, "hours", pauses=pauses)

    def add(self, start: datetime, amount: int, unit: str, *,
            office_hours: OfficeHours = DEFAULT_OFFICE_HOURS,
            pauses: Iterable[Interval] = ()) -> tuple[datetime, Explanation]:
        """The due moment of `amount` `unit`s from `start`, and how it was reached."""
        due, counted_from, walked, merged = self._reckon(start, amount, unit, office_hours,
                                                         pauses)
        why = self._explain(unit, amount, start, counted_from, due, walked, merged)
        if unit == "calendar_days" and amount:
            moved, over = self._to_working_day(due)
            if over:
                why = replace(why, due_at=moved, moved_from=due, moved_over=over)
                due = moved
        return due, why

    def due(self, start: datetime, amount: int, unit: str, *,
            office_hours: OfficeHours = DEFAULT_OFFICE_HOURS,
            pauses: Iterable[Interval] = ()) -> datetime:
        """add()'s due moment alone, worked out once: a day count depends only on the start's
        date (it counts from the next midnight), so the day's complaints share one answer."""
        pauses = tuple(pauses)
        day_count = unit in ("working_days", "calendar_days")
        key = (start.astimezone(TZ).date() if day_count else start, amount, unit,
               None if day_count else tuple(office_hours), pauses)
        found = self._dues.get(key)
        if found is None:
            found = self._reckon(start, amount, unit, office_hours, pauses)[0]
            if unit == "calendar_days" and amount:
                found = self._to_working_day(found)[0]
            if len(self._dues) >= 4096:   # bounded: a long-running process forgets the oldest
                self._dues.pop(next(iter(self._dues)))
            self._dues[key] = found
        return found

    def _reckon(self, start: datetime, amount: int, unit: str, office_hours: OfficeHours,
                pauses: Iterable[Interval]
                ) -> tuple[datetime, datetime, list[tuple[Day, list[Interval]]], list[Interval]]:
        """The walk to the due moment: (due, counted from, the days walked, the pauses)."""
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        if unit not in UNITS:
            raise ValueError(f"unknown deadline unit {unit!r}; one of {UNITS}")
        if amount < 0:
            raise ValueError("a deadline cannot be negative")
        if unit in ("working_days", "calendar_days"):
            counted_from = _midnight(start.astimezone(TZ).date() + timedelta(days=1))
            length = timedelta(days=amount)
        elif unit == "minutes":
            counted_from, length = start, timedelta(minutes=amount)
        else:
            counted_from, length = start, timedelta(hours=amount)
        windows = self._windows(unit, office_hours)
        merged = merge(whole_days(pauses) if unit in ("working_days", "calendar_days")
                       else pauses)
        due, walked = self._walk(counted_from, length, windows, merged)
        return due, counted_from, walked, merged

    def _to_working_day(self, due: datetime) -> tuple[datetime, tuple[tuple[date, str], ...]]:
        """A day period's end moved past a last day that is a holiday or rest day (第二百零三条):
        24:00 of the first working day after it, and the days moved over."""
        d = (due - timedelta(microseconds=1)).astimezone(TZ).date()
        over: list[tuple[date, str]] = []
        for _ in range(60):
            day = self.day(d)
            if day.working:
                return (_midnight(d + timedelta(days=1)) if over else due), tuple(over)
            over.append((d, day.name or ""))
            d += timedelta(days=1)
        raise ValueError(f"no working day within 60 days after {due}")

    def _windows(self, unit: str, office_hours: OfficeHours
                 ) -> Callable[[Day], list[Interval]]:
        """The counted time of one day, by unit."""
        def whole(day: Day) -> list[Interval]:
            return [(_midnight(day.date), _midnight(day.date + timedelta(days=1)))]

        def office(day: Day) -> list[Interval]:
            return [(datetime.combine(day.date, a, TZ), datetime.combine(day.date, b, TZ))
                    for a, b in office_hours]

        if unit in ("calendar_days", "hours", "minutes"):
            return whole
        if unit == "working_days":
            return lambda day: whole(day) if day.working else []
        return lambda day: office(day) if day.working else []

    def _walk(self, counted_from: datetime, length: timedelta,
              windows: Callable[[Day], list[Interval]], pauses: list[Interval]
              ) -> tuple[datetime, list[tuple[Day, list[Interval]]]]:
        """Walk day by day consuming counted time outside pauses until `length` is used up."""
        left = length
        walked: list[tuple[Day, list[Interval]]] = []
        if not length:
            return counted_from, walked
        d = counted_from.astimezone(TZ).date()
        for _ in range(MAX_DAYS):
            day = self.day(d)
            spans: list[Interval] = []
            walked.append((day, spans))
            for a, b in windows(day):
                a = max(a, counted_from)
                if a >= b:
                    continue
                for f0, f1 in _free(a, b, pauses):
                    if f1 - f0 >= left:
                        spans.append((a, f0 + left))
                        return f0 + left, walked
                    left -= f1 - f0
                spans.append((a, b))
            d += timedelta(days=1)
        raise ValueError("deadline lies more than 20 years ahead; check the pauses")

    def _explain(self, unit: str, amount: int, start: datetime, counted_from: datetime,
                 due: datetime, walked: list[tuple[Day, list[Interval]]],
                 pauses: list[Interval]) -> Explanation:
        working = unit in ("working_days", "working_hours")
        spans = [s for _, ss in walked for s in ss]
        paused_days = {day.date for day, ss in walked
                       if ss and sum((_overlap(a, b, *p) for a, b in ss for p in pauses),
                                     timedelta(0)) == sum((b - a for a, b in ss), timedelta(0))}
        counted = [day for day, ss in walked if ss and day.date not in paused_days
                   and any(b > a for a, b in ss)]
        skipped = [day for day, _ in walked if working and not day.working]
        unofficial = sorted({day.date.year for day, _ in walked if not day.official})
        return Explanation(
            unit=unit, amount=amount, started_at=start, counted_from=counted_from, due_at=due,
            convention=CONVENTION[unit],
            counted=tuple(day.date for day in counted),
            weekends_skipped=tuple(day.date for day in skipped if day.kind == "weekend"),
            holidays_skipped=tuple((day.date, day.name or "") for day in skipped
                                   if day.kind == "holiday"),
            makeup_days_counted=tuple((day.date, day.name or "") for day in counted
                                      if working and day.kind == "makeup"),
            paused=tuple((p0, p1, sum((_overlap(a, b, p0, p1) for a, b in spans), timedelta(0)))
                         for p0, p1 in pauses if p0 < due and p1 > counted_from),
            warnings=tuple(f"{y}: no official holiday schedule is loaded yet; weekends only "
                           "were skipped, so this due date is unofficial" for y in unofficial))

"""Legal limits on taking a complaint at all (不予受理), pure.

《市场监督管理投诉举报处理暂行办法》第十五条第（四）项: a market regulator does not accept a
complaint "投诉人知道或者应当知道自己的权益受到被投诉人侵害之日起超过三年的" (save where a law
says otherwise). The three years are counted as 《民法典》 counts periods: not the day the harm
became known (第二百零一条), ending on the corresponding day three years later (第二百零二条: no
corresponding day, the month's last), moved to the next working day when that day is a holiday or
rest day (第二百零三条).
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta

from casebridge_platform.calendar import TZ, WorkCalendar

from case.domain.case import Case

TIME_BAR_CITE = ("《市场监督管理投诉举报处理暂行办法》第十五条第（四）项：除法律另有规定外，"
                 "投诉人知道或者应当知道自己的权益受到被投诉人侵害之日起超过三年的，不予受理")
TIME_BAR_KINDS = frozenset({"consumer_center"})
HARM_KNOWN = ("harm_known_date",)   # a tenant's detail field; else the incident time


def years_later(d: date, years: int) -> date:
    """The corresponding day `years` later; the month's last day when there is none (29 Feb)."""
    year = d.year + years
    return date(year, d.month, min(d.day, monthrange(year, d.month)[1]))


def time_bar_ends(known: date, calendar: WorkCalendar) -> date:
    """The last day on which a complaint is in time: three years after the harm became known,
    moved past holidays and rest days."""
    last = years_later(known, 3)
    while not calendar.is_working_day(last):
        last += timedelta(days=1)
    return last


def harm_known(case: Case) -> date | None:
    """When the complainant knew of the harm, as registered: a detail field, else the incident."""
    for text in [*(case.details.get(k, "") for k in HARM_KNOWN), case.incident_time]:
        try:
            return date.fromisoformat(text.strip()[:10])
        except ValueError:
            continue   # empty or not a date: the next source
    return None


def time_barred(case: Case, tenant_kind: str, calendar: WorkCalendar) -> str | None:
    """Why a market regulator may not accept this complaint for its age, or None."""
    if tenant_kind not in TIME_BAR_KINDS or case.kind != "complaint":
        return None
    known = harm_known(case)
    if known is None:
        return None
    last = time_bar_ends(known, calendar)
    received = case.received_at.astimezone(TZ).date()
    if received <= last:
        return None
    return (f"the harm was known on {known.isoformat()}; the three years ended at 24:00 on "
            f"{last.isoformat()} and the complaint came on {received.isoformat()} "
            f"({TIME_BAR_CITE}); to accept it anyway, give the reason it still applies")

"""The shipped packs' legal clocks replayed on real 2026 dates: each test quotes its article."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from casebridge_platform.calendar import WorkCalendar
from escalation.domain.clocks import Fact, replay
from escalation.domain.policy import pack

CAL = WorkCalendar()


def opened(at: datetime, kind: str = "complaint", **extra: object) -> Fact:
    return Fact("opened", at, {"kind": kind, "received_at": at.isoformat(), "anonymous": False,
                               **extra})


def step(at: datetime, milestone: str, happened: datetime | None = None,
         status: str = "accepted") -> Fact:
    return Fact("transitioned", at, {"from": status, "to": status, "action": "record_milestone",
                                     "milestone": milestone,
                                     "milestone_at": happened.isoformat() if happened else ""})


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]  # y, m, d, h


def test_the_jurisdiction_clock_is_for_a_dispute_between_two_regulators() -> None:
    """《市场监督管理投诉举报处理暂行办法》第三十条：两个以上市场监督管理部门因处理权限发生争议的，
    应当自发生争议之日起七个工作日内协商解决. Several departments of one centre are no such
    dispute; one with another bureau arising Wed 30 Sep 2026 is settled by 24:00 Thu 15 Oct
    (8, 9, 10 (调休), 12–15 Oct)."""
    received = utc(2026, 9, 29, 1)
    routed = Fact("routed", received + timedelta(seconds=1),
                  {"severity": "一般", "coordinated": True})
    clocks, _ = replay(pack("consumer_center"), [opened(received, "report"), routed],
                       calendar=CAL)
    assert "jurisdiction_dispute" not in clocks
    disputed = step(utc(2026, 9, 30, 8), "jurisdiction_disputed", utc(2026, 9, 30, 2))
    clocks, _ = replay(pack("consumer_center"), [opened(received, "report"), routed, disputed],
                       calendar=CAL)
    assert clocks["jurisdiction_dispute"].due_at == utc(2026, 10, 15, 16)


def test_ending_mediation_is_told_within_7_working_days_even_after_closing() -> None:
    """《市场监督管理投诉举报处理暂行办法》第二十一条末款：终止调解的，市场监督管理部门应当自作出
    终止调解决定之日起七个工作日内告知投诉人和被投诉人. Decided Fri 13 Feb 2026: Sat 14 (调休),
    24–27 Feb, Sat 28 (调休), Mon 2 Mar — due 24:00 Mon 2 Mar, and closing does not stop it."""
    received = utc(2026, 1, 5, 2)
    ended = step(utc(2026, 2, 13, 3), "mediation_ended")
    closed = Fact("transitioned", utc(2026, 2, 13, 4),
                  {"from": "investigating", "to": "closed", "action": "close",
                   "disposition": "mediated"})
    clocks, _ = replay(pack("consumer_center"), [opened(received), ended, closed],
                       calendar=CAL)
    notice = clocks["mediation_end_notice"]
    assert notice.state == "running" and notice.due_at == utc(2026, 3, 2, 16)


def test_a_violation_found_while_mediating_is_verified_in_15_working_days_plus_15() -> None:
    """《市场监督管理投诉举报处理暂行办法》第二十三条：在调解中发现涉嫌违反市场监督管理法律、法规、
    规章线索的，应当自发现之日起十五个工作日内予以核查……特殊情况下，核查时限可以延长十五个工作
    日. Found Mon 28 Sep 2026: 29, 30 Sep, 8, 9, 10 (调休), 12–16, 19–23 Oct — due 24:00 Fri 23
    Oct; extended, 24:00 Fri 13 Nov."""
    facts = [opened(utc(2026, 9, 20, 2)), step(utc(2026, 9, 28, 2), "violation_found")]
    clocks, _ = replay(pack("consumer_center"), facts, calendar=CAL)
    assert clocks["violation_verification"].due_at == utc(2026, 10, 23, 16)
    extended = Fact("extended", utc(2026, 10, 20, 2), {"clock": "violation_verification"})
    clocks, _ = replay(pack("consumer_center"), [*facts, extended], calendar=CAL)
    assert clocks["violation_verification"].due_at == utc(2026, 11, 13, 16)

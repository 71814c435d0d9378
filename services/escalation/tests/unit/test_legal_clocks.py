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


def test_a_petition_received_directly_gets_the_15_day_written_notice_moved_past_a_holiday(
        ) -> None:
    """《信访工作条例》第二十三条第二款：对信访人直接提出的信访事项……不能当场告知的，应当自收到
    信访事项之日起15日内书面告知信访人; 《民法典》第二百零三条. A visit to the health bureau on
    Wed 16 Sep 2026: day 15 is Thu 1 Oct (National Day), so the notice is due 24:00 Thu 8 Oct. A
    phone complaint, or an anonymous one (住址不清), gets no such clock."""
    received = utc(2026, 9, 16, 2)
    clocks, _ = replay(pack("health_bureau"), [opened(received, channel="visit")], calendar=CAL)
    assert clocks["petition_notice_direct"].due_at == utc(2026, 10, 8, 16)
    told = step(utc(2026, 9, 20, 2), "petitioner_told", status="received")
    clocks, _ = replay(pack("health_bureau"), [opened(received, channel="visit"), told],
                       calendar=CAL)
    assert clocks["petition_notice_direct"].state == "stopped"
    for other in (opened(received, channel="phone"),
                  Fact("opened", received, {"kind": "complaint", "channel": "visit",
                                            "received_at": received.isoformat(),
                                            "anonymous": True})):
        clocks, _ = replay(pack("health_bureau"), [other], calendar=CAL)
        assert "petition_notice_direct" not in clocks
    hospital, _ = replay(pack("hospital"), [opened(received, channel="petition_office")],
                         calendar=CAL)
    assert hospital["petition_notice_direct"].due_at == utc(2026, 10, 8, 16)


def test_hearing_time_is_not_counted_in_the_re_review_period_only() -> None:
    """《信访工作条例》第三十六条：收到复核请求的机关、单位应当自收到复核请求之日起30日内提出复核
    意见。复核机关、单位可以……举行听证……听证所需时间不计算在前款规定的期限内. 第三十五条 (复查)
    says no such thing, so a hearing during 复查 does not pause it. 复核 requested Mon 2 Nov
    2026: 30 days end Wed 2 Dec; a hearing from Tue 10 to Fri 13 Nov (three whole days) moves it
    to Sat 5 Dec, a rest day, so to 24:00 Mon 7 Dec (《民法典》第二百零三条)."""
    def reopen(at: datetime) -> Fact:
        return Fact("transitioned", at, {"from": "closed", "to": "investigating",
                                         "action": "reopen"})

    def hearing(days_from: datetime) -> list[Fact]:
        return [Fact("transitioned", days_from, {"from": "investigating", "to": "on_hold",
                                                 "action": "hold", "hold_kind": "hearing"}),
                Fact("transitioned", days_from + timedelta(days=3),
                     {"from": "on_hold", "to": "investigating", "action": "resume"})]

    first = Fact("opened", utc(2026, 6, 1, 2), {"kind": "complaint", "anonymous": False,
                                                "received_at": utc(2026, 6, 1, 2).isoformat()})
    review = [first, reopen(utc(2026, 9, 1, 2)), *hearing(utc(2026, 9, 8, 2))]
    clocks, _ = replay(pack("petition_bureau"), review, calendar=CAL)
    assert clocks["review"].due_at == utc(2026, 10, 8, 16)  # 1 Oct (国庆) → 8 Oct, no pause
    answered = Fact("transitioned", utc(2026, 9, 30, 2), {"from": "investigating",
                                                          "to": "answered", "action": "answer"})
    re_review = [*review, answered, reopen(utc(2026, 11, 2, 2))]
    clocks, _ = replay(pack("petition_bureau"), re_review, calendar=CAL)
    assert clocks["review"].round == 2 and clocks["review"].due_at == utc(2026, 12, 2, 16)
    clocks, _ = replay(pack("petition_bureau"), [*re_review, *hearing(utc(2026, 11, 10, 2))],
                       calendar=CAL)
    assert clocks["review"].due_at == utc(2026, 12, 7, 16)


def test_a_death_registered_at_intake_starts_the_autopsy_clock_from_the_death() -> None:
    """《医疗纠纷预防和处理条例》第二十六条：应当在患者死亡后48小时内进行尸检. Died Thu 1 Oct 2026
    03:00 (National Day), complaint registered Fri 2 Oct 09:00 with the time of death: due Sat 3
    Oct 03:00 — hours are not moved past holidays."""
    died = utc(2026, 9, 30, 19)
    facts = [opened(utc(2026, 10, 2, 1), died_at=died.isoformat())]
    clocks, _ = replay(pack("hospital"), facts, calendar=CAL)
    assert clocks["autopsy"].started_at == died
    assert clocks["autopsy"].due_at == utc(2026, 10, 2, 19)

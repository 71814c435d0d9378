"""Clocks replayed from a case's history: start, stop, pause, resume, restart, extend; the same
facts give the same clocks in any arrival order; a policy change keeps elapsed and paused time."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from casebridge_platform.calendar import WorkCalendar
from escalation.domain.clocks import Fact, replay, timers_of
from escalation.domain.policy import PolicyError, pack_from, tenant_policy

PACK = pack_from({
    "kind": "test", "warn_fraction": 0.6667,
    "clocks": [
        {"name": "acceptance", "amount": 7, "unit": "working_days", "legal": True,
         "cite": "暂行办法第十五条", "starts_on": "opened", "stops_on": ["decided"],
         "when": {"kind": ["complaint"]}},
        {"name": "answer", "amount": 3, "unit": "working_days", "cite": "seed 003",
         "starts_on": "assigned", "stops_on": ["status:answered"],
         "restarts_on": ["action:reopen"], "when": {"coordinated": False}},
        {"name": "answer_multi", "amount": 7, "unit": "working_days", "cite": "seed 003",
         "starts_on": "assigned", "stops_on": ["status:answered"],
         "when": {"coordinated": True}},
        {"name": "major_report", "amount": 30, "unit": "minutes", "cite": "seed 000",
         "starts_on": "routed", "stops_on": ["decided"], "pausable": False,
         "when": {"severity": ["重大", "危机"]}},
        {"name": "verify", "amount": 15, "unit": "working_days", "legal": True,
         "cite": "处罚程序规定第十八条", "starts_on": "opened",
         "stops_on": ["milestone:verification_decided"], "when": {"kind": ["report"]},
         "extension": {"amount": 15, "cite": "第十八条"}},
    ],
    "ladder": [
        {"rung": 1, "title": "科室", "at": "warning", "tell": ["handler"]},
        {"rung": 2, "title": "医务科", "at": "breach", "tell": ["department:医务处"]},
        {"rung": 3, "title": "分管院长", "at": "breach",
         "after": {"amount": 1, "unit": "working_days"}, "tell": ["role:leader"]},
    ],
})
CAL = WorkCalendar()
MON = datetime(2026, 11, 2, 1, tzinfo=UTC)  # Monday 09:00 Shanghai


def opened(kind: str = "complaint", at: datetime = MON) -> Fact:
    return Fact("opened", at, {"kind": kind, "received_at": at.isoformat(), "anonymous": False})


def routed(severity: str = "一般", coordinated: bool = False,
           at: datetime = MON + timedelta(seconds=1)) -> Fact:
    return Fact("routed", at, {"severity": severity, "coordinated": coordinated})


def moved(frm: str, to: str, at: datetime, action: str = "x", **extra: str) -> Fact:
    return Fact("transitioned", at, {"from": frm, "to": to, "action": action, **extra})


def assigned(at: datetime) -> Fact:
    return Fact("assigned", at, {"department": "医务处"})


def test_a_decision_stops_the_acceptance_clock_and_assignment_starts_the_answer() -> None:
    facts = [opened(), routed(), moved("received", "assigned", MON + timedelta(hours=2),
                                       "accept"), assigned(MON + timedelta(hours=2))]
    clocks, case = replay(PACK, facts, calendar=CAL)
    assert clocks["acceptance"].state == "stopped"
    assert clocks["acceptance"].stopped_at == MON + timedelta(hours=2)
    assert clocks["answer"].state == "running" and clocks["answer"].started_at == MON
    assert clocks["answer"].due_at == datetime(2026, 11, 5, 16, tzinfo=UTC)  # Thu 24:00
    assert "answer_multi" not in clocks and "verify" not in clocks
    assert case["department"] == "医务处"


def test_conditions_choose_the_clock() -> None:
    clocks, _ = replay(PACK, [opened(), routed("重大", coordinated=True),
                              assigned(MON + timedelta(hours=1))], calendar=CAL)
    assert set(clocks) == {"acceptance", "answer_multi", "major_report"}
    assert clocks["major_report"].due_at == MON + timedelta(minutes=30)
    reports, _ = replay(PACK, [opened("report")], calendar=CAL)
    assert set(reports) == {"verify"}


def test_the_same_facts_in_any_order_give_the_same_clocks() -> None:
    facts = [opened(), routed(), moved("received", "assigned", MON + timedelta(hours=2),
                                       "accept"), assigned(MON + timedelta(hours=2)),
             moved("assigned", "on_hold", MON + timedelta(days=1), "hold"),
             moved("on_hold", "assigned", MON + timedelta(days=2), "resume")]
    want, _ = replay(PACK, facts, calendar=CAL)
    for seed in range(5):
        shuffled = facts[:]
        random.Random(seed).shuffle(shuffled)
        got, _ = replay(PACK, shuffled, calendar=CAL)
        assert {n: (c.due_at, c.state, c.pauses) for n, c in got.items()} == \
            {n: (c.due_at, c.state, c.pauses) for n, c in want.items()}


def test_a_hold_pauses_and_moves_the_deadline_by_the_working_time_it_took() -> None:
    hold, resume = MON + timedelta(days=1), MON + timedelta(days=2)   # Tue 09:00 → Wed 09:00
    base = [opened(), routed(), assigned(MON + timedelta(hours=1))]
    paused, _ = replay(PACK, [*base, moved("assigned", "on_hold", hold)], calendar=CAL)
    assert paused["answer"].state == "paused" and paused["answer"].paused_at == hold
    clocks, _ = replay(PACK, [*base, moved("assigned", "on_hold", hold),
                              moved("on_hold", "assigned", resume)], calendar=CAL)
    assert clocks["answer"].pauses == [(hold, resume)]
    assert clocks["answer"].due_at == datetime(2026, 11, 6, 16, tzinfo=UTC)  # a day later


def test_a_minutes_clock_is_not_paused_by_a_hold() -> None:
    clocks, _ = replay(PACK, [opened(), routed("危机"),
                              moved("received", "on_hold", MON + timedelta(minutes=5))],
                       calendar=CAL)
    assert clocks["major_report"].state == "running"


def test_reopening_restarts_the_answer_clock_in_a_new_round() -> None:
    end = MON + timedelta(days=3)
    facts = [opened(), routed(), assigned(MON + timedelta(hours=1)),
             moved("investigating", "answered", end),
             moved("closed", "investigating", end + timedelta(days=4), "reopen")]
    clocks, _ = replay(PACK, facts, calendar=CAL)
    answer = clocks["answer"]
    assert answer.round == 2 and answer.state == "running"
    assert answer.started_at == end + timedelta(days=4)


def test_an_extension_adds_its_amount_once_and_a_milestone_stops_the_clock() -> None:
    ext = Fact("extended", MON + timedelta(days=10), {"clock": "verify"})
    plain, _ = replay(PACK, [opened("report")], calendar=CAL)
    longer, _ = replay(PACK, [opened("report"), ext], calendar=CAL)
    assert longer["verify"].extended_by == 15
    assert longer["verify"].due_at > plain["verify"].due_at
    done, _ = replay(PACK, [opened("report"), ext, moved(
        "received", "received", MON + timedelta(days=12), "record_milestone",
        milestone="verification_decided")], calendar=CAL)
    assert done["verify"].state == "stopped"


def test_timers_follow_the_ladder() -> None:
    clocks, _ = replay(PACK, [opened(), routed(), assigned(MON + timedelta(hours=1))],
                       calendar=CAL)
    timers = timers_of(clocks["answer"], PACK, calendar=CAL)
    assert timers["breach"] == clocks["answer"].due_at
    assert timers["warning"] == datetime(2026, 11, 4, 16, tzinfo=UTC)
    assert timers["rung3"] == datetime(2026, 11, 6, 16, tzinfo=UTC)  # one working day later
    stopped, _ = replay(PACK, [opened(), routed(), assigned(MON + timedelta(hours=1)),
                               moved("investigating", "answered", MON + timedelta(days=1))],
                        calendar=CAL)
    assert timers_of(stopped["answer"], PACK, calendar=CAL) == {}


def test_a_tightened_policy_keeps_elapsed_and_paused_time() -> None:
    hold, resume = MON + timedelta(days=1), MON + timedelta(days=2)
    facts = [opened(), routed(), assigned(MON + timedelta(hours=1)),
             moved("assigned", "on_hold", hold),
             moved("on_hold", "assigned", resume)]
    before, _ = replay(PACK, facts, calendar=CAL)
    tighter = tenant_policy(PACK, {"clocks": [{"name": "acceptance", "amount": 5}]})
    after, _ = replay(tighter, facts, calendar=CAL)
    assert after["acceptance"].started_at == before["acceptance"].started_at
    assert after["acceptance"].due_at < before["acceptance"].due_at
    assert after["answer"].pauses == before["answer"].pauses


def test_a_legal_deadline_is_never_loosened_nor_switched_off() -> None:
    with pytest.raises(PolicyError) as refused:
        tenant_policy(PACK, {"clocks": [{"name": "acceptance", "amount": 8},
                                        {"name": "verify", "disabled": True}]})
    fields = dict(refused.value.violations)
    assert "set by law at 7 working days" in fields["clocks[0].amount"]
    assert "cannot be switched off" in fields["clocks[1].disabled"]
    loosened = tenant_policy(PACK, {"clocks": [{"name": "answer", "amount": 5}]})
    assert loosened.clock("answer").amount == 5  # an institution's own rule may be changed
    with pytest.raises(PolicyError, match="no clock 'nope'"):
        tenant_policy(PACK, {"clocks": [{"name": "nope", "amount": 1}]})
    with pytest.raises(PolicyError, match="0 < f < 1"):
        tenant_policy(PACK, {"warn_fraction": 1.5})


def test_a_pack_rule_without_a_citation_or_with_an_unknown_trigger_is_refused() -> None:
    with pytest.raises(PolicyError) as refused:
        pack_from({"kind": "x", "clocks": [{"name": "a", "amount": 1, "unit": "working_days",
                                            "cite": "", "starts_on": "whenever"}]})
    fields = dict(refused.value.violations)
    assert set(fields) == {"clocks[0].cite", "clocks[0].starts_on"}


def test_a_step_already_taken_is_not_timed_when_its_condition_comes_true_later() -> None:
    decided = moved("received", "accepted", MON + timedelta(minutes=10), "accept")
    raised = routed("重大", at=MON + timedelta(days=3))  # reclassified after the decision
    clocks, _ = replay(PACK, [opened(), routed(), decided, raised], calendar=CAL)
    assert "major_report" not in clocks
    early, _ = replay(PACK, [opened(), routed("重大"), decided], calendar=CAL)
    assert early["major_report"].state == "stopped"

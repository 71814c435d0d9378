"""The shipped policy packs: each loads, each rule cites its source, and the rules the
regulations set behave as the regulations say."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from importlib import resources

import pytest
from casebridge_platform.calendar import WorkCalendar
from escalation.domain.clocks import Fact, replay
from escalation.domain.policy import pack

KINDS = sorted(p.name.removesuffix(".json") for p in
               (resources.files("escalation") / "packs").iterdir() if p.name.endswith(".json"))
MON = datetime(2026, 11, 2, 1, tzinfo=UTC)  # Monday 09:00 Shanghai
CAL = WorkCalendar()


def test_every_tenant_kind_of_the_seed_has_a_pack() -> None:
    assert set(KINDS) >= {"hospital", "company", "consumer_center", "health_bureau",
                          "mediation_committee", "tourism_bureau", "petition_bureau",
                          "telecom", "property_manager"}


@pytest.mark.parametrize("kind", KINDS)
def test_each_rule_cites_its_source_and_a_legal_one_names_the_regulation(kind: str) -> None:
    p = pack(kind)
    assert p.clocks and p.ladder
    for c in p.clocks:
        assert c.cite.strip()
        assert ("《" in c.cite) if c.legal else ("seed" in c.cite or "《" in c.cite)
    assert {r.at for r in p.ladder} >= {"breach"}


def fact(type_: str, at: datetime, **data: object) -> Fact:
    return Fact(type_, at, dict(data))


def test_12315_mediation_pauses_for_testing_but_not_for_missing_material() -> None:
    p = pack("consumer_center")
    base = [fact("opened", MON, kind="complaint", received_at=MON.isoformat()),
            fact("transitioned", MON + timedelta(hours=1), **{"from": "received",
                 "to": "accepted", "action": "accept"})]
    hold = MON + timedelta(days=1)

    def held(kind: str) -> str:
        clocks, _ = replay(p, [*base, fact("transitioned", hold, **{
            "from": "accepted", "to": "on_hold", "action": "hold", "hold_kind": kind})],
            calendar=CAL)
        return clocks["mediation"].state

    assert held("testing") == "paused" and held("appraisal") == "paused"
    assert held("material") == "running"


def test_a_refused_real_name_report_still_has_its_reporter_told_within_5_working_days() -> None:
    p = pack("consumer_center")
    refused = MON + timedelta(days=2)
    clocks, _ = replay(p, [
        fact("opened", MON, kind="report", anonymous=False, received_at=MON.isoformat()),
        fact("transitioned", refused, **{"from": "received", "to": "refused",
                                          "action": "refuse"})], calendar=CAL)
    assert clocks["report_verification"].state == "stopped"
    told = clocks["reporter_told"]
    assert told.state == "running" and told.started_at == refused
    assert told.due_at == CAL.add_working_days(refused, 5)[0]
    anonymous, _ = replay(p, [
        fact("opened", MON, kind="report", anonymous=True, received_at=MON.isoformat()),
        fact("transitioned", refused, **{"from": "received", "to": "refused",
                                          "action": "refuse"})], calendar=CAL)
    assert "reporter_told" not in anonymous


def test_company_first_contact_is_timed_by_level() -> None:
    p = pack("company")
    for severity, minutes in (("一般", 30), ("重要", 20), ("重大", 10), ("危机", 10)):
        clocks, _ = replay(p, [
            fact("opened", MON, kind="complaint", received_at=MON.isoformat()),
            fact("routed", MON + timedelta(seconds=2), severity=severity)], calendar=CAL)
        [first] = [c for n, c in clocks.items() if n.startswith("first_contact")]
        assert first.due_at == MON + timedelta(minutes=minutes)


def test_a_petition_second_reopen_is_a_second_review_of_30_days() -> None:
    p = pack("petition_bureau")
    facts = [fact("opened", MON, kind="complaint", received_at=MON.isoformat()),
             fact("transitioned", MON + timedelta(days=40), **{
                 "from": "follow_up", "to": "investigating", "action": "reopen"}),
             fact("transitioned", MON + timedelta(days=60), **{
                 "from": "investigating", "to": "answered", "action": "answer"}),
             fact("transitioned", MON + timedelta(days=80), **{
                 "from": "follow_up", "to": "investigating", "action": "reopen"})]
    clocks, _ = replay(p, facts, calendar=CAL)
    review = clocks["review"]
    assert review.round == 2 and review.started_at == MON + timedelta(days=80)
    assert review.due_at == CAL.add_calendar_days(MON + timedelta(days=80), 30)[0]

"""The case lifecycle's rules, without I/O."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from case.domain import model
from case.domain.model import Actor, CaseState, Refusal, Status

CLERK = Actor("clerk", frozenset({"intake_clerk"}))
HANDLER = Actor("h1", frozenset({"handler"}), "财务处")
OTHER_HANDLER = Actor("h2", frozenset({"handler"}), "财务处")
SUPERVISOR = Actor("sup", frozenset({"supervisor"}))
LEADER = Actor("lead", frozenset({"leader"}))


def case(status: Status, **kw: Any) -> CaseState:
    return CaseState(status=status, handler_id="h1", department="财务处", **kw)


def test_acceptance_goes_to_assigned_when_routing_found_a_handler_else_accepted() -> None:
    assert model.plan("accept", case(Status.RECEIVED), CLERK, reason="").to == Status.ASSIGNED
    bare = CaseState(status=Status.RECEIVED)
    assert model.plan("accept", bare, CLERK, reason="").to == Status.ACCEPTED


def test_the_walk_from_assignment_to_archive() -> None:
    steps = [("start_investigation", HANDLER, Status.INVESTIGATING),
             ("propose", HANDLER, Status.PROPOSAL_MADE),
             ("approve_proposal", SUPERVISOR, Status.PROPOSAL_APPROVED),
             ("answer", HANDLER, Status.ANSWERED),
             ("follow_up", CLERK, Status.FOLLOW_UP),
             ("close", HANDLER, Status.CLOSED),
             ("archive", SUPERVISOR, Status.ARCHIVED)]
    status = Status.ASSIGNED
    for action, actor, to in steps:
        status = model.plan(action, case(status), actor, reason="").to
        assert status == to, action


def test_an_illegal_transition_names_the_status_and_what_is_allowed() -> None:
    with pytest.raises(Refusal) as refused:
        model.plan("answer", case(Status.INVESTIGATING), HANDLER, reason="")
    assert refused.value.status == "investigating"
    assert "propose" in refused.value.allowed and "answer" not in refused.value.allowed
    assert "cannot answer a case that is investigating" in refused.value.message


def test_only_the_cases_own_handler_or_oversight_may_work_on_it() -> None:
    with pytest.raises(PermissionError):
        model.plan("start_investigation", case(Status.ASSIGNED), OTHER_HANDLER, reason="")
    assert model.plan("start_investigation", case(Status.ASSIGNED), SUPERVISOR,
                      reason="").to == Status.INVESTIGATING
    assert set(model.allowed_actions(case(Status.ASSIGNED), OTHER_HANDLER)) == \
        {"link", "add_note", "add_material"}


def test_refusing_and_holding_need_a_reason() -> None:
    with pytest.raises(ValueError):
        model.plan("refuse", case(Status.RECEIVED), CLERK, reason="  ")
    assert model.plan("refuse", case(Status.RECEIVED), CLERK, reason="超过时效").to == \
        Status.REFUSED


def test_a_hold_resumes_where_it_left_off() -> None:
    held = case(Status.ON_HOLD, held_from="investigating")
    assert model.plan("resume", held, HANDLER, reason="").to == Status.INVESTIGATING


def test_reopening_needs_an_unsatisfied_follow_up_and_is_bounded() -> None:
    satisfied = case(Status.FOLLOW_UP, last_follow_up_satisfied=True)
    with pytest.raises(Refusal, match="satisfied"):
        model.plan("reopen", satisfied, HANDLER, reason="不满意")
    unhappy = case(Status.FOLLOW_UP, last_follow_up_satisfied=False, round=2)
    assert model.plan("reopen", unhappy, HANDLER, reason="不满意").to == Status.INVESTIGATING
    assert not model.reopen_allowed(unhappy, HANDLER, max_rounds=2)
    assert model.reopen_allowed(unhappy, LEADER, max_rounds=2)
    assert model.reopen_allowed(case(Status.FOLLOW_UP, round=1), HANDLER, max_rounds=2)


def test_an_anonymous_complainant_is_not_followed_up() -> None:
    anonymous = case(Status.ANSWERED, anonymous=True)
    assert "follow_up" not in model.allowed_actions(anonymous, SUPERVISOR)
    with pytest.raises(Refusal, match="anonymous"):
        model.plan("follow_up", anonymous, SUPERVISOR, reason="")


def test_only_a_coordinated_case_gets_a_lead_and_only_its_handler_declares_a_conflict() -> None:
    with pytest.raises(Refusal, match="coordinated"):
        model.plan("designate_lead", case(Status.RECEIVED), CLERK, reason="")
    assert model.plan("designate_lead", case(Status.RECEIVED, coordinated=True), CLERK,
                      reason="").to == Status.RECEIVED
    with pytest.raises(PermissionError):
        model.plan("declare_conflict", case(Status.ASSIGNED), SUPERVISOR, reason="亲属")
    assert model.plan("declare_conflict", case(Status.ASSIGNED), HANDLER,
                      reason="亲属").to == Status.ASSIGNED


def test_the_approver_is_a_leader_above_the_tenants_threshold() -> None:
    rule = {"role": "supervisor", "leader_above_fen": 3_000_000}
    assert model.approver_role(0, rule) == "supervisor"
    assert model.approver_role(3_000_000, rule) == "supervisor"
    assert model.approver_role(3_000_001, rule) == "leader"
    assert model.approver_role(10**9, {"role": "supervisor"}) == "supervisor"


def test_a_month_before_is_a_calendar_month_in_beijing_time() -> None:
    assert model.month_before(datetime(2026, 3, 31, 4, tzinfo=UTC)) == \
        datetime(2026, 2, 28, 12, tzinfo=model.SHANGHAI)
    assert model.month_before(datetime(2026, 1, 15, 0, tzinfo=UTC)) == \
        datetime(2025, 12, 15, 8, tzinfo=model.SHANGHAI)


def test_severity_only_rises() -> None:
    assert model.higher("一般", "重大") == "重大"
    assert model.higher("危机", "重要") == "危机"
    assert model.higher("", "一般") == "一般"


def test_every_action_the_portal_may_take_is_open_to_the_complainant() -> None:
    complainant = Actor("access:x", frozenset({"complainant"}))
    assert set(model.allowed_actions(case(Status.INVESTIGATING), complainant)) == \
        {"add_material", "withdraw"}


def test_a_leader_may_decide_what_a_supervisor_may_but_not_the_reverse() -> None:
    assert model.may_approve("supervisor", frozenset({"leader"}))
    assert not model.may_approve("leader", frozenset({"supervisor"}))
    assert model.may_approve("leader", frozenset({"admin"}))
    assert not model.may_approve("supervisor", frozenset({"handler"}))


def test_a_milestone_is_recorded_in_every_status_but_archived_and_keeps_it() -> None:
    """Open or ended: a report due after the end is recorded on the ended case (《医疗事故处理
    条例》第四十三条：自协商解决之日起7日内向所在地卫生行政部门作出书面报告)."""
    for status in model.OPEN | model.DONE - {Status.ARCHIVED}:
        assert model.plan("record_milestone", case(status), HANDLER, reason="").to == status
    with pytest.raises(Refusal):
        model.plan("record_milestone", case(Status.ARCHIVED), SUPERVISOR, reason="")


def test_a_milestone_is_recorded_by_the_cases_handler_the_office_or_oversight() -> None:
    for actor in (HANDLER, CLERK, SUPERVISOR, LEADER):
        assert "record_milestone" in model.allowed_actions(case(Status.INVESTIGATING), actor)
    for outsider in (OTHER_HANDLER, Actor("access:x", frozenset({"complainant"}))):
        with pytest.raises(PermissionError):
            model.plan("record_milestone", case(Status.INVESTIGATING), outsider, reason="")


def test_the_milestones_are_a_fixed_vocabulary_each_with_its_chinese_label() -> None:
    assert list(model.MILESTONES) == [
        "first_contact", "second_contact", "handling_sheet", "interim_measure",
        "permanent_measure", "reporter_told", "verification_decided", "registered_passed_on",
        "autopsy_done", "autopsy_declined", "records_sealed", "records_completed",
        "death", "rescue_ended", "autopsy_signature_refused", "rights_informed",
        "police_reported", "major_dispute_reported", "serious_error",
        "serious_error_reported", "resolution_reported", "mediation_applied",
        "court_accepted", "people_mediation_accepted", "administrative_mediation_accepted",
        "petitioner_told",
        "mediation_ended", "mediation_end_told", "violation_found", "jurisdiction_disputed",
        "jurisdiction_settled"]
    assert model.MILESTONES["records_sealed"] == "病历封存"
    with pytest.raises(TypeError):
        model.MILESTONES["made_up"] = "随便"  # type: ignore[index]  # the refusal is the point
    assert model.milestone_summary("first_contact") == "milestone: 首次联系投诉人 (first_contact)"
    assert model.milestone_summary("autopsy_done", "市医学会") == \
        "milestone: 尸检完成 (autopsy_done) — 市医学会"


def test_a_hospital_reports_to_the_nearest_health_authority_over_it() -> None:
    from types import SimpleNamespace as T

    hospital = T(kind="hospital", division="370000-371300-371321")
    bureaus = [T(tenant_id="province", kind="health_bureau", division="370000"),
               T(tenant_id="county", kind="health_bureau", division="370000-371300-371321"),
               T(tenant_id="other", kind="health_bureau", division="370000-371300-371302"),
               T(tenant_id="12315", kind="consumer_center", division="370000-371300-371321")]
    assert model.health_authority(hospital, bureaus).tenant_id == "county"
    assert model.health_authority(hospital, bureaus[:1]).tenant_id == "province"
    assert model.health_authority(hospital, bureaus[2:]) is None


COMPLAINANT = Actor("access:c1", frozenset({"complainant"}))


def test_the_complainant_rates_the_answer_online_even_when_anonymous() -> None:
    anonymous = case(Status.ANSWERED, anonymous=True)
    assert "follow_up" in model.allowed_actions(anonymous, COMPLAINANT)
    assert model.plan("follow_up", anonymous, COMPLAINANT, reason="").to == Status.FOLLOW_UP
    assert "follow_up" not in model.allowed_actions(anonymous, SUPERVISOR)   # no call back


def test_an_unsatisfied_complainant_asks_for_a_re_look_within_the_rounds() -> None:
    unhappy = case(Status.FOLLOW_UP, last_follow_up_satisfied=False, round=1)
    assert "reopen" in model.allowed_actions(unhappy, COMPLAINANT)
    assert model.plan("reopen", unhappy, COMPLAINANT, reason="答复未解决问题").to == \
        Status.INVESTIGATING
    with pytest.raises(ValueError):
        model.plan("reopen", unhappy, COMPLAINANT, reason=" ")
    assert model.reopen_allowed(unhappy, COMPLAINANT, max_rounds=2)
    last = case(Status.FOLLOW_UP, last_follow_up_satisfied=False, round=2)
    assert not model.reopen_allowed(last, COMPLAINANT, max_rounds=2)   # leadership's now
    satisfied = case(Status.FOLLOW_UP, last_follow_up_satisfied=True)
    assert "reopen" not in model.allowed_actions(satisfied, COMPLAINANT)
    closed = case(Status.CLOSED)
    assert "reopen" not in model.allowed_actions(closed, COMPLAINANT)   # staff reopen closed
    with pytest.raises(Refusal):
        model.plan("reopen", closed, COMPLAINANT, reason="不满意")
    assert "reopen" in model.allowed_actions(closed, SUPERVISOR)
    assert set(model.allowed_actions(case(Status.INVESTIGATING), COMPLAINANT)) == \
        {"add_material", "withdraw"}

"""The whole decision for one complaint: table, coordination, off hours."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from routing.domain import decision, hours, rules

CATEGORIES = [rules.Category("医疗收费", "财务处", ("收费", "多收")),
              rules.Category("护理质量", "护理部", ("护士", "输液")),
              rules.Category("医疗质量", "医务处", ("误诊",))]
POLICY = decision.Policy(
    "投诉管理办公室", CATEGORIES, [rules.Route("医疗质量", "", "危机", "院办")],
    on_duty_department="总值班",
    office_hours=hours.office_hours_from_json([["08:00", "12:00"], ["14:00", "18:00"]]),
    off_hours_routing=True)
SATURDAY = datetime(2026, 3, 14, 10, 0, tzinfo=hours.SHANGHAI)
TUESDAY = datetime(2026, 3, 10, 10, 0, tzinfo=hours.SHANGHAI)


def test_severity_selects_the_table_row() -> None:
    crisis = decision.plan(POLICY, decision.Complaint("误诊，病人去世", received_at=TUESDAY))
    assert (crisis.severity.level, crisis.department) == ("危机", "院办")
    plain = decision.plan(POLICY, decision.Complaint("误诊", received_at=TUESDAY))
    assert (plain.severity.level, plain.department) == ("一般", "医务处")


def test_two_other_departments_hit_twice_make_it_coordinated() -> None:
    two = decision.plan(POLICY, decision.Complaint("收费多收收费，护士输液", received_at=TUESDAY))
    assert two.coordinated and two.department == "投诉管理办公室"
    assert two.involved == ("财务处", "护理部")
    one = decision.plan(POLICY, decision.Complaint("收费多收收费，护士", received_at=TUESDAY))
    assert not one.coordinated and one.department == "财务处"


def test_off_hours_the_on_duty_department_holds_it_for_the_responsible_one() -> None:
    held = decision.plan(POLICY, decision.Complaint("多收费", received_at=SATURDAY))
    assert held.on_duty and (held.department, held.responsible) == ("总值班", "财务处")
    assert held.handover_at == datetime(2026, 3, 16, 8, 0, tzinfo=hours.SHANGHAI)
    switched_off = replace(POLICY, off_hours_routing=False)
    kept = decision.plan(switched_off, decision.Complaint("多收费", received_at=SATURDAY))
    assert not kept.on_duty and kept.department == "财务处"


def test_a_given_category_is_used_as_given() -> None:
    given = decision.plan(POLICY, decision.Complaint("误诊", category="医疗收费"))
    assert (given.category, given.category_source, given.department) == (
        "医疗收费", "given", "财务处")

"""The routing decision for one complaint, from a tenant's policy, pure: no I/O.

Order: category (given, or classified) → severity → responsible department by the routing
table (fallback `department_for`) → coordination when several departments are involved →
the on-duty officer when the complaint arrives off hours. The handler is picked afterwards
by the service layer, which knows the loads and the declared conflicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from casebridge_platform.calendar import WorkCalendar

from routing.domain import hours, rules, severity


@dataclass(frozen=True)
class Policy:
    """A tenant's routing configuration."""

    coordinating: str
    categories: list[rules.Category]
    routes: list[rules.Route] = field(default_factory=list)
    severity_rules: tuple[severity.SeverityRule, ...] = severity.DEFAULT_RULES
    on_duty_department: str = ""
    office_hours: hours.OfficeHours | None = None
    off_hours_routing: bool = False
    calendar: WorkCalendar = field(default_factory=WorkCalendar)  # with the loaded years


@dataclass(frozen=True)
class Complaint:
    content: str = ""
    category: str = ""
    respondent_department: str = ""
    other_departments: tuple[str, ...] = ()
    circumstances: tuple[str, ...] = ()
    amount_fen: int = 0
    received_at: datetime | None = None


@dataclass(frozen=True)
class Plan:
    """Where a complaint goes; `department` is who holds it now, `responsible` who owns it."""

    category: str
    category_source: str
    matched: tuple[str, ...]
    scores: tuple[rules.CategoryScore, ...]
    severity: severity.Severity
    responsible: str
    department: str
    reason: str
    involved: tuple[str, ...] = ()
    coordinated: bool = False
    handover_at: datetime | None = None

    @property
    def on_duty(self) -> bool:
        return self.handover_at is not None


def responsible(policy: Policy, category: str, respondent_department: str,
                level: str) -> tuple[str, str]:
    """The responsible department and why: the routing table first, then the category."""
    row = rules.resolve_route(policy.routes, category=category,
                              respondent_department=respondent_department, severity=level)
    if row:
        pattern = "/".join(f or "*" for f in (row.category, row.respondent_department,
                                              row.severity))
        return row.department, f"routing table {pattern} → {row.department}"
    department = rules.department_for(category or None, policy.categories, policy.coordinating,
                                      respondent_department)
    if category:
        return department, f"category {category} → {department}"
    if department != policy.coordinating:
        return department, f"no category matched; respondent department {department}"
    return department, f"no category matched → coordinating office {department}"


def _classified(policy: Policy, complaint: Complaint) -> rules.Classification:
    if complaint.category:
        return rules.Classification(complaint.category, ())
    found = rules.classify(complaint.content, policy.categories)
    return found or rules.Classification("", ())


def plan(policy: Policy, complaint: Complaint) -> Plan:
    """Decide category, severity and departments for a complaint just received."""
    found = _classified(policy, complaint)
    level = severity.assess(complaint.content, complaint.circumstances, complaint.amount_fen,
                            policy.severity_rules)
    department, reason = responsible(policy, found.category, complaint.respondent_department,
                                     level.level)
    others = [s for s in found.scores if s.category != found.category]  # primary covers it
    involved = rules.involved_departments(department,
                                          other_departments=complaint.other_departments,
                                          scores=others)
    coordinated = len(involved) > 1
    if coordinated:
        department = policy.coordinating
        reason = (f"{reason}; spans {len(involved)} departments ({', '.join(involved)}) → "
                  f"coordinating office {department} names the lead department")
    decided = Plan(found.category, "given" if complaint.category else "classified",
                   found.matched, found.scores, level, department, department, reason,
                   involved if coordinated else (), coordinated)
    return off_hours(policy, decided, complaint.received_at)


def off_hours(policy: Policy, decided: Plan, received_at: datetime | None) -> Plan:
    """Hold the complaint with the on-duty department (总值班) until the next working period."""
    if not (policy.off_hours_routing and policy.office_hours and policy.on_duty_department
            and received_at):
        return decided
    at = hours.handover_at(received_at, policy.office_hours, policy.calendar)
    if at is None:
        return decided
    reason = (f"{decided.reason}; received off hours → {policy.on_duty_department} until "
              f"{at:%Y-%m-%d %H:%M}")
    return replace(decided, department=policy.on_duty_department, reason=reason, handover_at=at)

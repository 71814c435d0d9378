"""Routing's domain values between protobuf messages: complaints in, decisions and rules out."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from casebridge.escalation.v1 import escalation_pb2
from casebridge.intake.v1 import intake_pb2
from casebridge.routing.v1 import routing_pb2
from casebridge_platform.messaging.envelope import timestamp

from routing.domain import decision, rules


def complaint_of(submission: intake_pb2.Submission) -> decision.Complaint:
    return decision.Complaint(
        content=submission.content, category=submission.category,
        respondent_department=submission.respondent.department,
        other_departments=tuple(submission.respondent.other_departments),
        circumstances=tuple(submission.circumstances),
        amount_fen=submission.claimed_amount.amount_fen,
        received_at=(submission.received_at.ToDatetime(tzinfo=UTC)
                     if submission.HasField("received_at") else datetime.now(UTC)))


def complaint_of_route(request: routing_pb2.RouteRequest, *,
                       received_at: datetime) -> decision.Complaint:
    """A dry-run request as a complaint received at `received_at`."""
    return decision.Complaint(
        content=request.content, category=request.category,
        respondent_department=request.respondent_department,
        other_departments=tuple(request.other_departments),
        circumstances=tuple(request.circumstances),
        amount_fen=request.claimed_amount.amount_fen, received_at=received_at)


def named_days_of(days: Iterable[escalation_pb2.NamedDay]) -> dict[str, str]:
    """A loaded year's days as escalation announced them: {"2026-10-01": "国庆节"}."""
    return {d.date: d.name for d in days}


def parties_of(request: routing_pb2.ListCandidatesRequest) -> rules.Parties:
    return rules.Parties(request.case_id, request.complainant_name, request.respondent_person,
                         request.respondent_unit)


def announcement(planned: decision.Plan) -> routing_pb2.RoutingDecided:
    """The event (or dry-run answer) for a plan, without a handler yet."""
    out = routing_pb2.RoutingDecided(
        category=planned.category, category_source=planned.category_source,
        matched_keywords=planned.matched, department=planned.department,
        reason=planned.reason, severity=planned.severity.level,
        severity_reasons=planned.severity.reasons, departments_involved=planned.involved,
        coordinated=planned.coordinated, on_duty=planned.on_duty, trigger="intake")
    if planned.handover_at:
        out.handover_at.CopyFrom(timestamp(planned.handover_at))
    return out


def scores(found: rules.Classification | None) -> list[routing_pb2.CategoryScore]:
    return [routing_pb2.CategoryScore(category=s.category, department=s.department,
                                      matched_keywords=s.matched, hits=s.hits)
            for s in (found.scores if found else ())]


def classification(found: rules.Classification | None) -> routing_pb2.ClassifyResponse:
    """The best category with every scoring category; empty when nothing matched."""
    if found is None:
        return routing_pb2.ClassifyResponse()
    return routing_pb2.ClassifyResponse(category=found.category,
                                        matched_keywords=found.matched, scores=scores(found))


def candidates(found: list[rules.Candidate]) -> routing_pb2.ListCandidatesResponse:
    return routing_pb2.ListCandidatesResponse(candidates=[routing_pb2.Candidate(
        user_id=c.user_id, name=c.name, department=c.department, open_cases=c.open_cases)
        for c in found])


def category_list(found: list[rules.Category]) -> routing_pb2.ListCategoriesResponse:
    return routing_pb2.ListCategoriesResponse(categories=[routing_pb2.CategoryRule(
        name=c.name, department=c.department, keywords=c.keywords) for c in found])


def routes_of(table: routing_pb2.RoutingTable) -> list[rules.Route]:
    return [rules.Route(r.category.strip(), r.respondent_department.strip(), r.severity.strip(),
                        r.department.strip()) for r in table.routes]


def routing_table(rows: list[rules.Route]) -> routing_pb2.RoutingTable:
    return routing_pb2.RoutingTable(routes=[routing_pb2.Route(
        category=r.category, respondent_department=r.respondent_department,
        severity=r.severity, department=r.department) for r in rows])


def conflict_declared(*, user_id: str, party: str, case_id: str, reason: str,
                      at: datetime) -> routing_pb2.ConflictDeclared:
    return routing_pb2.ConflictDeclared(user_id=user_id, party=party, case_id=case_id,
                                        reason=reason, declared_at=timestamp(at))

"""Staff routes: register complaints, read and list cases, act on them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Literal

from casebridge.case.v1 import case_pb2
from casebridge.escalation.v1 import escalation_pb2
from casebridge.routing.v1 import routing_pb2
from fastapi import APIRouter, Body, Query, Response

from gateway import schemas as s
from gateway import views
from gateway.deps import Key, Staff
from gateway.views import accepted, act_request, case_read, case_summary, submit_request

router = APIRouter(prefix="/v1", tags=["cases"])
ACTIONS = {   # what /docs offers to try on POST /v1/cases/{case_id}/actions
    "accept": {"summary": "受理", "value": {"action": "accept"}},
    "refuse": {"summary": "不予受理, with the notice", "value": {
        "action": "refuse", "reason": "不属于本院受理范围",
        "notice": "您反映的问题不属于本院受理范围，请向当地卫生健康行政部门反映。"}},
    "propose": {"summary": "处理意见 with compensation", "value": {
        "action": "propose", "text": "向患者书面致歉，退还当日输液费用", "compensation": "320.00"}},
    "answer": {"summary": "answer in writing", "value": {
        "action": "answer", "mode": "written", "text": "经调查，护理人员沟通不当，已批评教育。"}},
    "milestone": {"summary": "首次联系 recorded", "value": {
        "action": "record_milestone", "milestone": "first_contact"}},
    "transfer": {"summary": "to the 医调委 (人民调解)", "value": {
        "action": "transfer", "path": "people_mediation", "to_agency": "demo-mediation",
        "reason_code": "negotiation_failed", "consent": True}},
}
Sort = Literal["received_at", "-received_at", "due_at", "-due_at", "updated_at", "-updated_at"]


@router.post("/complaints", operation_id="submit_complaint",
             status_code=201, response_model=s.ComplaintAccepted,
             summary="Register a complaint or report (受理登记)")
async def submit(body: s.ComplaintCreate, response: Response, call: Staff,
                 key: Key) -> s.ComplaintAccepted:
    """Stores the submission and answers with its case number; classification, severity,
    routing and possible duplicates follow asynchronously (see the case). The one who
    registers it is its first-contact owner (首问责任人). Send an `Idempotency-Key` so a
    retry returns the first answer instead of a second case."""
    answer = await call.svc.intake.SubmitComplaint(submit_request(body, key), **call.options)
    response.headers["Location"] = f"/v1/cases/{answer.submission.case_id}"
    if answer.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return accepted(answer)


@router.get("/cases/{case_id}", operation_id="get_case", response_model=s.CaseRead,
            summary="One case with its timeline, work records and the actions allowed now")
async def get_case(case_id: uuid.UUID, call: Staff) -> s.CaseRead:
    case = await call.svc.case.GetCase(case_pb2.GetCaseRequest(case_id=str(case_id)),
                                       **call.options)
    return case_read(case)


@router.get("/cases", operation_id="list_cases",
            response_model=s.CaseList, summary="The cases the caller may see")
async def list_cases(
        call: Staff,
        status: Annotated[str | None, Query(max_length=32)] = None,
        department: Annotated[str | None, Query(max_length=100)] = None,
        handler_id: Annotated[str | None, Query(max_length=64)] = None,
        severity: Annotated[s.Severity | None, Query()] = None,
        category: Annotated[str | None, Query(max_length=64)] = None,
        channel: Annotated[s.Channel | None, Query()] = None,
        kind: Annotated[Literal["complaint", "report"] | None, Query()] = None,
        overdue: Annotated[bool, Query(description="past the deadline, still open")] = False,
        due_soon: Annotated[bool, Query(description="due within 24 hours")] = False,
        received_from: Annotated[s.IsoDateTime | None, Query()] = None,
        received_to: Annotated[s.IsoDateTime | None, Query()] = None,
        q: Annotated[str | None, Query(max_length=200, description="text in content, demands "
                                       "or case number")] = None,
        scope: Annotated[Literal["mine", "my_department", "first_contact"] | None,
                         Query(description="my cases, my department's, those I took in "
                               "(首问)")] = None,
        sort: Annotated[Sort, Query()] = "-received_at",
        page_size: Annotated[int, Query(ge=1, le=200)] = 50,
        page_token: Annotated[str | None, Query(max_length=512)] = None) -> s.CaseList:
    request = case_pb2.ListCasesRequest(
        page_size=page_size, page_token=page_token or "", status=status or "",
        department=department or "", handler_id=handler_id or "", severity=severity or "",
        category=category or "", channel=channel or "", kind=kind or "", overdue=overdue,
        due_soon=due_soon, text=q or "", scope=scope or "", sort=sort)
    for name, value in (("received_from", received_from), ("received_to", received_to)):
        if value is not None:
            getattr(request, name).FromDatetime(value if value.tzinfo else
                                                value.replace(tzinfo=UTC))
    answer = await call.svc.case.ListCases(request, **call.options)
    now = datetime.now(UTC)
    return s.CaseList(items=[case_summary(c, now) for c in answer.cases],
                      next_page_token=answer.next_page_token or None)


@router.post("/cases/{case_id}/actions", operation_id="act_on_case", response_model=s.CaseRead,
             summary="Act on a case: accept, refuse, investigate, propose, answer, close, …")
async def act(case_id: uuid.UUID,
              body: Annotated[s.CaseAction, Body(openapi_examples=ACTIONS)], call: Staff,
              key: Key) -> s.CaseRead:
    """Every change of a case is an action, recorded on its timeline with who, when and why.
    An action the case's status does not allow is refused with 409, naming the current status
    and the allowed actions. Send an `Idempotency-Key`: a retry is not applied twice."""
    case = await call.svc.case.Act(act_request(str(case_id), body, key), **call.options)
    return case_read(case)


@router.get("/cases/{case_id}/candidates", operation_id="list_candidates",
            response_model=list[s.CandidateRead],
            summary="Handlers who may take the case (recused people are never shown)")
async def candidates(case_id: uuid.UUID, call: Staff,
                     department: Annotated[str | None, Query(max_length=100)] = None,
                     ) -> list[s.CandidateRead]:
    case = await call.svc.case.GetCase(case_pb2.GetCaseRequest(case_id=str(case_id)),
                                       **call.options)
    answer = await call.svc.routing.ListCandidates(routing_pb2.ListCandidatesRequest(
        department=department or case.department, case_id=case.case_id,
        complainant_name=case.complainant.name, respondent_person=case.respondent.person,
        respondent_unit=case.respondent.unit), **call.options)
    return [s.CandidateRead(user_id=c.user_id, name=c.name, department=c.department,
                            open_cases=c.open_cases) for c in answer.candidates]


def _day(d: escalation_pb2.NamedDay) -> s.NamedDay:
    return s.NamedDay(date=d.date, name=d.name or None)


@router.get("/cases/{case_id}/deadlines", operation_id="explain_deadlines",
            response_model=list[s.DeadlineExplanation],
            summary="Each deadline of the case and how it was counted (days, holidays, 调休)")
async def deadlines(case_id: uuid.UUID, call: Staff) -> list[s.DeadlineExplanation]:
    await call.svc.case.GetCase(case_pb2.GetCaseRequest(case_id=str(case_id)), **call.options)
    answer = await call.svc.escalation.Explain(
        escalation_pb2.ExplainRequest(case_id=str(case_id)), **call.options)
    at = views.at
    return [s.DeadlineExplanation(
        name=c.name, state=c.state, rule=c.rule, unit=c.unit, amount=c.amount,
        started_at=at(c.started_at), counted_from=at(c.counted_from), due_at=at(c.due_at),
        stored_due_at=at(c.stored_due_at) if c.HasField("stored_due_at") else None,
        convention=c.convention, counted=list(c.counted),
        weekends_skipped=list(c.weekends_skipped),
        holidays_skipped=[_day(d) for d in c.holidays_skipped],
        makeup_days_counted=[_day(d) for d in c.makeup_days_counted],
        paused=[s.PauseRead(begins=at(p.begins), ends=at(p.ends),
                            working_seconds=p.working_seconds) for p in c.paused],
        warnings=list(c.warnings),
        moved_from=at(c.moved_from) if c.HasField("moved_from") else None,
        moved_over=[_day(d) for d in c.moved_over], moved_why=c.moved_why or None)
        for c in answer.clocks]

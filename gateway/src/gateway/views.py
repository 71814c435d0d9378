"""Protobuf answers of the services → the public JSON."""

from __future__ import annotations

from datetime import UTC, datetime

from casebridge.case.v1 import case_pb2
from casebridge.common.v1 import common_pb2
from casebridge.intake.v1 import intake_pb2
from google.protobuf.timestamp_pb2 import Timestamp

from gateway.schemas import (
    CaseRead,
    CaseSummary,
    ComplaintAccepted,
    ComplaintCreate,
    PartyRead,
    RespondentRead,
    TimelineEntry,
)


def submit_request(body: ComplaintCreate, key: str) -> intake_pb2.SubmitComplaintRequest:
    """The public submission → intake's request; no complainant means anonymous."""
    respondent = body.respondent
    request = intake_pb2.SubmitComplaintRequest(
        idempotency_key=key,
        kind=intake_pb2.KIND_REPORT if body.kind == "report" else intake_pb2.KIND_COMPLAINT,
        channel=body.channel, content=body.content, category=body.category or "",
        demands=body.demands or "",
        respondent=common_pb2.Respondent(
            department=(respondent.department or "") if respondent else "",
            person=(respondent.person or "") if respondent else ""))
    if body.complainant:
        request.complainant.CopyFrom(common_pb2.Party(name=body.complainant.name,
                                                      phone=body.complainant.phone))
    return request


def _at(ts: Timestamp) -> datetime:
    return ts.ToDatetime(tzinfo=UTC)


def _opt(ts: Timestamp, present: bool) -> datetime | None:
    return _at(ts) if present else None


def _parties(source: case_pb2.Case | intake_pb2.Submission) -> dict:
    """Complainant (none when anonymous) and respondent, as the public JSON has them."""
    return {
        "anonymous": source.anonymous,
        "complainant": None if source.anonymous else PartyRead(
            name=source.complainant.name, phone=source.complainant.phone),
        "respondent": RespondentRead(department=source.respondent.department or None,
                                     person=source.respondent.person or None),
    }


def case_read(case: case_pb2.Case) -> CaseRead:
    return CaseRead(
        case_id=case.case_id, case_number=case.case_number, kind=case.kind, channel=case.channel,
        status=case.status, category=case.category or None, department=case.department or None,
        handler_id=case.handler_id or None, due_at=_opt(case.due_at, case.HasField("due_at")),
        deadline_rule=case.deadline_rule or None, acknowledged=case.acknowledged,
        first_contact_owner=case.first_contact_owner, **_parties(case), content=case.content,
        demands=case.demands or None, received_at=_at(case.received_at),
        updated_at=_opt(case.updated_at, case.HasField("updated_at")),
        timeline=[TimelineEntry(at=_at(e.at), type=e.type, summary=e.summary, actor=e.actor)
                  for e in case.timeline])


def case_summary(case: case_pb2.Case) -> CaseSummary:
    return CaseSummary(
        case_id=case.case_id, case_number=case.case_number, kind=case.kind, status=case.status,
        category=case.category or None, department=case.department or None,
        due_at=_opt(case.due_at, case.HasField("due_at")), acknowledged=case.acknowledged,
        received_at=_at(case.received_at),
        updated_at=_opt(case.updated_at, case.HasField("updated_at")))


def accepted(answer: intake_pb2.SubmitComplaintResponse) -> ComplaintAccepted:
    """The case as it stands at registration; routing, deadline and receipt follow."""
    s = answer.submission
    kind = "report" if s.kind == intake_pb2.KIND_REPORT else "complaint"
    return ComplaintAccepted(
        case_id=s.case_id, case_number=s.case_number, kind=kind, channel=s.channel,
        status="registered", category=s.category or None, department=None, handler_id=None,
        due_at=None, deadline_rule=None, acknowledged=False, first_contact_owner=s.received_by,
        **_parties(s), content=s.content, demands=s.demands or None, received_at=_at(s.received_at),
        updated_at=None, access_code=answer.access_code or None,
        timeline=[TimelineEntry(at=_at(s.received_at), type="received",
                                summary=f"received via {s.channel}", actor=s.received_by)])

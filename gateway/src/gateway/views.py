"""The public JSON ↔ the services' protobuf messages."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import overload

from casebridge.case.v1 import case_pb2
from casebridge.common.v1 import common_pb2
from casebridge.intake.v1 import intake_pb2
from google.protobuf.timestamp_pb2 import Timestamp

from gateway import schemas as s


@overload
def money(amount: Decimal) -> common_pb2.Money: ...
@overload
def money(amount: None) -> None: ...
def money(amount: Decimal | None) -> common_pb2.Money | None:
    if amount is None:
        return None
    return common_pb2.Money(amount_fen=int(amount * 100), currency="CNY")


def yuan(m: common_pb2.Money, present: bool = True) -> Decimal | None:
    return Decimal(m.amount_fen) / 100 if present else None


def _none(text: str) -> str | None:
    return text or None


def submit_request(body: s.ComplaintCreate, key: str) -> intake_pb2.SubmitComplaintRequest:
    """The public submission → intake's request; no complainant means anonymous."""
    r = body.respondent or s.Respondent()
    request = intake_pb2.SubmitComplaintRequest(
        idempotency_key=key,
        kind=intake_pb2.KIND_REPORT if body.kind == "report" else intake_pb2.KIND_COMPLAINT,
        channel=body.channel, content=body.content, category=body.category or "",
        demands=body.demands or "", facts=body.facts or "",
        incident_time=body.incident_time or "", incident_place=body.incident_place or "",
        details=body.details, circumstances=body.circumstances,
        referred_by=body.referred_by or "", locale=body.locale,
        respondent=common_pb2.Respondent(unit=r.unit or "", department=r.department or "",
                                         person=r.person or "",
                                         other_departments=r.other_departments))
    if body.claimed_amount is not None:
        request.claimed_amount.CopyFrom(money(body.claimed_amount))
    if body.received_at is not None:
        request.received_at.FromDatetime(body.received_at.astimezone(UTC))
    if body.complainant:
        c = body.complainant
        request.complainant.CopyFrom(common_pb2.Party(
            name=c.name or "", unit=c.unit or "", phone=c.phone or "",
            relation=c.relation or "", address=c.address or "", email=c.email or ""))
    return request


def at(ts: Timestamp) -> datetime:
    return ts.ToDatetime(tzinfo=UTC)


def _opt(ts: Timestamp, present: bool) -> datetime | None:
    return at(ts) if present else None


def _party(p: common_pb2.Party) -> s.PartyRead:
    return s.PartyRead(name=_none(p.name), unit=_none(p.unit), phone=_none(p.phone),
                       relation=_none(p.relation), address=_none(p.address),
                       email=_none(p.email))


def _respondent(r: common_pb2.Respondent) -> s.RespondentRead:
    return s.RespondentRead(unit=_none(r.unit), department=_none(r.department),
                            person=_none(r.person), other_departments=list(r.other_departments))


def _parties(source: case_pb2.Case | intake_pb2.Submission) -> dict:
    """Complainant (none when anonymous or withheld) and respondent."""
    return {"anonymous": source.anonymous,
            "complainant": None if not source.HasField("complainant")
            else _party(source.complainant),
            "respondent": _respondent(source.respondent)}


def _duplicates(source: case_pb2.Case | intake_pb2.Submission) -> list[s.DuplicateRead]:
    return [s.DuplicateRead(case_id=d.case_id, case_number=d.case_number, score=d.score,
                            reasons=list(d.reasons)) for d in source.possible_duplicates]


def _work(case: case_pb2.Case) -> dict:
    """The records of the work done on a case."""
    return {
        "records": [s.InvestigationRecordRead(
            type=r.type, subject=r.subject, summary=r.summary, at=at(r.at),
            recorded_by=r.recorded_by, recorded_at=at(r.recorded_at)) for r in case.records],
        "proposals": [s.ProposalRead(
            round=p.round, text=p.text, compensation=yuan(p.compensation,
                                                          p.HasField("compensation")),
            proposed_by=p.proposed_by, proposed_at=at(p.proposed_at), status=p.status,
            required_role=p.required_role, decided_by=_none(p.decided_by),
            decision_note=_none(p.decision_note)) for p in case.proposals],
        "answers": [s.AnswerRead(round=a.round, mode=a.mode, text=a.text,
                                 answered_by=a.answered_by, answered_at=at(a.answered_at))
                    for a in case.answers],
        "follow_ups": [s.FollowUpRead(round=f.round, satisfied=f.satisfied, note=f.note,
                                      by=f.by, at=at(f.at), rating=f.rating or None,
                                      solved=f.solved if f.rating else None)
                       for f in case.follow_ups],
        "links": [s.LinkRead(case_id=x.case_id, case_number=x.case_number, relation=x.relation)
                  for x in case.links],
        "materials": [s.MaterialRead(
            description=m.description, added_by=m.added_by, added_at=at(m.added_at),
            files=[s.FileRead(sha256=f.sha256, size=f.size, media_type=f.media_type,
                              name=f.name) for f in m.files]) for m in case.materials],
        "co_complainants": [_party(p) for p in case.co_complainants],
    }


def case_read(case: case_pb2.Case) -> s.CaseRead:
    return s.CaseRead(
        case_id=case.case_id, case_number=case.case_number, kind=case.kind, channel=case.channel,
        status=case.status, allowed_actions=list(case.allowed_actions),
        category=_none(case.category), category_source=_none(case.category_source),
        matched_keywords=list(case.matched_keywords), severity=_none(case.severity),
        severity_reasons=list(case.severity_reasons), department=_none(case.department),
        handler_id=_none(case.handler_id), coordinated=case.coordinated,
        departments_involved=list(case.departments_involved), on_duty=case.on_duty,
        due_at=_opt(case.due_at, case.HasField("due_at")),
        deadline_rule=_none(case.deadline_rule), acknowledged=case.acknowledged,
        first_contact_owner=_none(case.first_contact_owner),
        identity_withheld=case.identity_withheld, **_parties(case), content=case.content,
        demands=_none(case.demands), facts=_none(case.facts),
        incident_time=_none(case.incident_time), incident_place=_none(case.incident_place),
        claimed_amount=yuan(case.claimed_amount, case.HasField("claimed_amount")),
        details=dict(case.details), circumstances=list(case.circumstances),
        referred_by=_none(case.referred_by), round=case.round or 1, escalated=case.escalated,
        disposition=_none(case.disposition), hold_reason=_none(case.hold_reason),
        refusal_reason=_none(case.refusal_reason), competent_body=_none(case.competent_body),
        referral_mode=_none(case.referral_mode),
        possible_duplicates=_duplicates(case),
        transfers=[transfer_read(t) for t in case.transfers],
        **_work(case), received_at=at(case.received_at),
        updated_at=_opt(case.updated_at, case.HasField("updated_at")),
        timeline=[s.TimelineEntry(at=at(e.at), type=e.type, summary=e.summary,
                                  actor=_none(e.actor), from_status=_none(e.from_status),
                                  to_status=_none(e.to_status), reason=_none(e.reason))
                  for e in case.timeline])


def case_summary(case: case_pb2.Case, now: datetime) -> s.CaseSummary:
    due = _opt(case.due_at, case.HasField("due_at"))
    open_ = case.status not in ("closed", "refused", "referred", "archived")
    return s.CaseSummary(
        case_id=case.case_id, case_number=case.case_number, kind=case.kind,
        channel=case.channel, status=case.status, category=_none(case.category),
        severity=_none(case.severity), department=_none(case.department),
        handler_id=_none(case.handler_id), first_contact_owner=_none(case.first_contact_owner),
        due_at=due, overdue=bool(open_ and due and due < now), acknowledged=case.acknowledged,
        received_at=at(case.received_at),
        updated_at=_opt(case.updated_at, case.HasField("updated_at")))


def accepted(answer: intake_pb2.SubmitComplaintResponse) -> s.ComplaintAccepted:
    """The case as it stands at registration; routing, deadline and receipt follow."""
    sub = answer.submission
    kind = "report" if sub.kind == intake_pb2.KIND_REPORT else "complaint"
    return s.ComplaintAccepted(
        case_id=sub.case_id, case_number=sub.case_number, kind=kind, channel=sub.channel,
        status="received", allowed_actions=[], category=_none(sub.category), department=None,
        handler_id=None, due_at=None, deadline_rule=None, acknowledged=False,
        first_contact_owner=sub.received_by, identity_withheld=bool(sub.sealed_identity),
        **_parties(sub), content=sub.content,
        demands=_none(sub.demands), facts=_none(sub.facts),
        incident_time=_none(sub.incident_time), incident_place=_none(sub.incident_place),
        claimed_amount=yuan(sub.claimed_amount, sub.HasField("claimed_amount")),
        details=dict(sub.details), circumstances=list(sub.circumstances),
        referred_by=_none(sub.referred_by),
        possible_duplicates=_duplicates(sub),
        received_at=at(sub.received_at), updated_at=None,
        access_code=answer.access_code or None,
        timeline=[s.TimelineEntry(at=at(sub.received_at), type="received",
                                  summary=f"received via {sub.channel}",
                                  actor=sub.received_by)])


def act_request(case_id: str, body: s.CaseAction, key: str) -> case_pb2.ActRequest:
    """The public action → the case service's ActRequest (one field of its oneof)."""
    request = case_pb2.ActRequest(case_id=case_id, idempotency_key=key,
                                  reason=body.reason or "")
    name = body.action
    target = getattr(request, name)
    fields = body.model_dump(exclude={"action", "reason"}, exclude_none=True)
    if name == "record_investigation":
        record = case_pb2.InvestigationRecord(type=fields["type"], subject=fields["subject"],
                                              summary=fields["summary"])
        if "at" in fields:
            record.at.FromDatetime(fields["at"])
        target.record.CopyFrom(record)
    elif name == "record_milestone":
        target.milestone, target.note = fields["milestone"], fields.get("note", "")
        if "happened_at" in fields:
            target.happened_at.FromDatetime(fields["happened_at"])
    elif name in ("propose", "report_outcome"):
        target.text = fields["text"]
        if name == "report_outcome":
            target.outcome = fields["outcome"]
        money_field = "compensation" if name == "propose" else "amount"
        if money_field in fields:
            getattr(target, money_field).CopyFrom(money(fields[money_field]))
    else:
        for field, value in fields.items():
            if isinstance(value, list):
                getattr(target, field).extend(value)
            else:
                setattr(target, field, str(value) if not isinstance(value, bool) else value)
    target.SetInParent()
    return request


def transfer_read(t: case_pb2.TransferRecord) -> s.TransferRead:
    return s.TransferRead(
        transfer_id=t.transfer_id, direction=t.direction, path=t.path, path_title=t.path_title,
        peer=t.peer, status=t.status, case_id=t.case_id, case_number=_none(t.case_number),
        peer_case_number=_none(t.peer_case_number), reason_code=t.reason_code,
        outcome=_none(t.outcome), outcome_text=_none(t.outcome_text),
        answer_reason=_none(t.answer_reason), offered_at=at(t.offered_at),
        updated_at=at(t.updated_at), remote=t.remote, delivery=_none(t.delivery),
        package=json.loads(t.package_json) if t.package_json else None)

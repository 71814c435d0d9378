"""The case service's records as its contract's messages (and back, for transfer messages)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from casebridge.case.v1 import case_pb2
from casebridge.common.v1 import common_pb2
from casebridge_platform.messaging.envelope import timestamp

from case.domain import paths
from case.domain.case import Case


def money(fen: int | None) -> common_pb2.Money | None:
    return None if fen is None else common_pb2.Money(amount_fen=fen, currency="CNY")


def case_message(case: Case) -> case_pb2.Case:
    """Every field of the case but the complainant's (the caller decides what it may show)."""
    message = case_pb2.Case(
        case_id=case.case_id, case_number=case.case_number, tenant_id=case.tenant_id,
        kind=case.kind, channel=case.channel, status=case.status.value,
        category=case.category, department=case.department, handler_id=case.handler_id,
        first_contact_owner=case.first_contact_owner, content=case.content,
        demands=case.demands, anonymous=case.anonymous, deadline_rule=case.deadline_rule,
        acknowledged=case.acknowledged, tenant_kind=case.tenant_kind, severity=case.severity,
        coordinated=case.coordinated, on_duty=case.on_duty, disposition=case.disposition,
        held_from=case.held_from, round=case.round, escalated=case.escalated,
        respondent=common_pb2.Respondent(
            department=case.respondent_department, person=case.respondent_person,
            unit=case.respondent_unit, other_departments=case.other_departments),
        received_at=timestamp(case.received_at), updated_at=timestamp(case.updated_at),
        severity_reasons=case.severity_reasons, category_source=case.category_source,
        matched_keywords=case.matched_keywords,
        departments_involved=case.departments_involved, facts=case.facts,
        incident_time=case.incident_time, incident_place=case.incident_place,
        details=dict(case.details), circumstances=case.circumstances,
        referred_by=case.referred_by, hold_reason=case.hold_reason,
        refusal_reason=case.refusal_reason, competent_body=case.competent_body,
        referral_mode=case.referral_mode,
        possible_duplicates=[case_pb2.PossibleDuplicate(
            case_id=d.case_id, case_number=d.case_number, score=d.score, reasons=d.reasons)
            for d in case.possible_duplicates])
    if (claimed := money(case.claimed_amount_fen)) is not None:
        message.claimed_amount.CopyFrom(claimed)
    if case.due_at is not None:
        message.due_at.CopyFrom(timestamp(case.due_at))
    return message


def complainant(case: Case) -> common_pb2.Party:
    c = case.contact
    return common_pb2.Party(name=case.complainant_name, phone=case.complainant_phone,
                            unit=c.unit, relation=c.relation, address=c.address,
                            email=c.email)


def transfer_record(row: sa.Row) -> case_pb2.TransferRecord:
    path = paths.paths_of(row.path_kind).get(row.path)
    return case_pb2.TransferRecord(
        transfer_id=row.transfer_id, direction=row.direction, path=row.path,
        path_title=path.title if path else row.path, peer=row.peer, status=row.status,
        case_id=row.case_id, case_number=row.case_number,
        peer_case_number=row.peer_case_number, reason_code=row.reason_code,
        outcome=row.outcome, outcome_text=row.outcome_text, offered_at=timestamp(
            row.offered_at), updated_at=timestamp(row.updated_at),
        package_json=json.dumps(row.package, ensure_ascii=False)
        if row.direction == "in" else "", remote=row.remote, delivery=row.delivery,
        answer_reason=row.answer_reason)


def transfer_message(msg: dict[str, Any]) -> case_pb2.TransferMessage:
    sent = datetime.fromisoformat(msg["sent_at"])
    return case_pb2.TransferMessage(
        message_id=msg["message_id"], transfer_id=msg["transfer_id"], type=msg["type"],
        from_agency=msg["from_agency"], to_agency=msg["to_agency"], path=msg["path"],
        body_json=json.dumps(msg["body"], ensure_ascii=False), sent_at=timestamp(sent))


def message_of(m: case_pb2.TransferMessage) -> dict[str, Any]:
    return {"message_id": m.message_id, "transfer_id": m.transfer_id, "type": m.type,
            "from_agency": m.from_agency, "to_agency": m.to_agency, "path": m.path,
            "body": json.loads(m.body_json or "{}"),
            "sent_at": m.sent_at.ToDatetime(tzinfo=UTC).isoformat()}

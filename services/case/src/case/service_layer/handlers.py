"""The case service's event handlers and queries."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from casebridge.case.v1 import case_pb2
from casebridge.common.v1 import common_pb2
from casebridge.escalation.v1 import escalation_pb2
from casebridge.intake.v1 import intake_pb2
from casebridge.notification.v1 import notification_pb2
from casebridge.routing.v1 import routing_pb2
from casebridge_platform.auth import Principal
from casebridge_platform.errors import InvalidArgument, NotFound
from casebridge_platform.messaging.consumer import Transient
from casebridge_platform.messaging.envelope import Event, timestamp
from casebridge_platform.messaging.outbox import UnitOfWork

from case.adapters.tables import cases, timeline
from case.domain.model import Entry, Status, assigned_summary, received_summary

KINDS = {intake_pb2.KIND_COMPLAINT: "complaint", intake_pb2.KIND_REPORT: "report"}
MAX_PAGE = 200


def _record(uow: UnitOfWork, case_id: str, event: Event, entry: Entry, summary: str,
                  actor: str = "system", at: datetime | None = None) -> None:
    uow.insert_later(timeline, {
        "tenant_id": event.tenant_id, "case_id": case_id, "at": at or datetime.now(UTC),
        "type": entry.value, "summary": summary, "actor": actor, "event_id": event.id})


async def _case(uow: UnitOfWork, tenant_id: str, case_id: str) -> sa.Row | None:
    return (await uow.conn.execute(sa.select(cases).where(
        cases.c.tenant_id == tenant_id, cases.c.case_id == case_id))).first()


async def on_received(uow: UnitOfWork, event: Event) -> None:
    """intake.received → the case is opened, its first-contact owner the one who took it in."""
    received = event.payload(intake_pb2.ComplaintReceived)
    s = received.submission
    at = s.received_at.ToDatetime(tzinfo=UTC)
    await uow.conn.execute(cases.insert().values(
        case_id=s.case_id, tenant_id=event.tenant_id, case_number=s.case_number,
        tenant_kind=received.tenant_kind, kind=KINDS.get(s.kind, "complaint"),
        channel=s.channel, status=Status.REGISTERED.value, category=s.category, department="",
        handler_id="", deadline_rule="", acknowledged=False, first_contact_owner=s.received_by,
        content=s.content, demands=s.demands, anonymous=s.anonymous,
        complainant_name=s.complainant.name, complainant_phone=s.complainant.phone,
        respondent_department=s.respondent.department, respondent_person=s.respondent.person,
        received_at=at, updated_at=datetime.now(UTC)))
    _record(uow, s.case_id, event, Entry.RECEIVED,
                  received_summary(s.channel, KINDS.get(s.kind, ""), s.case_number),
                  actor=s.received_by, at=at)
    uow.emit("case.opened", event.tenant_id, case_pb2.CaseOpened(
        case_id=s.case_id, case_number=s.case_number, tenant_kind=received.tenant_kind),
        correlation_id=s.case_id, causation_id=event.id)


async def _update(uow: UnitOfWork, event: Event, case_id: str, *returning: sa.Column,
                  **values: object) -> sa.Row:
    """Update the tenant's case; an event about a case not opened yet is retried later."""
    row = (await uow.conn.execute(
        cases.update().where(cases.c.tenant_id == event.tenant_id, cases.c.case_id == case_id)
        .values(**values, updated_at=datetime.now(UTC)).returning(cases.c.case_id, *returning)
    )).first()
    if row is None:
        raise Transient(f"case {case_id} is not opened yet")
    return row


async def on_routed(uow: UnitOfWork, event: Event) -> None:
    """routing.decided → the case is assigned to the department and handler."""
    decision = event.payload(routing_pb2.RoutingDecided)
    case = await _update(
        uow, event, decision.case_id, cases.c.case_number, cases.c.tenant_kind, cases.c.kind,
        cases.c.received_at, cases.c.anonymous, status=Status.ASSIGNED.value,
        category=decision.category, department=decision.department,
        handler_id=decision.handler_id)
    _record(uow, case.case_id, event, Entry.ASSIGNED, assigned_summary(
        decision.category, decision.department, decision.handler_id, decision.reason))
    uow.emit("case.assigned", event.tenant_id, case_pb2.CaseAssigned(
        case_id=case.case_id, case_number=case.case_number, tenant_kind=case.tenant_kind,
        kind=case.kind, category=decision.category, department=decision.department,
        handler_id=decision.handler_id, received_at=timestamp(case.received_at),
        anonymous=case.anonymous), correlation_id=case.case_id, causation_id=event.id)


async def on_clock_armed(uow: UnitOfWork, event: Event) -> None:
    """escalation.clock_armed → the case shows its deadline and the rule behind it."""
    clock = event.payload(escalation_pb2.ClockArmed).clock
    due = clock.due_at.ToDatetime(tzinfo=UTC)
    await _update(uow, event, clock.case_id, due_at=due, deadline_rule=clock.rule)
    _record(uow, clock.case_id, event, Entry.DEADLINE_SET,
                  f"{clock.name} due {due.isoformat()} ({clock.rule})", at=event.occurred_at)


async def on_delivered(uow: UnitOfWork, event: Event) -> None:
    """notification.delivered → the timeline shows what the complainant was told."""
    delivery = event.payload(notification_pb2.DeliveryRecorded).delivery
    changes = {"acknowledged": True} if delivery.template == "acknowledgement" else {}
    await _update(uow, event, delivery.case_id, **changes)
    _record(uow, delivery.case_id, event, Entry.ACKNOWLEDGED,
                  f"{delivery.template} {delivery.status} via {delivery.channel}",
                  at=delivery.delivered_at.ToDatetime(tzinfo=UTC))


def to_proto(row: sa.Row) -> case_pb2.Case:
    case = case_pb2.Case(
        case_id=row.case_id, case_number=row.case_number, tenant_id=row.tenant_id,
        kind=row.kind, channel=row.channel, status=row.status, category=row.category,
        department=row.department, handler_id=row.handler_id,
        first_contact_owner=row.first_contact_owner, content=row.content, demands=row.demands,
        anonymous=row.anonymous, deadline_rule=row.deadline_rule, acknowledged=row.acknowledged,
        respondent=common_pb2.Respondent(department=row.respondent_department,
                                         person=row.respondent_person),
        received_at=timestamp(row.received_at), updated_at=timestamp(row.updated_at))
    if row.due_at is not None:
        case.due_at.CopyFrom(timestamp(row.due_at))
    if not row.anonymous:
        case.complainant.CopyFrom(common_pb2.Party(name=row.complainant_name,
                                                   phone=row.complainant_phone))
    return case


async def get(uow: UnitOfWork, *, principal: Principal, case_id: str) -> case_pb2.Case:
    row = await _case(uow, principal.tenant_id, case_id)
    if row is None:
        raise NotFound("no such case")
    case = to_proto(row)
    entries = (await uow.conn.execute(sa.select(timeline).where(
        timeline.c.tenant_id == principal.tenant_id, timeline.c.case_id == case_id)
        .order_by(timeline.c.at, timeline.c.seq))).all()
    case.timeline.extend(case_pb2.TimelineEntry(
        at=timestamp(e.at), type=e.type, summary=e.summary, actor=e.actor, event_id=e.event_id)
        for e in entries)
    return case


def _cursor(row: sa.Row) -> str:
    raw = json.dumps([row.received_at.isoformat(), row.case_id]).encode()
    return base64.urlsafe_b64encode(raw).decode()


def _after(token: str) -> tuple[datetime, str]:
    try:
        at, case_id = json.loads(base64.urlsafe_b64decode(token.encode()))
        return datetime.fromisoformat(at), str(case_id)
    except (ValueError, TypeError) as exc:
        raise InvalidArgument("page_token is not valid", {"page_token": "not a token "
                              "this service issued"}) from exc


async def list_cases(uow: UnitOfWork, *, principal: Principal, page_size: int, page_token: str,
                     status: str) -> case_pb2.ListCasesResponse:
    """The tenant's cases, newest first, a page at a time (keyset pagination)."""
    if not 0 <= page_size <= MAX_PAGE:
        raise InvalidArgument("page_size out of range", {"page_size": f"must be 1..{MAX_PAGE}"})
    size = page_size or 50
    query = sa.select(cases).where(cases.c.tenant_id == principal.tenant_id)
    if status:
        query = query.where(cases.c.status == status)
    if page_token:
        at, case_id = _after(page_token)
        query = query.where(sa.tuple_(cases.c.received_at, cases.c.case_id) < (at, case_id))
    rows = (await uow.conn.execute(query.order_by(
        cases.c.received_at.desc(), cases.c.case_id.desc()).limit(size + 1))).all()
    response = case_pb2.ListCasesResponse(cases=[to_proto(r) for r in rows[:size]])
    if len(rows) > size:
        response.next_page_token = _cursor(rows[size - 1])
    return response

"""What other services tell the case: a submission came in, routing decided, a deadline was
set or passed, the complainant was notified; and the month-old chore."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from types import MappingProxyType

import sqlalchemy as sa
from casebridge.case.v1 import case_pb2
from casebridge.escalation.v1 import escalation_pb2
from casebridge.intake.v1 import intake_pb2
from casebridge.notification.v1 import notification_pb2
from casebridge.routing.v1 import routing_pb2
from casebridge_platform.messaging.consumer import Transient
from casebridge_platform.messaging.envelope import Event, timestamp
from casebridge_platform.messaging.outbox import UnitOfWork
from google.protobuf.timestamp_pb2 import Timestamp

from case.adapters import records
from case.adapters.tables import cases, tenants, transfers
from case.domain import model, paths
from case.domain.case import Case, Clock, Contact, Duplicate, Inbound
from case.domain.model import Entry, Status
from case.service_layer.entries import Cases, alert, assigned, record

KINDS = {intake_pb2.KIND_COMPLAINT: "complaint", intake_pb2.KIND_REPORT: "report"}


def _opened(received: intake_pb2.ComplaintReceived, tenant_id: str) -> Case:
    """The case as a submission opens it."""
    s = received.submission
    c = s.complainant
    return Case(
        case_id=s.case_id, tenant_id=tenant_id, case_number=s.case_number,
        status=Status.RECEIVED, tenant_kind=received.tenant_kind,
        kind=KINDS.get(s.kind, "complaint"), channel=s.channel, category=s.category,
        first_contact_owner=s.received_by, content=s.content, demands=s.demands,
        anonymous=s.anonymous, complainant_name=c.name, complainant_phone=c.phone,
        respondent_department=s.respondent.department, respondent_person=s.respondent.person,
        received_at=s.received_at.ToDatetime(tzinfo=UTC), updated_at=datetime.now(UTC),
        facts=s.facts, incident_time=s.incident_time, incident_place=s.incident_place,
        details=MappingProxyType(dict(s.details)), circumstances=tuple(s.circumstances),
        referred_by=s.referred_by, respondent_unit=s.respondent.unit,
        other_departments=tuple(s.respondent.other_departments),
        contact=Contact(c.unit, c.relation, c.address, c.email),
        possible_duplicates=tuple(Duplicate(d.case_id, d.case_number, d.score,
                                            tuple(d.reasons)) for d in s.possible_duplicates),
        claimed_amount_fen=s.claimed_amount.amount_fen if s.HasField("claimed_amount")
        else None,
        sealed_identity=s.sealed_identity)


async def on_received(uow: UnitOfWork, event: Event, cases: Cases) -> None:
    """intake.received → the case is opened, its first-contact owner the one who took it in."""
    received = event.payload(intake_pb2.ComplaintReceived)
    s = received.submission
    case = _opened(received, event.tenant_id)
    if s.channel == "transfer" and (link := await _arrival(uow, event, s)):
        case = replace(case, transfer_in=link)
    cases.add(case)
    at = case.received_at
    record(uow, event.tenant_id, s.case_id, event.id, Entry.RECEIVED,
           model.received_summary(s.channel, case.kind, s.case_number), actor=s.received_by,
           at=at, to_status=Status.RECEIVED.value)
    if (link := case.transfer_in) is not None:
        record(uow, event.tenant_id, s.case_id, event.id, Entry.TRANSFERRED_IN,
               f"sent by {link.sender} along {link.title} (their case "
               f"{link.origin_case_number}); accept it, decline it (refuse) or return it "
               "(退回)" + ("; the complainant has since withdrawn it there"
                         if link.outcome == "withdrawn" else ""), at=at)
    if s.possible_duplicates:
        numbers = ", ".join(f"{d.case_number} ({d.score:.2f})" for d in s.possible_duplicates)
        record(uow, event.tenant_id, s.case_id, event.id, "possible_duplicate",
               f"may repeat {numbers}", at=at)
    uow.emit("case.opened", event.tenant_id, case_pb2.CaseOpened(
        case_id=s.case_id, case_number=s.case_number, tenant_kind=received.tenant_kind,
        kind=case.kind, received_at=s.received_at, anonymous=s.anonymous,
        circumstances=s.circumstances, received_by=s.received_by, category=s.category,
        inbound_path=case.transfer_in.path if case.transfer_in else "", channel=s.channel,
        died_at=_moment(s.details.get("death_time", ""))),
        correlation_id=s.case_id, causation_id=event.id)


def _moment(text: str) -> Timestamp | None:
    """A registered date-time (Beijing time when it has no offset) as a Timestamp, if any."""
    moment = model.parse_moment(text)
    return timestamp(moment) if moment else None


async def _arrival(uow: UnitOfWork, event: Event, s: intake_pb2.Submission) -> Inbound | None:
    """A case sent here along a path: its transfer, which now knows the case's number, and
    the link the case keeps."""
    row = (await uow.conn.execute(sa.select(transfers).where(
        transfers.c.tenant_id == event.tenant_id, transfers.c.case_id == s.case_id,
        transfers.c.direction == "in"))).first()
    if row is None:
        return None
    await uow.conn.execute(transfers.update().where(
        transfers.c.tenant_id == event.tenant_id, transfers.c.transfer_id == row.transfer_id)
        .values(case_number=s.case_number))
    path = paths.paths_of(row.path_kind).get(row.path)
    return Inbound(row.transfer_id, row.path, row.peer, row.peer_case_number,
                   path.title if path else row.path, path.on_accept if path else "wait",
                   "withdrawn" if row.status == "withdrawn" else "")


async def _locked(uow: UnitOfWork, cases: Cases, case_id: str) -> Case:
    """The case, locked for this transaction; an event about a case not opened yet waits."""
    case = await cases.get(uow, case_id)
    if case is None:
        raise Transient(f"case {case_id} is not opened yet")
    return case


async def on_routed(uow: UnitOfWork, event: Event, cases: Cases) -> None:
    """routing.decided → the case's department and handler (proposed before acceptance,
    effective after), its category and severity; alerts when it becomes 重大 or 危机."""
    decision = event.payload(routing_pb2.RoutingDecided)
    case = await _locked(uow, cases, decision.case_id)
    if case.status in model.DONE:
        return  # closed meanwhile: nothing to route
    severity = model.higher(decision.severity or "一般", case.severity)
    reasons = tuple(dict.fromkeys([*case.severity_reasons, *decision.severity_reasons]))
    handler = decision.handler_id
    if not handler and decision.trigger == "reassign":
        handler = case.handler_id  # nobody else free: it stays where it is
        decision.handler_id = handler
        decision.reason += f"; no other handler is available, it stays with {handler}"
    status = case.status
    to = Status.ASSIGNED if status == Status.ACCEPTED and handler else status
    if status == Status.ASSIGNED and not handler:
        to = Status.ACCEPTED  # the handler recused and nobody is left: awaiting one
    cases.save(replace(
        case, category=decision.category, department=decision.department, handler_id=handler,
        severity=severity, status=to, coordinated=decision.coordinated,
        on_duty=decision.on_duty, category_source=decision.category_source,
        matched_keywords=tuple(decision.matched_keywords), severity_reasons=reasons,
        departments_involved=tuple(decision.departments_involved),
        updated_at=datetime.now(UTC)))
    record(uow, event.tenant_id, case.case_id, event.id, _entry(decision),
           _routed_summary(decision), from_status=status.value, to_status=to.value)
    if to == Status.ASSIGNED and (status != to or handler != case.handler_id):
        assigned(uow, event.id, case, decision.department, handler, severity)
    if severity in model.ALERTING and severity != case.severity:
        alert(uow, event.id, case, severity, list(reasons))


def _entry(decision: routing_pb2.RoutingDecided) -> str:
    if decision.trigger == "handover":
        return Entry.HANDED_OVER
    return Entry.ROUTED if decision.trigger in ("", "intake") else Entry.ASSIGNED


def _routed_summary(decision: routing_pb2.RoutingDecided) -> str:
    summary = model.routed_summary(decision.category, decision.department, decision.handler_id,
                                   decision.reason)
    if decision.on_duty:
        summary += (" — received off-hours: held by the on-duty officer until "
                    f"{decision.handover_at.ToDatetime(tzinfo=UTC).isoformat()}")
    if decision.coordinated:
        summary += f" — spans {', '.join(decision.departments_involved)}: a lead is to be named"
    return summary


async def on_alert(uow: UnitOfWork, event: Event, cases: Cases) -> None:
    """case.alert of a hospital's 重大/危机 case → reported to the health authority of its
    area, the nearest one whose division holds the hospital's (《医疗纠纷预防和处理条例》
    第二十八条: 发生重大医疗纠纷的，医疗机构应当按照规定向所在地县级以上地方人民政府
    卫生主管部门报告) — only a major dispute as the tenant's rules define it (model.major_dispute),
    not every keyword hit nor every month-old case."""
    raised = event.payload(case_pb2.CaseAlert)
    if raised.severity not in model.REPORTED_SEVERITIES:
        return
    await uow.all_tenants()   # the tenants' kinds and divisions: configuration, read across
    everyone = {t.tenant_id: t for t in (await uow.conn.execute(sa.select(tenants))).all()}
    await uow.set_tenant(event.tenant_id)
    me = everyone.get(event.tenant_id)
    if me is None or me.kind != "hospital" or not model.major_dispute(
            raised.circumstances, (me.rules or {}).get("major_dispute_circumstances")):
        return
    authority = model.health_authority(me, everyone.values())
    if authority is None:
        return
    record(uow, event.tenant_id, raised.case_id, event.id, Entry.REPORTED,
           f"reported to the health authority {authority.tenant_id} (《医疗纠纷预防和处理条例》"
           "第二十八条)")
    uow.emit("case.reported", authority.tenant_id, case_pb2.CaseAlert(
        case_id=raised.case_id, case_number=raised.case_number, severity=raised.severity,
        reasons=list(raised.reasons), audiences=["regulator"], institution=event.tenant_id),
        correlation_id=raised.case_id, causation_id=event.id)


async def on_clock_armed(uow: UnitOfWork, event: Event, cases: Cases) -> None:
    """escalation.clock_armed/stopped/paused → the case shows its nearest running deadline and
    its rule (none while every clock is paused or stopped)."""
    clock = event.payload(escalation_pb2.ClockArmed).clock
    case = await _locked(uow, cases, clock.case_id)
    due = clock.due_at.ToDatetime(tzinfo=UTC)
    clocks = MappingProxyType({**case.clocks, clock.name: Clock(
        due, clock.rule, clock.state or "running")})
    new = replace(case, clocks=clocks, updated_at=datetime.now(UTC))
    due_at, rule = new.nearest_deadline()
    cases.save(replace(new, due_at=due_at, deadline_rule=rule))
    waiting = ("is with another institution" if case.status == Status.TRANSFERRED
               else "is on hold")
    summary = (f"{clock.name} paused while the case {waiting}" if clock.state == "paused"
               else f"{clock.name} {clock.state or 'running'}, due {due.isoformat()} "
                    f"({clock.rule})")
    record(uow, event.tenant_id, clock.case_id, event.id, Entry.DEADLINE_SET, summary,
           at=event.occurred_at)


async def on_timer(uow: UnitOfWork, event: Event, cases: Cases) -> None:
    """escalation.warning / breached / escalated → the timeline says a deadline is near, missed,
    or climbing the ladder, and who was told (the overdue filter follows from the due date)."""
    fired = event.payload(escalation_pb2.TimerFired)
    case = await _locked(uow, cases, fired.case_id)
    due = model.local_deadline(fired.due_at.ToDatetime(tzinfo=UTC))
    what = {"breach": "missed", "warning": "approaching"}.get(fired.kind, "still missed")
    summary = f"{fired.clock} deadline {what}: due {due} ({fired.rule})"
    if fired.rung_title:
        summary += f"; escalated to {fired.rung_title}, told {', '.join(fired.audiences)}"
    entry = "deadline_escalated" if fired.kind.startswith("rung") else f"deadline_{fired.kind}"
    record(uow, event.tenant_id, case.case_id, event.id, entry, summary,
           at=fired.fired_at.ToDatetime(tzinfo=UTC))


async def on_delivered(uow: UnitOfWork, event: Event, cases: Cases) -> None:
    """notification.delivered → the timeline shows what the complainant was told."""
    delivery = event.payload(notification_pb2.DeliveryRecorded).delivery
    case = await _locked(uow, cases, delivery.case_id)
    if delivery.template == "acknowledgement":
        cases.save(replace(case, acknowledged=True, updated_at=datetime.now(UTC)))
    record(uow, event.tenant_id, delivery.case_id, event.id, Entry.NOTIFIED,
           f"{delivery.template} {delivery.status} via {delivery.channel} to "
           f"{delivery.recipient.split(':')[0]}",
           at=delivery.delivered_at.ToDatetime(tzinfo=UTC))


async def raise_month_old(uow: UnitOfWork, *, limit: int = 200) -> int:
    """Any complaint still open a month after intake becomes 重大 (seed 000 客户投诉处理流程
    第三条), and leadership is alerted — unless it waits lawfully (model.WAITING_LAWFULLY: on
    hold, transferred, or a deadline still running). A chore: `uow` sees all tenants."""
    now = datetime.now(UTC)
    cutoff = model.month_before(now)
    due = (sa.select(cases.c.case_id).where(
        cases.c.received_at < cutoff, cases.c.severity.in_(["一般", "重要"]),
        cases.c.status.in_([s.value for s in model.OPEN - model.WAITING_LAWFULLY]),
        sa.or_(cases.c.due_at.is_(None), cases.c.due_at <= now)).limit(limit))
    if uow.dialect == "postgresql":
        due = due.with_for_update(skip_locked=True)
    # the UPDATE is the claim: a second replica finds these already 重大
    rows = (await uow.conn.execute(cases.update().where(cases.c.case_id.in_(due))
                                   .values(severity="重大", updated_at=datetime.now(UTC))
                                   .returning(*cases.c))).all()
    for row in rows:
        alert(uow, "", records.case_of(row), "重大",
              ["open for more than a month (一个月内未得以解决)"])
    return len(rows)

"""What other services tell the case: a submission came in, routing decided, a deadline was
set, the complainant was notified."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from casebridge.case.v1 import case_pb2
from casebridge.escalation.v1 import escalation_pb2
from casebridge.intake.v1 import intake_pb2
from casebridge.notification.v1 import notification_pb2
from casebridge.routing.v1 import routing_pb2
from casebridge_platform.messaging.consumer import Transient
from casebridge_platform.messaging.envelope import Event, timestamp
from casebridge_platform.messaging.outbox import UnitOfWork

from case.adapters.tables import cases, tenants, timeline, transfers
from case.domain import model, paths
from case.domain.model import Entry, Status

KINDS = {intake_pb2.KIND_COMPLAINT: "complaint", intake_pb2.KIND_REPORT: "report"}


def record(uow: UnitOfWork, tenant_id: str, case_id: str, event_id: str, entry: str,
           summary: str, *, actor: str = "system", at: datetime | None = None,
           from_status: str = "", to_status: str = "", reason: str = "") -> None:
    """Append to the case's timeline (append-only: the database refuses edits)."""
    uow.insert_later(timeline, {
        "tenant_id": tenant_id, "case_id": case_id, "at": at or datetime.now(UTC),
        "type": entry, "summary": summary, "actor": actor, "event_id": event_id,
        "from_status": from_status, "to_status": to_status, "reason": reason})


def transitioned(uow: UnitOfWork, row: sa.Row, *, action: str, from_status: str, to: str,
                 actor: str, reason: str, at: datetime, disposition: str,
                 department: str | None = None, hold_kind: str = "", notice: str = "",
                 milestone: str = "", transfer_path: str = "", outcome: str = "") -> None:
    """Announce case.transitioned: every change of a case, by a person or a message."""
    uow.emit("case.transitioned", row.tenant_id, case_pb2.CaseTransitioned(
        case_id=row.case_id, case_number=row.case_number, tenant_kind=row.tenant_kind,
        kind=row.kind, action=action, from_status=from_status, to_status=to, actor=actor,
        reason=reason, disposition=disposition,
        department=row.department if department is None else department,
        handler_id=row.handler_id, at=timestamp(at), anonymous=row.anonymous,
        severity=row.severity, hold_kind=hold_kind, notice=notice, milestone=milestone,
        transfer_path=transfer_path, outcome=outcome), correlation_id=row.case_id)


def _extra(s: intake_pb2.Submission) -> dict:
    """What the case shows of a submission but never filters on."""
    extra: dict[str, object] = {
        "facts": s.facts, "incident_time": s.incident_time, "incident_place": s.incident_place,
        "details": dict(s.details), "circumstances": list(s.circumstances),
        "referred_by": s.referred_by, "respondent_unit": s.respondent.unit,
        "other_departments": list(s.respondent.other_departments),
        "complainant": {"unit": s.complainant.unit, "relation": s.complainant.relation,
                        "address": s.complainant.address, "email": s.complainant.email},
        "possible_duplicates": [
            {"case_id": d.case_id, "case_number": d.case_number, "score": d.score,
             "reasons": list(d.reasons)} for d in s.possible_duplicates],
    }
    if s.HasField("claimed_amount"):
        extra["claimed_amount_fen"] = s.claimed_amount.amount_fen
    if s.sealed_identity:
        extra["sealed_identity"] = s.sealed_identity
    return extra


async def on_received(uow: UnitOfWork, event: Event) -> None:
    """intake.received → the case is opened, its first-contact owner the one who took it in."""
    received = event.payload(intake_pb2.ComplaintReceived)
    s = received.submission
    at = s.received_at.ToDatetime(tzinfo=UTC)
    kind = KINDS.get(s.kind, "complaint")
    extra = _extra(s)
    if s.channel == "transfer" and (link := await _arrival(uow, event, s)):
        extra["transfer_in"] = link
    await uow.conn.execute(cases.insert().values(
        case_id=s.case_id, tenant_id=event.tenant_id, case_number=s.case_number,
        tenant_kind=received.tenant_kind, kind=kind, channel=s.channel,
        status=Status.RECEIVED.value, category=s.category, department="", handler_id="",
        deadline_rule="", acknowledged=False, first_contact_owner=s.received_by,
        content=s.content, demands=s.demands, anonymous=s.anonymous,
        complainant_name=s.complainant.name, complainant_phone=s.complainant.phone,
        respondent_department=s.respondent.department, respondent_person=s.respondent.person,
        received_at=at, updated_at=datetime.now(UTC), severity="一般", coordinated=False,
        on_duty=False, disposition="", held_from="", round=1, escalated=False,
        extra=extra))
    record(uow, event.tenant_id, s.case_id, event.id, Entry.RECEIVED,
           model.received_summary(s.channel, kind, s.case_number), actor=s.received_by, at=at,
           to_status=Status.RECEIVED.value)
    if link := extra.get("transfer_in"):
        record(uow, event.tenant_id, s.case_id, event.id, Entry.TRANSFERRED_IN,
               f"sent by {link['from']} along {link['title']} (their case "
               f"{link['origin_case_number']}); accept it, decline it (refuse) or return it "
               "(退回)" + ("; the complainant has since withdrawn it there"
                         if link["outcome"] == "withdrawn" else ""), at=at)
    if s.possible_duplicates:
        numbers = ", ".join(f"{d.case_number} ({d.score:.2f})" for d in s.possible_duplicates)
        record(uow, event.tenant_id, s.case_id, event.id, "possible_duplicate",
               f"may repeat {numbers}", at=at)
    uow.emit("case.opened", event.tenant_id, case_pb2.CaseOpened(
        case_id=s.case_id, case_number=s.case_number, tenant_kind=received.tenant_kind,
        kind=kind, received_at=s.received_at, anonymous=s.anonymous,
        circumstances=s.circumstances, received_by=s.received_by, category=s.category,
        inbound_path=(extra.get("transfer_in") or {}).get("path", "")),
        correlation_id=s.case_id, causation_id=event.id)


async def _arrival(uow: UnitOfWork, event: Event, s: intake_pb2.Submission) -> dict | None:
    """A case sent here along a path: its transfer, which now knows the case's number, and
    the link the case keeps (see queries.transfer_state)."""
    row = (await uow.conn.execute(sa.select(transfers).where(
        transfers.c.tenant_id == event.tenant_id, transfers.c.case_id == s.case_id,
        transfers.c.direction == "in"))).first()
    if row is None:
        return None
    await uow.conn.execute(transfers.update().where(
        transfers.c.tenant_id == event.tenant_id, transfers.c.transfer_id == row.transfer_id)
        .values(case_number=s.case_number))
    path = paths.paths_of(row.path_kind).get(row.path)
    return {"transfer_id": row.transfer_id, "path": row.path, "from": row.peer,
            "origin_case_number": row.peer_case_number,
            "title": path.title if path else row.path,
            "on_accept": path.on_accept if path else "wait",
            "outcome": "withdrawn" if row.status == "withdrawn" else ""}


async def _locked(uow: UnitOfWork, tenant_id: str, case_id: str) -> sa.Row:
    """The case, locked for this transaction; an event about a case not opened yet waits."""
    query = sa.select(cases).where(cases.c.tenant_id == tenant_id, cases.c.case_id == case_id)
    if uow.dialect == "postgresql":
        query = query.with_for_update()
    row = (await uow.conn.execute(query)).first()
    if row is None:
        raise Transient(f"case {case_id} is not opened yet")
    return row


async def _save(uow: UnitOfWork, row: sa.Row, **values: object) -> None:
    await uow.conn.execute(cases.update().where(
        cases.c.tenant_id == row.tenant_id, cases.c.case_id == row.case_id)
        .values(**values, updated_at=datetime.now(UTC)))


async def on_routed(uow: UnitOfWork, event: Event) -> None:
    """routing.decided → the case's department and handler (proposed before acceptance,
    effective after), its category and severity; alerts when it becomes 重大 or 危机."""
    decision = event.payload(routing_pb2.RoutingDecided)
    row = await _locked(uow, event.tenant_id, decision.case_id)
    status = model.Status(row.status)
    if status in model.DONE:
        return  # closed meanwhile: nothing to route
    severity = model.higher(decision.severity or "一般", row.severity)
    extra = {**(row.extra or {}), "category_source": decision.category_source,
             "matched_keywords": list(decision.matched_keywords),
             "severity_reasons": _reasons(row, decision),
             "departments_involved": list(decision.departments_involved)}
    handler = decision.handler_id
    if not handler and decision.trigger == "reassign":
        handler = row.handler_id  # nobody else free: it stays where it is
        decision.handler_id = handler
        decision.reason += f"; no other handler is available, it stays with {handler}"
    to = Status.ASSIGNED if status == Status.ACCEPTED and handler else status
    if status == Status.ASSIGNED and not handler:
        to = Status.ACCEPTED  # the handler recused and nobody is left: awaiting one
    await _save(uow, row, category=decision.category, department=decision.department,
                handler_id=handler, severity=severity, status=to.value,
                coordinated=decision.coordinated, on_duty=decision.on_duty, extra=extra)
    record(uow, event.tenant_id, row.case_id, event.id, _entry(decision),
           _routed_summary(decision), from_status=status.value, to_status=to.value)
    if to == Status.ASSIGNED and (status != to or handler != row.handler_id):
        emit_assigned(uow, event.id, row, decision.department, handler, severity)
    if severity in model.ALERTING and severity != row.severity:
        alert(uow, event.id, row, severity, extra["severity_reasons"])


def _reasons(row: sa.Row, decision: routing_pb2.RoutingDecided) -> list[str]:
    kept = (row.extra or {}).get("severity_reasons", [])
    return list(dict.fromkeys([*kept, *decision.severity_reasons]))


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


def emit_assigned(uow: UnitOfWork, cause: str, row: sa.Row, department: str, handler_id: str,
                  severity: str) -> None:
    uow.emit("case.assigned", row.tenant_id, case_pb2.CaseAssigned(
        case_id=row.case_id, case_number=row.case_number, tenant_kind=row.tenant_kind,
        kind=row.kind, category=row.category, department=department, handler_id=handler_id,
        received_at=timestamp(row.received_at), anonymous=row.anonymous, severity=severity),
        correlation_id=row.case_id, causation_id=cause)


def alert(uow: UnitOfWork, cause: str, row: sa.Row, severity: str, reasons: list[str]) -> None:
    """重大 and 危机 go to the complaint office and leadership at once; disruption at the
    premises to security as well (seed 000 客户投诉处理流程, 医疗纠纷处理流程图)."""
    audiences = ["complaint_office", "leadership"]
    circumstances = set((row.extra or {}).get("circumstances", []))
    if "disruption" in circumstances or any("disruption" in r or "闹" in r for r in reasons):
        audiences.append("security")
    record(uow, row.tenant_id, row.case_id, cause, Entry.SEVERITY,
           f"severity {severity}: {'; '.join(reasons) or 'open for a month'} — alerted "
           f"{', '.join(audiences)}")
    uow.emit("case.alert", row.tenant_id, case_pb2.CaseAlert(
        case_id=row.case_id, case_number=row.case_number, severity=severity, reasons=reasons,
        audiences=audiences), correlation_id=row.case_id, causation_id=cause)


async def on_alert(uow: UnitOfWork, event: Event) -> None:
    """case.alert of a hospital's 重大/危机 case → reported to the health authority of its
    area, the nearest one whose division holds the hospital's (《医疗纠纷预防和处理条例》
    第二十八条: 发生重大医疗纠纷的，医疗机构应当按照规定向所在地县级以上地方人民政府
    卫生主管部门报告)."""
    alert = event.payload(case_pb2.CaseAlert)
    if alert.severity not in model.REPORTED_SEVERITIES:
        return
    await uow.all_tenants()   # the tenants' kinds and divisions: configuration, read across
    everyone = {t.tenant_id: t for t in (await uow.conn.execute(sa.select(tenants))).all()}
    await uow.set_tenant(event.tenant_id)
    me = everyone.get(event.tenant_id)
    if me is None or me.kind != "hospital":
        return
    authority = model.health_authority(me, everyone.values())
    if authority is None:
        return
    record(uow, event.tenant_id, alert.case_id, event.id, Entry.REPORTED,
           f"reported to the health authority {authority.tenant_id} (《医疗纠纷预防和处理条例》"
           "第二十八条)")
    uow.emit("case.reported", authority.tenant_id, case_pb2.CaseAlert(
        case_id=alert.case_id, case_number=alert.case_number, severity=alert.severity,
        reasons=list(alert.reasons), audiences=["regulator"], institution=event.tenant_id),
        correlation_id=alert.case_id, causation_id=event.id)


async def on_clock_armed(uow: UnitOfWork, event: Event) -> None:
    """escalation.clock_armed/stopped/paused → the case shows its nearest running deadline and
    its rule (none while every clock is paused or stopped)."""
    clock = event.payload(escalation_pb2.ClockArmed).clock
    row = await _locked(uow, event.tenant_id, clock.case_id)
    clocks = {**(row.extra or {}).get("clocks", {}), clock.name: {
        "due_at": clock.due_at.ToDatetime(tzinfo=UTC).isoformat(), "rule": clock.rule,
        "state": clock.state or "running"}}
    await _save(uow, row, extra={**(row.extra or {}), "clocks": clocks}, **_nearest(clocks))
    due = clock.due_at.ToDatetime(tzinfo=UTC)
    waiting = ("is with another institution" if row.status == Status.TRANSFERRED
               else "is on hold")
    summary = (f"{clock.name} paused while the case {waiting}" if clock.state == "paused"
               else f"{clock.name} {clock.state or 'running'}, due {due.isoformat()} "
                    f"({clock.rule})")
    record(uow, event.tenant_id, clock.case_id, event.id, Entry.DEADLINE_SET, summary,
           at=event.occurred_at)


def _nearest(clocks: dict[str, dict]) -> dict[str, object]:
    running = sorted((c["due_at"], c["rule"]) for c in clocks.values()
                     if c["state"] == "running")
    if not running:
        return {"due_at": None, "deadline_rule": ""}
    return {"due_at": datetime.fromisoformat(running[0][0]), "deadline_rule": running[0][1]}


async def on_timer(uow: UnitOfWork, event: Event) -> None:
    """escalation.warning / breached / escalated → the timeline says a deadline is near, missed,
    or climbing the ladder, and who was told (the overdue filter follows from the due date)."""
    fired = event.payload(escalation_pb2.TimerFired)
    row = await _locked(uow, event.tenant_id, fired.case_id)
    due = model.local_deadline(fired.due_at.ToDatetime(tzinfo=UTC))
    what = {"breach": "missed", "warning": "approaching"}.get(fired.kind, "still missed")
    summary = f"{fired.clock} deadline {what}: due {due} ({fired.rule})"
    if fired.rung_title:
        summary += f"; escalated to {fired.rung_title}, told {', '.join(fired.audiences)}"
    entry = "deadline_escalated" if fired.kind.startswith("rung") else f"deadline_{fired.kind}"
    record(uow, event.tenant_id, row.case_id, event.id, entry, summary,
           at=fired.fired_at.ToDatetime(tzinfo=UTC))


async def on_delivered(uow: UnitOfWork, event: Event) -> None:
    """notification.delivered → the timeline shows what the complainant was told."""
    delivery = event.payload(notification_pb2.DeliveryRecorded).delivery
    row = await _locked(uow, event.tenant_id, delivery.case_id)
    if delivery.template == "acknowledgement":
        await _save(uow, row, acknowledged=True)
    record(uow, event.tenant_id, delivery.case_id, event.id, Entry.NOTIFIED,
           f"{delivery.template} {delivery.status} via {delivery.channel} to "
           f"{delivery.recipient.split(':')[0]}",
           at=delivery.delivered_at.ToDatetime(tzinfo=UTC))


async def raise_month_old(uow: UnitOfWork, *, limit: int = 200) -> int:
    """Any complaint still open a month after intake becomes 重大 (seed 000 客户投诉处理流程
    第三条), and leadership is alerted. A chore: `uow` sees all tenants."""
    cutoff = model.month_before(datetime.now(UTC))
    due = (sa.select(cases.c.case_id).where(
        cases.c.received_at < cutoff, cases.c.severity.in_(["一般", "重要"]),
        cases.c.status.in_([s.value for s in model.OPEN])).limit(limit))
    if uow.dialect == "postgresql":
        due = due.with_for_update(skip_locked=True)
    # the UPDATE is the claim: a second replica finds these already 重大
    rows = (await uow.conn.execute(cases.update().where(cases.c.case_id.in_(due))
                                   .values(severity="重大", updated_at=datetime.now(UTC))
                                   .returning(*cases.c))).all()
    for row in rows:
        alert(uow, "", row, "重大", ["open for more than a month (一个月内未得以解决)"])
    return len(rows)

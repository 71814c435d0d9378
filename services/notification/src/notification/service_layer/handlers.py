"""The notification service's handlers: what the complainant and staff must be told."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from casebridge.case.v1 import case_pb2
from casebridge.escalation.v1 import escalation_pb2
from casebridge.notification.v1 import notification_pb2
from casebridge_platform.auth import Principal
from casebridge_platform.db import insert_ignore
from casebridge_platform.messaging.envelope import Event, timestamp
from casebridge_platform.messaging.outbox import UnitOfWork

from notification.adapters.tables import deliveries
from notification.domain import templates

log = logging.getLogger(__name__)


def to_proto(row: sa.Row | dict) -> notification_pb2.Delivery:
    r = row if isinstance(row, dict) else row._mapping
    delivery = notification_pb2.Delivery(
        delivery_id=r["delivery_id"], case_id=r["case_id"], template=r["template"],
        recipient=r["recipient"], channel=r["channel"], status=r["status"], body=r["body"],
        attempts=r["attempts"])
    if r["delivered_at"] is not None:
        delivery.delivered_at.CopyFrom(timestamp(r["delivered_at"]))
    return delivery


async def _deliver(uow: UnitOfWork, event: Event, *, case_id: str, template: str,
                   recipient: str, channel: str, body: str) -> None:
    """Record one delivery, once per source event, recipient and channel, and announce it
    when it concerns a case.

    The key makes a redelivered event a no-op while each event (a warning, a breach, each
    later rung) and each of its recipients is a delivery of its own.
    """
    row = {
        "delivery_id": str(uuid.uuid4()), "tenant_id": event.tenant_id, "case_id": case_id,
        "source_event_id": event.id, "template": template, "recipient": recipient,
        "channel": channel, "status": "delivered", "body": body, "attempts": 1,
        "delivered_at": datetime.now(UTC),
    }
    stored = await uow.conn.execute(insert_ignore(deliveries, uow.dialect).values(**row))
    if stored.rowcount != 1:
        return
    log.info("%s for case %s recorded on %s", template, case_id or "-", channel)
    if not case_id:
        return  # nothing for a case's timeline: the case service would wait for it forever
    uow.emit("notification.delivered", event.tenant_id,
             notification_pb2.DeliveryRecorded(delivery=to_proto(row)),
             correlation_id=case_id, causation_id=event.id)


def _complainant_notice(moved: case_pb2.CaseTransitioned) -> tuple[str, str] | None:
    """The complainant's notice for an acceptance decision, if this transition is one."""
    if moved.action == "accept":
        return "acknowledgement", templates.acknowledgement(
            case_number=moved.case_number, anonymous=moved.anonymous)
    if moved.action == "refuse":
        return "refusal_notice", templates.refusal(
            case_number=moved.case_number, reason=moved.reason, notice=moved.notice)
    if moved.action == "refer":
        return "referral_notice", templates.referral(
            case_number=moved.case_number, competent_body=moved.notice,
            transferred=moved.disposition == "transferred")
    return None


async def on_transitioned(uow: UnitOfWork, event: Event) -> None:
    """case.transitioned → the acceptance decision told to the complainant: 受理回执,
    不予受理告知书, or who is competent.

    An anonymous complainant is never pushed anything: the notice waits in the portal, behind
    the access code. Real-name complainants get it in-app; e-mail and SMS come later.
    """
    moved = event.payload(case_pb2.CaseTransitioned)
    notice = _complainant_notice(moved)
    if notice is None:
        return
    template, body = notice
    await _deliver(uow, event, case_id=moved.case_id, template=template,
                   recipient=f"complainant:{moved.case_id}",
                   channel="portal" if moved.anonymous else "in_app", body=body)


async def on_alert(uow: UnitOfWork, event: Event) -> None:
    """case.alert → each audience (complaint office, leadership, security) told in-app."""
    alert = event.payload(case_pb2.CaseAlert)
    for audience in alert.audiences:
        await _deliver(uow, event, case_id=alert.case_id, template=f"alert_{alert.severity}",
                       recipient=f"role:{audience}", channel="in_app",
                       body=templates.alert(case_number=alert.case_number,
                                            severity=alert.severity,
                                            reasons=list(alert.reasons), audience=audience))


# The ladder's notices by event type; the breach keeps its name from before the ladder.
TIMER_NOTICES = {
    "escalation.warning": ("deadline_warning", templates.deadline_warning),
    "escalation.breached": ("deadline_missed", templates.deadline_missed),
    "escalation.escalated": ("deadline_escalated", templates.deadline_escalated),
}
# An event from before the ladder resolved audiences still reaches the complaint office.
DEFAULT_AUDIENCES = ("role:complaint_office",)
REGULATOR_AUDIENCES = ("role:supervisor", "role:leader")


async def on_timer(uow: UnitOfWork, event: Event) -> None:
    """escalation.warning / breached / escalated → each audience the ladder resolved
    ("user:…", "role:…", "department:…", "on_duty") told in-app, once."""
    fired = event.payload(escalation_pb2.TimerFired)
    template, render = TIMER_NOTICES[event.type]
    body = render(case_number=fired.case_number, clock=fired.clock,
                  due_at=fired.due_at.ToDatetime(tzinfo=UTC), rule=fired.rule,
                  rung_title=fired.rung_title, off_hours=fired.off_hours,
                  department=fired.department)
    for recipient in dict.fromkeys(a for a in fired.audiences if a) or DEFAULT_AUDIENCES:
        await _deliver(uow, event, case_id=fired.case_id, template=template,
                       recipient=recipient, channel="in_app", body=body)


async def on_regulator_report(uow: UnitOfWork, event: Event) -> None:
    """escalation.regulator_report (in the regulator's tenant) → its supervisors and leaders
    told in-app which institution keeps missing deadlines; case numbers only."""
    report = event.payload(escalation_pb2.RegulatorReport)
    body = templates.regulator_report(
        institution=report.institution, period=report.period, breaches=report.breaches,
        threshold=report.threshold, case_numbers=list(report.case_numbers))
    for recipient in REGULATOR_AUDIENCES:
        await _deliver(uow, event, case_id="", template="regulator_report",
                       recipient=recipient, channel="in_app", body=body)


async def list_deliveries(uow: UnitOfWork, *, principal: Principal,
                          case_id: str) -> notification_pb2.ListDeliveriesResponse:
    rows = (await uow.conn.execute(sa.select(deliveries).where(
        deliveries.c.tenant_id == principal.tenant_id, deliveries.c.case_id == case_id)
        .order_by(deliveries.c.delivered_at))).all()
    return notification_pb2.ListDeliveriesResponse(deliveries=[to_proto(r) for r in rows])

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
    """Record one delivery, once per source event, recipient and channel, and announce it."""
    row = {
        "delivery_id": str(uuid.uuid4()), "tenant_id": event.tenant_id, "case_id": case_id,
        "source_event_id": event.id, "template": template, "recipient": recipient,
        "channel": channel, "status": "delivered", "body": body, "attempts": 1,
        "delivered_at": datetime.now(UTC),
    }
    stored = await uow.conn.execute(insert_ignore(deliveries, uow.dialect).values(**row))
    if stored.rowcount != 1:
        return
    log.info("%s for case %s recorded on %s", template, case_id, channel)
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


async def on_breached(uow: UnitOfWork, event: Event) -> None:
    """escalation.breached → the complaint office is told in-app (the ladder's first rung;
    tenant ladders come with issue 4)."""
    fired = event.payload(escalation_pb2.TimerFired)
    await _deliver(uow, event, case_id=fired.case_id, template="deadline_missed",
                   recipient="role:complaint_office", channel="in_app",
                   body=templates.deadline_missed(
                       case_number=fired.case_number, clock=fired.clock,
                       due_at=fired.due_at.ToDatetime(tzinfo=UTC), rule=fired.rule))


async def list_deliveries(uow: UnitOfWork, *, principal: Principal,
                          case_id: str) -> notification_pb2.ListDeliveriesResponse:
    rows = (await uow.conn.execute(sa.select(deliveries).where(
        deliveries.c.tenant_id == principal.tenant_id, deliveries.c.case_id == case_id)
        .order_by(deliveries.c.delivered_at))).all()
    return notification_pb2.ListDeliveriesResponse(deliveries=[to_proto(r) for r in rows])

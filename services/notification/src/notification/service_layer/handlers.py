"""The notification service's handlers: the acknowledgement receipt (受理回执)."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
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


async def on_clock_armed(uow: UnitOfWork, event: Event) -> None:
    """escalation.clock_armed → the acknowledgement receipt, once per case, recipient, channel.

    An anonymous complainant is never pushed anything: the receipt waits in the portal, behind
    the access code. Real-name complainants get it in-app; e-mail and SMS come later.
    """
    armed = event.payload(escalation_pb2.ClockArmed)
    clock = armed.clock
    channel = "portal" if armed.anonymous else "in_app"
    row = {
        "delivery_id": str(uuid.uuid4()), "tenant_id": event.tenant_id, "case_id": clock.case_id,
        "source_event_id": event.id, "template": "acknowledgement",
        "recipient": f"complainant:{clock.case_id}", "channel": channel, "status": "delivered",
        "body": templates.acknowledgement(case_number=armed.case_number,
                                          due_at=clock.due_at.ToDatetime(tzinfo=UTC),
                                          anonymous=armed.anonymous),
        "attempts": 1, "delivered_at": datetime.now(UTC),
    }
    stored = await uow.conn.execute(insert_ignore(deliveries, uow.dialect).values(**row))
    if stored.rowcount != 1:
        return
    log.info("acknowledgement for case %s recorded on %s", armed.case_number, channel)
    uow.emit("notification.delivered", event.tenant_id,
             notification_pb2.DeliveryRecorded(delivery=to_proto(row)),
             correlation_id=clock.case_id, causation_id=event.id)


async def list_deliveries(uow: UnitOfWork, *, principal: Principal,
                          case_id: str) -> notification_pb2.ListDeliveriesResponse:
    rows = (await uow.conn.execute(sa.select(deliveries).where(
        deliveries.c.tenant_id == principal.tenant_id, deliveries.c.case_id == case_id)
        .order_by(deliveries.c.delivered_at))).all()
    return notification_pb2.ListDeliveriesResponse(deliveries=[to_proto(r) for r in rows])

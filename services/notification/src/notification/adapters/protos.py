"""Notification's rows and templates as protobuf messages: deliveries, endpoints, preferences
and templates."""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa
from casebridge.notification.v1 import notification_pb2
from casebridge_platform.messaging.envelope import timestamp

from notification.domain import rendering


def delivery_proto(row: sa.Row | Mapping) -> notification_pb2.Delivery:
    r = dict(row._mapping) if isinstance(row, sa.Row) else row
    delivery = notification_pb2.Delivery(
        delivery_id=r["delivery_id"], case_id=r["case_id"], template=r["template"],
        recipient=r["recipient"], channel=r["channel"], status=r["status"], body=r["body"],
        attempts=r["attempts"], subject=r.get("subject") or "",
        last_error=r.get("last_error") or "")
    for name in ("delivered_at", "next_attempt_at", "created_at"):
        if r.get(name) is not None:
            getattr(delivery, name).CopyFrom(timestamp(r[name]))
    return delivery


def endpoint_proto(row: sa.Row) -> notification_pb2.Endpoint:
    return notification_pb2.Endpoint(endpoint_id=row.endpoint_id, url=row.url,
                                     templates=list(row.templates), active=row.active)


def preferences_proto(row: sa.Row | None) -> notification_pb2.Preferences:
    """A staff member's preferences; none stored reads as the defaults (empty)."""
    if row is None:
        return notification_pb2.Preferences()
    return notification_pb2.Preferences(channels=list(row.channels), quiet_from=row.quiet_from,
                                        quiet_to=row.quiet_to, email=row.email,
                                        phone=row.phone)


def template_proto(name: str, locale: str, shown: rendering.Source, *,
                   overridden: bool) -> notification_pb2.Template:
    """The wording shown for a template, with the variables it may use."""
    return notification_pb2.Template(
        name=name, locale=locale, subject=shown.subject or "", body=shown.body or "",
        sms=shown.sms or "", overridden=overridden, variables=sorted(rendering.SAMPLES[name]))

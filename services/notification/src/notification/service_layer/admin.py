"""What staff ask of the notification service: their inbox, the delivery log and dead letters,
a retry, and the tenant's webhook endpoints."""

from __future__ import annotations

import asyncio
import ipaddress
import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

import sqlalchemy as sa
from casebridge.notification.v1 import notification_pb2
from casebridge_platform.auth import Principal
from casebridge_platform.errors import FailedPrecondition, InvalidArgument, NotFound
from casebridge_platform.messaging.outbox import UnitOfWork
from casebridge_platform.sealing import Sealer

from notification.adapters import protos
from notification.adapters.tables import deliveries, endpoints

STAFF = ("intake_clerk", "handler", "supervisor", "leader", "admin")
ENDPOINT_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
STATUSES = ("pending", "retrying", "delivered", "dead")


def recipients_of(principal: Principal) -> list[str]:
    """Every recipient string that reaches this person in-app."""
    out = [f"user:{principal.user_id}", *(f"role:{r}" for r in principal.roles)]
    if principal.department:
        out.append(f"department:{principal.department}")
    if "supervisor" in principal.roles or "admin" in principal.roles:
        out.append("role:complaint_office")   # the complaint office's own notices
    if "leader" in principal.roles:
        out.append("role:leadership")
    return out


async def list_inbox(uow: UnitOfWork, *, principal: Principal,
                     request: notification_pb2.ListInboxRequest
                     ) -> notification_pb2.ListInboxResponse:
    principal.require(*STAFF)
    where = [deliveries.c.tenant_id == principal.tenant_id, deliveries.c.channel == "in_app",
             deliveries.c.recipient.in_(recipients_of(principal))]
    if request.HasField("since"):
        where.append(deliveries.c.created_at > request.since.ToDatetime(tzinfo=UTC))
    rows = (await uow.conn.execute(sa.select(deliveries).where(*where)
                                   .order_by(deliveries.c.created_at.desc())
                                   .limit(min(request.limit or 50, 200)))).all()
    return notification_pb2.ListInboxResponse(deliveries=[protos.delivery_proto(r) for r in rows])


async def list_deliveries(uow: UnitOfWork, *, principal: Principal,
                          request: notification_pb2.ListDeliveriesRequest
                          ) -> notification_pb2.ListDeliveriesResponse:
    """A case's deliveries (staff), or the tenant's delivery log by status (admin)."""
    if request.status and request.status not in STATUSES:
        raise InvalidArgument("unknown status", {"status": f"one of {', '.join(STATUSES)}"})
    where = [deliveries.c.tenant_id == principal.tenant_id]
    if request.case_id:
        principal.require(*STAFF)
        where.append(deliveries.c.case_id == request.case_id)
    else:
        principal.require("admin", "supervisor")
    if request.status:
        where.append(deliveries.c.status == request.status)
    rows = (await uow.conn.execute(sa.select(deliveries).where(*where)
                                   .order_by(deliveries.c.created_at)
                                   .limit(min(request.limit or 200, 1000)))).all()
    return notification_pb2.ListDeliveriesResponse(
        deliveries=[protos.delivery_proto(r) for r in rows])


async def retry(uow: UnitOfWork, *, principal: Principal,
                request: notification_pb2.RetryDeliveryRequest) -> notification_pb2.Delivery:
    """A dead delivery goes back to the sender with a fresh round of attempts."""
    principal.require("admin")
    row = (await uow.conn.execute(sa.select(deliveries).where(
        deliveries.c.tenant_id == principal.tenant_id,
        deliveries.c.delivery_id == request.delivery_id))).first()
    if row is None:
        raise NotFound("no such delivery")
    if row.status != "dead":
        raise FailedPrecondition(f"only a dead delivery is retried; this one is {row.status}")
    values = {"status": "retrying", "attempts": 0, "next_attempt_at": datetime.now(UTC)}
    await uow.conn.execute(deliveries.update().where(
        deliveries.c.delivery_id == row.delivery_id).values(**values))
    uow.wake("deliveries")
    return protos.delivery_proto({**row._mapping, **values})


async def public_address_problem(url: str) -> str | None:
    """Why a webhook may not go to `url`: not http(s), or a host on loopback, a private or
    link-local network (a tenant's admin must not make this service call inside it)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "an http(s) URL"
    try:
        port = parts.port
    except ValueError:                       # e.g. :99999
        return "a port from 1 to 65535"
    try:
        found = await asyncio.get_running_loop().getaddrinfo(parts.hostname, port or 443)
    except (OSError, UnicodeError):          # UnicodeError: a label IDNA refuses (> 63 long)
        return f"{parts.hostname} does not resolve"
    for *_, sockaddr in found:
        address = ipaddress.ip_address(sockaddr[0])
        if not address.is_global:
            return f"{parts.hostname} is on a private or local network ({address})"
    return None


async def put_endpoint(uow: UnitOfWork, *, principal: Principal, sealer: Sealer,
                       request: notification_pb2.Endpoint,
                       allow_private: bool = False) -> notification_pb2.Endpoint:
    principal.require("admin")
    errors = {}
    if not ENDPOINT_ID.match(request.endpoint_id):
        errors["endpoint_id"] = "1–64 of a-z, 0-9, _ and -, starting with a letter or digit"
    if not re.match(r"^https?://[^\s/]+", request.url):
        errors["url"] = "an http(s) URL"
    elif not allow_private and (problem := await public_address_problem(request.url)):
        errors["url"] = problem
    if len(request.secret) < 16:
        errors["secret"] = "at least 16 characters, shared with the receiver only"  # noqa: S105
    if errors:
        raise InvalidArgument("the endpoint is not valid", errors)
    values = {"url": request.url, "templates": list(request.templates),
              "active": request.active, "updated_at": datetime.now(UTC),
              "secret": sealer.seal({"secret": request.secret},
                                    bound_to=f"endpoint:{request.endpoint_id}")}
    key = (endpoints.c.tenant_id == principal.tenant_id,
           endpoints.c.endpoint_id == request.endpoint_id)
    changed = await uow.conn.execute(endpoints.update().where(*key).values(**values))
    if changed.rowcount == 0:
        await uow.conn.execute(endpoints.insert().values(
            tenant_id=principal.tenant_id, endpoint_id=request.endpoint_id, **values))
    row = (await uow.conn.execute(sa.select(endpoints).where(*key))).one()
    return protos.endpoint_proto(row)


async def list_endpoints(uow: UnitOfWork, *, principal: Principal
                         ) -> notification_pb2.ListEndpointsResponse:
    principal.require("admin")
    rows = (await uow.conn.execute(sa.select(endpoints).where(
        endpoints.c.tenant_id == principal.tenant_id).order_by(endpoints.c.endpoint_id)))
    return notification_pb2.ListEndpointsResponse(
        endpoints=[protos.endpoint_proto(r) for r in rows.all()])


async def delete_endpoint(uow: UnitOfWork, *, principal: Principal,
                          endpoint_id: str) -> notification_pb2.DeleteEndpointResponse:
    principal.require("admin")
    gone = await uow.conn.execute(endpoints.delete().where(
        endpoints.c.tenant_id == principal.tenant_id, endpoints.c.endpoint_id == endpoint_id))
    if gone.rowcount == 0:
        raise NotFound("no such endpoint")
    return notification_pb2.DeleteEndpointResponse()

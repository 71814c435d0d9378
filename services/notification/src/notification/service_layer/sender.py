"""The delivery engine: pending deliveries leave over their channel, retried with backoff,
dead after the last attempt; each success announced once.

A delivery is claimed before it is sent: the claim (attempts + 1, leased until
`next_attempt_at`) commits first, so a second replica skips it and a sender that dies mid-send
leaves it to be tried again when the lease runs out. Delivery is therefore at least once
towards the outside world, with the delivery id as the receiver's key to drop a repeat
(e-mail Message-ID, X-Casebridge-Delivery, SMS OutId); inside casebridge each (event,
recipient, channel) is one row and is announced delivered once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from casebridge.notification.v1 import notification_pb2
from casebridge_platform import metrics
from casebridge_platform.db import one_of
from casebridge_platform.messaging.outbox import UnitOfWork
from casebridge_platform.runtime import Bell, wait_until
from casebridge_platform.sealing import Sealer

from notification.adapters import protos
from notification.adapters.channels import (
    Channel,
    Message,
    Permanent,
    Retryable,
    WebhookFactory,
)
from notification.adapters.channels.retry import backoff
from notification.adapters.tables import contacts, deliveries, endpoints, preferences

log = logging.getLogger(__name__)
PUSHED = ("email", "sms", "webhook")   # the channels this engine sends; in-app is stored


@dataclass
class Sender:
    """Sends what is due. `channels` by name: "email", "sms", and "webhook" — the last a
    factory taking the endpoint's secret (each endpoint signs with its own)."""

    uow: Callable[[], UnitOfWork]
    channels: Mapping[str, Channel | WebhookFactory]
    sealer: Sealer
    max_attempts: int = 16
    lease_s: float = 30.0
    poll_s: float = 5.0     # the sweep for what another replica queued
    batch: int = 50
    bell: Bell | None = None   # rung when this process queued something ("deliveries")

    def __post_init__(self) -> None:
        self._secrets: dict[tuple[str, str, str], bytes] = {}   # opened endpoint secrets

    async def run(self) -> None:
        """Send what is due; then wait till the next retry falls due, something is queued
        here, or the sweep."""
        while True:
            due = None
            try:
                if await self.send_due():
                    continue
                due = await self.next_due()
            except Exception:  # noqa: BLE001 (the next round tries again)
                log.warning("sending deliveries failed", exc_info=True)
            await wait_until(due, self.poll_s, self.bell)

    async def next_due(self) -> datetime | None:
        """When the earliest delivery waiting for an attempt falls due."""
        async with self.uow() as uow:
            await uow.all_tenants()
            return (await uow.conn.execute(sa.select(sa.func.min(
                deliveries.c.next_attempt_at)).where(
                deliveries.c.status.in_(["pending", "retrying"])))).scalar()

    async def send_due(self, now: datetime | None = None) -> int:
        """Claim what is due, send it concurrently, record the outcomes; how many were tried."""
        async with self.uow() as uow:
            await uow.all_tenants()
            claimed = await self._claim(uow, now or datetime.now(UTC))
            peers = await self._peers(uow, claimed)
            await uow.commit()   # claimed: leased to this sender before anything leaves
        if not claimed:
            return 0
        sending = {asyncio.create_task(self._send_one(row, peers)): row for row in claimed}
        while sending:  # each outcome recorded as soon as it is known, with any that came along
            done, _ = await asyncio.wait(sending, return_when=asyncio.FIRST_COMPLETED)
            async with self.uow() as uow:
                await uow.all_tenants()
                for task in done:
                    await self._record(uow, sending.pop(task), *task.result())
                await uow.commit()
        return len(claimed)

    async def _claim(self, uow: UnitOfWork, now: datetime) -> Sequence[sa.Row[Any]]:
        key = deliveries.c.delivery_id
        due = (sa.select(key).where(deliveries.c.status.in_(["pending", "retrying"]),
                                    deliveries.c.next_attempt_at <= now)
               .order_by(deliveries.c.next_attempt_at).limit(self.batch))
        if uow.dialect == "postgresql":
            due = due.with_for_update(skip_locked=True)
        return (await uow.conn.execute(deliveries.update().where(key.in_(due)).values(
            attempts=deliveries.c.attempts + 1,
            next_attempt_at=now + timedelta(seconds=self.lease_s))
            .returning(*deliveries.c))).all()

    async def _peers(self, uow: UnitOfWork, rows: Sequence[sa.Row[Any]]) -> dict[str, sa.Row]:
        """The endpoints and contacts the claimed deliveries go to, fetched together."""
        hooks = {(r.tenant_id, r.recipient.removeprefix("webhook:")) for r in rows
                 if r.channel == "webhook"}
        pushed = [r for r in rows if r.channel in ("email", "sms")]
        cases = {r.case_id for r in pushed if r.recipient.startswith("complainant:")}
        staff = {(r.tenant_id, r.recipient.removeprefix("user:")) for r in pushed
                 if r.recipient.startswith("user:")}
        found: dict[str, sa.Row] = {}
        if staff:
            for p in (await uow.conn.execute(sa.select(preferences).where(
                    sa.tuple_(preferences.c.tenant_id, preferences.c.user_id).in_(staff)))):
                found[f"user:{p.tenant_id}:{p.user_id}"] = p
        if hooks:
            for e in (await uow.conn.execute(sa.select(endpoints).where(
                    sa.tuple_(endpoints.c.tenant_id, endpoints.c.endpoint_id).in_(hooks)))):
                found[f"webhook:{e.tenant_id}:{e.endpoint_id}"] = e
        if cases:
            for c in (await uow.conn.execute(sa.select(contacts).where(
                    one_of(contacts.c.case_id, cases, uow.dialect)))):
                found[f"contact:{c.case_id}"] = c
        return found

    async def _send_one(self, row: sa.Row, peers: dict[str, sa.Row]
                        ) -> tuple[str, str, str, float]:
        """(status, error, reference, retry in seconds) of one attempt."""
        try:
            reference = await self._dispatch(row, peers)
        except Permanent as e:
            return "dead", f"permanent: {e}", "", 0.0
        except (Retryable, TimeoutError, OSError) as e:
            status = "dead" if row.attempts >= self.max_attempts else "retrying"
            return status, f"{type(e).__name__}: {e}", "", backoff(row.attempts)
        except Exception as e:  # noqa: BLE001 (a bug in one delivery must not stop the rest)
            log.exception("delivery %s failed unexpectedly", row.delivery_id)
            return "retrying", f"error: {e}", "", backoff(row.attempts)
        return "delivered", "", reference, 0.0

    async def _dispatch(self, row: sa.Row, peers: dict[str, sa.Row]) -> str:
        common = {"delivery_id": row.delivery_id, "subject": row.subject, "body": row.body,
                  "event_type": row.template, "tenant_id": row.tenant_id,
                  "data": dict(row.data or {})}
        if row.channel == "webhook":
            endpoint_id = row.recipient.removeprefix("webhook:")
            endpoint = peers.get(f"webhook:{row.tenant_id}:{endpoint_id}")
            if endpoint is None or not endpoint.active:
                raise Permanent(f"webhook endpoint {endpoint_id} is gone or inactive")
            make = self.channels["webhook"]
            if not callable(make):
                raise TypeError("the webhook channel is a factory taking the endpoint's secret")
            channel = make(self._secret(endpoint))
            message = Message(to=endpoint.url, **common)
        else:
            found = self.channels.get(row.channel)
            if found is None or callable(found):   # only webhooks are made per endpoint
                raise Permanent(f"the {row.channel} channel is not configured")
            channel = found
            message = Message(to=self._address(row, peers), **common)
            if row.channel == "sms":
                message = replace(message, body=str(common["data"].get("sms") or row.body))
        return await asyncio.wait_for(channel.send(message), 30)

    def _secret(self, endpoint: sa.Row) -> bytes:
        key = (endpoint.tenant_id, endpoint.endpoint_id, endpoint.secret)
        if key not in self._secrets:
            self._secrets[key] = self.sealer.open(
                endpoint.secret, bound_to=f"endpoint:{endpoint.endpoint_id}")["secret"].encode()
        return self._secrets[key]

    def _address(self, row: sa.Row, peers: dict[str, sa.Row]) -> str:
        field = "email" if row.channel == "email" else "phone"
        if row.recipient.startswith("user:"):   # staff: their own work contact
            prefs = peers.get(f"user:{row.tenant_id}:{row.recipient.removeprefix('user:')}")
            if prefs is None or not getattr(prefs, field):
                raise Permanent(f"no {row.channel} address in this person's preferences")
            return str(getattr(prefs, field))
        contact = peers.get(f"contact:{row.case_id}")
        if contact is None:
            raise Permanent("no contact is known for this complainant")
        to = self.sealer.open(contact.sealed, bound_to=row.case_id).get(field, "")
        if not to:
            raise Permanent(f"no {row.channel} address for this recipient")
        return str(to)

    async def _record(self, uow: UnitOfWork, row: sa.Row, status: str, error: str,
                      reference: str, retry_in: float) -> None:
        now = datetime.now(UTC)
        values: dict[str, object] = {"status": status, "last_error": error[:500]}
        if status == "delivered":
            values.update(delivered_at=now, next_attempt_at=None, reference=reference[:128])
        elif status == "retrying":
            values["next_attempt_at"] = now + timedelta(seconds=retry_in)
        else:
            values["next_attempt_at"] = None
        done = await uow.conn.execute(deliveries.update().where(
            deliveries.c.delivery_id == row.delivery_id,
            deliveries.c.attempts == row.attempts).values(**values))
        metrics.DELIVERIES.labels(row.channel, status).inc()
        if done.rowcount == 1 and status == "delivered":
            announce(uow, {**row._mapping, **values})
        if status == "dead":
            log.warning("delivery %s (%s over %s) is dead after %d attempts: %s",
                        row.delivery_id, row.template, row.channel, row.attempts, error)


def announce(uow: UnitOfWork, row: Mapping) -> None:
    """notification.delivered: the case's timeline shows what was sent over which channel to
    which kind of recipient, never an address. A notice with no case has no timeline."""
    if not row["case_id"]:
        return
    uow.emit("notification.delivered", row["tenant_id"],
             notification_pb2.DeliveryRecorded(delivery=protos.delivery_proto(dict(row))),
             correlation_id=row["case_id"], causation_id=row["source_event_id"])

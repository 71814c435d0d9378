"""Federation: transfer messages between agencies of separately run deployments.

Out: a message owed to an agency elsewhere waits in `federation_outbox`; the sender signs it
with the sending agency's Ed25519 key (a fresh jti per attempt) and posts it to the agency's
gateway until that answers 2xx (an acknowledgement, "duplicate" when it had it already). A
4xx other than 408/429 is a refusal and is not retried. In: a signed message is verified
against the registry of trusted agencies, its jti may be seen once (a replayed package is
refused), and its message id applied once (a retry is acknowledged, not applied again).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import sqlalchemy as sa
from casebridge.case.v1 import case_pb2
from casebridge_platform import federation as fed
from casebridge_platform.db import insert_ignore
from casebridge_platform.errors import (
    Conflict,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    Unauthenticated,
)
from casebridge_platform.messaging.outbox import UnitOfWork
from casebridge_platform.runtime import Bell, wait_until

from case.adapters.tables import federation_nonces, federation_outbox, transfers
from case.domain.transfer import Agency
from case.service_layer import inbound
from case.service_layer.directory import local_agencies

log = logging.getLogger(__name__)
SKEW = timedelta(minutes=5)
LEASE = timedelta(seconds=30)
MAX_ATTEMPTS = 20


def _refusal(error: fed.FederationError) -> Exception:
    detail = {"code": error.code}
    if isinstance(error, fed.Malformed):
        return InvalidArgument(str(error), detail)
    if isinstance(error, fed.WrongAudience):
        return PermissionDenied(str(error))
    if isinstance(error, fed.Stale):
        return Conflict(f"{error} (replay protection: re-sign and send again)")
    return Unauthenticated(str(error))


async def receive_signed(uow: UnitOfWork, *, token: str, audience: str,
                         registry: fed.Registry) -> case_pb2.ReceiveTransferResponse:
    """A signed message for `audience`, an agency (tenant) of this deployment."""
    try:
        verified = fed.verify(token, audience=audience, registry=registry, max_skew=SKEW)
    except fed.FederationError as error:
        raise _refusal(error) from None
    msg = verified.message
    if msg.get("from_agency") != verified.issuer or msg.get("to_agency") != audience:
        raise PermissionDenied("the message's agencies are not the signer and the audience")
    agencies = await local_agencies(uow, audience)
    if audience not in agencies:
        raise NotFound(f"no agency {audience} here")
    await uow.all_tenants()
    seen = await uow.conn.execute(insert_ignore(federation_nonces, uow.dialect).values(
        jti=verified.jti, issuer=verified.issuer,
        expires_at=verified.issued_at + 2 * SKEW))
    if seen.rowcount == 0:
        raise Conflict("this signed package was presented before: a replay is refused")
    agency = registry.get(verified.issuer)
    assert agency is not None, "verify() accepts only a message signed by a registered agency"
    sender = Agency(agency.agency_id, agency.kind, agency.division, True,
                                     agency.name)
    try:
        applied = await inbound.receive(uow, _checked(msg), sender=sender)
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidArgument(f"the message is not a transfer message: {error}") from None
    return case_pb2.ReceiveTransferResponse(message_id=msg["message_id"],
                                            transfer_id=msg["transfer_id"],
                                            duplicate=not applied)


def _checked(msg: dict[str, Any]) -> dict[str, Any]:
    for name in ("message_id", "transfer_id", "type", "path"):
        if not isinstance(msg.get(name), str) or not msg[name] or len(msg[name]) > 64:
            raise ValueError(f"{name} must be a non-empty string")
    if not isinstance(msg.get("body"), dict):
        raise ValueError("body must be an object")
    return msg


async def forget_nonces(uow: UnitOfWork) -> int:
    """Nonces past the replay window: a token that old is refused as stale anyway."""
    done = await uow.conn.execute(federation_nonces.delete().where(
        federation_nonces.c.expires_at < datetime.now(UTC)))
    return done.rowcount


# --- sending ------------------------------------------------------------------------------

def backoff(attempt: int) -> timedelta:
    return timedelta(seconds=random.random() * min(3600.0, 2.0 * 2 ** min(attempt, 12)))


class Sender:
    """Posts what is owed to other deployments; claims rows with a lease, so replicas share."""

    def __init__(self, uow: Callable[[], UnitOfWork], keyring: fed.Keyring,
                 registry: fed.Registry, *, timeout: float = 10.0) -> None:
        self._uow, self._keyring, self._registry = uow, keyring, registry
        self._client = httpx.AsyncClient(timeout=timeout)
        # httpx's timeout bounds each read: a peer trickling its answer would hold every
        # message behind this one, so an attempt as a whole has a deadline too
        self._deadline = 3 * timeout

    async def close(self) -> None:
        await self._client.aclose()

    async def _claim(self, limit: int) -> list[sa.Row]:
        now = datetime.now(UTC)
        async with self._uow() as uow:
            await uow.all_tenants()
            due = sa.select(federation_outbox.c.message_id).where(
                federation_outbox.c.delivered_at.is_(None), federation_outbox.c.next_at <= now,
                federation_outbox.c.attempts < MAX_ATTEMPTS,
                sa.or_(federation_outbox.c.lease_until.is_(None),
                       federation_outbox.c.lease_until < now)).limit(limit)
            if uow.dialect == "postgresql":
                due = due.with_for_update(skip_locked=True)
            rows = (await uow.conn.execute(federation_outbox.update().where(
                federation_outbox.c.message_id.in_(due)).values(
                lease_until=now + LEASE, attempts=federation_outbox.c.attempts + 1)
                .returning(*federation_outbox.c))).all()
            await uow.commit()
        return list(rows)

    async def run(self, bell: Bell, sweep_s: float) -> None:
        """Post what is due; then wait till the next retry or lease falls due, this process
        queues a message (the bell), or the sweep for what another replica queued."""
        while True:
            due = None
            try:
                if await self.deliver_due():
                    continue
                due = await self.next_due()
            except Exception:  # noqa: BLE001 (the next round tries again)
                log.warning("posting federation messages failed", exc_info=True)
            await wait_until(due, sweep_s, bell)

    async def next_due(self) -> datetime | None:
        """When the earliest message still owed may be tried: its retry time, or the end of
        another sender's lease on it."""
        out = federation_outbox.c
        async with self._uow() as uow:
            await uow.all_tenants()
            return (await uow.conn.execute(sa.select(sa.func.min(sa.case(
                (out.lease_until > out.next_at, out.lease_until), else_=out.next_at)))
                .where(out.delivered_at.is_(None), out.attempts < MAX_ATTEMPTS))).scalar()

    async def deliver_due(self, limit: int = 20) -> int:
        rows = await self._claim(limit)
        for row in rows:
            await self._record(row, *await self._post(row))
        return len(rows)

    async def _post(self, row: sa.Row) -> tuple[str, str]:
        """("delivered" | "retry" | "failed", why)."""
        agency = self._registry.get(row.to_agency)
        if agency is None:
            return "failed", f"{row.to_agency} is no longer in the registry"
        token = fed.sign(row.message, issuer=row.tenant_id, audience=row.to_agency,
                         key=self._keyring.key(row.tenant_id))
        url = f"{agency.url.rstrip('/')}/v1/federation/agencies/{row.to_agency}/messages"
        try:
            async with asyncio.timeout(self._deadline):
                answer = await self._client.post(url, json={"jws": token})
        except httpx.HTTPError as error:
            return "retry", f"{type(error).__name__}: {error}"
        except TimeoutError:
            return "retry", f"no answer within {self._deadline:g} s"
        if answer.is_success:
            return "delivered", ""
        why = f"{answer.status_code}: {answer.text[:500]}"
        return ("retry" if answer.status_code in (408, 429) or answer.status_code >= 500
                else "failed"), why

    async def _record(self, row: sa.Row, result: str, why: str) -> None:
        now = datetime.now(UTC)
        values: dict[str, Any] = {"lease_until": None, "last_error": why}
        if result == "delivered":
            values["delivered_at"] = now
        elif result == "retry" and row.attempts < MAX_ATTEMPTS:
            values["next_at"] = now + backoff(row.attempts)
        else:
            values["attempts"] = MAX_ATTEMPTS     # refused: dead, shown on the transfer
            result = "failed"
        if result != "delivered":
            log.warning("transfer message %s to %s: %s (%s)", row.message_id, row.to_agency,
                        result, why)
        async with self._uow() as uow:
            await uow.all_tenants()
            await uow.conn.execute(federation_outbox.update().where(
                federation_outbox.c.message_id == row.message_id).values(**values))
            if row.message["type"] == "offer":
                await uow.conn.execute(transfers.update().where(
                    transfers.c.tenant_id == row.tenant_id,
                    transfers.c.transfer_id == row.message["transfer_id"]).values(
                    delivery="delivered" if result == "delivered" else
                    ("failed" if result == "failed" else "pending")))
            await uow.commit()

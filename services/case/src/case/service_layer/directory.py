"""The agencies a case may be sent to, and the transfer messages between them.

Between tenants of this deployment a message is an event (`transfer.message`); to an agency of
another deployment it waits in the federation outbox, to be signed and posted by the sender.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from casebridge_platform.errors import InvalidArgument
from casebridge_platform.federation import Registry
from casebridge_platform.messaging.outbox import UnitOfWork

from case.adapters import protos
from case.adapters.tables import federation_outbox, tenants, transfers
from case.domain import paths
from case.domain.transfer import Agency


async def local_agencies(uow: UnitOfWork, me: str) -> dict[str, Agency]:
    """The tenants of this deployment (configuration, read across tenants)."""
    await uow.all_tenants()
    rows = (await uow.conn.execute(sa.select(tenants.c.tenant_id, tenants.c.kind,
                                             tenants.c.division, tenants.c.name))).all()
    await uow.set_tenant(me)
    return {r.tenant_id: Agency(r.tenant_id, r.kind, r.division, name=r.name) for r in rows}


def remote_agencies(registry: Registry | None) -> dict[str, Agency]:
    """The trusted agencies of other deployments (the federation registry)."""
    if registry is None:
        return {}
    return {a.agency_id: Agency(a.agency_id, a.kind, a.division, remote=True, name=a.name)
            for a in registry.agencies.values()}


async def directory(uow: UnitOfWork, me: str, registry: Registry | None) -> dict[str, Agency]:
    return {**remote_agencies(registry), **await local_agencies(uow, me)}


def path_of(kind: str, path_id: str, name: str) -> paths.Path:
    """A path of this kind of institution; InvalidArgument naming the field `name`."""
    mine = paths.paths_of(kind)
    found = mine.get(path_id)
    if found is None:
        allowed = ", ".join(mine) or "none"
        raise InvalidArgument(f"{path_id or 'no path'!s} is not a transfer path of a {kind}",
                              {name: f"one of this institution's paths: {allowed}"})
    return found


FEDERATION = "federation"   # the topic that wakes the federation sender


def message(transfer_id: str, type_: str, sender: str, to: str, path: str,
            body: dict[str, Any]) -> dict[str, Any]:
    return {"message_id": str(uuid.uuid4()), "transfer_id": transfer_id, "type": type_,
            "from_agency": sender, "to_agency": to, "path": path, "body": body,
            "sent_at": datetime.now(UTC).isoformat()}


async def send(uow: UnitOfWork, to: Agency, msg: dict[str, Any]) -> None:
    """To a tenant here: an event in its name. To an agency elsewhere: the federation
    sender's queue (signed when posted)."""
    if to.remote:
        now = datetime.now(UTC)
        await uow.conn.execute(federation_outbox.insert().values(
            message_id=msg["message_id"], tenant_id=msg["from_agency"], to_agency=to.id,
            message=msg, attempts=0, next_at=now, created_at=now, last_error=""))
        uow.wake(FEDERATION)   # this process's sender posts it once committed
        return
    uow.emit("transfer.message", to.id, protos.transfer_message(msg),
             correlation_id=msg["transfer_id"])


async def tell_peer(uow: UnitOfWork, row: sa.Row, type_: str, body: dict[str, Any]) -> None:
    """A message about a transfer to the other side of it."""
    await send(uow, Agency(row.peer, "", "", remote=row.remote),
               message(row.transfer_id, type_, row.tenant_id, row.peer, row.path, body))


async def transfer_row(uow: UnitOfWork, tenant_id: str, transfer_id: str) -> sa.Row:
    return (await uow.conn.execute(sa.select(transfers).where(
        transfers.c.tenant_id == tenant_id, transfers.c.transfer_id == transfer_id))).one()


async def update_transfer(uow: UnitOfWork, row: sa.Row, **values: object) -> None:
    await uow.conn.execute(transfers.update().where(
        transfers.c.tenant_id == row.tenant_id, transfers.c.transfer_id == row.transfer_id)
        .values(**values))


async def conclude(uow: UnitOfWork, row: sa.Row, outcome: str, text: str,
                   now: datetime) -> None:
    await update_transfer(uow, row, status="concluded", outcome=outcome, outcome_text=text,
                          updated_at=now)

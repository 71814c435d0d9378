"""Reading transfers: a case's, the tenant's in and out, and the paths a tenant may send on."""

from __future__ import annotations

import sqlalchemy as sa
from casebridge.case.v1 import case_pb2
from casebridge_platform.auth import Principal
from casebridge_platform.errors import InvalidArgument
from casebridge_platform.federation import Registry
from casebridge_platform.messaging.outbox import UnitOfWork

from case.adapters.protos import transfer_record
from case.adapters.tables import transfers
from case.domain import model, paths, transfer
from case.domain.case import Case
from case.service_layer.directory import directory


def may_have(case: Case, timeline_types: list[str]) -> bool:
    """Whether the case can have transfers, so that most cases are shown without asking: one
    sent here keeps its `transfer_in`, and one sent on has a `transfer` action on its
    timeline (the only two ways a transfer row names a case: inbound._on_offer and
    outbound.offer)."""
    return case.transfer_in is not None or "transfer" in timeline_types


_OF_CASE = sa.select(transfers).where(
    transfers.c.tenant_id == sa.bindparam("tenant_id"),
    transfers.c.case_id == sa.bindparam("case_id")).order_by(transfers.c.offered_at)


async def of_case(uow: UnitOfWork, tenant_id: str, case_id: str
                  ) -> list[case_pb2.TransferRecord]:
    rows = (await uow.conn.execute(_OF_CASE, {"tenant_id": tenant_id,
                                              "case_id": case_id})).all()
    return [transfer_record(r) for r in rows]


async def list_transfers(uow: UnitOfWork, *, principal: Principal,
                         request: case_pb2.ListTransfersRequest
                         ) -> case_pb2.ListTransfersResponse:
    principal.require("intake_clerk", "supervisor", "leader", "admin", "handler")
    if request.direction not in ("", "in", "out"):
        raise InvalidArgument("unknown direction", {"direction": "in or out"})
    query = sa.select(transfers).where(transfers.c.tenant_id == principal.tenant_id)
    if request.direction:
        query = query.where(transfers.c.direction == request.direction)
    if request.status:
        query = query.where(transfers.c.status == request.status)
    rows = (await uow.conn.execute(query.order_by(transfers.c.offered_at.desc())
                                   .limit(500))).all()
    return case_pb2.ListTransfersResponse(transfers=[transfer_record(r) for r in rows])


async def list_paths(uow: UnitOfWork, *, principal: Principal,
                     registry: Registry | None) -> case_pb2.ListPathsResponse:
    principal.require(*model.STAFF)
    agencies = await directory(uow, principal.tenant_id, registry)
    me = agencies.get(principal.tenant_id)
    if me is None:
        return case_pb2.ListPathsResponse()
    return case_pb2.ListPathsResponse(paths=[case_pb2.TransferPath(
        id=p.id, title=p.title, to_kinds=sorted(p.to_kinds), external=bool(p.external),
        reasons=list(p.reasons), consent_required=p.consent, outcomes=list(p.outcomes),
        cite=p.cite, agencies=[a.id for a in transfer.receivers(p, me, agencies.values())])
        for p in paths.paths_of(me.kind).values()])

"""Transfers between institutions: the paths a tenant may take, its transfers in and out, and
the cross-agency endpoint where another deployment delivers signed transfer messages."""

from __future__ import annotations

from typing import Annotated, Literal

from casebridge.case.v1 import case_pb2
from casebridge_platform.auth import Principal
from fastapi import APIRouter, Body, Path, Query

from gateway import schemas as s
from gateway import views
from gateway.deps import Staff, System

router = APIRouter(prefix="/v1", tags=["transfers"])
AGENCY = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


@router.get("/transfer-paths", operation_id="list_transfer_paths",
            response_model=list[s.TransferPathRead],
            summary="The legal paths this institution may send a case along, and to whom")
async def transfer_paths(call: Staff) -> list[s.TransferPathRead]:
    answer = await call.svc.case.ListPaths(case_pb2.ListPathsRequest(), **call.options)
    return [s.TransferPathRead(id=p.id, title=p.title, to_kinds=list(p.to_kinds),
                               external=p.external, reasons=list(p.reasons),
                               consent_required=p.consent_required, outcomes=list(p.outcomes),
                               cite=p.cite, agencies=list(p.agencies)) for p in answer.paths]


@router.get("/transfers", operation_id="list_transfers", response_model=list[s.TransferRead],
            summary="Transfers sent from (out) or to (in) this institution")
async def list_transfers(
        call: Staff, direction: Annotated[Literal["in", "out"] | None, Query()] = None,
        status: Annotated[str | None, Query(max_length=16)] = None) -> list[s.TransferRead]:
    """Offers waiting for this institution are `direction=in&status=offered`; each is a
    registered case (`case_id`) to accept, decline (refuse) or return (return_transfer)."""
    answer = await call.svc.case.ListTransfers(case_pb2.ListTransfersRequest(
        direction=direction or "", status=status or ""), **call.options)
    return [views.transfer_read(t) for t in answer.transfers]


@router.post("/federation/agencies/{agency}/messages", operation_id="receive_federated_message",
             response_model=s.FederatedAck,
             summary="Cross-agency transfer API: a signed transfer message for an agency here")
async def receive(agency: Annotated[str, Path(pattern=AGENCY)],
                  body: Annotated[s.FederatedMessage, Body()], call: System) -> s.FederatedAck:
    """The body is `{"jws": …}`: a compact JWS (EdDSA) by the sending agency, whose key must be
    in this deployment's registry. It is verified, then applied once: 200 with
    `duplicate: true` when the message was delivered before. A forged or altered package is
    refused with 401, a replayed one (the same signature again) with 409, a stale one with
    409 too (re-sign and send again)."""
    own = call.as_(Principal(tenant_id=agency, user_id=f"agency:{agency}", roles=("agency",)))
    answer = await own.svc.case.ReceiveTransfer(
        case_pb2.ReceiveTransferRequest(jws=body.jws), **own.options)
    return s.FederatedAck(message_id=answer.message_id, transfer_id=answer.transfer_id,
                          duplicate=answer.duplicate)

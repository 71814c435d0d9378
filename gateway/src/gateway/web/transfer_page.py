"""转送: offers waiting for this institution, and the cases it sent along a legal path.

An offer is a registered case of ours (its `case_id`): accepting it, declining it (refuse,
with the reason) or returning it (return_transfer) are actions on that case's page.
"""

from __future__ import annotations

from typing import Annotated

import grpc
from casebridge.case.v1 import case_pb2
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from gateway.web import i18n
from gateway.web.calls import Refusal, call_for
from gateway.web.pages import render
from gateway.web.session import Session, required

router = APIRouter(include_in_schema=False)

i18n.add({
    "transfers.title": ("转送", "Transfers"),
    "transfers.in": ("待我方接收的转送", "Offers waiting for us"),
    "transfers.in_hint": ("打开案件后可受理、不予受理（拒收，须说明理由）或退回来件机构。",
                          "Open the case to accept it, decline it (with the reason) or return "
                          "it to the sender."),
    "transfers.out": ("我方转出的案件", "Cases we sent"),
    "transfers.none_in": ("没有待接收的转送。", "No offer is waiting."),
    "transfers.none_out": ("没有转出的案件。", "No case sent."),
    "transfers.case": ("案件", "Case"), "transfers.path": ("途径", "Path"),
    "transfers.from": ("来件机构", "From"), "transfers.to": ("接收机构", "To"),
    "transfers.reason": ("转送理由", "Reason"), "transfers.offered": ("转送时间", "Sent"),
    "transfers.status": ("状态", "State"), "transfers.outcome": ("处理结果", "Outcome"),
    "transfers.peer_case": ("对方案号", "Their case number"),
    "transfers.delivery": ("投递", "Delivery"),
})


@router.get("/transfers")
async def transfers(request: Request,
                    session: Annotated[Session, Depends(required)]) -> Response:
    call = call_for(request, session)
    try:
        offers = await call.svc.case.ListTransfers(case_pb2.ListTransfersRequest(
            direction="in", status="offered"), **call.options)
        sent = await call.svc.case.ListTransfers(case_pb2.ListTransfersRequest(
            direction="out"), **call.options)
    except grpc.aio.AioRpcError as exc:
        refusal = Refusal.of(exc)
        return render(request, session, "error.html", status_code=refusal.status,
                      message=refusal.message)
    tenants = request.app.state.directory.tenants
    names = {key: t.get("name") or key for key, t in tenants.items()}
    return render(request, session, "transfers.html", offers=list(offers.transfers),
                  sent=list(sent.transfers), names=names)

"""时限台账: missed deadlines per department in a period, with the late-handling charges, as
the escalation service keeps them (GetLedger, like GET /v1/deadline-ledger)."""

from __future__ import annotations

from typing import Annotated

import grpc
from casebridge.escalation.v1 import escalation_pb2
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from gateway.web import i18n
from gateway.web.calls import Refusal, call_for
from gateway.web.pages import render
from gateway.web.session import Session, required

router = APIRouter(include_in_schema=False)
OVERSIGHT = ("supervisor", "leader", "admin")

i18n.add({
    "ledger.title": ("时限台账", "Deadline ledger"),
    "ledger.only": ("时限台账只向主管、领导和管理员开放。", "The deadline ledger is for "
                    "supervisors, leaders and administrators."),
    "ledger.intro": ("统计期内超过办理时限的案件及超期扣分；默认为本月。",
                     "Cases that missed a deadline in the period, with the late-handling "
                     "charges; this month unless a period is given."),
    "ledger.from": ("起始日期", "From"), "ledger.to": ("截止日期", "To"),
    "ledger.department": ("部门", "Department"), "ledger.all": ("全部部门",
                                                               "every department"),
    "ledger.filter": ("查询", "Show"),
    "ledger.totals": ("各部门汇总", "By department"),
    "ledger.breaches": ("超期件数", "Missed deadlines"),
    "ledger.amount": ("扣分（元）", "Charge (yuan)"),
    "ledger.entries": ("超期明细", "Missed deadlines, one by one"),
    "ledger.case": ("案件编号", "Case"), "ledger.clock": ("时限", "Deadline"),
    "ledger.severity": ("等级", "Severity"), "ledger.due": ("应办结时间", "Due"),
    "ledger.breached": ("超期时间", "Missed at"), "ledger.rule": ("依据", "Rule"),
    "ledger.empty": ("统计期内没有超期的案件。", "No missed deadlines in the period."),
    "ledger.cite": ("扣分依据", "Charges set by"),
})


def yuan(fen: int) -> str:
    return f"{fen // 100:,}.{fen % 100:02d}"


@router.get("/ledger")
async def ledger(request: Request, session: Annotated[Session, Depends(required)],
                 from_date: str = "", to_date: str = "", department: str = "") -> Response:
    if not session.has(*OVERSIGHT):
        return render(request, session, "error.html", status_code=403,
                      message=i18n.text(session.lang, "ledger.only"))
    call = call_for(request, session)
    asked = {"from_date": from_date.strip(), "to_date": to_date.strip(),
             "department": department.strip()}
    refusal: Refusal | None = None
    answer = escalation_pb2.GetLedgerResponse()
    titles: dict[str, str] = {}
    try:
        answer = await call.svc.escalation.GetLedger(escalation_pb2.GetLedgerRequest(**asked),
                                                     **call.options)
        policy = await call.svc.escalation.GetPolicy(escalation_pb2.GetPolicyRequest(),
                                                     **call.options)
        titles = {c.name: c.title for c in policy.clocks}
    except grpc.aio.AioRpcError as exc:
        refusal = Refusal.of(exc)
        if not refusal.fields:
            return render(request, session, "error.html", status_code=refusal.status,
                          message=refusal.message)
    departments = sorted({t.department for t in answer.totals} | (
        {asked["department"]} if asked["department"] else set()))
    return render(request, session, "ledger.html", answer=answer, asked=asked, titles=titles,
                  departments=departments, refusal=refusal, yuan=yuan,
                  errors=dict(refusal.fields) if refusal else {},
                  status_code=refusal.status if refusal else 200)

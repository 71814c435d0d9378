"""工单列表: the cases the signed-in person may see, newest first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
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
DUE_SOON = timedelta(hours=24)
OPEN = frozenset({"received", "accepted", "assigned", "investigating", "proposal_made",
                  "proposal_approved", "answered", "follow_up", "on_hold", "transferred"})

i18n.add({
    "inbox.title": ("工单列表", "Inbox"), "inbox.empty": ("没有符合条件的案件。", "No cases."),
    "col.number": ("编号", "Case number"), "col.received": ("受理时间", "Received"),
    "col.kind": ("类型", "Kind"), "col.content": ("内容摘要", "Content"),
    "col.status": ("状态", "Status"), "col.department": ("承办部门", "Department"),
    "col.severity": ("等级", "Severity"), "col.due": ("办理时限", "Due"),
    "overdue": ("已超期", "overdue"), "due_soon": ("即将到期", "due soon"),
})


def urgency(case: case_pb2.Case, now: datetime) -> str:
    """overdue, due_soon or nothing: an open case against its nearest running deadline."""
    if case.status not in OPEN or not case.HasField("due_at"):
        return ""
    due = case.due_at.ToDatetime(tzinfo=UTC)
    if due < now:
        return "overdue"
    return "due_soon" if due < now + DUE_SOON else ""


def excerpt(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


@router.get("/inbox")
async def inbox(request: Request, session: Annotated[Session, Depends(required)]) -> Response:
    call = call_for(request, session)
    try:
        answer = await call.svc.case.ListCases(case_pb2.ListCasesRequest(page_size=50),
                                               **call.options)
    except grpc.aio.AioRpcError as exc:
        refusal = Refusal.of(exc)
        return render(request, session, "error.html", status_code=refusal.status,
                      message=refusal.message)
    now = datetime.now(UTC)
    rows = [(c, urgency(c, now), excerpt(c.content)) for c in answer.cases]
    return render(request, session, "inbox.html", rows=rows)

"""通知: the signed-in person's in-app notices (to them, their roles and their department),
newest first, in words, each linking to its case; live while open."""

from __future__ import annotations

from typing import Annotated

import grpc
from casebridge.notification.v1 import notification_pb2
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from gateway.web import i18n, live
from gateway.web.calls import Refusal, call_for
from gateway.web.pages import render
from gateway.web.session import Session, required

router = APIRouter(include_in_schema=False)
LIMIT = 100

i18n.add({
    "notices.title": ("通知", "Notices"),
    "notices.empty": ("暂无通知。", "No notices."),
    "notices.live": ("新通知会自动出现在这里。", "New notices appear here as they come."),
    "notices.case": ("查看案件", "Open the case"),
    "notices.at": ("时间", "When"), "notices.kind": ("类别", "Kind"),
    "notices.count": ("最近 {n} 条通知", "The latest {n} notices"),
})


async def _notices(request: Request, session: Session) -> dict[str, object]:
    call = call_for(request, session)
    try:
        answer = await call.svc.notification.ListInbox(
            notification_pb2.ListInboxRequest(limit=LIMIT), **call.options)
    except grpc.aio.AioRpcError as exc:
        return {"notices": [], "refusal": Refusal.of(exc)}
    newest = sorted(answer.deliveries, key=lambda d: d.created_at.ToNanoseconds(), reverse=True)
    return {"notices": newest, "refusal": None}


def _status(found: dict[str, object]) -> int:
    refusal = found["refusal"]
    return refusal.status if isinstance(refusal, Refusal) else 200


@router.get("/notices")
async def notices(request: Request, session: Annotated[Session, Depends(required)]) -> Response:
    found = await _notices(request, session)
    return render(request, session, "notices.html", status_code=_status(found), **found)


@router.get("/notices/list")
async def notice_list(request: Request,
                      session: Annotated[Session, Depends(required)]) -> Response:
    """The list alone, for htmx to swap in when a notice has been delivered."""
    found = await _notices(request, session)
    return render(request, session, "notices_list.html", status_code=_status(found), **found)


@router.get("/notices/events")
async def events(request: Request, session: Annotated[Session, Depends(required)]) -> Response:
    """A notice of the tenant was delivered (text/event-stream, case ids only): the page asks
    the notification service again, which answers with this person's own notices."""
    return await live.stream(request, session, "notification", "notice")

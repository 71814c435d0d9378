"""Files on the case page: the add_material form posts here as multipart (a description, files
or both); each file is streamed to the store (routes/files.py's reader, the tenant's limits)
and the material is recorded by the same Act add_material the API calls. A refused file is
shown next to the file input, in words, and nothing is kept. Downloads go through the
signed-in session, for files the case lists, always as attachments."""

from __future__ import annotations

import uuid
from typing import Annotated

import grpc
from casebridge.case.v1 import case_pb2
from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse, Response

from gateway.deps import Call
from gateway.files.serve import download, listed
from gateway.web import i18n
from gateway.web.attach import attach
from gateway.web.calls import Refusal, call_for
from gateway.web.case_page import show
from gateway.web.pages import render
from gateway.web.session import Session, check_csrf, required

router = APIRouter(include_in_schema=False)
Sha = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")]

i18n.add({
    "files.input": ("附件（照片、扫描件、录音，可多选）",
                    "Files (photos, scans, recordings; several at once)"),
    "files.hint": ("文件类型按内容识别；压缩包、可执行文件不予接收。",
                   "The type is read from the content; archives and programs are refused."),
    "files.download": ("下载", "Download"), "files.bytes": ("字节", "bytes"),
    "files.added": ("已上传附件", "Files added"),
})


async def _case(request: Request, session: Session, call: Call,
                case_id: uuid.UUID) -> case_pb2.Case | Response:
    """The case as the signed-in person may see it, or the page saying why not."""
    try:
        found: case_pb2.Case = await call.svc.case.GetCase(
            case_pb2.GetCaseRequest(case_id=str(case_id)), **call.options)
    except grpc.aio.AioRpcError as exc:
        refusal = Refusal.of(exc)
        return render(request, session, "error.html", status_code=refusal.status,
                      message=refusal.message)
    return found


@router.post("/cases/{case_id}/files")
async def upload(request: Request, case_id: uuid.UUID,
                 session: Annotated[Session, Depends(required)]) -> Response:
    call = call_for(request, session)
    case = await _case(request, session, call, case_id)
    if isinstance(case, Response):
        return case

    async def csrf(fields: dict[str, str]) -> None:
        check_csrf(request, session, fields.get("csrf", ""))

    refused, submitted = await attach(request, call, session.tenant_id, case, csrf)
    if refused is None:
        return RedirectResponse(f"/cases/{case_id}?done=add_material#result", status_code=303)
    at_fault = {k.rsplit(".", 1)[-1]: v for k, v in refused.fields.items()}
    return await show(request, session, str(case_id), status_code=refused.status,
                      refused="add_material", refusal=refused, at_fault=at_fault,
                      submitted=submitted)


@router.get("/cases/{case_id}/files/{sha256}")
async def fetch(request: Request, case_id: uuid.UUID, sha256: Sha,
                session: Annotated[Session, Depends(required)]) -> Response:
    call = call_for(request, session)
    case = await _case(request, session, call, case_id)
    if isinstance(case, Response):
        return case
    return download(request, session.tenant_id, listed(case, sha256))

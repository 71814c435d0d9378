"""Evidence files on a case: staff upload and download them; the complainant, through the
portal, uploads and downloads their own. An upload is stored, then recorded on the case by
the case service's add_material (SHA-256, size, type, name, who, when); if the case refuses
it, the stored file is deleted again. A download is served only for a file the case lists,
to someone who may see the case, always as an attachment."""

from __future__ import annotations

import uuid
from typing import Annotated

from casebridge.case.v1 import case_pb2
from fastapi import APIRouter, Path, Request
from fastapi.responses import StreamingResponse
from starlette.exceptions import HTTPException

from gateway import schemas as s
from gateway.deps import Call, Key, Staff
from gateway.files.receive import Received, receive
from gateway.files.serve import download, files_on, listed, policy_of, store_of
from gateway.files.store import Refused
from gateway.routes.portal import Complainant, Number, Tenant
from gateway.views import case_read

router = APIRouter(tags=["files"])
Sha = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")]
FORM = ("multipart/form-data. Fields: `file` (one or more files) and an optional "
        "`description`. The type is taken from the content; the tenant's limits apply.")


async def upload_to(request: Request, call: Call, case: case_pb2.Case, *,
                    key: str = "") -> case_pb2.Case:
    """Store the request's files and record them on the case as one add_material."""
    if "add_material" not in case.allowed_actions:
        raise HTTPException(409, f"material cannot be added to a case in status {case.status}")
    tenant = call.principal.tenant_id
    policy = policy_of(request, tenant)
    try:
        received: Received = await receive(
            request, store_of(request), tenant, policy,
            max_files=policy.max_files_per_case - files_on(case))
    except Refused as refused:
        raise HTTPException(refused.status, refused.message) from None
    act = case_pb2.ActRequest(case_id=case.case_id, idempotency_key=key,
                              add_material=case_pb2.AddMaterial(
                                  description=received.fields.get("description", ""),
                                  files=[case_pb2.FileRef(sha256=f.sha256, size=f.size,
                                                          media_type=f.media_type, name=f.name)
                                         for f in received.files]))
    try:
        answer: case_pb2.Case = await call.svc.case.Act(act, **call.options)
    except BaseException:
        await received.undo()
        raise
    return answer


@router.post("/v1/cases/{case_id}/files", operation_id="upload_case_files",
             status_code=201, response_model=s.CaseRead,
             summary="Add files to a case (补充材料: photos, scans, recordings)",
             openapi_extra={"requestBody": {"content": {"multipart/form-data": {
                 "schema": {"type": "object", "properties": {
                     "file": {"type": "array", "items": {"type": "string",
                                                         "format": "binary"}},
                     "description": {"type": "string"}}}}}, "description": FORM}})
async def staff_upload(case_id: uuid.UUID, request: Request, call: Staff,
                       key: Key) -> s.CaseRead:
    """Each file is refused with 413 over the tenant's size, 415 of a type it does not take
    (from the content), 422 empty, named like a path, an archive that unpacks too far, or one
    file too many for the case; a refused or cut-off upload leaves nothing behind."""
    case = await call.svc.case.GetCase(case_pb2.GetCaseRequest(case_id=str(case_id)),
                                       **call.options)
    return case_read(await upload_to(request, call, case, key=key))


@router.get("/v1/cases/{case_id}/files/{sha256}", operation_id="download_case_file",
            response_class=StreamingResponse,
            summary="Download a file of the case (as an attachment)")
async def staff_download(case_id: uuid.UUID, sha256: Sha, request: Request,
                         call: Staff) -> StreamingResponse:
    case = await call.svc.case.GetCase(case_pb2.GetCaseRequest(case_id=str(case_id)),
                                       **call.options)
    return download(request, call.principal.tenant_id, listed(case, sha256))


def _portal_case(call: Call) -> case_pb2.PortalViewRequest:
    return case_pb2.PortalViewRequest(case_id=call.principal.user_id.removeprefix("access:"))


@router.post("/v1/portal/{tenant_id}/cases/{case_number}/files", operation_id="portal_upload_files",
             status_code=201,
             response_model=s.CaseRead, tags=["portal"],
             summary="The complainant adds files to their case",
             openapi_extra={"requestBody": {"content": {"multipart/form-data": {
                 "schema": {"type": "object", "properties": {
                     "file": {"type": "array", "items": {"type": "string",
                                                         "format": "binary"}},
                     "description": {"type": "string"}}}}}, "description": FORM}})
async def portal_upload(tenant_id: Tenant, case_number: Number, request: Request,
                        call: Complainant) -> s.CaseRead:
    case = await call.svc.case.PortalView(_portal_case(call), **call.options)
    return case_read(await upload_to(request, call, case))


@router.get("/v1/portal/{tenant_id}/cases/{case_number}/files/{sha256}",
            operation_id="portal_download_file", response_class=StreamingResponse, tags=["portal"],
            summary="The complainant downloads a file they added")
async def portal_download(tenant_id: Tenant, case_number: Number, sha256: Sha,
                          request: Request, call: Complainant) -> StreamingResponse:
    case = await call.svc.case.PortalView(_portal_case(call), **call.options)
    return download(request, call.principal.tenant_id,
                    listed(case, sha256, added_by="complainant"))

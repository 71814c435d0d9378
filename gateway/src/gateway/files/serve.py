"""What the API's and the pages' file routes share: the store and policy of a request's
tenant, the files a case lists, and a download as an attachment."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import quote

from casebridge.case.v1 import case_pb2
from fastapi import Request
from fastapi.responses import StreamingResponse
from starlette.exceptions import HTTPException

from gateway.files.policy import Policy
from gateway.files.store import FileStore


def store_of(request: Request) -> FileStore:
    store: FileStore = request.app.state.files
    return store


def policy_of(request: Request, tenant: str) -> Policy:
    return Policy.of(request.app.state.directory.tenants.get(tenant))


def files_on(case: case_pb2.Case) -> int:
    return sum(len(m.files) for m in case.materials)


def download(request: Request, tenant: str, ref: case_pb2.FileRef) -> StreamingResponse:
    chunks: AsyncIterator[bytes] = store_of(request).open(tenant, ref.sha256)
    return StreamingResponse(chunks, media_type=ref.media_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(ref.name, safe='')}",
        "Content-Length": str(ref.size), "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store"})


def listed(case: case_pb2.Case, sha256: str, *, added_by: str | None = None,
           ) -> case_pb2.FileRef:
    for material in case.materials:
        if added_by is not None and material.added_by != added_by:
            continue
        for ref in material.files:
            if ref.sha256 == sha256:
                return ref
    raise HTTPException(404, "no such file on this case")



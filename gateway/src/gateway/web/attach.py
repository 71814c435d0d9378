"""Files attached through a page: stored like the API's uploads, then recorded on the case by
one add_material; a refusal from the store or the case service leaves nothing behind and is
returned in words for the page to show next to the file input."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import grpc
from casebridge.case.v1 import case_pb2
from fastapi import Request

from gateway.deps import Call
from gateway.files.receive import Received, receive
from gateway.files.serve import files_on, policy_of, store_of
from gateway.files.store import Refused
from gateway.web.calls import Refusal


async def attach(request: Request, call: Call, tenant: str, case: case_pb2.Case,
                 before_storing: Callable[[dict[str, str]], Awaitable[None]]
                 ) -> tuple[Refusal | None, dict[str, str]]:
    """Store the form's files (after `before_storing` has seen its text fields, e.g. the
    CSRF token) and add them with its description as material; (refusal, the form's text)."""
    policy = policy_of(request, tenant)
    received: Received | None = None
    try:
        received = await receive(request, store_of(request), tenant, policy,
                                 max_files=policy.max_files_per_case - files_on(case),
                                 require=False, before_storing=before_storing)
        fields = received.fields
        await call.svc.case.Act(case_pb2.ActRequest(
            case_id=case.case_id, reason=fields.get("reason", "").strip(),
            idempotency_key=fields.get("idempotency_key", "") or str(uuid.uuid4()),
            add_material=case_pb2.AddMaterial(
                description=fields.get("description", "").strip(),
                files=[case_pb2.FileRef(sha256=f.sha256, size=f.size, media_type=f.media_type,
                                        name=f.name) for f in received.files])),
            **call.options)
    except Refused as refused:
        return Refusal(refused.status, refused.message, {"file": refused.message}), \
            dict(received.fields) if received else {}
    except grpc.aio.AioRpcError as exc:
        if received is not None:
            await received.undo()
        return Refusal.of(exc), dict(received.fields) if received else {}
    return None, dict(received.fields)

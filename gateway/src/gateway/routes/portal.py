"""The complainant portal: with the case number and the secret access code, and nothing else,
a complainant (anonymous or not) follows the case, adds material, or withdraws it."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from typing import Annotated

import grpc
from casebridge.case.v1 import case_pb2
from casebridge.intake.v1 import intake_pb2
from casebridge_platform.auth import Principal
from fastapi import APIRouter, Depends, Header, Path, Request
from starlette.exceptions import HTTPException

from gateway import schemas as s
from gateway.deps import Call, system_call
from gateway.views import case_read

router = APIRouter(prefix="/v1/portal/{tenant_id}/cases/{case_number}", tags=["portal"])
Code = Annotated[str, Header(alias="X-Access-Code", min_length=8, max_length=32,
                             description="the access code given at registration")]
Tenant = Annotated[str, Path(min_length=1, max_length=64)]
Number = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[A-Z0-9]+-\d{4}-\d+$")]


class Throttle:
    """At most `limit` wrong codes per case number per `window_s`: a 60-bit code cannot be
    guessed, and this keeps anyone from trying (the limit is per gateway replica)."""

    def __init__(self, limit: int = 5, window_s: float = 900) -> None:
        self.limit, self.window_s = limit, window_s
        self.failures: dict[tuple[str, str], deque[float]] = defaultdict(deque)

    def check(self, key: tuple[str, str]) -> None:
        recent = self.failures[key]
        while recent and recent[0] < time.monotonic() - self.window_s:
            recent.popleft()
        if len(recent) >= self.limit:
            raise HTTPException(429, "too many wrong access codes for this case; try later",
                                headers={"Retry-After": str(int(self.window_s))})

    def failed(self, key: tuple[str, str]) -> None:
        self.failures[key].append(time.monotonic())


async def complainant(request: Request, tenant_id: Tenant, case_number: Number,
                      x_access_code: Code,
                      gateway: Annotated[Call, Depends(system_call)]) -> Call:
    """The complainant's call: only once the access code opens this very case."""
    if tenant_id not in request.app.state.directory.tenants:
        raise HTTPException(404, "no case with that number and access code")
    throttle: Throttle = request.app.state.throttle
    throttle.check((tenant_id, case_number))
    lookup = gateway.as_(Principal(tenant_id=tenant_id, user_id="portal", roles=("system",)))
    try:
        submission = await lookup.svc.intake.LookupByAccessCode(
            intake_pb2.LookupByAccessCodeRequest(case_number=case_number,
                                                 access_code=x_access_code), **lookup.options)
    except grpc.aio.AioRpcError as exc:
        if exc.code() == grpc.StatusCode.NOT_FOUND:
            throttle.failed((tenant_id, case_number))
        raise
    return gateway.as_(Principal(tenant_id=tenant_id, user_id=f"access:{submission.case_id}",
                                 roles=("complainant",)))


Complainant = Annotated[Call, Depends(complainant)]


def _case_id(call: Call) -> str:
    return call.principal.user_id.removeprefix("access:")


@router.get("", response_model=s.CaseRead, summary="Follow a case with its access code")
async def view(call: Complainant) -> s.CaseRead:
    case = await call.svc.case.PortalView(case_pb2.PortalViewRequest(case_id=_case_id(call)),
                                          **call.options)
    return case_read(case)


@router.post("/materials", response_model=s.CaseRead, summary="Add material to the case")
async def add_material(body: s.PortalMaterial, call: Complainant) -> s.CaseRead:
    request = case_pb2.ActRequest(case_id=_case_id(call),
                                  add_material=case_pb2.AddMaterial(description=body.description))
    return case_read(await call.svc.case.Act(request, **call.options))


@router.post("/survey", response_model=s.CaseRead,
             summary="Answer the follow-up survey (回访) once the case is answered")
async def survey(body: s.PortalSurvey, call: Complainant) -> s.CaseRead:
    request = case_pb2.ActRequest(
        case_id=_case_id(call), reason="complainant's survey",
        follow_up=case_pb2.RecordFollowUp(satisfied=body.rating >= 3 and body.solved,
                                          rating=body.rating, solved=body.solved,
                                          note=body.note or ""))
    return case_read(await call.svc.case.Act(request, **call.options))


@router.post("/withdrawal", response_model=s.CaseRead, summary="Withdraw the complaint (撤回)")
async def withdraw(body: s.PortalWithdraw, call: Complainant) -> s.CaseRead:
    request = case_pb2.ActRequest(case_id=_case_id(call), reason=body.reason,
                                  withdraw=case_pb2.Withdraw())
    return case_read(await call.svc.case.Act(request, **call.options))

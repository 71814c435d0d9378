"""The complainant portal: with the case number and the secret access code, and nothing else,
a complainant (anonymous or not) follows the case, adds material, rates the answer (回访),
asks for a re-look when not satisfied (within the tenant's rounds), or withdraws it."""

from __future__ import annotations

from typing import Annotated

import grpc
from casebridge.case.v1 import case_pb2
from casebridge.intake.v1 import intake_pb2
from casebridge_platform.auth import Principal
from fastapi import APIRouter, Depends, FastAPI, Header, Path, Request
from starlette.exceptions import HTTPException

from gateway import schemas as s
from gateway.deps import Call, system_call
from gateway.limits import Exceeded, Limit, limits_of
from gateway.views import case_read

router = APIRouter(prefix="/v1/portal/{tenant_id}/cases/{case_number}", tags=["portal"])
Code = Annotated[str, Header(alias="X-Access-Code", min_length=8, max_length=32,
                             description="the access code given at registration")]
Tenant = Annotated[str, Path(min_length=1, max_length=64)]
Number = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[A-Z0-9]+-\d{4}-\d+$")]


# 5 wrong codes per case number per 15 minutes, counted by every gateway replica together
# (NATS key-value): a 60-bit code cannot be guessed, and this keeps anyone from trying.
WRONG_CODES = Limit("portal-code", 5, 900)


def _throttled(exc: Exceeded) -> HTTPException:
    return HTTPException(429, "too many wrong access codes for this case; try later",
                         headers={"Retry-After": str(exc.retry_after)})


async def open_case(app: FastAPI, gateway: Call, tenant_id: str, case_number: str,
                    access_code: str) -> str:
    """The case id the access code opens. 404 (and one wrong code counted) when it opens
    none; 429 once the case number had too many wrong codes in the window, even for the
    right code. Shared by the REST portal and the follow page."""
    if tenant_id not in app.state.directory.tenants:
        raise HTTPException(404, "no case with that number and access code")
    limits, who = limits_of(app), f"{tenant_id}/{case_number}"
    try:
        await limits.check(WRONG_CODES, who)
    except Exceeded as exc:
        raise _throttled(exc) from None
    lookup = gateway.as_(Principal(tenant_id=tenant_id, user_id="portal", roles=("system",)))
    try:
        submission = await lookup.svc.intake.LookupByAccessCode(
            intake_pb2.LookupByAccessCodeRequest(case_number=case_number,
                                                 access_code=access_code), **lookup.options)
    except grpc.aio.AioRpcError as exc:
        if exc.code() == grpc.StatusCode.NOT_FOUND:
            try:
                await limits.hit(WRONG_CODES, who)
            except Exceeded as full:                 # another replica filled it meanwhile
                raise _throttled(full) from None
        raise
    return str(submission.case_id)


def as_complainant(gateway: Call, tenant_id: str, case_id: str) -> Call:
    """The complainant's call on one case: what the case service lets behind the code."""
    return gateway.as_(Principal(tenant_id=tenant_id, user_id=f"access:{case_id}",
                                 roles=("complainant",)))


async def complainant(request: Request, tenant_id: Tenant, case_number: Number,
                      x_access_code: Code,
                      gateway: Annotated[Call, Depends(system_call)]) -> Call:
    """The complainant's call: only once the access code opens this very case."""
    case_id = await open_case(request.app, gateway, tenant_id, case_number, x_access_code)
    return as_complainant(gateway, tenant_id, case_id)


Complainant = Annotated[Call, Depends(complainant)]


def _case_id(call: Call) -> str:
    return call.principal.user_id.removeprefix("access:")


@router.get("", operation_id="portal_view_case",
            response_model=s.CaseRead, summary="Follow a case with its access code")
async def view(call: Complainant) -> s.CaseRead:
    case = await call.svc.case.PortalView(case_pb2.PortalViewRequest(case_id=_case_id(call)),
                                          **call.options)
    return case_read(case)


@router.post("/materials", operation_id="portal_add_material",
             response_model=s.CaseRead, summary="Add material to the case")
async def add_material(body: s.PortalMaterial, call: Complainant) -> s.CaseRead:
    request = case_pb2.ActRequest(case_id=_case_id(call),
                                  add_material=case_pb2.AddMaterial(description=body.description))
    return case_read(await call.svc.case.Act(request, **call.options))


@router.post("/survey", operation_id="portal_answer_survey", response_model=s.CaseRead,
             summary="Answer the follow-up survey (回访) once the case is answered")
async def survey(body: s.PortalSurvey, call: Complainant) -> s.CaseRead:
    request = case_pb2.ActRequest(
        case_id=_case_id(call), reason="complainant's survey",
        follow_up=case_pb2.RecordFollowUp(satisfied=body.rating >= 3 and body.solved,
                                          rating=body.rating, solved=body.solved,
                                          note=body.note or ""))
    return case_read(await call.svc.case.Act(request, **call.options))


@router.post("/withdrawal", operation_id="portal_withdraw",
             response_model=s.CaseRead, summary="Withdraw the complaint (撤回)")
async def withdraw(body: s.PortalWithdraw, call: Complainant) -> s.CaseRead:
    request = case_pb2.ActRequest(case_id=_case_id(call), reason=body.reason,
                                  withdraw=case_pb2.Withdraw())
    return case_read(await call.svc.case.Act(request, **call.options))


@router.post("/reopening", operation_id="portal_ask_reopening", response_model=s.CaseRead,
             summary="Ask for the case to be looked at again (申请重新处理)",
             description="After an unsatisfied rating, within the tenant's rounds of handling; "
             "past them the case is with leadership.")
async def reopen(body: s.PortalReopen, call: Complainant) -> s.CaseRead:
    request = case_pb2.ActRequest(case_id=_case_id(call), reason=body.reason,
                                  reopen=case_pb2.Reopen())
    return case_read(await call.svc.case.Act(request, **call.options))

"""The HTTP gateway: authenticates, scopes to the caller's tenant, and calls the services."""


import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

import grpc
from casebridge.case.v1 import case_pb2, case_pb2_grpc
from casebridge.intake.v1 import intake_pb2_grpc
from casebridge_platform.auth import Principal
from casebridge_platform.grpcserver import client_metadata
from fastapi import Depends, FastAPI, Header, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

from gateway import problems
from gateway.auth import Authenticator, TenantDirectory
from gateway.middleware import BodyLimit, JsonOnly, Tracing
from gateway.schemas import CaseList, CaseRead, CaseSummary, ComplaintAccepted, ComplaintCreate
from gateway.settings import GatewaySettings
from gateway.views import accepted, case_read, case_summary, submit_request

IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
PROBLEM = {"model": None, "content": {problems.MEDIA_TYPE: {}}}
ERRORS = {status: {"description": phrase, **PROBLEM} for status, phrase in (
    (400, "Malformed JSON"), (401, "Missing or invalid token"), (403, "Forbidden"),
    (404, "Not found"), (413, "Body too large"), (415, "Not JSON"), (422, "Invalid fields"),
    (503, "A service is unavailable"))}


class Services:
    """The gRPC channels and stubs the gateway calls."""

    def __init__(self, settings: GatewaySettings) -> None:
        self.channels = [grpc.aio.insecure_channel(settings.address(s)) for s in ("intake", "case")]
        self.intake = intake_pb2_grpc.IntakeServiceStub(self.channels[0])
        self.case = case_pb2_grpc.CaseServiceStub(self.channels[1])

    async def close(self) -> None:
        for channel in self.channels:
            await channel.close()


async def idempotency_key(idempotency_key: Annotated[str | None, Header()] = None) -> str:
    """The Idempotency-Key header: a retry with the same key gets the first answer."""
    if idempotency_key is not None and not IDEMPOTENCY_KEY.match(idempotency_key):
        raise HTTPException(422, "Idempotency-Key must be 1–255 visible ASCII characters")
    return idempotency_key or ""


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    """Build the app; nothing is created at import time."""
    settings = settings or GatewaySettings()
    key = settings.signing_key()
    directory = TenantDirectory.load(settings.tenants_file or settings.seed_file)
    authenticator = Authenticator(settings, directory)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.services = Services(settings)
        yield
        await app.state.services.close()

    app = FastAPI(title="casebridge", version="0.1.0", lifespan=lifespan, responses=ERRORS,
                  description="Complaints (投诉), reports (举报) and disputes (纠纷): intake, "
                  "routing, cases and deadlines. Authenticate with `Authorization: Bearer "
                  "<token>` (locally: `make token TENANT=demo-hospital ROLE=intake_clerk`).")
    app.add_middleware(JsonOnly)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(Tracing)
    app.add_exception_handler(RequestValidationError, problems.on_validation_error)
    app.add_exception_handler(HTTPException, problems.on_http_error)
    app.add_exception_handler(grpc.aio.AioRpcError, problems.on_grpc_error)

    # async: a plain def dependency would cost a thread-pool hop on every request
    async def caller(authorization: Annotated[str | None, Header()] = None) -> Principal:
        return await authenticator.authenticate(authorization)

    async def services(request: Request) -> Services:
        return request.app.state.services

    def metadata(principal: Principal) -> tuple[tuple[str, str], ...]:
        return client_metadata(principal, key)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/v1/complaints", status_code=201, response_model=ComplaintAccepted,
              summary="Register a complaint or report (受理登记)")
    async def submit(body: ComplaintCreate, response: Response,
                     principal: Annotated[Principal, Depends(caller)],
                     svc: Annotated[Services, Depends(services)],
                     idempotency_key: Annotated[str, Depends(idempotency_key)],
                     ) -> ComplaintAccepted:
        """Stores the submission and answers with its case number; routing, assignment, the
        deadline clock and the acknowledgement follow asynchronously (see the case's timeline).
        Send an `Idempotency-Key` so a retry returns the first answer instead of a second case."""
        answer = await svc.intake.SubmitComplaint(submit_request(body, idempotency_key),
                                                  metadata=metadata(principal),
                                                  timeout=settings.grpc_timeout_s)
        response.headers["Location"] = f"/v1/cases/{answer.submission.case_id}"
        if answer.replayed:
            response.headers["Idempotent-Replayed"] = "true"
        return accepted(answer)

    @app.get("/v1/cases/{case_id}", response_model=CaseRead, summary="One case with its timeline")
    async def get_case(case_id: uuid.UUID, principal: Annotated[Principal, Depends(caller)],
                       svc: Annotated[Services, Depends(services)]) -> CaseRead:
        case = await svc.case.GetCase(case_pb2.GetCaseRequest(case_id=str(case_id)),
                                      metadata=metadata(principal),
                                      timeout=settings.grpc_timeout_s)
        return case_read(case)

    @app.get("/v1/cases", response_model=CaseList, summary="The caller's tenant's cases")
    async def list_cases(principal: Annotated[Principal, Depends(caller)],
                         svc: Annotated[Services, Depends(services)],
                         status: Annotated[str | None, Query(max_length=32)] = None,
                         page_size: Annotated[int, Query(ge=1, le=200)] = 50,
                         page_token: Annotated[str | None, Query(max_length=512)] = None,
                         ) -> CaseList:
        answer = await svc.case.ListCases(
            case_pb2.ListCasesRequest(page_size=page_size, page_token=page_token or "",
                                      status=status or ""),
            metadata=metadata(principal), timeout=settings.grpc_timeout_s)
        items: list[CaseSummary] = [case_summary(c) for c in answer.cases]
        return CaseList(items=items, next_page_token=answer.next_page_token or None)

    return app


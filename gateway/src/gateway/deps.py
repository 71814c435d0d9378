"""What every route needs: the caller, the services, signed metadata, the Idempotency-Key."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

import grpc
from casebridge.case.v1 import case_pb2_grpc
from casebridge.escalation.v1 import escalation_pb2_grpc
from casebridge.intake.v1 import intake_pb2_grpc
from casebridge.notification.v1 import notification_pb2_grpc
from casebridge.routing.v1 import routing_pb2_grpc
from casebridge_platform.auth import Principal
from casebridge_platform.grpcserver import client_metadata
from fastapi import Depends, Header, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException

from gateway.settings import GatewaySettings

IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


class Services:
    """The gRPC channels and stubs the gateway calls."""

    def __init__(self, settings: GatewaySettings) -> None:
        names = ("intake", "case", "routing", "escalation", "notification")
        self.channels = {n: grpc.aio.insecure_channel(settings.address(n)) for n in names}
        self.intake = intake_pb2_grpc.IntakeServiceStub(self.channels["intake"])
        self.case = case_pb2_grpc.CaseServiceStub(self.channels["case"])
        self.routing = routing_pb2_grpc.RoutingServiceStub(self.channels["routing"])
        self.escalation = escalation_pb2_grpc.EscalationServiceStub(self.channels["escalation"])
        self.notification = notification_pb2_grpc.NotificationServiceStub(
            self.channels["notification"])

    async def close(self) -> None:
        for channel in self.channels.values():
            await channel.close()


@dataclass(frozen=True)
class Call:
    """One authenticated request's way to the services: stubs, metadata and timeout."""

    principal: Principal
    svc: Services
    key: bytes
    timeout: float

    @property
    def options(self) -> dict:
        return {"metadata": client_metadata(self.principal, self.key), "timeout": self.timeout}

    def as_(self, principal: Principal) -> Call:
        return Call(principal, self.svc, self.key, self.timeout)


# In the OpenAPI document only (the Authorize button of /docs, generated clients): the header
# itself is read and judged by the authenticator, which answers 401 with a problem.
BEARER = HTTPBearer(auto_error=False, scheme_name="bearer", bearerFormat="JWT",
                    description="`make token TENANT=… ROLE=…` locally; the OIDC issuer's "
                    "access token in production")


async def caller(request: Request,
                 _: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)]
                 ) -> Principal:
    # async: a plain def dependency would cost a thread-pool hop on every request
    return await request.app.state.authenticator.authenticate(
        request.headers.get("authorization"))


def _call(request: Request, principal: Principal) -> Call:
    state = request.app.state
    return Call(principal, state.services, state.principal_key, state.settings.grpc_timeout_s)


async def staff_call(request: Request,
                     principal: Annotated[Principal, Depends(caller)]) -> Call:
    return _call(request, principal)


async def system_call(request: Request) -> Call:
    """For the complainant portal, before the access code is checked: the gateway itself."""
    return _call(request, Principal(tenant_id="", user_id="gateway", roles=("system",)))


async def idempotency_key(idempotency_key: Annotated[str | None, Header()] = None) -> str:
    """The Idempotency-Key header: a retry with the same key gets the first answer."""
    if idempotency_key is not None and not IDEMPOTENCY_KEY.match(idempotency_key):
        raise HTTPException(422, "Idempotency-Key must be 1–255 visible ASCII characters")
    return idempotency_key or ""


Staff = Annotated[Call, Depends(staff_call)]
Key = Annotated[str, Depends(idempotency_key)]
System = Annotated[Call, Depends(system_call)]

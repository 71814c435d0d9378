"""A page's way to the services: the signed-in person's principal, the same stubs and
timeouts as the API, and a service's refusal in words the page can show."""

from __future__ import annotations

from dataclasses import dataclass, field

import grpc
from fastapi import Request

from gateway.deps import Call
from gateway.problems import explain
from gateway.web.session import Session


def call_for(request: Request, session: Session) -> Call:
    state = request.app.state
    return Call(session.principal, state.services, state.principal_key,
                state.settings.grpc_timeout_s)


@dataclass(frozen=True)
class Refusal:
    """What a service said no with: shown on the page, next to the fields at fault."""

    status: int
    message: str
    fields: dict[str, str] = field(default_factory=dict)
    allowed_actions: tuple[str, ...] = ()

    @classmethod
    def of(cls, exc: grpc.aio.AioRpcError) -> Refusal:
        status, message, errors, extensions = explain(exc)
        return cls(status, message, {e["field"]: e["message"] for e in errors},
                   tuple(extensions.get("allowed_actions", ())))

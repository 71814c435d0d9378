"""grpc.aio server: health, reflection, one interceptor for trace, principal and errors."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
import sqlalchemy.exc
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from grpc_status import rpc_status
from opentelemetry import trace

from casebridge_platform import auth, db, metrics, telemetry
from casebridge_platform.errors import DomainError, IllegalTransition, InvalidArgument

log = logging.getLogger(__name__)

# A method as grpc.aio holds it: a coroutine function of (request, aio context). grpc's stubs
# type RpcMethodHandler.unary_unary for the sync server only, so the handler's own is loose.
Behavior = Callable[[Any, Any], Any]


# A status travels in trailing metadata, which gRPC clients refuse above 8 KiB (the message
# percent-encoded, the details base64): a refusal that echoes much input (every unknown clock
# of a policy change) must stay well below, or the caller sees RESOURCE_EXHAUSTED instead.
MAX_MESSAGE_CHARS = 300
MAX_DETAILS_BYTES = 2_500


def _violations(fields: dict[str, str]) -> list[error_details_pb2.BadRequest.FieldViolation]:
    """The field violations, in order, as many as fit; the rest counted in a last one."""
    kept: list[error_details_pb2.BadRequest.FieldViolation] = []
    size = 0
    for n, (field, description) in enumerate(fields.items()):
        violation = error_details_pb2.BadRequest.FieldViolation(
            field=field[:100], description=description[:200])
        size += violation.ByteSize() + 4
        if size > MAX_DETAILS_BYTES:
            kept.append(error_details_pb2.BadRequest.FieldViolation(
                field="…", description=f"and {len(fields) - n} more"))
            break
        kept.append(violation)
    return kept


def status_of(error: DomainError) -> status_pb2.Status:
    """The rich status for a domain error; field violations travel as google.rpc.BadRequest."""
    message = error.message if len(error.message) <= MAX_MESSAGE_CHARS \
        else error.message[:MAX_MESSAGE_CHARS - 1] + "…"
    status = status_pb2.Status(code=getattr(code_pb2, error.code.name), message=message)
    if isinstance(error, InvalidArgument) and error.fields:
        detail = any_pb2.Any()
        detail.Pack(error_details_pb2.BadRequest(field_violations=_violations(error.fields)))
        status.details.append(detail)
    if isinstance(error, IllegalTransition):
        detail = any_pb2.Any()
        detail.Pack(error_details_pb2.PreconditionFailure(violations=[
            error_details_pb2.PreconditionFailure.Violation(
                type="STATUS", subject=error.status, description=" ".join(error.allowed))]))
        status.details.append(detail)
    return status


class ServiceInterceptor(grpc.aio.ServerInterceptor):
    """For casebridge methods: continue the caller's trace, verify the principal, map errors."""

    def __init__(self, key: bytes) -> None:
        self._key = key
        self._wrapped: dict[str, grpc.RpcMethodHandler[Any, Any]] = {}   # made once a method

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails],
                               Awaitable[grpc.RpcMethodHandler[Any, Any] | None]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        method = handler_call_details.method
        if (wrapped := self._wrapped.get(method)) is not None:
            return wrapped
        handler = await continuation(handler_call_details)
        if handler is None or handler.unary_unary is None or not method.startswith("/casebridge."):
            return handler
        wrapped = self._wrapped[method] = grpc.unary_unary_rpc_method_handler(
            self._wrap(method, handler.unary_unary),
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
        return wrapped

    def _wrap(self, method: str, behavior: Behavior) -> Behavior:
        async def wrapped(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            metadata = {k: v for k, v in (context.invocation_metadata() or ())
                        if isinstance(v, str)}
            with metrics.timed_rpc(method, lambda: _code_name(context)), \
                    telemetry.tracer().start_as_current_span(
                method.lstrip("/"), context=telemetry.extract(metadata),
                kind=trace.SpanKind.SERVER, attributes={"rpc.system": "grpc"},
            ):
                try:
                    token = auth.current_principal.set(
                        auth.verify(metadata.get(auth.METADATA_KEY), self._key))
                    try:
                        return await behavior(request, context)
                    finally:
                        auth.current_principal.reset(token)
                except DomainError as error:
                    await context.abort_with_status(rpc_status.to_status(status_of(error)))
                except (sqlalchemy.exc.DBAPIError, ConnectionError) as error:
                    if not db.unavailable(error):
                        raise
                    log.warning("database unavailable in %s", method, exc_info=True)
                    await context.abort(grpc.StatusCode.UNAVAILABLE,
                                        "the database is unavailable; retry the request")
        return wrapped


def _code_name(context: grpc.aio.ServicerContext[Any, Any]) -> str:
    code = context.code()
    return code.name if isinstance(code, grpc.StatusCode) else "OK"


def client_metadata(principal: auth.Principal, key: bytes) -> tuple[tuple[str, str], ...]:
    """Metadata for an outgoing call: the signed principal and the current trace context."""
    return ((auth.METADATA_KEY, auth.sign(principal, key)), *telemetry.inject().items())


class ReadinessHealth(health.aio.HealthServicer):
    """The standard health service; `casebridge.ready` is answered when asked (the database
    and NATS checked then), and NOT_SERVING from the graceful stop on, like every name."""

    def __init__(self) -> None:
        super().__init__()
        self.ready: Callable[[], Awaitable[bool]] | None = None
        self._stopping = False

    async def Check(self, request: health_pb2.HealthCheckRequest,  # noqa: N802 (gRPC's name)
                    context: Any) -> health_pb2.HealthCheckResponse:
        if request.service != metrics.READY_SERVICE or self.ready is None:
            return await super().Check(request, context)
        serving = not self._stopping and await self.ready()
        return health_pb2.HealthCheckResponse(status=health_pb2.HealthCheckResponse.SERVING
                                              if serving else
                                              health_pb2.HealthCheckResponse.NOT_SERVING)

    async def enter_graceful_shutdown(self) -> None:
        self._stopping = True
        await super().enter_graceful_shutdown()


class Server:
    """A grpc.aio server with the health service and reflection, stopped gracefully."""

    def __init__(self, key: bytes) -> None:
        self.server = grpc.aio.server(interceptors=[ServiceInterceptor(key)])
        self.health = ReadinessHealth()
        self._names: list[str] = [reflection.SERVICE_NAME, health.SERVICE_NAME]
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.server)

    def add(self, register: Callable[[Any, grpc.aio.Server], None], servicer: Any,
            full_name: str) -> None:
        register(servicer, self.server)
        self._names.append(full_name)

    async def start(self, address: str) -> int:
        reflection.enable_server_reflection(self._names, self.server)
        port = self.server.add_insecure_port(address)
        if port == 0:
            raise RuntimeError(f"cannot listen on {address}")
        await self.server.start()
        for name in ("", *self._names):
            await self.health.set(name, health_pb2.HealthCheckResponse.SERVING)
        return port

    def answer_readiness(self, ready: Callable[[], Awaitable[bool]]) -> None:
        """Readiness, apart from liveness: `casebridge.ready` asks `ready` at each check."""
        self.health.ready = ready

    async def not_serving(self) -> None:
        await self.health.enter_graceful_shutdown()

    async def stop(self, grace_s: float) -> None:
        await self.server.stop(grace_s)



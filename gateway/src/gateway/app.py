"""The HTTP gateway: authenticates, scopes to the caller's tenant, and calls the services."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import grpc
from casebridge_platform import metrics
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from gateway import openapi, problems
from gateway.auth import Authenticator, TenantDirectory
from gateway.connection import live_of, nats_answers
from gateway.deps import Services
from gateway.files.store import FileStore
from gateway.guard import BodyGuard, RateLimit
from gateway.middleware import BodyLimit, JsonOnly, SecurityHeaders, Tracing
from gateway.routes import (
    admin,
    cases,
    deadlines,
    files,
    notifications,
    oversight,
    portal,
    public,
    transfers,
)
from gateway.settings import GatewaySettings
from gateway.web import install as install_pages


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    """Build the app; nothing is created at import time."""
    settings = settings or GatewaySettings()
    directory = TenantDirectory.load(settings.tenants_file or settings.seed_file)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.services = Services(settings)
        yield
        await app.state.services.close()
        await live_of(app).close()              # the pages' NATS connection, if one was made

    # FastAPI's own telemetry is off: middleware.Tracing makes the server span and the
    # Prometheus metrics; its extra spans per dependency, endpoint and serialisation cost
    # about a quarter of the gateway's CPU per request (issue 15)
    app = FastAPI(title="casebridge", version="0.2.0", lifespan=lifespan,
                  docs_url=None, redoc_url=None, telemetry={
                      "tracing": False, "metrics": False, "logs": False,
                      "operation_spans": False},
                  description="Complaints (投诉), reports (举报) and disputes (纠纷): intake, "
                  "classification, routing, the case lifecycle and deadlines. Staff "
                  "authenticate with `Authorization: Bearer <token>` (locally: `make token "
                  "TENANT=demo-hospital ROLE=intake_clerk`); complainants use the portal "
                  "with their case number and access code (`X-Access-Code`).")
    app.state.settings = settings
    app.state.directory = directory
    app.state.authenticator = Authenticator(settings, directory)
    app.state.principal_key = settings.signing_key()
    app.state.files = FileStore.of(settings)
    app.add_middleware(JsonOnly)
    app.add_middleware(BodyGuard, idle_s=settings.body_idle_timeout_s,
                       max_depth=settings.max_json_depth)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes,
                       upload_bytes=settings.max_upload_bytes)
    app.add_middleware(RateLimit, per_caller=settings.rate_caller_per_minute,
                       per_address=settings.rate_address_per_minute,
                       behind_proxy=settings.public_behind_proxy)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(Tracing)
    app.add_exception_handler(RequestValidationError, problems.on_validation_error)
    app.add_exception_handler(HTTPException, problems.on_http_error)
    app.add_exception_handler(grpc.aio.AioRpcError, problems.on_grpc_error)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        """Readiness: NATS (shared limits, live pages) answers; 503 otherwise."""
        ready = await nats_answers(live_of(app))
        metrics.READY.set(1 if ready else 0)
        return JSONResponse({"status": "ok" if ready else "nats unreachable"},
                            status_code=200 if ready else 503)

    for module in (cases, admin, deadlines, files, notifications, oversight, portal,
                   public, transfers):
        app.include_router(module.router)
    install_pages(app)
    openapi.install(app)
    return app

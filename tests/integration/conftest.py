"""Every service in this process on real NATS and a real database, the gateway over ASGI."""

from __future__ import annotations

import asyncio
import importlib
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from casebridge_platform.config import SERVICES, Settings
from casebridge_platform.devstack import free_port
from casebridge_platform.runtime import Runtime
from fastapi import FastAPI
from gateway.app import create_app
from gateway.auth import issue_local_token, load_or_create_key
from gateway.settings import GatewaySettings
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from conftest import a_database, own_settings
from tests.support import daytime_seed


@dataclass
class Platform:
    settings: GatewaySettings
    runtimes: dict[str, Runtime]
    http: httpx.AsyncClient
    token: Callable[..., str]
    app: FastAPI

    def auth(self, tenant: str = "demo-hospital", role: str = "intake_clerk",
             user: str = "hosp-clerk", department: str | None = None) -> dict[str, str]:
        token = self.token(tenant_id=tenant, user_id=user, roles=[role], department=department)
        return {"Authorization": f"Bearer {token}"}

    async def wait_for_case(self, case_id: str, done: Callable[[dict], bool],
                            headers: dict[str, str], timeout: float = 20) -> dict:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            answer = await self.http.get(f"/v1/cases/{case_id}", headers=headers)
            if answer.status_code == 200 and done(answer.json()):
                return answer.json()
            assert asyncio.get_running_loop().time() < deadline, f"case not done: {answer.text}"
            await asyncio.sleep(0.05)


@asynccontextmanager
async def started(settings: Settings, tmp_path: Path, seed: Path | None = None,
                  **gateway: object) -> AsyncIterator[Platform]:
    """Every service on its own gRPC port in this process, the gateway over ASGI (with
    `gateway` settings of its own, e.g. the file store's; `seed`: other tenants than the
    demo's)."""
    addresses = {f"{s}_addr": f"127.0.0.1:{free_port()}" for s in SERVICES}
    # the tests poll as fast as they like: rate limits only where a test sets them
    unlimited = {"rate_caller_per_minute": 0, "rate_address_per_minute": 0}
    gw_settings = GatewaySettings(**{**settings.model_dump(), **addresses, **unlimited,
                                     **gateway,
                                     "principal_key": settings.principal_key,
                                     "seed_file": seed or daytime_seed(tmp_path),
                                     "token_key_file": tmp_path / "token.key"})
    runtimes: dict[str, Runtime] = {}
    try:
        for name in SERVICES:
            bootstrap = importlib.import_module(f"{name}.bootstrap")
            runtime = Runtime(name, gw_settings, bootstrap.MIGRATIONS)
            await runtime.start()
            runtimes[name] = runtime
            await runtime.run_parts(bootstrap.configure(runtime))
        app: FastAPI = create_app(gw_settings)
        key = load_or_create_key(tmp_path / "token.key")
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as http:
                yield Platform(gw_settings, runtimes, http,
                               lambda **claims: issue_local_token(key, **claims), app)
    finally:
        await asyncio.gather(*(runtime.stop() for runtime in runtimes.values()))


# The in-process platform tests run on SQLite; a test marked BOTH runs on PostgreSQL too (the
# SQL each service sends is the same, and each service's own tests run on both databases).
# CASEBRIDGE_TEST_DATABASES=sqlite,postgresql (make test-all-databases) runs every one on both.
DATABASES = os.environ.get("CASEBRIDGE_TEST_DATABASES", "sqlite").split(",")
BOTH = pytest.mark.parametrize("database", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture(params=DATABASES)
async def database(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """CASEBRIDGE_DATABASE for one test (see DATABASES)."""
    async with a_database(request, request.param) as url:
        yield url


@pytest.fixture
async def platform(settings: Settings, spans: InMemorySpanExporter,
                   tmp_path: Path) -> AsyncIterator[Platform]:
    async with started(settings, tmp_path) as running:
        yield running


@pytest.fixture(scope="module", params=DATABASES)
async def shared_platform(request: pytest.FixtureRequest, nats_url: str,
                          spans: InMemorySpanExporter,
                          tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Platform]:
    """One platform (per database of DATABASES) for a module whose tests change nothing it
    holds (e.g. requests that must be refused): starting one is most of such a test's cost."""
    tmp_path = tmp_path_factory.mktemp("platform")
    async with (a_database(request, request.param) as database,
                own_settings(database, nats_url, tmp_path) as settings,
                started(settings, tmp_path) as running):
        yield running

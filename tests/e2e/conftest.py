"""Every process started for real; the tests see only the gateway's HTTP API."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import nats
import pytest
from casebridge_platform import testing
from casebridge_platform.devstack import ROOT, Stack, free_port

from tests.support import UNLIMITED, daytime_seed


@asynccontextmanager
async def running(database: str, nats_url: str, tmp_path: Path,
                  extra_env: dict[str, str] | None = None, *, gateway_port: int = 0,
                  tenants: tuple[str, ...] = ()) -> AsyncIterator[Stack]:
    """A whole platform on its own stream, stopped and its stream removed afterwards; with
    `tenants`, a deployment of those institutions only."""
    platform = Stack(tmp_path / "var", database=database, nats_url=nats_url,
                     gateway_port=gateway_port or free_port(), stream=testing.unique("CBE"),
                     subject_prefix=testing.unique("cbe"),
                     seed_file=daytime_seed(tmp_path, tenants),
                     extra_env={**UNLIMITED, **(extra_env or {})})
    try:
        await asyncio.to_thread(platform.start)
        yield platform
    finally:
        await asyncio.to_thread(platform.stop)
        nc = await nats.connect(nats_url)
        try:
            await nc.jetstream().delete_stream(platform.env["CASEBRIDGE_STREAM"])
        finally:
            await nc.close()


@pytest.fixture
async def stack(database: str, nats_url: str, tmp_path: Path) -> AsyncIterator[Stack]:
    async with running(database, nats_url, tmp_path) as platform:
        yield platform


def token(stack: Stack, tenant: str = "demo-hospital", role: str = "intake_clerk") -> str:
    """The token `make token` would print, made the same way."""
    return subprocess.run(
        [sys.executable, "-m", "gateway.issue_token", "--tenant", tenant, "--role", role],
        env=stack.env, cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
async def client(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    headers = {"Authorization": f"Bearer {token(stack)}"}
    async with httpx.AsyncClient(base_url=stack.gateway_url, headers=headers,
                                 timeout=30) as http:
        yield http


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 60,
                     what: str = "condition") -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, f"{what} not reached in {timeout}s"
        await asyncio.sleep(0.2)

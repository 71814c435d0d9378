"""Real local peers for the channel tests: an ASGI app under uvicorn, a peer that never answers."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import pytest
import uvicorn

Serve = Callable[[Any], AbstractAsyncContextManager[str]]


@contextlib.asynccontextmanager
async def _serve(app: Any) -> AsyncIterator[str]:
    """Run `app` on 127.0.0.1 (a port bound here, so no other test can take it); its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level="warning",
                                           access_log=False))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        async with asyncio.timeout(5):
            while not server.started:   # noqa: ASYNC110 (uvicorn offers a flag, no event)
                await asyncio.sleep(0.005)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


@pytest.fixture(scope="session")
def serve() -> Serve:
    return _serve


@pytest.fixture
async def silent_port() -> AsyncIterator[int]:
    """A port that accepts connections and then says nothing: the peer that times out."""
    held: list[asyncio.StreamWriter] = []

    async def hold(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()

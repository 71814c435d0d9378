"""The gateway's one NATS connection (live pages, shared limits), made when first needed and
closed with the app."""

from __future__ import annotations

import asyncio

from casebridge_platform import bus
from fastapi import FastAPI
from nats.aio.client import Client


class Live:
    """The gateway's one NATS connection, made when first needed."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._nc: Client | None = None
        self._lock = asyncio.Lock()

    async def connection(self) -> Client:
        async with self._lock:
            if self._nc is None or self._nc.is_closed:
                self._nc = await bus.connect(self._url, "gateway-pages")
            return self._nc

    async def close(self) -> None:
        if self._nc is not None and not self._nc.is_closed:
            await self._nc.close()
        self._nc = None


async def nats_answers(live: Live, timeout_s: float = 2.0) -> bool:
    """Whether NATS answers a round trip within the timeout (the gateway's readiness)."""
    try:
        async with asyncio.timeout(timeout_s):
            nc = await live.connection()
            await nc.flush()
        return nc.is_connected
    except Exception:  # noqa: BLE001 (unreachable, whatever the reason)
        return False


def live_of(app: FastAPI) -> Live:
    found = getattr(app.state, "live", None)
    if found is None:
        found = app.state.live = Live(app.state.settings.nats_url)
    return found

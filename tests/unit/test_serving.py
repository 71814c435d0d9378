"""The gateway's server at rest looks for a stop once a second, and a stop signal wakes it at
once (uvicorn's own looks ten times a second: most of an idle gateway's CPU)."""

from __future__ import annotations

import asyncio
import signal

import uvicorn
from gateway.serving import Server


async def app(scope: dict, receive: object, send: object) -> None:  # never called here
    raise AssertionError("no request in this test")


async def test_a_stop_signal_wakes_the_server_between_its_ticks() -> None:
    config = uvicorn.Config(app, lifespan="off", log_level="error")
    config.load()
    server = Server(config)
    server.TICK_S = 60.0   # had the signal not woken it, the loop would sleep a minute
    ticks: list[int] = []
    ticked = asyncio.Event()
    on_tick = server.on_tick

    async def counted(counter: int) -> bool:
        ticks.append(counter)
        ticked.set()
        return await on_tick(counter)

    server.on_tick = counted  # type: ignore[method-assign]
    running = asyncio.create_task(server.main_loop())
    await asyncio.wait_for(ticked.wait(), timeout=10)
    assert [name for name, _ in server.server_state.default_headers][:1] == [b"date"]
    await asyncio.sleep(0.3)   # uvicorn's loop would have ticked three more times by now
    assert ticks == [0]
    server.handle_exit(signal.SIGTERM, None)
    await asyncio.wait_for(running, timeout=10)
    assert ticks == [0, 10]   # the second tick is the one that sees the stop

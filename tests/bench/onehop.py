"""The reference the pipeline benchmark is compared with: one process that takes a complaint
over HTTP, validates it with the gateway's own model, INSERTs it into PostgreSQL and publishes
it to JetStream (acked) — the least any design must do per complaint on this machine.

`python -m tests.bench.onehop` serves it (uvicorn, one worker); `running()` starts it with its
own database and nats-server for the benchmark.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from casebridge_platform import testing
from casebridge_platform.devstack import ROOT, free_port, http_ok, nats_server_binary, wait_until
from gateway.schemas import ComplaintCreate


def app():  # noqa: ANN201 (FastAPI, built only in the served process)
    import asyncpg
    import nats
    from fastapi import FastAPI
    from fastapi.responses import JSONResponse

    state: dict = {}

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        state["pool"] = await asyncpg.create_pool(os.environ["ONEHOP_DATABASE"], min_size=8,
                                                  max_size=8)
        await state["pool"].execute(
            "CREATE TABLE IF NOT EXISTS complaints (id uuid PRIMARY KEY, received_at "
            "timestamptz NOT NULL, body jsonb NOT NULL)")
        state["nc"] = await nats.connect(os.environ["ONEHOP_NATS"])
        state["js"] = state["nc"].jetstream()
        await state["js"].add_stream(name="ONEHOP", subjects=["onehop.>"])
        yield
        await state["nc"].drain()
        await state["pool"].close()

    api = FastAPI(lifespan=lifespan)

    @api.get("/healthz")
    async def healthz() -> dict:
        return {"ok": True}

    @api.post("/complaints", status_code=201)
    async def submit(complaint: ComplaintCreate) -> JSONResponse:
        case_id = str(uuid.uuid4())
        body = complaint.model_dump_json()
        await state["pool"].execute("INSERT INTO complaints VALUES ($1, $2, $3)",
                                    uuid.UUID(case_id), datetime.now(UTC), body)
        await state["js"].publish("onehop.received", body.encode(),
                                  headers={"Nats-Msg-Id": case_id})
        return JSONResponse({"case_id": case_id}, status_code=201)

    return api


@dataclass(frozen=True)
class Running:
    url: str
    pid: int
    admin_url: str   # its database, as the server's administrator


def _start(url: str, store: Path, nats_port: int, port: int
           ) -> tuple[subprocess.Popen[bytes], subprocess.Popen[bytes]]:
    nats_server = subprocess.Popen([nats_server_binary(), "-a", "127.0.0.1", "-p",
                                    str(nats_port), "-js", "-sd", str(store)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = {**os.environ, "ONEHOP_DATABASE": url, "ONEHOP_NATS": f"nats://127.0.0.1:{nats_port}"}
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory",
                               "tests.bench.onehop:app", "--port", str(port),
                               "--log-level", "warning", "--no-access-log"], env=env, cwd=ROOT)
    return nats_server, server


@contextlib.asynccontextmanager
async def running() -> AsyncIterator[Running]:
    url = await testing.create_database(testing.DEFAULT_POSTGRES)
    store = ROOT / "var/bench/onehop-nats"
    shutil.rmtree(store, ignore_errors=True)
    nats_port, port = free_port(), free_port()
    nats_server, server = await asyncio.to_thread(_start, url, store, nats_port, port)
    try:
        base = f"http://127.0.0.1:{port}"
        await asyncio.to_thread(wait_until, lambda: http_ok(f"{base}/healthz"), 30,
                                "one-hop app")
        yield Running(base, server.pid, testing.DEFAULT_POSTGRES.rsplit("/", 1)[0] + "/"
                      + url.rsplit("/", 1)[1])
    finally:
        for process in (server, nats_server):
            process.terminate()
            process.wait(timeout=20)
        await testing.drop_database(testing.DEFAULT_POSTGRES, url)


if __name__ == "__main__":
    print(json.dumps({"see": "tests/bench/pipeline.py"}))

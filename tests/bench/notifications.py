"""Notification benchmark: webhook deliveries to a local receiver.

Queues N pending webhook deliveries (as the event handlers do), then runs the delivery engine
until every one is delivered, against a real HTTP receiver (uvicorn) that verifies each
signature. Writes var/bench/notifications.json: deliveries per second, and the delivery lag
p50/p99 (from a delivery being queued to the receiver having it). `make bench` runs it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from casebridge_platform import db, migrations, testing
from casebridge_platform.config import Settings
from casebridge_platform.devstack import ROOT
from casebridge_platform.messaging.outbox import UnitOfWork
from casebridge_platform.sealing import Sealer
from casebridge_platform.testing import http_peer
from notification.adapters.channels.webhook import verify
from notification.adapters.tables import deliveries, endpoints
from notification.bootstrap import MIGRATIONS, outside_channels
from notification.service_layer.sender import Sender
from starlette.requests import Request
from starlette.responses import Response

from tests.bench.pipeline import percentile

SECRET = "bench-secret-0123456789"  # noqa: S105 (the bench receiver's)
TENANT = "demo-hospital"


class Receiver:
    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self.requests = 0

    async def handle(self, request: Request) -> Response:
        body, h = await request.body(), request.headers
        self.requests += 1
        if not verify(SECRET.encode(), h["x-casebridge-timestamp"], body,
                      h["x-casebridge-signature"], now=time.time()):
            return Response(status_code=401)
        self.arrived.setdefault(h["x-casebridge-delivery"], time.time())
        return Response(status_code=204)


async def queue(engine: sa.ext.asyncio.AsyncEngine, sealer: Sealer, url: str,
                count: int) -> dict[str, float]:
    """The endpoint and `count` pending deliveries; each delivery's queue time."""
    queued: dict[str, float] = {}
    async with UnitOfWork(engine, "bench", lambda events: None) as uow:
        await uow.all_tenants()
        now = datetime.now(UTC)
        await uow.conn.execute(endpoints.insert().values(
            tenant_id=TENANT, endpoint_id="bench", url=url, templates=[], active=True,
            updated_at=now, secret=sealer.seal({"secret": SECRET}, bound_to="endpoint:bench")))
        rows = []
        for i in range(count):
            delivery_id = str(uuid.uuid4())
            queued[delivery_id] = time.time()
            rows.append({
                "delivery_id": delivery_id, "tenant_id": TENANT, "case_id": str(uuid.uuid4()),
                "source_event_id": str(uuid.uuid4()), "template": "acknowledgement",
                "recipient": "webhook:bench", "channel": "webhook", "status": "pending",
                "body": f"受理回执：案件编号 HOSP-2026-{i:06d} 已受理。", "attempts": 0,
                "subject": "受理回执", "data": {"case_number": f"HOSP-2026-{i:06d}"},
                "last_error": "", "next_attempt_at": now, "created_at": now, "reference": ""})
        await uow.conn.execute(deliveries.insert(), rows)
        await uow.commit()
    return queued


async def run(database: str, count: int) -> dict:
    admin = testing.DEFAULT_POSTGRES if database == "postgresql" else None
    url = await testing.create_database(admin) if admin else "sqlite"
    var = ROOT / "var" / "bench" / f"notifications-{database}"
    shutil.rmtree(var, ignore_errors=True)
    location = db.locate(url, "notification", var)
    engine = db.create_engine(location)
    receiver = Receiver()
    settings = Settings(var_dir=var)
    try:
        async with http_peer(receiver.handle) as port:
            await migrations.upgrade(engine, location, MIGRATIONS)
            sealer = settings.sealer()
            queued = await queue(engine, sealer, f"http://127.0.0.1:{port}/hook", count)
            sender = Sender(lambda: UnitOfWork(engine, "bench", lambda events: None),
                            outside_channels(settings), sealer)
            start = time.perf_counter()
            while len(receiver.arrived) < count:
                if not await sender.send_due():
                    await asyncio.sleep(0.01)
            elapsed = time.perf_counter() - start
    finally:
        await engine.dispose()
        if admin:
            await testing.drop_database(admin, url)
    lags = [(receiver.arrived[d] - queued[d]) * 1000 for d in queued]
    return {"database": database, "deliveries": count,
            "deliveries_per_s": round(count / elapsed, 1),
            "lag_p50_ms": round(percentile(lags, 50), 1),
            "lag_p99_ms": round(percentile(lags, 99), 1),
            "duplicates_at_receiver": receiver.requests - len(receiver.arrived)}


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--deliveries", type=int, default=2_000)
    parser.add_argument("--database", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--out", type=Path, default=ROOT / "var/bench/notifications.json")
    args = parser.parse_args()
    runs = [await run(d, args.deliveries) for d in args.database or ["sqlite"]]
    report = {"benchmark": "notifications", "at": datetime.now().isoformat(timespec="seconds"),
              "runs": runs}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

"""Timer engine benchmark: arm 1,000,000 timers, then measure how late due timers fire.

Writes var/bench/timers.json: arming rate, firing lag p50/p99 (from each timer's due time to
its claim, with the engine run as the service runs it, waking when the next timer is due,
while 1,000,000 other timers wait), and the engine process's peak memory. `make bench` runs it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import shutil
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from casebridge_platform import db, migrations, testing
from casebridge_platform.config import Settings
from casebridge_platform.devstack import ROOT
from casebridge_platform.messaging.outbox import UnitOfWork
from casebridge_platform.runtime import wait_until
from escalation.adapters.tables import timers
from escalation.bootstrap import MIGRATIONS
from escalation.service_layer.timers import fire_due, next_due

from tests.bench.pipeline import percentile


def rows(count: int, due: datetime, spread_s: float = 0.0) -> list[dict]:
    return [{"case_id": str(uuid.uuid4()), "clock": "answer", "kind": "breach",
             "tenant_id": "demo-hospital", "case_number": f"HOSP-2026-{i % 999999:06d}",
             "due_at": due + timedelta(seconds=spread_s * i / max(1, count)),
             "rule": "bench"} for i in range(count)]


async def arm(engine: sa.ext.asyncio.AsyncEngine, count: int, chunk: int = 20_000) -> float:
    """Arm `count` far-future timers; return timers armed per second."""
    due = datetime.now(UTC) + timedelta(days=30)
    start = time.perf_counter()
    for offset in range(0, count, chunk):
        async with UnitOfWork(engine, "bench", lambda events: None) as uow:
            await uow.all_tenants()
            await uow.conn.execute(timers.insert(), rows(min(chunk, count - offset), due))
            await uow.commit()
    return count / (time.perf_counter() - start)


async def fire_until_done(engine: sa.ext.asyncio.AsyncEngine, expected: int,
                          poll_s: float) -> None:
    """As the service's chore runs: fire what is due, then sleep till the next timer is due
    (at most the sweep)."""
    fired = 0
    while fired < expected:
        async with UnitOfWork(engine, "bench", lambda events: None) as uow:
            fired += await fire_due(await uow.all_tenants())
            due = await next_due(uow)
            await uow.commit()
        await wait_until(due, poll_s)


async def run(database: str, armed: int, due_count: int, poll_s: float) -> dict:
    admin = testing.DEFAULT_POSTGRES if database == "postgresql" else None
    url = await testing.create_database(admin) if admin else "sqlite"
    var = ROOT / "var" / "bench" / f"timers-{database}"
    shutil.rmtree(var, ignore_errors=True)
    location = db.locate(url, "escalation", var)
    engine = db.create_engine(location)
    try:
        await migrations.upgrade(engine, location, MIGRATIONS)
        arming_rate = await arm(engine, armed)
        async with UnitOfWork(engine, "bench", lambda events: None) as uow:
            await uow.all_tenants()
            await uow.conn.execute(timers.insert(), rows(
                due_count, datetime.now(UTC) + timedelta(seconds=1), spread_s=4.0))
            await uow.commit()
        await fire_until_done(engine, due_count, poll_s)
        async with engine.connect() as conn:
            await conn.execute(sa.text("SELECT set_config('casebridge.tenant', '*', false)")
                               if location.is_postgres else sa.text("SELECT 1"))
            fired = (await conn.execute(sa.select(timers.c.due_at, timers.c.fired_at)
                                        .where(timers.c.fired_at.is_not(None)))).all()
    finally:
        await engine.dispose()
        if admin:
            await testing.drop_database(admin, url)
    lags = [(f.fired_at - f.due_at).total_seconds() * 1000 for f in fired]
    return {"database": database, "armed": armed + due_count, "arming_per_s": round(arming_rate),
            "fired": len(fired), "poll_s": poll_s,
            "fire_lag_p50_ms": round(percentile(lags, 50), 1),
            "fire_lag_p99_ms": round(percentile(lags, 99), 1),
            "fire_lag_max_ms": round(max(lags), 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--armed", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=2_000)
    parser.add_argument("--database", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--out", type=Path, default=ROOT / "var/bench/timers.json")
    args = parser.parse_args()
    poll_s = Settings().timer_poll_s
    runs = [await run(d, args.armed, args.due, poll_s) for d in args.database or ["sqlite"]]
    report = {"benchmark": "timers", "at": datetime.now().isoformat(timespec="seconds"),
              "runs": runs}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(json.dumps(report, indent=1))
    return 0 if all(r["fired"] == args.due for r in runs) else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

"""Pipeline benchmark: complaints through the gateway, end to end, on SQLite and PostgreSQL.

Submits concurrently for a bounded time, waits until every accepted complaint is a case that
routing has classified, rated and given a responsible department (the automatic part of the
pipeline; acceptance is a person's decision), and writes
var/bench/pipeline.json. `make bench` runs it; --url uses a platform that is already running.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import platform as host
import shutil
import statistics
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import httpx
from casebridge_platform import testing
from casebridge_platform.devstack import ROOT, Stack, free_port
from gateway.auth import issue_local_token, load_or_create_key

from tests.support import all_cases, routed

BODY = {"kind": "complaint", "channel": "web", "content": "护士输液时态度恶劣，打针多次不成功",
        "complainant": {"name": "测试", "phone": "13800000000"}}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def submit(http: httpx.AsyncClient, seconds: float, concurrency: int
                 ) -> tuple[dict[str, float], Counter[int], float]:
    """Submit until the time is up; return case id → send time, failures, and elapsed time."""
    sent: dict[str, float] = {}
    failures: Counter[int] = Counter()
    numbers = itertools.count()
    start = time.monotonic()

    async def worker() -> None:
        while time.monotonic() - start < seconds:
            n = next(numbers)
            at = time.time()
            answer = await http.post("/v1/complaints", json=BODY,
                                     headers={"Idempotency-Key": f"bench-{start}-{n}"})
            if answer.status_code == 201:
                sent[answer.json()["case_id"]] = at
            else:
                failures[answer.status_code] += 1

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return sent, failures, time.monotonic() - start


def _cpu_of(pid: int | str) -> tuple[str, float] | None:
    """A process's name and user + system CPU seconds so far (Linux /proc)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = stat[stat.index("(") + 1:stat.rindex(")")]
    fields = stat.rsplit(")", 1)[1].split()
    return name, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: dict[str, int]) -> dict[str, float]:
    """CPU seconds of each platform process, of this client, and of all postgres processes
    (the database server shares the two cores too)."""
    found = {name: cpu[1] for name, pid in pids.items() if (cpu := _cpu_of(pid))}
    found["bench client"] = time.process_time()
    found["postgresql server"] = sum(
        cpu[1] for pid in os.listdir("/proc") if pid.isdigit()
        and (cpu := _cpu_of(pid)) and cpu[0] == "postgres")
    return found


async def measure(url: str, token: str, seconds: float, concurrency: int,
                  settle_timeout: float, pids: dict[str, int] | None = None) -> dict:
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"},
                                 limits=limits, timeout=60) as http:
        before = {c["case_id"] for c in await all_cases(http)}
        cpu_before = cpu_seconds(pids or {})
        sent, failures, elapsed = await submit(http, seconds, concurrency)
        deadline = time.monotonic() + settle_timeout
        while True:
            cases = [c for c in await all_cases(http) if c["case_id"] not in before]
            done = {c["case_id"]: c for c in cases if routed(c)}
            if len(done) >= len(sent) or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.5)
        cpu_after = cpu_seconds(pids or {})
    cpu_ms = {name: round((cpu_after[name] - cpu_before[name]) * 1000 / max(1, len(sent)), 2)
              for name in cpu_after if name in cpu_before}
    ids = Counter(c["case_id"] for c in cases)
    latencies = [(datetime.fromisoformat(c["updated_at"]).timestamp() - sent[i]) * 1000
                 for i, c in done.items() if i in sent]
    last = max((datetime.fromisoformat(c["updated_at"]).timestamp() for c in done.values()),
               default=0.0)
    first = min(sent.values(), default=0.0)
    return {
        "complaints": len(sent),
        "submit_seconds": round(elapsed, 2),
        "concurrency": concurrency,
        "accepted_per_s": round(len(sent) / elapsed, 1),
        "completed_per_s": round(len(done) / (last - first), 1) if last > first else 0.0,
        "e2e_p50_ms": round(percentile(latencies, 50), 1) if latencies else None,
        "e2e_p95_ms": round(percentile(latencies, 95), 1) if latencies else None,
        "e2e_p99_ms": round(percentile(latencies, 99), 1) if latencies else None,
        "e2e_mean_ms": round(statistics.fmean(latencies), 1) if latencies else None,
        "lost": len(set(sent) - set(done)),
        "duplicated": sum(n - 1 for n in ids.values()) + len(set(ids) - set(sent)),
        "http_failures": dict(failures),
        "cpu_ms_per_complaint": cpu_ms,
    }


async def run_stack(database: str, args: argparse.Namespace) -> dict:
    """A fresh platform (own var dir, own nats-server) for one database backend."""
    admin = testing.DEFAULT_POSTGRES if database == "postgresql" else None
    url = await testing.create_database(admin) if admin else "sqlite"
    var = ROOT / "var" / "bench" / f"run-{database}"
    shutil.rmtree(var, ignore_errors=True)  # every run starts from empty databases and stream
    stack = Stack(var, database=url, gateway_port=free_port())
    try:
        await asyncio.to_thread(stack.start)
        token = issue_local_token(load_or_create_key(var / "secrets/token.key"),
                                  tenant_id="demo-hospital", user_id="hosp-clerk",
                                  roles=["intake_clerk"], department=None)
        pids = {name: p.pid for name, p in stack.processes.items()}
        result = await measure(stack.gateway_url, token, args.seconds, args.concurrency,
                               args.settle_timeout, pids)
    finally:
        await asyncio.to_thread(stack.stop)
        if admin:
            await testing.drop_database(admin, url)
    return {"database": database, **result}


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--database", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--url", help="use this running gateway instead of starting one")
    parser.add_argument("--token", help="with --url: a bearer token (make token)")
    parser.add_argument("--settle-timeout", type=float, default=300)
    parser.add_argument("--out", type=Path, default=ROOT / "var/bench/pipeline.json")
    args = parser.parse_args()
    if args.url:
        runs = [{"database": os.environ.get("CASEBRIDGE_DATABASE", "running platform"),
                 **await measure(args.url, args.token, args.seconds, args.concurrency,
                                 args.settle_timeout)}]
    else:
        runs = [await run_stack(db, args) for db in args.database or ["sqlite"]]
    report = {"benchmark": "pipeline", "at": datetime.now().isoformat(timespec="seconds"),
              "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0],
                          "platform": host.platform()}, "runs": runs}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0 if all(r["lost"] == 0 and r["duplicated"] == 0 for r in runs) else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

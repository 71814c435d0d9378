"""Pipeline benchmark: complaints end to end through the whole platform, on SQLite and
PostgreSQL, with the cost of each complaint per process.

For each database a fresh platform (own var dir, own nats-server) serves the 12315 tenant,
whose 7-working-day acceptance clock starts on receipt, so every service is on the path.
A complaint is done when the case service shows it routed with a candidate handler and its
receipt clock armed (the rules send no notice on receipt; the complainant's contact is kept
for the 受理回执). Phases:

0. warm-up, not counted: 100 complaints at 20/s (a process's first events load the tenant's
   configuration and calendars and prepare its statements: a one-off 0.4 s after a start,
   which in a 10 s phase would be its p99);
1. open loop at `--rate` complaints/s: end-to-end latency (from when each was due);
2. saturation, closed loop with `--concurrency` connections: complaints/s end to end, CPU per
   complaint per process (PostgreSQL's server processes included), SQL statements per
   complaint per service, lost and duplicated;
3. accept: a supervisor accepts the cases of phase 2; done when assigned, the handling clock
   armed and the 受理回执 recorded: accepts/s;
4. idle: the platform's CPU at rest, as a share of the machine, with the cases of the phases
   before open and their clocks armed, counted from `--rest-seconds` after the last phase
   (measured last: traffic at 100/s does not start from 20 s of silence, and a platform at
   rest has cases);
5. reference: a one-process app (tests/bench/onehop.py: validate, INSERT, publish to
   JetStream) driven by the same generator, and the ratio between the two.

A phase's CPU and statements are counted until every consumer has caught up, so the work its
items set going off the path to 'done' (contacts, notices, replays) is that phase's, not the
next one's. The load generator (tests/bench/load.py) runs in its own process; its CPU is
reported apart.
Writes var/bench/pipeline.json. `make bench` runs it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform as host
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import httpx
from casebridge_platform import testing
from casebridge_platform.config import SERVICES
from casebridge_platform.devstack import ROOT, Stack, free_port
from gateway.auth import issue_local_token, load_or_create_key

from tests.support import UNLIMITED, all_cases, daytime_seed

TENANT = "demo-12315"
COMPLAINT = {
    "kind": "complaint", "channel": "web",
    "content": "在店里买的电饭煲用了三天就坏了，无法加热，商家拒绝退货",
    "facts": "2026年11月在门店购买，使用三天后无法加热，要求退货被拒绝",
    "demands": "退货退款",
    "complainant": {"name": "测试{n}", "phone": "138{n}", "address": "山东省某县某路1号"},
    "respondent": {"unit": "某电器商店{n}"},
}  # every complainant and shop another one: the duplicate check finds what it would in life
DONE = "department <> '' AND handler_id <> '' AND due_at IS NOT NULL"
ACCEPTED = "status = 'assigned' AND acknowledged AND due_at IS NOT NULL"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _cpu_of(pid: int | str) -> tuple[str, float] | None:
    """A process's name and user + system CPU seconds so far (Linux /proc)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = stat[stat.index("(") + 1:stat.rindex(")")]
    fields = stat.rsplit(")", 1)[1].split()
    return name, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: dict[str, int], backends: list[int] | None = None) -> dict[str, float]:
    """CPU seconds of each platform process and of PostgreSQL's server processes: the backends
    serving the platform's database when known (other work on the machine's server is not the
    platform's), else all of them."""
    found = {name: cpu[1] for name, pid in pids.items() if (cpu := _cpu_of(pid))}
    found["postgresql server"] = sum(
        cpu[1] for pid in (backends if backends is not None else os.listdir("/proc"))
        if str(pid).isdigit() and (cpu := _cpu_of(pid)) and cpu[0] == "postgres")
    return found


def statements(stats: Path) -> dict[str, int]:
    """SQL statements each service has sent so far (the services write them with
    CASEBRIDGE_STATS_DIR set)."""
    found = {}
    for service in SERVICES:
        try:
            found[service] = json.loads((stats / f"{service}.json").read_text())["statements"]
        except (OSError, ValueError):
            found[service] = 0
    return found


def generate(url: str, token: str, requests: list, *, rate: float = 0, concurrency: int = 32,
             seconds: float = 10, once: bool = False) -> dict:
    """Run the load generator in its own process; its answers and CPU."""
    job = {"url": url, "token": token, "rate": rate, "concurrency": concurrency,
           "seconds": seconds, "requests": requests, "once": once}
    done = subprocess.run([sys.executable, "-m", "tests.bench.load"], input=json.dumps(job),
                          capture_output=True, text=True, cwd=ROOT, check=False)
    if done.returncode:
        raise RuntimeError(f"the load generator failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


async def backends_of(url: str) -> list[int]:
    import asyncpg
    conn = await asyncpg.connect(url)
    try:
        name = url.rsplit("/", 1)[1]
        return [r[0] for r in await conn.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            name)]
    finally:
        await conn.close()


class Probe:
    """Reads the case service's own table: how many of the tenant's cases are done (cheap
    enough to ask four times a second without loading the platform)."""

    def __init__(self, var: Path, database_url: str | None) -> None:
        self._file = var / "case.db"
        self._pg = (testing.DEFAULT_POSTGRES.rsplit("/", 1)[0] + "/" +
                    database_url.rsplit("/", 1)[1]) if database_url else None

    async def backends(self) -> list[int]:
        """The server processes serving the platform's database (none on SQLite)."""
        return await backends_of(self._pg) if self._pg else []

    async def rows(self, where: str, *, count: bool) -> list:
        what = "count(*)" if count else "case_id, updated_at"
        if self._pg:
            import asyncpg
            conn = await asyncpg.connect(self._pg)
            try:
                return [tuple(r) for r in await conn.fetch(
                    f'SELECT {what} FROM "case".cases WHERE tenant_id = $1 AND {where}',  # noqa: S608
                    TENANT)]
            finally:
                await conn.close()
        with sqlite3.connect(self._file, timeout=30) as conn:
            return conn.execute(f"SELECT {what} FROM cases WHERE tenant_id = ? AND {where}",  # noqa: S608
                                (TENANT,)).fetchall()

    async def wait(self, where: str, expected: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if (await self.rows(where, count=True))[0][0] >= expected:
                return
            await asyncio.sleep(0.25)

    async def finished(self, where: str) -> dict[str, float]:
        """case id → when its row last changed (epoch seconds)."""
        out = {}
        for case_id, updated in await self.rows(where, count=False):
            at = updated if isinstance(updated, datetime) else datetime.fromisoformat(updated)
            out[case_id] = (at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp()
        return out


def latencies(results: list, finished: dict[str, float]) -> dict:
    ms = [(finished[r[3]] - r[1]) * 1000 for r in results if r[3] in finished]
    if not ms:
        return {}
    return {"p50_ms": round(percentile(ms, 50), 1), "p95_ms": round(percentile(ms, 95), 1),
            "p99_ms": round(percentile(ms, 99), 1), "mean_ms": round(statistics.fmean(ms), 1)}


def per_item(after: dict, before: dict, items: int, scale: float = 1.0) -> dict:
    """Per item; never below 0 (a PostgreSQL backend that ends takes its CPU with it)."""
    return {k: round(max(0.0, after[k] - before.get(k, 0)) * scale / max(1, items), 2)
            for k in after}


async def idle_share(pids: dict[str, int], probe: Probe, seconds: float) -> dict:
    before = cpu_seconds(pids, await probe.backends())
    await asyncio.sleep(seconds)
    used = per_item(cpu_seconds(pids, await probe.backends()), before, 1)
    machine = seconds * (os.cpu_count() or 1)
    return {"seconds": seconds, "machine_percent": round(100 * sum(used.values()) / machine, 2),
            "cpu_s_per_process": used}


async def settled(stack: Stack, timeout: float = 120) -> None:
    """Wait until every consumer of the platform's stream has caught up (nothing pending or
    unacknowledged, twice a second apart): what a phase's items set going is counted in that
    phase, not in the next one (notices, contacts and replays off the path to 'done')."""
    import nats

    nc = await nats.connect(stack.env["CASEBRIDGE_NATS_URL"])
    try:
        js, quiet, deadline = nc.jetstream(), 0, time.monotonic() + timeout
        while quiet < 2 and time.monotonic() < deadline:
            busy = any(c.num_pending or c.num_ack_pending for c in await js.consumers_info(
                stack.env["CASEBRIDGE_STREAM"]))
            quiet = 0 if busy else quiet + 1
            await asyncio.sleep(0.5 if busy else 1.0)
    finally:
        await nc.close()


async def phase(stack: Stack, probe: Probe, token: str, where: str, requests: list, *,
                rate: float, concurrency: int, seconds: float, once: bool = False,
                settle: float = 300) -> dict:
    """Offer the requests, wait until each accepted one is done; rates, cost and latency."""
    pids = {name: p.pid for name, p in stack.processes.items()}
    stats = stack.var_dir / "stats"
    before_done = set(await probe.finished(where))
    cpu0, sql0 = cpu_seconds(pids, await probe.backends()), statements(stats)
    load = await asyncio.to_thread(generate, stack.gateway_url, token, requests, rate=rate,
                                   concurrency=concurrency, seconds=seconds, once=once)
    accepted = [r for r in load["results"] if r[0] in (200, 201)]
    await probe.wait(where, len(before_done) + len(accepted), settle)
    await settled(stack)
    cpu1 = cpu_seconds(pids, await probe.backends())
    await asyncio.sleep(1.5)  # the stats files are written once a second
    sql1 = statements(stats)
    finished = {k: v for k, v in (await probe.finished(where)).items() if k not in before_done}
    ids = {r[3] for r in accepted}
    first = min((r[1] for r in accepted), default=0.0)
    last = max(finished.values(), default=0.0)
    n = len(accepted)
    return {
        "offered": "closed loop" if rate <= 0 else f"{rate:g}/s open loop",
        "concurrency": concurrency if rate <= 0 else None,
        "sent": len(load["results"]), "accepted": n,
        "refused": dict(Counter(str(r[0]) for r in load["results"] if r[0] not in (200, 201))),
        "accepted_per_s": round(n / load["elapsed_s"], 1),
        "completed_per_s": round(len(finished) / (last - first), 1) if last > first else 0.0,
        "latency_end_to_end": latencies(accepted, finished),
        "not_done": len(ids - set(finished)),
        "cpu_ms_per_item": {**per_item(cpu1, cpu0, n, 1000),
                            "total (without generator)": round(
                                sum(per_item(cpu1, cpu0, n, 1000).values()), 2)},
        "generator_cpu_ms_per_item": round(load["cpu_s"] * 1000 / max(1, n), 2),
        "sql_per_item": {**per_item(sql1, sql0, n),
                         "total": round(sum(per_item(sql1, sql0, n).values()), 2)},
    }


async def warm_up(stack: Stack, probe: Probe, token: str, requests: list) -> None:
    await phase(stack, probe, token, DONE, requests, rate=20, concurrency=0, seconds=5)


async def run_stack(database: str, args: argparse.Namespace) -> dict:
    admin = testing.DEFAULT_POSTGRES if database == "postgresql" else None
    url = await testing.create_database(admin) if admin else None
    var = ROOT / "var" / "bench" / f"run-{database}"
    shutil.rmtree(var, ignore_errors=True)  # every run starts from empty databases and stream
    stack = Stack(var, database=url or "sqlite", gateway_port=free_port(),
                  seed_file=daytime_seed(var / "seed", (TENANT,)),
                  extra_env={**UNLIMITED, "CASEBRIDGE_STATS_DIR": str(var / "stats")})
    probe = Probe(var, url)
    try:
        await asyncio.to_thread(stack.start)
        key = load_or_create_key(var / "secrets/token.key")
        clerk = issue_local_token(key, tenant_id=TENANT, user_id="cc-clerk",
                                  roles=["intake_clerk"], department=None)
        boss = issue_local_token(key, tenant_id=TENANT, user_id="cc-supervisor",
                                 roles=["supervisor"], department=None)
        file = [["POST", "/v1/complaints", COMPLAINT, "bench-{n}"]]
        await asyncio.sleep(3)  # start-up chores and the first sweeps are over
        await warm_up(stack, probe, clerk, file)
        result: dict = {"database": database}
        result["open_loop"] = await phase(stack, probe, clerk, DONE, file, rate=args.rate,
                                          concurrency=0, seconds=args.seconds / 2)
        result["saturation"] = await phase(stack, probe, clerk, DONE, file, rate=0,
                                           concurrency=args.concurrency, seconds=args.seconds)
        accept = [["POST", f"/v1/cases/{case_id}/actions", {"action": "accept"}, None]
                  for case_id in list(await probe.finished(DONE))[:args.accepts]]
        result["accept"] = await phase(stack, probe, boss, ACCEPTED, accept, rate=0,
                                       concurrency=args.concurrency, seconds=args.seconds,
                                       once=True)
        pids = {name: p.pid for name, p in stack.processes.items()}
        await asyncio.sleep(args.rest_seconds)
        result["idle"] = await idle_share(pids, probe, args.idle_seconds)
        result["check"] = await check(stack.gateway_url, clerk)
    finally:
        await asyncio.to_thread(stack.stop)
        if admin and url:
            await testing.drop_database(admin, url)
    return result


async def check(url: str, token: str) -> dict:
    """Through the API, as a user would see them: every case once, routed and clocked."""
    async with httpx.AsyncClient(base_url=url, timeout=60,
                                 headers={"Authorization": f"Bearer {token}"}) as http:
        cases = await all_cases(http)
    ids = Counter(c["case_id"] for c in cases)
    return {"cases": len(ids), "duplicated": sum(n - 1 for n in ids.values()),
            "without_department_or_deadline": sum(
                1 for c in cases if not (c["department"] and c["due_at"]))}


async def reference(args: argparse.Namespace) -> dict:
    """The one-process app (validate, INSERT into PostgreSQL, publish to JetStream) under the
    same generator."""
    from tests.bench import onehop

    async with onehop.running() as app:
        pids = {"one-hop app": app.pid}
        cpu0 = cpu_seconds(pids, await backends_of(app.admin_url))
        load = await asyncio.to_thread(
            generate, app.url, "-", [["POST", "/complaints", COMPLAINT, None]], rate=0,
            concurrency=args.concurrency, seconds=args.seconds / 2)
        cpu1 = cpu_seconds(pids, await backends_of(app.admin_url))
    n = sum(1 for r in load["results"] if r[0] == 201)
    return {"accepted": n, "per_s": round(n / load["elapsed_s"], 1),
            "cpu_ms_per_item": per_item(cpu1, cpu0, n, 1000),
            "refused": dict(Counter(str(r[0]) for r in load["results"] if r[0] != 201))}


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--rate", type=float, default=100, help="open-loop complaints/s")
    parser.add_argument("--accepts", type=int, default=2000)
    parser.add_argument("--idle-seconds", type=float, default=20)
    parser.add_argument("--rest-seconds", type=float, default=15,
                        help="at rest this long before the idle phase counts: the work the "
                             "phases before left (statistics made again, sweeps) is done")
    parser.add_argument("--database", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--no-reference", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "var/bench/pipeline.json")
    args = parser.parse_args()
    runs = [await run_stack(db, args) for db in args.database or ["sqlite"]]
    report: dict = {"benchmark": "pipeline", "at": datetime.now().isoformat(timespec="seconds"),
                    "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0],
                                "platform": host.platform()}, "tenant": TENANT, "runs": runs}
    if not args.no_reference:
        report["reference_one_hop"] = ref = await reference(args)
        for run in runs:
            run["ratio_to_one_hop"] = round(run["saturation"]["completed_per_s"] / ref["per_s"],
                                            3) if ref["per_s"] else None
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=1))
    ok = all(r["saturation"]["not_done"] == 0 and r["check"]["duplicated"] == 0
             and r["check"]["without_department_or_deadline"] == 0 for r in runs)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

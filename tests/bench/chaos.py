"""Faults under load: complaints at a steady rate through the gateway on PostgreSQL while,
in turn, every service process (and the gateway) is SIGKILLed and restarted, NATS is
restarted, PostgreSQL is restarted (immediate shutdown: a crash) and one service's database
connections are cut for 30 s (a TCP proxy between it and PostgreSQL drops its connections
and refuses new ones).

Then, through the API only: every accepted complaint is exactly one case, routed, clocked
(due_at), accepted and acknowledged; lost 0, duplicated 0, and no message in the dead-letter
subjects (`cb.dlq.>`). The figures go to var/bench/chaos.json; `make chaos` runs it.

It builds on the cluster bench (tests/bench/cluster.py: its own PostgreSQL, the steady load,
the settle and count) and on devstack.Stack (kill, start_service, restart_nats); the machine's
shared PostgreSQL and NATS are never touched. tests/e2e/test_chaos.py is the short version.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import nats
from casebridge_platform import testing
from casebridge_platform.config import SERVICES
from casebridge_platform.devstack import ROOT, Stack, free_port
from gateway.auth import issue_local_token, load_or_create_key

from tests.bench.cluster import Load, Postgres, settle
from tests.bench.pipeline import COMPLAINT, TENANT
from tests.support import UNLIMITED, daytime_seed

CUT_SERVICE = "case"  # the one behind the proxy: it writes the cases
Step = tuple[str, Callable[[], Awaitable[object]]]


def complaint(n: int) -> dict[str, object]:
    """The 12315 bench complaint, its complainant and shop the n-th (as tests/bench/load.py
    fills it in)."""
    body: dict[str, object] = json.loads(json.dumps(COMPLAINT).replace("{n}", f"{n:08d}"))
    return body


class CutProxy:
    """A TCP proxy to PostgreSQL for one service; `cut` drops its connections and refuses
    new ones for a while."""

    def __init__(self, target: str) -> None:
        parts = urlsplit(target)
        self.target = target
        self.host, self.target_port = parts.hostname or "127.0.0.1", parts.port or 5432
        self.port = free_port()
        self.cut_until = 0.0
        self.links: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = set()
        self.dropped = self.refused = self.connections = 0
        self.server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        """The database URL with the proxy in place of the server."""
        parts = urlsplit(self.target)
        credentials = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
        return urlunsplit(parts._replace(netloc=f"{credentials}127.0.0.1:{self.port}"))

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._link, "127.0.0.1", self.port)

    async def _link(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if time.monotonic() < self.cut_until:
            self.refused += 1
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(self.host, self.target_port)
        except OSError:
            writer.transport.abort()
            return
        self.connections += 1
        pair = (writer, up_writer)
        self.links.add(pair)
        try:
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        finally:
            self.links.discard(pair)

    async def cut(self, seconds: float) -> None:
        self.cut_until = time.monotonic() + seconds
        for pair in list(self.links):
            self.dropped += 1
            for writer in pair:
                writer.transport.abort()
        await asyncio.sleep(seconds)
        self.cut_until = 0.0

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
        for pair in list(self.links):
            for writer in pair:
                writer.transport.abort()

    def figures(self) -> dict[str, int]:
        return {"connections": self.connections, "dropped": self.dropped,
                "refused": self.refused}


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    try:
        while data := await source.read(65536):
            sink.write(data)
            await sink.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        sink.transport.abort()  # the other direction ends with it


def chaos_stack(var: Path, database: str, proxy: CutProxy) -> Stack:
    """The 12315 centre on `database` with its own nats-server (to restart); CUT_SERVICE
    reaches the database through the proxy."""
    shutil.rmtree(var, ignore_errors=True)
    return Stack(var, database=database, gateway_port=free_port(),
                 seed_file=daytime_seed(var / "seed", (TENANT,)), extra_env=dict(UNLIMITED),
                 service_env={CUT_SERVICE: {"CASEBRIDGE_DATABASE": proxy.url}})


def bounce(stack: Stack, name: str, down_s: float = 1) -> Step:
    async def step() -> None:
        await asyncio.to_thread(stack.kill, name, signal.SIGKILL)
        await asyncio.sleep(down_s)
        await asyncio.to_thread(stack.start_service, name, 180)
    return f"SIGKILL and restart {name}", step


def nats_restart(stack: Stack, down_s: float = 3) -> Step:
    async def step() -> None:
        await asyncio.to_thread(stack.kill, "nats", signal.SIGKILL)
        await asyncio.sleep(down_s)
        await asyncio.to_thread(stack.restart_nats)
    return f"SIGKILL nats-server, {down_s:g} s down, restart", step


def db_cut(proxy: CutProxy, seconds: float) -> Step:
    return f"cut {CUT_SERVICE}'s database connections for {seconds:g} s", (
        lambda: proxy.cut(seconds))


async def supervise(stack: Stack, crashes: list[dict[str, object]], began: float) -> None:
    """What the kubelet does: a service that exits on its own (the steps take theirs out of
    stack.processes before killing) is started again, and reported."""
    while True:
        for name, process in list(stack.processes.items()):
            if name != "nats" and process.poll() is not None \
                    and stack.processes.get(name) is process:
                crashes.append({"t_s": round(time.monotonic() - began, 1), "process": name,
                                "exit": process.returncode})
                stack.processes.pop(name)
                try:
                    await asyncio.to_thread(stack.start_service, name, 180)
                except (RuntimeError, TimeoutError) as error:
                    crashes.append({"process": name, "restart_failed": str(error)[:300]})
        await asyncio.sleep(0.5)


async def dead_letters(stack: Stack) -> dict[str, int]:
    """Messages on the dead-letter subjects (<prefix>.dlq.<consumer>) of the stack's stream."""
    nc = await nats.connect(stack.env["CASEBRIDGE_NATS_URL"])
    try:
        dlq = f"{stack.env['CASEBRIDGE_SUBJECT_PREFIX']}.dlq.>"
        info = await nc.jetstream().stream_info(stack.env["CASEBRIDGE_STREAM"],
                                                subjects_filter=dlq)
        return dict(info.state.subjects or {})
    finally:
        await nc.close()


async def under_load(stack: Stack, steps: list[Step], *, seconds: float, rate: float,
                     settle_timeout: float, tail_s: float = 0) -> dict[str, object]:
    """Load for `seconds` at `rate` per second on a started stack; the steps one after the
    other, evenly spread over the load but its last `tail_s`; then settle and count."""
    key = load_or_create_key(Path(stack.env["CASEBRIDGE_TOKEN_KEY_FILE"]))
    clerk = issue_local_token(key, tenant_id=TENANT, user_id="cc-clerk",
                              roles=["intake_clerk"], department=None)
    boss = issue_local_token(key, tenant_id=TENANT, user_id="cc-supervisor",
                             roles=["supervisor"], department=None)
    log: list[dict[str, object]] = []
    crashes: list[dict[str, object]] = []
    began = time.monotonic()

    async def faults() -> None:
        for i, (what, action) in enumerate(steps):
            slot = (i + 1) * (seconds - tail_s) / (len(steps) + 1)
            await asyncio.sleep(max(0.0, began + slot - time.monotonic()))
            log.append({"t_s": round(time.monotonic() - began, 1), "what": what})
            await action()
            log.append({"t_s": round(time.monotonic() - began, 1), "what": f"done: {what}"})

    async with (httpx.AsyncClient(base_url=stack.gateway_url, timeout=15,
                                  headers={"Authorization": f"Bearer {clerk}"}) as filer,
                httpx.AsyncClient(base_url=stack.gateway_url, timeout=30,
                                  headers={"Authorization": f"Bearer {boss}"}) as checker):
        load = Load([filer], rate, complaint)
        supervising = asyncio.create_task(supervise(stack, crashes, began))
        try:
            await asyncio.gather(load.run(seconds), faults())
            figures = await settle(checker, load, settle_timeout)
        finally:
            supervising.cancel()
    subjects = await dead_letters(stack)
    figures["dead_letters"] = sum(subjects.values())
    figures["dead_letter_subjects"] = subjects
    return {**figures, "crashed_and_restarted": crashes, "chaos": log,
            "wall_s": round(time.monotonic() - began, 1)}


def failed(figures: dict[str, object]) -> list[str]:
    """What is wrong with a run's figures (nothing: an empty list)."""
    wrong = [k for k in ("lost", "duplicated", "incomplete", "unanswered", "dead_letters",
                         "crashed_and_restarted") if figures[k]]
    if not figures["accepted"] or figures["cases"] != figures["accepted"]:
        wrong.append("accepted != cases")
    return wrong


async def run(args: argparse.Namespace) -> dict[str, object]:
    var = ROOT / "var/bench/chaos"
    pg = Postgres()
    stack: Stack | None = None
    proxy: CutProxy | None = None
    try:
        await asyncio.to_thread(pg.start)
        database = await testing.create_database(pg.admin_url)
        proxy = CutProxy(database)
        await proxy.start()
        stack = chaos_stack(var, database, proxy)
        await asyncio.to_thread(stack.start)
        steps = [*(bounce(stack, name) for name in (*SERVICES, "gateway")),
                 nats_restart(stack, args.nats_down),
                 ("restart PostgreSQL (immediate shutdown: a crash)",
                  lambda: asyncio.to_thread(pg.restart)),
                 db_cut(proxy, args.cut)]
        figures = await under_load(stack, steps, seconds=args.seconds, rate=args.rate,
                                   settle_timeout=args.settle_timeout,
                                   tail_s=args.cut + 10)  # the cut ends under load
        figures["proxy"] = proxy.figures()
    finally:
        if stack is not None:
            await asyncio.to_thread(stack.stop)
        if proxy is not None:
            await proxy.close()
        await asyncio.to_thread(pg.stop)
    return {"rate_per_s": args.rate, "seconds": args.seconds, "cut_s": args.cut,
            "cut_service": CUT_SERVICE, **figures}


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--rate", type=float, default=5, help="complaints per second")
    parser.add_argument("--cut", type=float, default=30.0, help="seconds the database is cut")
    parser.add_argument("--nats-down", type=float, default=3)
    parser.add_argument("--settle-timeout", type=float, default=300)
    parser.add_argument("--out", type=Path, default=ROOT / "var/bench/chaos.json")
    args = parser.parse_args()
    report = {"benchmark": "chaos", "at": datetime.now().isoformat(timespec="seconds"),
              "database": "postgresql", "tenant": TENANT, **await run(args)}
    report["failed"] = failed(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 1 if report["failed"] else 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    sys.exit(asyncio.run(main()))

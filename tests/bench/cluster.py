"""Cluster test: what production runs, on one machine and without Kubernetes, under failures.

A 3-node NATS JetStream cluster (three nats-server processes from the wheel, fsync on every
write, the stream with 3 replicas), a PostgreSQL of its own, two replicas of every service and
of the gateway. Complaints are sent at a steady rate through both gateways (a refused or
broken request is sent again with the same Idempotency-Key, to the other gateway); meanwhile
one NATS node is SIGKILLed and restarted, one replica of each service and one gateway are
SIGKILLed and restarted, and PostgreSQL is restarted once (immediate: a crash). Then every
case is accepted, and the run checks that every accepted complaint is exactly one case,
routed, accepted with its clock armed and its acknowledgement recorded. The figures go to
var/bench/cluster.json; `make bench` runs it.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import httpx
from casebridge_platform import testing
from casebridge_platform.config import SERVICES
from casebridge_platform.devstack import (
    ROOT,
    free_port,
    grpc_serving,
    http_ok,
    nats_server_binary,
    secret_file,
    wait_until,
)
from gateway.auth import issue_local_token, load_or_create_key

from tests.support import all_cases, complete, daytime_seed, routed

BODY = {"kind": "complaint", "channel": "phone", "content": "收费处多收了检查费用，要求退费",
        "complainant": {"name": "测试", "phone": "13700000000"}}
REPLICAS = 2


class NatsCluster:
    """Three nats-servers routed into one JetStream cluster, each with its own store."""

    def __init__(self, var: Path, size: int = 3) -> None:
        self.var = var
        self.ports = [free_port() for _ in range(size)]
        self.routes = [free_port() for _ in range(size)]
        self.processes: dict[int, subprocess.Popen[bytes]] = {}

    @property
    def url(self) -> str:
        return ",".join(f"nats://127.0.0.1:{p}" for p in self.ports)

    def _config(self, i: int) -> Path:
        others = ", ".join(f'"nats://127.0.0.1:{r}"' for j, r in enumerate(self.routes) if j != i)
        path = self.var / f"nats-{i}.conf"
        path.write_text(f"""server_name: n{i}
listen: 127.0.0.1:{self.ports[i]}
jetstream {{ store_dir: "{self.var / f'nats-{i}'}", sync_interval: always }}
cluster {{ name: casebridge, listen: 127.0.0.1:{self.routes[i]}, routes: [{others}] }}
""", "utf-8")
        return path

    def start(self, i: int) -> None:
        log = open(self.var / f"logs/nats-{i}.log", "ab")  # noqa: SIM115 (the child keeps it)
        self.processes[i] = subprocess.Popen([nats_server_binary(), "-c", str(self._config(i))],
                                             stdout=log, stderr=subprocess.STDOUT)
        log.close()
        wait_until(lambda: testing.reachable(f"nats://127.0.0.1:{self.ports[i]}"), 15,
                   f"nats-{i}")

    def kill(self, i: int) -> None:
        self.processes.pop(i).kill()

    def stop(self) -> None:
        for i in list(self.processes):
            self.processes.pop(i).terminate()


class Postgres:
    """A PostgreSQL instance of its own (initdb in a temporary directory), to crash and
    restart without touching the machine's."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="cb-cluster-pg-"))
        self.port = free_port()
        self.admin_url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _as_postgres(self, *argv: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *argv], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)

    def start(self) -> None:
        shutil.chown(self.dir, "postgres")
        self._as_postgres("initdb", "-D", str(self.dir / "data"), "-A", "trust", "-U",
                          "postgres")
        self._ctl("start")

    def _ctl(self, *action: str) -> None:
        options = f"-p {self.port} -k {self.dir} -c max_connections=300 -c fsync=on"
        self._as_postgres("pg_ctl", "-D", str(self.dir / "data"), "-o", options, "-w",
                          "-l", str(self.dir / "server.log"), *action)

    def restart(self) -> None:
        self._ctl("-m", "immediate", "restart")

    def stop(self) -> None:
        try:
            self._ctl("-m", "fast", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


class Apps:
    """REPLICAS processes of every service and of the gateway."""

    def __init__(self, var: Path, env: dict[str, str]) -> None:
        self.var = var
        self.addresses = {(s, r): f"127.0.0.1:{free_port()}" for s in SERVICES
                          for r in range(REPLICAS)}
        self.http_ports = [free_port() for _ in range(REPLICAS)]
        self.env = env
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def gateway_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{p}" for p in self.http_ports]

    def _env(self, name: str, replica: int) -> dict[str, str]:
        env = dict(self.env)
        for service in SERVICES:  # the gateway knows every replica; pick_first fails over
            env[f"CASEBRIDGE_{service.upper()}_ADDR"] = "ipv4:" + ",".join(
                self.addresses[(service, r)] for r in range(REPLICAS))
        if name == "gateway":
            env["CASEBRIDGE_HTTP_PORT"] = str(self.http_ports[replica])
        else:
            env[f"CASEBRIDGE_{name.upper()}_ADDR"] = self.addresses[(name, replica)]
        return env

    def start(self, name: str, replica: int, timeout_s: float = 120) -> None:
        self.spawn(name, replica)
        self.wait_ready(name, replica, timeout_s)

    def spawn(self, name: str, replica: int) -> None:
        key = f"{name}-{replica}"
        log = open(self.var / f"logs/{key}.log", "ab")  # noqa: SIM115 (the child keeps it)
        self.processes[key] = subprocess.Popen([sys.executable, "-m", name],
                                               env=self._env(name, replica), cwd=ROOT,
                                               stdout=log, stderr=subprocess.STDOUT)
        log.close()

    def wait_ready(self, name: str, replica: int, timeout_s: float = 120) -> None:
        key = f"{name}-{replica}"
        if name == "gateway":
            url = self.gateway_urls()[replica]
            wait_until(lambda: http_ok(f"{url}/healthz"), timeout_s, key)
        else:
            address = self.addresses[(name, replica)]
            wait_until(lambda: grpc_serving(address), timeout_s, key)

    def kill(self, name: str, replica: int) -> None:
        self.processes.pop(f"{name}-{replica}").kill()

    async def supervise(self, crashes: list[dict[str, object]], began: float) -> None:
        """What the kubelet does: a process that exits on its own (not killed by the test) is
        started again; each such crash is reported."""
        while True:
            for key, process in list(self.processes.items()):
                if process.poll() is not None and self.processes.get(key) is process:
                    name, replica = key.rsplit("-", 1)
                    crashes.append({"t_s": round(time.monotonic() - began, 1), "process": key,
                                    "exit": process.returncode})
                    self.spawn(name, int(replica))
            await asyncio.sleep(0.5)

    def stop(self) -> None:
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()


class Load:
    """Complaints at a steady rate, each sent until some gateway answers it."""

    def __init__(self, clients: list[httpx.AsyncClient], rate: float,
                 body: Callable[[int], dict[str, object]] | None = None) -> None:
        self.clients = clients
        self.body = body or (lambda n: {**BODY, "content": f"第{n}件：多收检查费用"})
        self.rate = rate
        self.accepted: dict[str, tuple[str, float]] = {}   # key → (case id, first send)
        self.retries: Counter[str] = Counter()
        self.unanswered: list[str] = []

    async def run(self, seconds: float) -> None:
        start, tasks = time.monotonic(), []
        for n in itertools.count():
            due = start + n / self.rate
            if due - start >= seconds:
                break
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            tasks.append(asyncio.create_task(self.send(f"cluster-{int(start)}-{n}", n)))
        await asyncio.gather(*tasks)

    async def send(self, key: str, n: int, give_up_s: float = 180) -> None:
        first = time.time()
        for attempt in itertools.count():
            client = self.clients[(n + attempt) % len(self.clients)]
            try:
                answer = await client.post("/v1/complaints", headers={"Idempotency-Key": key},
                                           json=self.body(n))
                if answer.status_code in (200, 201):
                    self.accepted[key] = (answer.json()["case_id"], first)
                    return
                self.retries[str(answer.status_code)] += 1
            except httpx.HTTPError as error:
                self.retries[type(error).__name__] += 1
            if time.time() - first > give_up_s:
                self.unanswered.append(key)
                return
            await asyncio.sleep(min(0.2 * 2 ** attempt, 3.0))


async def chaos(nats: NatsCluster, apps: Apps, pg: Postgres, seconds: float,
                log: list[dict[str, object]]) -> None:
    """The failures, each at its moment of the load whatever the others take: a NATS node,
    one replica of every service and of the gateway, PostgreSQL."""
    began = time.monotonic()
    names = (*SERVICES, "gateway")

    def note(what: str) -> None:
        log.append({"t_s": round(time.monotonic() - began, 1), "what": what})

    async def at(fraction: float, what: str, action: Callable[[], None]) -> None:
        await asyncio.sleep(max(0.0, began + fraction * seconds - time.monotonic()))
        note(what)
        await asyncio.to_thread(action)
        note(f"done: {what}")

    def kill_replicas() -> None:
        for name in names:
            apps.kill(name, 0)

    def restart_replicas() -> None:
        for name in names:
            apps.spawn(name, 0)
        for name in names:
            apps.wait_ready(name, 0)

    await asyncio.gather(
        at(0.15, "SIGKILL nats node 2", lambda: nats.kill(2)),
        at(0.30, "restart nats node 2", lambda: nats.start(2)),
        at(0.40, "SIGKILL replica 0 of every service and of the gateway",
           kill_replicas),
        at(0.55, "restart replica 0 of every service and of the gateway", restart_replicas),
        at(0.70, "restart PostgreSQL (immediate shutdown: a crash)", pg.restart))


async def settle(http: httpx.AsyncClient, load: Load, timeout_s: float) -> dict[str, object]:
    """Wait until every accepted complaint is routed, accept each, wait until each is
    complete; count what is lost, duplicated or unfinished."""
    wanted = {case_id for case_id, _ in load.accepted.values()}
    deadline = time.monotonic() + timeout_s
    lags: list[float] = []
    while time.monotonic() < deadline:
        cases = await all_cases(http)
        if wanted <= {c["case_id"] for c in cases if routed(c)}:
            sent = {case_id: first for case_id, first in load.accepted.values()}
            lags = [datetime.fromisoformat(c["updated_at"]).timestamp() - sent[c["case_id"]]
                    for c in cases if c["case_id"] in sent]
            break
        await asyncio.sleep(1)
    for case_id in wanted:
        for _ in range(20):
            answer = await http.post(f"/v1/cases/{case_id}/actions", json={"action": "accept"})
            if answer.status_code in (200, 409):
                break
            await asyncio.sleep(0.5)
    while time.monotonic() < deadline:
        cases = await all_cases(http)
        if wanted <= {c["case_id"] for c in cases if complete(c)}:
            break
        await asyncio.sleep(1)
    cases = await all_cases(http)
    ids = Counter(c["case_id"] for c in cases)
    numbers = Counter(c["case_number"] for c in cases)
    return {
        "accepted": len(load.accepted),
        "unanswered": len(load.unanswered),
        "cases": len(cases),
        "lost": len(wanted - set(ids)),
        "duplicated": sum(n - 1 for n in ids.values()) + len(set(ids) - wanted)
        + sum(n - 1 for n in numbers.values()),
        "incomplete": len(wanted - {c["case_id"] for c in cases if complete(c)}),
        "max_lag_s": round(max(lags), 2) if lags else None,
        "p50_lag_s": round(sorted(lags)[len(lags) // 2], 2) if lags else None,
        "retries": dict(load.retries),
    }


async def stream_replicas(url: str, stream: str = "CASEBRIDGE") -> dict[str, object]:
    """The stream as the cluster reports it: replicas configured, and the leader and peers."""
    import nats

    nc = await nats.connect(url.split(","))
    try:
        info = await nc.jetstream().stream_info(stream)
        cluster = info.cluster
        return {"configured": info.config.num_replicas,
                "leader": cluster.leader if cluster else None,
                "peers": sorted(r.name or "" for r in (cluster.replicas or [])) if cluster else []}
    finally:
        await nc.close()


async def run(args: argparse.Namespace) -> dict[str, object]:
    var = ROOT / "var/bench/cluster"
    shutil.rmtree(var, ignore_errors=True)
    (var / "logs").mkdir(parents=True)
    nats, pg = NatsCluster(var), Postgres()
    apps: Apps | None = None
    chaos_log: list[dict[str, object]] = []
    try:
        for i in range(3):
            nats.start(i)
        await asyncio.to_thread(pg.start)
        database = await testing.create_database(pg.admin_url)
        env = {**os.environ, "CASEBRIDGE_DATABASE": database, "CASEBRIDGE_VAR_DIR": str(var),
               "CASEBRIDGE_NATS_URL": nats.url, "CASEBRIDGE_STREAM_REPLICAS": "3",
               "CASEBRIDGE_SEED_FILE": str(daytime_seed(var / "seed")),
               "CASEBRIDGE_TOKEN_KEY_FILE": str(var / "secrets/token.key"),
               "CASEBRIDGE_PRINCIPAL_KEY": secret_file(var / "secrets/principal.key"),
               "CASEBRIDGE_LOG_FORMAT": "json"}
        apps = Apps(var, env)
        for replica in range(REPLICAS):
            for name in (*SERVICES, "gateway"):
                await asyncio.to_thread(apps.start, name, replica)
        token = issue_local_token(load_or_create_key(var / "secrets/token.key"),
                                  tenant_id="demo-hospital", user_id="hosp-clerk",
                                  roles=["intake_clerk"], department=None)
        headers = {"Authorization": f"Bearer {token}"}
        clients = [httpx.AsyncClient(base_url=u, headers=headers, timeout=15)
                   for u in apps.gateway_urls()]
        try:
            load = Load(clients, args.rate)
            crashes: list[dict[str, object]] = []
            supervising = asyncio.create_task(apps.supervise(crashes, time.monotonic()))
            await asyncio.gather(load.run(args.seconds),
                                 chaos(nats, apps, pg, args.seconds, chaos_log))
            figures = await settle(clients[1], load, args.settle_timeout)
            figures["stream"] = await stream_replicas(nats.url)
            supervising.cancel()
            figures["crashed_and_restarted"] = crashes
        finally:
            for client in clients:
                await client.aclose()
    finally:
        if apps is not None:
            await asyncio.to_thread(apps.stop)
        nats.stop()
        await asyncio.to_thread(pg.stop)
    return {"rate_per_s": args.rate, "seconds": args.seconds, **figures, "chaos": chaos_log}


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rate", type=float, default=5, help="complaints per second")
    parser.add_argument("--settle-timeout", type=float, default=300)
    parser.add_argument("--out", type=Path, default=ROOT / "var/bench/cluster.json")
    args = parser.parse_args()
    report = {"benchmark": "cluster", "at": datetime.now().isoformat(timespec="seconds"),
              "nats_nodes": 3, "stream_replicas": 3, "replicas": REPLICAS,
              **await run(args)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=1))
    ok = not (report["lost"] or report["duplicated"] or report["incomplete"]
              or report["unanswered"] or report["crashed_and_restarted"])
    return 0 if ok else 1


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    sys.exit(asyncio.run(main()))

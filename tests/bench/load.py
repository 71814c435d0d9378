"""The benchmarks' load generator: a process of its own, so its CPU is not the platform's.

Keep-alive HTTP/1.1 over asyncio streams, requests built from bytes: a request costs the
generator tens of microseconds, not the milliseconds a full HTTP client spends.

Open loop (`--rate R`): request i is due at start + i/R whatever the answers; its latency is
counted from when it was due (no coordinated omission), and a connection is opened when none
is free. Closed loop (`--rate 0`): `--concurrency` connections, each sending its next request
as soon as the previous is answered.

Reads a JSON job on stdin ({"url", "token", "rate", "concurrency", "seconds", "requests"})
where each request is [method, path, body, idempotency_key or null]; "{n}" in the path, the
key or a string of the body becomes the request's number (zero-padded to 8 digits in the
body: a phone number stays a phone number). Writes one JSON line: per request
[status, due (epoch s), answered (epoch s), case_id], and the generator's CPU seconds.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from urllib.parse import urlsplit


class Connection:
    """One keep-alive HTTP/1.1 connection to the gateway."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, host: str, port: int) -> Connection:
        return cls(*await asyncio.open_connection(host, port, limit=1 << 20))

    async def call(self, request: bytes) -> tuple[int, bytes]:
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        body = await self.reader.readexactly(length) if length else b""
        return status, body


async def call_kept_alive(conn: Connection | None, host: str, port: int, request: bytes
                          ) -> tuple[Connection, tuple[int, bytes]]:
    """Send on `conn`, or on a new connection when there is none or the gateway closed it
    while it sat idle (no answer at all: uvicorn closes idle connections after 5 s)."""
    if conn is not None:
        try:
            return conn, await conn.call(request)
        except (ConnectionError, asyncio.IncompleteReadError) as exc:
            if isinstance(exc, asyncio.IncompleteReadError) and exc.partial:
                raise
            conn.writer.close()
    conn = await Connection.open(host, port)
    return conn, await conn.call(request)


Send = Callable[[int, float, "Connection | None"], Awaitable["Connection | None"]]


def build(host: str, token: str, method: str, path: str, body: object, key: str | None
          ) -> bytes:
    data = json.dumps(body, ensure_ascii=False).encode() if body is not None else b""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", f"Authorization: Bearer {token}",
             "Content-Type: application/json", f"Content-Length: {len(data)}"]
    if key:
        lines.append(f"Idempotency-Key: {key}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + data


def case_id_of(body: bytes) -> str:
    start = body.find(b'"case_id":"')
    if start < 0:
        return ""
    start += 11
    return body[start:body.index(b'"', start)].decode()


async def run(job: dict) -> dict:
    parts = urlsplit(job["url"])
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    token, rate, seconds = job["token"], float(job["rate"]), float(job["seconds"])
    templates = job["requests"]
    limit = len(templates) if job.get("once") else None
    results: list[list] = []
    idle: list[Connection] = []
    numbers = itertools.count()
    tag = f"{time.time():.0f}"

    texts = [json.dumps(t[2], ensure_ascii=False) for t in templates]

    def request(n: int) -> bytes:
        method, path, body, key = templates[n % len(templates)]
        text = texts[n % len(templates)]
        if "{n}" in text:
            body = json.loads(text.replace("{n}", f"{n:08d}"))
        return build(host, token, method, path.replace("{n}", str(n)), body,
                     key.replace("{n}", f"{tag}-{n}") if key else None)

    async def one(n: int, due: float, conn: Connection | None) -> Connection | None:
        """Send request n; a connection that failed (reset, cut short) is dropped and the
        request counted with status 0 (one closed while idle is replaced, as HTTP clients
        do)."""
        conn = conn or (idle.pop() if idle else None)
        try:
            conn, (status, body) = await call_kept_alive(conn, host, port, request(n))
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                ValueError) as exc:
            results.append([0, due, time.time(), type(exc).__name__])
            if conn is not None:
                conn.writer.close()
            return None
        results.append([status, due, time.time(), case_id_of(body)])
        return conn

    start = time.time()
    if rate > 0:
        await open_loop(one, idle, start, rate, seconds, limit)
    else:
        await asyncio.gather(*(closed_loop(one, start, seconds, limit, numbers)
                               for _ in range(int(job["concurrency"]))))
    elapsed = time.time() - start
    for conn in idle:
        conn.writer.close()
    return {"results": results, "elapsed_s": elapsed, "cpu_s": time.process_time()}


async def open_loop(one: Send, idle: list[Connection], start: float, rate: float,
                    seconds: float, limit: int | None) -> None:
    async def send(n: int, due: float) -> None:
        if (conn := await one(n, due, None)) is not None:
            idle.append(conn)

    tasks = []
    for n in itertools.count():
        due = start + n / rate
        if due - start >= seconds or (limit is not None and n >= limit):
            break
        delay = due - time.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(send(n, due)))
    await asyncio.gather(*tasks)


async def closed_loop(one: Send, start: float, seconds: float, limit: int | None,
                      numbers: Iterator[int]) -> None:
    conn = None
    while time.time() - start < seconds:
        n = next(numbers)
        if limit is not None and n >= limit:
            return
        conn = await one(n, time.time(), conn)


def main() -> int:
    job = json.loads(sys.stdin.read())
    print(json.dumps(asyncio.run(run(job))))
    return 0


if __name__ == "__main__":
    sys.exit(main())

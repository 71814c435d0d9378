"""Counters every gateway replica shares: rate limits and throttles in NATS JetStream
key-value buckets (one per limit; entries expire by themselves).

A limit allows `limit` hits per `window_s` per key (an IP address, a phone number, a case
number). Each window is its own key, `<window index>.<hash of the key>`, so a count never
needs resetting and old windows age out of the bucket (max age: two windows). A hit is a
compare-and-set on the key's revision, retried when another replica got there first, so two
replicas never lose each other's hits. The key itself is hashed: no phone number or IP
address is stored in NATS.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import FastAPI
from nats.aio.client import Client
from nats.js.api import KeyValueConfig
from nats.js.errors import BucketNotFoundError, KeyNotFoundError, KeyWrongLastSequenceError
from nats.js.kv import KeyValue

from gateway.connection import live_of

ATTEMPTS = 20


@dataclass(frozen=True)
class Limit:
    name: str           # e.g. "portal-code": part of the bucket's name
    limit: int
    window_s: int

    def key(self, who: str, now: float) -> str:
        digest = hashlib.sha256(f"{self.name}:{who}".encode()).hexdigest()[:32]
        return f"w{int(now // self.window_s)}.{digest}"

    def retry_after(self, now: float) -> int:
        """Seconds until the current window ends."""
        return max(1, int(self.window_s - now % self.window_s))


class Exceeded(Exception):
    def __init__(self, limit: Limit, retry_after: int) -> None:
        super().__init__(f"{limit.name}: more than {limit.limit} in {limit.window_s} s")
        self.limit, self.retry_after = limit, retry_after


class Limits:
    """The shared counters of one deployment (`prefix`: its subject prefix)."""

    def __init__(self, connection: Client | Callable[[], Awaitable[Client]],
                 prefix: str) -> None:
        """`connection`: a NATS client, or how to get one when first needed."""
        self._connect, self._prefix = connection, prefix
        self._buckets: dict[str, KeyValue] = {}
        self._lock = asyncio.Lock()

    async def _bucket(self, limit: Limit) -> KeyValue:
        async with self._lock:
            if limit.name not in self._buckets:
                nc = self._connect if isinstance(self._connect, Client) \
                    else await self._connect()
                js = nc.jetstream()
                name = f"{self._prefix}_limits_{limit.name}".replace("-", "_").replace(".", "_")
                try:
                    bucket = await js.key_value(name)
                except BucketNotFoundError:
                    bucket = await js.create_key_value(KeyValueConfig(
                        bucket=name, history=1, ttl=2 * limit.window_s))
                self._buckets[limit.name] = bucket
            return self._buckets[limit.name]

    async def count(self, limit: Limit, who: str) -> int:
        """Hits in the current window."""
        bucket = await self._bucket(limit)
        try:
            entry = await bucket.get(limit.key(who, time.time()))
        except KeyNotFoundError:
            return 0
        return int(entry.value or b"0")

    async def check(self, limit: Limit, who: str) -> None:
        """Exceeded if the window is already full (without counting a hit)."""
        if await self.count(limit, who) >= limit.limit:
            raise Exceeded(limit, limit.retry_after(time.time()))

    async def hit(self, limit: Limit, who: str) -> int:
        """Count one; Exceeded (and nothing counted) when the window is full."""
        bucket = await self._bucket(limit)
        for _ in range(ATTEMPTS):
            now = time.time()
            key = limit.key(who, now)
            try:
                entry = await bucket.get(key)
            except KeyNotFoundError:
                try:
                    await bucket.create(key, b"1")
                    return 1
                except KeyWrongLastSequenceError:
                    continue                      # another replica made it first
            seen = int(entry.value or b"0")
            if seen >= limit.limit:
                raise Exceeded(limit, limit.retry_after(now))
            try:
                await bucket.update(key, str(seen + 1).encode(), last=entry.revision)
                return seen + 1
            except KeyWrongLastSequenceError:
                continue
        raise Exceeded(limit, 1)                  # contended beyond reason: refuse, safely


def limits_of(app: FastAPI) -> Limits:
    """The app's shared limits, on the gateway's one NATS connection (the one the live pages
    use, made when first needed)."""
    found = getattr(app.state, "limits", None)
    if found is None:
        found = app.state.limits = Limits(live_of(app).connection,
                                          app.state.settings.subject_prefix)
    return found

"""Counters every gateway replica shares: rate limits and throttles in NATS JetStream
key-value buckets (one per limit; entries expire by themselves).

A limit allows `limit` hits per `window_s` per key (an IP address, a phone number, a case
number). Each window is its own key, `<window index>.<hash of the key>`, so a count never
needs resetting and old windows age out of the bucket (max age: two windows). What counts
is the current window plus the one before it weighted by how much of it still lies within
one window of now, rounded up (a sliding window, approximated), so a burst that straddles a
window's end is still held — a fixed window would let `2 × limit` through there. A hit is a
compare-and-set on the key's revision, retried when another replica got there first, so two
replicas never lose each other's hits. The key itself is hashed: no phone number or IP
address is stored in NATS.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
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

    def previous_key(self, who: str, now: float) -> str:
        return self.key(who, now - self.window_s)

    def weight(self, now: float) -> float:
        """How much of the previous window still lies within one window of now."""
        return 1 - (now % self.window_s) / self.window_s

    def carried(self, now: float, previous: int) -> int:
        """The previous window's hits still counted: whole ones, rounded up, so that the
        moment a window ends does not let one more through (5 × 0.999 is still 5)."""
        return math.ceil(previous * self.weight(now) - 1e-9)

    def full(self, now: float, current: int, previous: int) -> bool:
        return current + self.carried(now, previous) >= self.limit

    def retry_after(self, now: float, current: int, previous: int) -> int:
        """Seconds until one more hit would be let through."""
        elapsed = now % self.window_s
        if current < self.limit:        # wait until one more of the previous window aged out
            room = self.limit - current - 1
            until = self.window_s * (1 - room / previous) if previous else 0
            return max(1, int(until - elapsed) + 1)
        # the current window is full: into the next one, until it has aged out enough
        return max(1, int(self.window_s - elapsed + self.window_s * (1 - self.limit / current))
                   + 1)


class Exceeded(Exception):
    def __init__(self, limit: Limit, retry_after: int) -> None:
        super().__init__(f"{limit.name}: more than {limit.limit} in {limit.window_s} s")
        self.limit, self.retry_after = limit, retry_after


class Limits:
    """The shared counters of one deployment (`prefix`: its subject prefix)."""

    def __init__(self, connection: Client | Callable[[], Awaitable[Client]],
                 prefix: str, clock: Callable[[], float] = time.time) -> None:
        """`connection`: a NATS client, or how to get one when first needed; `clock`: the
        time in seconds (all replicas' clocks are assumed to agree, as NTP keeps them)."""
        self._connect, self._prefix, self._clock = connection, prefix, clock
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

    async def _value(self, bucket: KeyValue, key: str) -> tuple[int, int | None]:
        """A window's count and revision (None: no such key yet)."""
        try:
            entry = await bucket.get(key)
        except KeyNotFoundError:
            return 0, None
        return int(entry.value or b"0"), entry.revision

    async def count(self, limit: Limit, who: str) -> int:
        """Hits in the current and the previous window (unweighted)."""
        bucket, now = await self._bucket(limit), self._clock()
        current, _ = await self._value(bucket, limit.key(who, now))
        previous, _ = await self._value(bucket, limit.previous_key(who, now))
        return current + previous

    async def check(self, limit: Limit, who: str) -> None:
        """Exceeded if the limit is already reached (without counting a hit)."""
        bucket, now = await self._bucket(limit), self._clock()
        current, _ = await self._value(bucket, limit.key(who, now))
        previous, _ = await self._value(bucket, limit.previous_key(who, now))
        if limit.full(now, current, previous):
            raise Exceeded(limit, limit.retry_after(now, current, previous))

    async def hit(self, limit: Limit, who: str) -> int:
        """Count one; Exceeded (and nothing counted) when the limit is reached."""
        bucket = await self._bucket(limit)
        for _ in range(ATTEMPTS):
            now = self._clock()
            key = limit.key(who, now)
            previous, _ = await self._value(bucket, limit.previous_key(who, now))
            current, revision = await self._value(bucket, key)
            if limit.full(now, current, previous):
                raise Exceeded(limit, limit.retry_after(now, current, previous))
            try:
                if revision is None:
                    await bucket.create(key, b"1")
                else:
                    await bucket.update(key, str(current + 1).encode(), last=revision)
                return current + 1
            except KeyWrongLastSequenceError:
                continue                          # another replica counted first: again
        raise Exceeded(limit, 1)                  # contended beyond reason: refuse, safely


def limits_of(app: FastAPI) -> Limits:
    """The app's shared limits, on the gateway's one NATS connection (the one the live pages
    use, made when first needed)."""
    found = getattr(app.state, "limits", None)
    if found is None:
        found = app.state.limits = Limits(live_of(app).connection,
                                          app.state.settings.subject_prefix)
    return found

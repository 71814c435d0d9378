"""Limits shared across gateway replicas: two connections (two replicas) racing on one key
count every hit once and never let more through than the limit."""

from __future__ import annotations

import asyncio

import nats
import pytest
from casebridge_platform import testing
from gateway.limits import Exceeded, Limit, Limits


async def test_replicas_racing_on_one_key_let_exactly_the_limit_through(nats_url: str) -> None:
    prefix = testing.unique("cbl")
    first, second = await nats.connect(nats_url), await nats.connect(nats_url)
    try:
        replicas = [Limits(first, prefix), Limits(second, prefix)]
        limit = Limit("portal-code", 5, 900)
        results = await asyncio.gather(*(replicas[i % 2].hit(limit, "HOSP-2026-000001")
                                         for i in range(12)), return_exceptions=True)
        assert sorted(r for r in results if isinstance(r, int)) == [1, 2, 3, 4, 5]
        refused = [r for r in results if isinstance(r, Exceeded)]
        assert len(refused) == 7 and all(0 < r.retry_after <= 900 for r in refused)
        assert await replicas[1].count(limit, "HOSP-2026-000001") == 5
        assert await replicas[0].count(limit, "HOSP-2026-000002") == 0   # keys apart
        with pytest.raises(Exceeded):
            await replicas[1].check(limit, "HOSP-2026-000001")
        keys = await (await first.jetstream().key_value(
            f"{prefix}_limits_portal_code")).keys()
        assert all("HOSP" not in k for k in keys)                        # hashed, not kept
    finally:
        for nc in (first, second):
            js = nc.jetstream()
            if nc is first:
                await js.delete_key_value(f"{prefix}_limits_portal_code")
            await nc.close()


async def test_a_burst_across_a_window_end_is_still_held(nats_url: str) -> None:
    """A fixed window would let `limit` more through the moment a window ends; the sliding
    window lets through only what has aged out: nothing at once, one when a whole hit has."""
    prefix = testing.unique("cbl")
    nc = await nats.connect(nats_url)
    now = [3000.0]   # the replicas' clock, moved by the test (no sleeping, no timing races)
    try:
        limits, limit = Limits(nc, prefix, clock=lambda: now[0]), Limit("edge", 3, 3)
        for _ in range(3):
            await limits.hit(limit, "198.51.100.7")
        now[0] = 3003.05                                       # the next window has begun
        with pytest.raises(Exceeded) as refused:               # a fixed window: 3 more
            await limits.hit(limit, "198.51.100.7")
        assert refused.value.retry_after == 1                  # 3 × 0.67 rounds up to 2 at 3004
        now[0] = 3004.05
        let_through = 0
        for _ in range(3):
            try:
                await limits.hit(limit, "198.51.100.7")
                let_through += 1
            except Exceeded as again:
                assert 1 <= again.retry_after <= 3
        assert let_through == 1
        now[0] = 3009.05                                       # two windows on: all aged out
        assert await limits.hit(limit, "198.51.100.7") == 1
    finally:
        await nc.jetstream().delete_key_value(f"{prefix}_limits_edge")
        await nc.close()

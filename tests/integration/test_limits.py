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

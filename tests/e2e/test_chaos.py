"""`make chaos` in short (tests/bench/chaos.py): a steady low rate of complaints on PostgreSQL
while the case service is SIGKILLed and restarted, NATS is SIGKILLed and restarted and the case
service's database connections are cut for a few seconds; nothing lost, nothing twice, no dead
letters. Counts are asserted, never times: a busy machine only makes it slower."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.bench.chaos import (
    CutProxy,
    bounce,
    chaos_stack,
    db_cut,
    failed,
    nats_restart,
    under_load,
)

# conftest keeps the module on one worker (xdist_group e2e-test_chaos); in make test
pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
async def test_faults_under_load_lose_and_duplicate_nothing(database: str, tmp_path: Path) -> None:
    proxy = CutProxy(database)  # the test's database on the shared server, never restarted
    await proxy.start()
    stack = chaos_stack(tmp_path / "var", database, proxy)  # with a nats-server of its own
    try:
        await asyncio.to_thread(stack.start)
        figures = await under_load(
            stack, [bounce(stack, "case"), nats_restart(stack, 2), db_cut(proxy, 4)],
            seconds=10, rate=2, settle_timeout=180)
    finally:
        await asyncio.to_thread(stack.stop)
        await proxy.close()
    print(figures)
    assert failed(figures) == [], figures
    assert figures["crashed_and_restarted"] == [], figures  # none exited on its own
    assert figures["accepted"] == 20, figures  # every complaint offered was accepted
    assert len([e for e in figures["chaos"] if str(e["what"]).startswith("done")]) == 3
    assert proxy.dropped + proxy.refused > 0, proxy.figures()  # the cut did cut something

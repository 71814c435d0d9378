"""The pipeline's cost, counted (not timed): a burst of complaints to the 12315 centre, each
registered, classified, rated, routed to a candidate handler and given its 7-working-day
acceptance clock, must cost few SQL statements and little CPU per complaint.

The quick version of `make bench`'s pipeline benchmark (tests/bench/pipeline.py): every
service runs in this process, so the statements are those of all five services and the CPU
that of all of them, the gateway, the test's client and, on PostgreSQL, the server's
backends for this database. Counts, so a busy machine does not make it flake.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import sqlalchemy as sa
from casebridge_platform import db
from sqlalchemy.ext.asyncio import create_async_engine

from tests.bench.pipeline import COMPLAINT, TENANT
from tests.integration.conftest import BOTH, Platform

BURST = 80
IN_FLIGHT = 16   # as many callers at once as a busy intake office's clerks and web forms
# Issue 15's bar is 12 statements and 8 ms of CPU per complaint (at the benchmark's load). This
# in-process burst sends 3.0–3.6 statements per complaint (2026-12-04): it fails at the bar
# itself. The CPU, in-process with tracing on and the test's client counted, is 9.4–10.6 ms
# on this machine at a fast moment and was up to twice that at slow ones: it fails at 30 ms.
MAX_STATEMENTS = 12
MAX_CPU_MS = 30


def complaint(n: int) -> dict:
    body = dict(COMPLAINT)
    body["complainant"] = {**COMPLAINT["complainant"], "name": f"测试{n}",
                           "phone": f"138{n:08d}"}
    body["respondent"] = {"unit": f"某电器商店{n}"}
    return body


def _cpu_s(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Probe:
    """Counts the done cases in the case service's table through an engine of its own (its
    statements are not the platform's)."""

    def __init__(self, platform: Platform) -> None:
        url = platform.runtimes["case"].database
        self.postgres = url.is_postgres
        self.engine = create_async_engine(
            url.url, connect_args={"server_settings": {"search_path": url.schema or "public"}}
            if self.postgres else {})

    async def done(self) -> int:
        async with self.engine.connect() as conn:
            if self.postgres:
                await conn.execute(sa.text("SELECT set_config('casebridge.tenant', :t, false)"),
                                   {"t": TENANT})
            return (await conn.execute(sa.text(
                "SELECT count(*) FROM cases WHERE tenant_id = :t AND department <> '' AND "
                "handler_id <> '' AND due_at IS NOT NULL"), {"t": TENANT})).scalar_one()

    async def backend_cpu_s(self) -> float:
        """CPU of the server processes serving the platform's database (0 on SQLite)."""
        if not self.postgres:
            return 0.0
        async with self.engine.connect() as conn:
            pids = (await conn.execute(sa.text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"))).scalars()
            return sum(_cpu_s(pid) for pid in pids)

    async def wait(self, expected: int, timeout_s: float = 120) -> None:
        deadline = time.monotonic() + timeout_s
        while (found := await self.done()) < expected:
            assert time.monotonic() < deadline, f"{found} of {expected} complaints done"
            await asyncio.sleep(0.1)


@BOTH
async def test_a_burst_of_complaints_costs_few_statements_and_little_cpu(
        platform: Platform) -> None:
    clerk = platform.auth(TENANT, "intake_clerk", "cc-clerk")
    probe = Probe(platform)
    try:
        first = await platform.http.post("/v1/complaints", json=complaint(0), headers=clerk)
        assert first.status_code == 201, first.text
        await probe.wait(1)   # warm: statements compiled, the tenant's configuration read
        statements, cpu = db.statements.total, time.process_time() + await probe.backend_cpu_s()
        in_flight = asyncio.Semaphore(IN_FLIGHT)

        async def submit(n: int) -> int:
            async with in_flight:
                answer = await platform.http.post("/v1/complaints", json=complaint(n),
                                                  headers=clerk)
                return answer.status_code

        answers = await asyncio.gather(*(submit(n) for n in range(1, BURST + 1)))
        assert answers == [201] * BURST
        await probe.wait(BURST + 1)
        cpu_ms = (time.process_time() + await probe.backend_cpu_s() - cpu) * 1000 / BURST
        per_complaint = (db.statements.total - statements) / BURST
    finally:
        await probe.engine.dispose()
    print(f"{per_complaint:.2f} statements and {cpu_ms:.2f} ms of CPU per complaint")
    assert per_complaint <= MAX_STATEMENTS
    assert cpu_ms <= MAX_CPU_MS

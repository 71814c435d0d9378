"""Explain over a real database: a clock's due moment recomputed from the seeded policy."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from casebridge_platform.auth import Principal
from casebridge_platform.devstack import ROOT
from casebridge_platform.runtime import Runtime
from escalation.adapters.tables import clocks, policies
from escalation.service_layer.handlers import explain_clocks, seed

from .test_timers import replicas  # noqa: F401  (the fixture)


async def test_explain_recomputes_a_12315_acceptance_clock_over_national_day(
        replicas: list[Runtime]) -> None:  # noqa: F811
    runtime = replicas[0]
    received = datetime(2026, 9, 30, 7, tzinfo=UTC)  # 15:00 in Shanghai
    async with runtime.uow() as uow:
        await uow.all_tenants()
        await seed(uow, json.loads((ROOT / "deploy/seed/demo-tenants.json").read_text()))
        policy = (await uow.conn.execute(policies.select().where(
            policies.c.tenant_id == "demo-12315"))).one()
        assert policy.unit == "working_days" and "calendar days" not in policy.rule
        await uow.conn.execute(clocks.insert().values(
            case_id="c-1", name="acceptance", tenant_id="demo-12315", started_at=received,
            due_at=datetime(2026, 10, 7, 7, tzinfo=UTC), state="running", rule=policy.rule))
        await uow.commit()
    async with runtime.uow() as uow:
        await uow.set_tenant("demo-12315")
        response = await explain_clocks(uow, principal=Principal("demo-12315", "u"),
                                        case_id="c-1")
    (why,) = response.clocks
    assert why.unit == "working_days" and why.amount == 7
    assert why.due_at.ToDatetime(tzinfo=UTC) == datetime(2026, 10, 15, 16, tzinfo=UTC)
    assert why.stored_due_at.ToDatetime(tzinfo=UTC) == datetime(2026, 10, 7, 7, tzinfo=UTC)
    assert why.counted[0] == "2026-10-08" and len(why.counted) == 7
    assert [d.name for d in why.holidays_skipped] == ["National Day"] * 7
    assert [d.date for d in why.makeup_days_counted] == ["2026-10-10"]
    assert not why.warnings

"""Seed loading: each tenant's kind (its policy pack), tightenings, office hours, on-duty
department and regulator."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from casebridge_platform.db import insert_ignore
from casebridge_platform.jurisdiction import regulator_of
from casebridge_platform.messaging.outbox import UnitOfWork

from escalation.adapters.tables import tenant_settings
from escalation.domain import policy


def _regulator(tenant: dict, tenants: list[dict]) -> str:
    """Who is told of an institution's repeated missed deadlines: its `overseen_by` in the
    seed, else the nearest regulator over its kind whose area holds its division."""
    if tenant.get("overseen_by"):
        return str(tenant["overseen_by"])
    found = regulator_of(tenant["kind"], tenant.get("division", ""), [
        SimpleNamespace(id=t["id"], kind=t["kind"], division=t.get("division", ""))
        for t in tenants])
    return found.id if found else ""


async def seed(uow: UnitOfWork, data: dict) -> None:
    """Each tenant's kind (its policy pack), tightenings, office hours and regulator from a seed
    file; a tenant already configured is kept as it is."""
    now = datetime.now(UTC)
    for t in data["tenants"]:
        overrides = t.get("deadlines") or {}
        policy.tenant_policy(policy.pack(t["kind"]), overrides)  # a bad seed fails loudly
        await uow.conn.execute(insert_ignore(tenant_settings, uow.dialect).values(
            tenant_id=t["id"], kind=t["kind"], overrides=overrides,
            office_hours=t.get("office_hours"), regulator=_regulator(t, data["tenants"]),
            on_duty=t.get("on_duty_department", ""),
            updated_at=now))

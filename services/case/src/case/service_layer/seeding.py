"""The tenants this deployment serves, from the seed file."""

from __future__ import annotations

from typing import Any

from casebridge_platform.db import insert_ignore
from casebridge_platform.messaging.outbox import UnitOfWork

from case.adapters.tables import tenants


async def seed(uow: UnitOfWork, data: dict[str, Any]) -> None:
    """Each tenant's case rules from the seed file (updated on every start)."""
    for t in data["tenants"]:
        values = {"kind": t["kind"], "coordinating_department": t["coordinating_department"],
                  "rules": t.get("case_rules", {}), "division": t.get("division", ""),
                  "name": t.get("name", t["id"])}
        await uow.conn.execute(insert_ignore(tenants, uow.dialect).values(
            tenant_id=t["id"], **values))
        await uow.conn.execute(tenants.update().where(tenants.c.tenant_id == t["id"])
                               .values(**values))

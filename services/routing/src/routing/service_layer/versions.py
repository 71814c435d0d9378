"""A tenant's configuration version (queries.policy keeps a policy while it is unchanged)."""

from __future__ import annotations

from casebridge_platform.messaging.outbox import UnitOfWork

from routing.adapters.tables import tenants


async def touch(uow: UnitOfWork, tenant_id: str) -> None:
    """The tenant's policy, categories, routing table or calendar changed in this transaction:
    the policies processes keep are stale from its commit."""
    await uow.conn.execute(tenants.update().where(tenants.c.tenant_id == tenant_id).values(
        config_version=tenants.c.config_version + 1))

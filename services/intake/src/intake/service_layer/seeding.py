"""Seed loading: the tenants intake serves, their kinds' forms and their categories."""

from __future__ import annotations

import sqlalchemy as sa
from casebridge_platform.db import insert_ignore
from casebridge_platform.messaging.outbox import UnitOfWork

from intake.adapters.tables import tenants
from intake.domain import forms


async def seed(uow: UnitOfWork, data: dict) -> None:
    """Load the tenants of a seed file, each with its kind's form (idempotent).

    Existing tenants are updated, but their categories only grow: routing owns the list,
    keeps its edits across seeding and adds the seed's new names, and intake mirrors that.
    A tenant's own "form" in the seed overrides keys of its kind's.
    """
    kinds = data.get("tenant_kinds", {})
    for t in data["tenants"]:
        form = {**kinds.get(t["kind"], {}), **t.get("form", {})}
        forms.form_of(t["kind"], form)  # a bad seed stops the start, not the first submission
        names = [c["name"] for c in t["categories"]]
        values = {"kind": t["kind"], "name": t["name"],
                  "case_number_prefix": t["case_number_prefix"], "form": form}
        await uow.conn.execute(insert_ignore(tenants, uow.dialect).values(
            tenant_id=t["id"], categories=names, **values))
        current = (await uow.conn.execute(sa.select(tenants.c.categories).where(
            tenants.c.tenant_id == t["id"]))).scalar_one()
        await uow.conn.execute(tenants.update().where(tenants.c.tenant_id == t["id"]).values(
            categories=list(dict.fromkeys([*current, *names])), **values))

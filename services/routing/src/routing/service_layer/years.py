"""The calendar years an admin loaded in escalation, kept here so the off-hours hand-over
counts on the same working days as the deadlines (escalation owns them; routing keeps a copy)."""

from __future__ import annotations

from datetime import UTC

import sqlalchemy as sa
from casebridge.escalation.v1 import escalation_pb2
from casebridge_platform.calendar import WorkCalendar, YearSchedule
from casebridge_platform.db import insert_ignore
from casebridge_platform.messaging.envelope import Event, PoisonMessage
from casebridge_platform.messaging.outbox import UnitOfWork

from routing.adapters import protos
from routing.adapters.tables import calendar_years
from routing.service_layer import versions


async def on_year_loaded(uow: UnitOfWork, event: Event) -> None:
    """escalation.year_loaded → the tenant's year kept, unless a later load of it is kept
    already: the same load announced again (escalation does at every start) changes nothing,
    and an older one arriving late does not overwrite a newer."""
    loaded = event.payload(escalation_pb2.YearLoaded)
    holidays = protos.named_days_of(loaded.holidays)
    workdays = protos.named_days_of(loaded.workdays)
    try:
        WorkCalendar().with_year(loaded.year, YearSchedule.from_json(holidays, workdays))
    except ValueError as exc:
        raise PoisonMessage(f"the {loaded.year} schedule does not read: {exc}") from exc
    values = {"holidays": holidays, "workdays": workdays, "source": loaded.source,
              "loaded_at": loaded.loaded_at.ToDatetime(tzinfo=UTC)}
    added = await uow.conn.execute(insert_ignore(calendar_years, uow.dialect).values(
        tenant_id=event.tenant_id, year=loaded.year, **values))
    if added.rowcount != 1:
        await uow.conn.execute(calendar_years.update().where(
            calendar_years.c.tenant_id == event.tenant_id, calendar_years.c.year == loaded.year,
            calendar_years.c.loaded_at < values["loaded_at"]).values(**values))
    await versions.touch(uow, event.tenant_id)


async def calendar(uow: UnitOfWork, tenant_id: str) -> WorkCalendar:
    """The working-day calendar with the tenant's loaded years over the official one."""
    rows = (await uow.conn.execute(sa.select(calendar_years).where(
        calendar_years.c.tenant_id == tenant_id))).all()
    return WorkCalendar({r.year: YearSchedule.from_json(r.holidays, r.workdays) for r in rows})

"""Loaded calendar years told to the services that keep a copy: routing decides its office
hours and hand-overs on the same working days as the deadlines counted here."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime

import sqlalchemy as sa
from casebridge.escalation.v1 import escalation_pb2
from casebridge_platform.messaging.envelope import timestamp
from casebridge_platform.messaging.outbox import UnitOfWork

from escalation.adapters import protos
from escalation.adapters.tables import calendar_years

log = logging.getLogger(__name__)


def announce(uow: UnitOfWork, tenant_id: str, *, year: int, holidays: Mapping[str, str],
             workdays: Mapping[str, str], source: str, loaded_at: datetime) -> None:
    """escalation.year_loaded with the whole year, in the transaction that stored it."""
    uow.emit("escalation.year_loaded", tenant_id, escalation_pb2.YearLoaded(
        year=year, holidays=protos.named_days(holidays), workdays=protos.named_days(workdays),
        source=source, loaded_at=timestamp(loaded_at)))


async def announce_all(uow: UnitOfWork) -> int:
    """At start: every tenant's loaded years again, so a consumer that missed an announcement
    catches up (it keeps the latest load of a year, so a repeat changes nothing)."""
    rows = (await uow.conn.execute(sa.select(calendar_years).order_by(
        calendar_years.c.tenant_id, calendar_years.c.year))).all()
    for r in rows:
        announce(uow, r.tenant_id, year=r.year, holidays=r.holidays, workdays=r.workdays,
                 source=r.source, loaded_at=r.loaded_at)
    if rows:
        log.info("announced %d loaded calendar years again", len(rows))
    return len(rows)

"""A regulator's view of the institutions in its jurisdiction: volumes, on-time rate, overdue
and major cases — figures and case numbers, never a person's name, contact or complaint text.

The jurisdiction is decided here, from the tenants' kinds and administrative divisions, and
only then are other tenants' rows read: the regulator's principal never chooses them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from casebridge.case.v1 import case_pb2
from casebridge_platform.auth import Principal
from casebridge_platform.errors import InvalidArgument, PermissionDenied
from casebridge_platform.jurisdiction import OVERSEES, within
from casebridge_platform.messaging.envelope import timestamp
from casebridge_platform.messaging.outbox import UnitOfWork

from case.adapters.tables import cases, tenants, timeline
from case.domain import model

OPEN = [s.value for s in model.OPEN]
DONE = [s.value for s in model.DONE]
MAJOR = ("重大", "危机")


def _day(value: str, field: str, default: date) -> datetime:
    try:
        d = date.fromisoformat(value) if value else default
    except ValueError as e:
        raise InvalidArgument(f"not an ISO date: {value!r}", {field: "YYYY-MM-DD"}) from e
    return datetime.combine(d, time(0), model.SHANGHAI).astimezone(UTC)


async def _jurisdiction(uow: UnitOfWork, principal: Principal) -> tuple[sa.Row, list[sa.Row]]:
    principal.require("supervisor", "leader", "admin")
    await uow.all_tenants()
    everyone = (await uow.conn.execute(sa.select(tenants))).all()
    me = next((t for t in everyone if t.tenant_id == principal.tenant_id), None)
    overseen = OVERSEES.get(me.kind, frozenset()) if me else frozenset()
    if me is None or not overseen:
        raise PermissionDenied("this institution oversees no others")
    return me, [t for t in everyone if t.kind in overseen and t.tenant_id != me.tenant_id
                and within(t.division, me.division)]


def _seen(row: sa.Row) -> case_pb2.OverseenCase:
    seen = case_pb2.OverseenCase(case_number=row.case_number, category=row.category,
                                 severity=row.severity, status=row.status,
                                 department=row.department, received_at=timestamp(row.received_at))
    if row.due_at is not None:
        seen.due_at.CopyFrom(timestamp(row.due_at))
    return seen


async def _figures(uow: UnitOfWork, t: sa.Row, start: datetime, end: datetime,
                   now: datetime) -> case_pb2.InstitutionFigures:
    mine = cases.c.tenant_id == t.tenant_id
    late = sa.exists().where(timeline.c.case_id == cases.c.case_id,
                             timeline.c.type == "deadline_breach")
    closed = sa.and_(cases.c.status.in_(DONE), cases.c.closed_at >= start,
                     cases.c.closed_at < end)
    counts = (await uow.conn.execute(sa.select(
        sa.func.count().filter(cases.c.received_at >= start, cases.c.received_at < end),
        sa.func.count().filter(cases.c.status.in_(OPEN)),
        sa.func.count().filter(closed),
        sa.func.count().filter(closed, ~late)).where(mine))).one()
    listed = sa.select(cases.c.case_number, cases.c.category, cases.c.severity,
                       cases.c.status, cases.c.department, cases.c.received_at,
                       cases.c.due_at).where(mine, cases.c.status.in_(OPEN))
    overdue = (await uow.conn.execute(listed.where(cases.c.due_at < now)
                                      .order_by(cases.c.due_at).limit(200))).all()
    major = (await uow.conn.execute(listed.where(cases.c.severity.in_(MAJOR))
                                    .order_by(cases.c.received_at).limit(200))).all()
    received, still_open, done, on_time = counts
    return case_pb2.InstitutionFigures(
        tenant_id=t.tenant_id, kind=t.kind, division=t.division, received=received,
        open=still_open, closed=done, closed_on_time=on_time,
        on_time_rate=on_time / done if done else 1.0,
        overdue=[_seen(r) for r in overdue], major=[_seen(r) for r in major])


async def oversee(uow: UnitOfWork, *, principal: Principal,
                  request: case_pb2.OverseeRequest) -> case_pb2.OverseeResponse:
    """The figures of each institution the caller's tenant oversees, for a period."""
    today = datetime.now(model.SHANGHAI).date()
    start = _day(request.from_date, "from_date", today.replace(day=1))
    end = _day(request.to_date, "to_date", today) + timedelta(days=1)
    if end <= start:
        raise InvalidArgument("the period ends before it starts", {"to_date": "≥ from_date"})
    me, institutions = await _jurisdiction(uow, principal)
    now = datetime.now(UTC)
    return case_pb2.OverseeResponse(
        regulator=me.tenant_id, division=me.division,
        institutions=[await _figures(uow, t, start, end, now) for t in institutions])

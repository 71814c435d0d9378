"""The timer engine: fire what is due, each timer exactly once, whatever the replicas."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from casebridge.escalation.v1 import escalation_pb2
from casebridge_platform.messaging.envelope import timestamp
from casebridge_platform.messaging.outbox import UnitOfWork

from escalation.adapters.tables import timers

EVENT = {"breach": "escalation.breached", "warning": "escalation.warning"}


async def fire_due(uow: UnitOfWork, *, limit: int = 500) -> int:
    """Claim up to `limit` due timers and announce each, in one transaction.

    The claim is the UPDATE that sets fired_at: a second replica skips rows the first has
    locked (PostgreSQL) or waits for its commit and finds them fired (SQLite's one writer),
    and the events go out through the outbox of this same transaction: fired means announced.
    """
    now = datetime.now(UTC)
    key = sa.tuple_(timers.c.case_id, timers.c.clock, timers.c.kind)
    due = (sa.select(timers.c.case_id, timers.c.clock, timers.c.kind)
           .where(timers.c.fired_at.is_(None), timers.c.due_at <= now)
           .order_by(timers.c.due_at).limit(limit))
    if uow.dialect == "postgresql":
        due = due.with_for_update(skip_locked=True)
    fired = (await uow.conn.execute(
        timers.update().where(key.in_(due)).values(fired_at=now)
        .returning(timers.c.case_id, timers.c.clock, timers.c.kind, timers.c.tenant_id,
                   timers.c.case_number, timers.c.due_at, timers.c.rule))).all()
    for t in fired:
        uow.emit(EVENT[t.kind], t.tenant_id, escalation_pb2.TimerFired(
            case_id=t.case_id, case_number=t.case_number, clock=t.clock, kind=t.kind,
            due_at=timestamp(t.due_at), fired_at=timestamp(now), rule=t.rule),
            correlation_id=t.case_id)
    return len(fired)

"""The hand-over chore: off-hours complaints go to their owners when the working day starts."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from casebridge.routing.v1 import routing_pb2
from casebridge_platform.messaging.outbox import UnitOfWork

from routing.adapters.tables import handovers


async def next_due(uow: UnitOfWork) -> datetime | None:
    """When the earliest pending hand-over falls due."""
    return (await uow.conn.execute(sa.select(sa.func.min(handovers.c.handover_at)).where(
        handovers.c.handed_over_at.is_(None)))).scalar()


async def handover_due(uow: UnitOfWork, *, limit: int = 200) -> int:
    """Claim due hand-overs and announce each (trigger "handover"), in one transaction.

    The claim is the UPDATE that sets handed_over_at: another replica skips the rows this
    one has locked (PostgreSQL) or waits for its commit and finds them done (SQLite's single
    writer); the events go out through this transaction's outbox, so claimed means announced.
    """
    now = datetime.now(UTC)
    due = (sa.select(handovers.c.case_id)
           .where(handovers.c.handed_over_at.is_(None), handovers.c.handover_at <= now)
           .order_by(handovers.c.handover_at).limit(limit))
    if uow.dialect == "postgresql":
        due = due.with_for_update(skip_locked=True)
    claimed = (await uow.conn.execute(
        handovers.update().where(handovers.c.case_id.in_(due), handovers.c.handed_over_at.is_(None))
        .values(handed_over_at=now)
        .returning(handovers.c.tenant_id, handovers.c.case_id, handovers.c.decision))).all()
    for row in claimed:
        uow.emit("routing.decided", row.tenant_id,
                 routing_pb2.RoutingDecided.FromString(row.decision), correlation_id=row.case_id)
    return len(claimed)

"""Routing's event handlers: decide on intake, decide again on request, release on close.

Load bookkeeping: a case counts on the load (open_cases) of the handler in its decision row
from intake until it leaves everyone's workload (closed, refused, referred); the decision
row's `open` flag makes the release happen exactly once, and a reroute moves the count.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import sqlalchemy as sa
from casebridge.case.v1 import case_pb2
from casebridge.intake.v1 import intake_pb2
from casebridge.routing.v1 import routing_pb2
from casebridge_platform.db import one_of
from casebridge_platform.errors import NotFound
from casebridge_platform.messaging.consumer import Batch, Transient
from casebridge_platform.messaging.envelope import Event
from casebridge_platform.messaging.outbox import UnitOfWork

from routing.adapters.protos import announcement, complaint_of
from routing.adapters.tables import decisions, handovers
from routing.domain import decision, rules
from routing.service_layer import queries

LEAVES_WORKLOAD = {"closed", "refused", "referred"}  # the case is nobody's work any more
HANDOVER_REASON = "handed over from {on_duty} at the start of the working day"


@dataclass
class Decided:
    """What to announce now, and who owns the case (differs off hours: 总值班 holds it)."""

    announced: routing_pb2.RoutingDecided
    department: str
    owner: str


async def pick(uow: UnitOfWork, tenant_id: str, department: str,
               parties: rules.Parties) -> str:
    """The least-loaded eligible handler's id; '' when the department has none to offer."""
    found = await queries.eligible(uow, tenant_id, department, parties)
    return found[0].user_id if found else ""


async def decide(uow: UnitOfWork, *, tenant_id: str, complaint: decision.Complaint,
                 parties: rules.Parties) -> Decided:
    """Plan the complaint and pick handlers: the owner in the responsible department, and,
    off hours, the on-duty officer who holds it until the hand-over. The owner is chosen now
    so the hand-over only announces what was decided and the load is counted from intake."""
    planned = decision.plan(await queries.policy(uow, tenant_id), complaint)
    out = announcement(planned)
    owner = await pick(uow, tenant_id, planned.responsible, parties)
    out.handler_id = (await pick(uow, tenant_id, planned.department, parties)
                      if planned.on_duty else owner)
    return Decided(out, planned.responsible, owner)


async def on_received(uow: UnitOfWork, batch: Batch, events: list[Event]) -> None:
    """intake.received → routing.decided (trigger "intake") for a run of a tenant's new
    complaints at once: the tenant's policy, the handlers of the departments involved, their
    declared conflicts and any decisions already made are read once for the run; each
    complaint is then planned and given the least-loaded eligible handler in turn (the loads
    counted as the run reserves them, as one by one would); decisions, loads and hand-overs
    are written with a statement each."""
    if not events:
        return
    tenant_id = batch.tenant_id
    try:
        policy = await queries.policy(uow, tenant_id)
    except NotFound as exc:
        raise Transient(str(exc)) from exc
    planned = []
    for event in events:
        with batch.span(event):
            submission = event.payload(intake_pb2.ComplaintReceived).submission
            planned.append((event, submission, decision.plan(policy, complaint_of(submission))))
    wanted = {p.responsible for _, _, p in planned} | {p.department for _, _, p in planned}
    pool = await queries.candidates_in(uow, tenant_id, wanted)
    declared = await queries.conflict_list(uow, tenant_id, [c.user_id for c in pool])
    ids = [s.case_id for _, s, _ in planned]
    existing = {r.case_id: r for r in (await uow.conn.execute(
        sa.select(decisions).where(one_of(decisions.c.case_id, ids, uow.dialect)))).all()}
    loads = {c.user_id: c.open_cases for c in pool}
    writes = _Writes()
    for event, submission, plan in planned:
        parties = rules.Parties(submission.case_id, submission.complainant.name,
                                submission.respondent.person, submission.respondent.unit)

        def pick_in(department: str, parties: rules.Parties = parties) -> str:
            found = rules.eligible(
                [replace(c, open_cases=loads[c.user_id]) for c in pool
                 if c.department == department], declared, parties)
            return found[0].user_id if found else ""

        with batch.span(event):
            out = announcement(plan)
            owner = pick_in(plan.responsible)
            out.handler_id = pick_in(plan.department) if plan.on_duty else owner
            out.case_id = submission.case_id
            decided = Decided(out, plan.responsible, owner)
            row = existing.get(out.case_id)
            if row is None:
                writes.new.append({"case_id": out.case_id, "tenant_id": tenant_id, "open": True,
                                   **_values(out, decided)})
                if owner:
                    loads[owner] += 1
                    writes.loads[owner] = writes.loads.get(owner, 0) + 1
            else:
                writes.changed.append({"k_case": out.case_id, **_values(out, decided)})
            if (row is None or row.open) and out.on_duty:
                writes.handovers.append(handover_row(tenant_id, out, decided))
            uow.emit("routing.decided", tenant_id, out,
                     correlation_id=out.case_id, causation_id=event.id)
    await writes.flush(uow, tenant_id)


@dataclass
class _Writes:
    new: list[dict] = field(default_factory=list)
    changed: list[dict] = field(default_factory=list)
    handovers: list[dict] = field(default_factory=list)
    loads: dict[str, int] = field(default_factory=dict)

    async def flush(self, uow: UnitOfWork, tenant_id: str) -> None:
        if self.new:
            await uow.conn.execute(decisions.insert(), self.new)
        if self.changed:
            await uow.conn.execute(decisions.update().where(
                decisions.c.case_id == sa.bindparam("k_case")), self.changed)
        await queries.adjust_loads(uow, tenant_id, self.loads)
        if self.handovers:
            await uow.conn.execute(handovers.insert(), self.handovers)
            uow.wake("handovers", min(h["handover_at"] for h in self.handovers))


def _values(out: routing_pb2.RoutingDecided, decided: Decided) -> dict:
    return {"category": out.category, "category_source": out.category_source,
            "department": decided.department, "handler_id": decided.owner,
            "decided_at": datetime.now(UTC), "severity": out.severity}


async def record(uow: UnitOfWork, tenant_id: str, out: routing_pb2.RoutingDecided,
                 decided: Decided) -> bool:
    """Store the decision and reserve the owner; False if the case had closed already (its
    case.transitioned overtook this event), in which case nothing is reserved."""
    values = _values(out, decided)
    existing = await queries.decision_row(uow, out.case_id)
    if existing is not None:
        await uow.conn.execute(decisions.update().where(
            decisions.c.case_id == out.case_id).values(values))
        return bool(existing.open)
    await uow.conn.execute(decisions.insert().values(
        case_id=out.case_id, tenant_id=tenant_id, open=True, **values))
    await queries.adjust_load(uow, tenant_id, decided.owner, +1)
    return True


def handover_row(tenant_id: str, held: routing_pb2.RoutingDecided, decided: Decided) -> dict:
    """The announcement the hand-over chore makes at the start of the working day."""
    later = routing_pb2.RoutingDecided()
    later.CopyFrom(held)
    later.ClearField("handover_at")
    later.on_duty, later.trigger = False, "handover"
    later.department, later.handler_id = decided.department, decided.owner
    later.previous_handler_id = held.handler_id
    later.reason = HANDOVER_REASON.format(on_duty=held.department)
    return {"case_id": held.case_id, "tenant_id": tenant_id,
            "handover_at": held.handover_at.ToDatetime(tzinfo=UTC),
            "department": decided.department, "handler_id": decided.owner,
            "decision": later.SerializeToString(), "handed_over_at": None}


async def cancel_handover(uow: UnitOfWork, case_id: str) -> None:
    """A pending hand-over is moot once staff reroute the case or it leaves the workload."""
    await uow.conn.execute(handovers.update().where(
        handovers.c.case_id == case_id, handovers.c.handed_over_at.is_(None))
        .values(handed_over_at=datetime.now(UTC)))


def changes_workload(moved: case_pb2.CaseTransitioned) -> bool:
    """Whether a step of a case changes its handler's load: it leaves the handler's work, or
    comes back to it (any other step is acked and nothing else)."""
    return moved.to_status in LEAVES_WORKLOAD or (
        moved.action == "reopen" and moved.from_status in LEAVES_WORKLOAD)


async def on_transitioned(uow: UnitOfWork, event: Event) -> None:
    """case.transitioned to closed/refused/referred → the handler's load drops, once; a closed
    case reopened counts for its handler again."""
    moved = event.payload(case_pb2.CaseTransitioned)
    if not changes_workload(moved):
        return
    if moved.action == "reopen" and moved.from_status in LEAVES_WORKLOAD:
        reopened = (await uow.conn.execute(decisions.update().where(
            decisions.c.case_id == moved.case_id, decisions.c.open.is_(False),
            decisions.c.handler_id != "").values(open=True)
            .returning(decisions.c.handler_id))).first()
        if reopened is not None:
            await queries.adjust_load(uow, event.tenant_id, reopened.handler_id, +1)
        return
    released = (await uow.conn.execute(decisions.update().where(
        decisions.c.case_id == moved.case_id, decisions.c.open.is_(True))
        .values(open=False).returning(decisions.c.handler_id))).first()
    if released is not None:
        await queries.adjust_load(uow, event.tenant_id, released.handler_id, -1)
    elif await queries.decision_row(uow, moved.case_id) is None:
        # Closed before routing decided: leave a closed row so the decision reserves nothing.
        await uow.conn.execute(decisions.insert().values(
            case_id=moved.case_id, tenant_id=event.tenant_id, category="", department="",
            handler_id="", decided_at=datetime.now(UTC), open=False))
    await cancel_handover(uow, moved.case_id)


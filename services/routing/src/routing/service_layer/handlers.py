"""Routing's event handlers: decide on intake, decide again on request, release on close.

Load bookkeeping: a case counts on the load (open_cases) of the handler in its decision row
from intake until it leaves everyone's workload (closed, refused, referred); the decision
row's `open` flag makes the release happen exactly once, and a reroute moves the count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from casebridge.case.v1 import case_pb2
from casebridge.intake.v1 import intake_pb2
from casebridge.routing.v1 import routing_pb2
from casebridge_platform.errors import NotFound
from casebridge_platform.messaging.consumer import Transient
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


async def on_received(uow: UnitOfWork, event: Event) -> None:
    """intake.received → routing.decided (trigger "intake"); the owner's load is reserved."""
    submission = event.payload(intake_pb2.ComplaintReceived).submission
    parties = rules.Parties(submission.case_id, submission.complainant.name,
                            submission.respondent.person, submission.respondent.unit)
    try:
        decided = await decide(uow, tenant_id=event.tenant_id,
                               complaint=complaint_of(submission), parties=parties)
    except NotFound as exc:
        raise Transient(str(exc)) from exc
    out = decided.announced
    out.case_id = submission.case_id
    still_open = await record(uow, event.tenant_id, out, decided)
    if still_open and out.on_duty:
        await hold_for_handover(uow, event.tenant_id, out, decided)
    uow.emit("routing.decided", event.tenant_id, out,
             correlation_id=submission.case_id, causation_id=event.id)


async def record(uow: UnitOfWork, tenant_id: str, out: routing_pb2.RoutingDecided,
                 decided: Decided) -> bool:
    """Store the decision and reserve the owner; False if the case had closed already (its
    case.transitioned overtook this event), in which case nothing is reserved."""
    values = {"category": out.category, "category_source": out.category_source,
              "department": decided.department, "handler_id": decided.owner,
              "decided_at": datetime.now(UTC), "severity": out.severity}
    existing = await queries.decision_row(uow, out.case_id)
    if existing is not None:
        await uow.conn.execute(decisions.update().where(
            decisions.c.case_id == out.case_id).values(values))
        return bool(existing.open)
    await uow.conn.execute(decisions.insert().values(
        case_id=out.case_id, tenant_id=tenant_id, open=True, **values))
    await queries.adjust_load(uow, tenant_id, decided.owner, +1)
    return True


async def hold_for_handover(uow: UnitOfWork, tenant_id: str, held: routing_pb2.RoutingDecided,
                            decided: Decided) -> None:
    """Store the announcement the hand-over chore makes at the start of the working day."""
    later = routing_pb2.RoutingDecided()
    later.CopyFrom(held)
    later.ClearField("handover_at")
    later.on_duty, later.trigger = False, "handover"
    later.department, later.handler_id = decided.department, decided.owner
    later.previous_handler_id = held.handler_id
    later.reason = HANDOVER_REASON.format(on_duty=held.department)
    await uow.conn.execute(handovers.insert().values(
        case_id=held.case_id, tenant_id=tenant_id,
        handover_at=held.handover_at.ToDatetime(tzinfo=UTC), department=decided.department,
        handler_id=decided.owner, decision=later.SerializeToString(), handed_over_at=None))


async def cancel_handover(uow: UnitOfWork, case_id: str) -> None:
    """A pending hand-over is moot once staff reroute the case or it leaves the workload."""
    await uow.conn.execute(handovers.update().where(
        handovers.c.case_id == case_id, handovers.c.handed_over_at.is_(None))
        .values(handed_over_at=datetime.now(UTC)))


async def on_transitioned(uow: UnitOfWork, event: Event) -> None:
    """case.transitioned to closed/refused/referred → the handler's load drops, once; a closed
    case reopened counts for its handler again."""
    moved = event.payload(case_pb2.CaseTransitioned)
    if moved.action == "reopen" and moved.from_status in LEAVES_WORKLOAD:
        reopened = (await uow.conn.execute(decisions.update().where(
            decisions.c.case_id == moved.case_id, decisions.c.open.is_(False),
            decisions.c.handler_id != "").values(open=True)
            .returning(decisions.c.handler_id))).first()
        if reopened is not None:
            await queries.adjust_load(uow, event.tenant_id, reopened.handler_id, +1)
        return
    if moved.to_status not in LEAVES_WORKLOAD:
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


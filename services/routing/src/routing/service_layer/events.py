"""What routing does with a batch of a tenant's events: runs of new complaints are decided
together (handlers.on_received); every other event is handled on its own, in order."""

from __future__ import annotations

from casebridge.case.v1 import case_pb2
from casebridge_platform.messaging.consumer import Batch, Handler
from casebridge_platform.messaging.envelope import Event, PoisonMessage
from casebridge_platform.messaging.outbox import UnitOfWork

from routing.service_layer import handlers, reroute, years

ONE_BY_ONE: dict[str, Handler] = {
    "case.reroute_requested": reroute.on_reroute,
    "case.transitioned": handlers.on_transitioned,
    "escalation.year_loaded": years.on_year_loaded,
}
EVENT_TYPES = ("intake.received", *ONE_BY_ONE)


def wants(event: Event) -> bool:
    """Most steps of a case (accepted, answered …) leave routing nothing to do."""
    return event.type != "case.transitioned" or handlers.changes_workload(
        event.payload(case_pb2.CaseTransitioned))


async def on_events(uow: UnitOfWork, batch: Batch) -> None:
    run: list[Event] = []
    for event in batch.events:
        if event.type == "intake.received":
            run.append(event)
            continue
        await handlers.on_received(uow, batch, run)
        run = []
        handler = ONE_BY_ONE.get(event.type)
        if handler is None:
            raise PoisonMessage(f"no handler for event type {event.type!r}")
        with batch.span(event):
            await handler(uow, event)
    await handlers.on_received(uow, batch, run)

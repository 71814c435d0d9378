"""What the case service does with a batch of a tenant's events: the cases they touch are read
once, each event applied in order, and the cases written once (entries.Cases). A message from
another institution is applied on its own, with what came before written first."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from casebridge.escalation.v1 import escalation_pb2
from casebridge.notification.v1 import notification_pb2
from casebridge.routing.v1 import routing_pb2
from casebridge_platform.messaging.consumer import Batch
from casebridge_platform.messaging.envelope import Event, PoisonMessage
from casebridge_platform.messaging.outbox import UnitOfWork

from case.service_layer import handlers, inbound
from case.service_layer.entries import Cases

OnCase = Callable[[UnitOfWork, Event, Cases], Awaitable[None]]

ON: dict[str, OnCase] = {
    "intake.received": handlers.on_received,
    "routing.decided": handlers.on_routed,
    "escalation.clock_armed": handlers.on_clock_armed,
    "escalation.clock_stopped": handlers.on_clock_armed,
    "escalation.clock_paused": handlers.on_clock_armed,
    "escalation.warning": handlers.on_timer,
    "escalation.breached": handlers.on_timer,
    "escalation.escalated": handlers.on_timer,
    "notification.delivered": handlers.on_delivered,
    "case.alert": handlers.on_alert,
}
ON_ITS_OWN = {"transfer.message": inbound.on_message}
EVENT_TYPES = (*ON, *ON_ITS_OWN)


def _case_id(event: Event) -> str:
    """The case an event changes, to read ahead ('' for one that opens or only reads one)."""
    if event.type == "routing.decided":
        return event.payload(routing_pb2.RoutingDecided).case_id
    if event.type.startswith("escalation.clock_"):
        return event.payload(escalation_pb2.ClockArmed).clock.case_id
    if event.type == "notification.delivered":
        return event.payload(notification_pb2.DeliveryRecorded).delivery.case_id
    return ""


async def on_events(uow: UnitOfWork, batch: Batch) -> None:
    cases = Cases(batch.tenant_id)
    await cases.load(uow, {i for event in batch.events if event.type in ON
                           and (i := _case_id(event))})
    for event in batch.events:
        with batch.span(event):
            if (alone := ON_ITS_OWN.get(event.type)) is not None:
                await cases.flush(uow)
                await alone(uow, event)
                await uow.set_tenant(batch.tenant_id)   # it may have looked across tenants
            elif (handler := ON.get(event.type)) is not None:
                await handler(uow, event, cases)
            else:
                raise PoisonMessage(f"no handler for event type {event.type!r}")
    await cases.flush(uow)


async def on_event(uow: UnitOfWork, event: Event) -> None:
    """One event on its own (tests, tools)."""
    await on_events(uow, Batch.of(event))

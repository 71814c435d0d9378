"""The composition root of the escalation service."""

from __future__ import annotations

from pathlib import Path

from casebridge.escalation.v1 import escalation_pb2, escalation_pb2_grpc
from casebridge_platform import metrics
from casebridge_platform.messaging.consumer import ConsumerSpec
from casebridge_platform.runtime import Periodic, Runtime, ServiceParts

from escalation.adapters.tables import timers as timer_rows
from escalation.entrypoints.grpc_api import EscalationServicer
from escalation.service_layer import handlers, seeding, timers, years

MIGRATIONS = Path(__file__).parent / "migrations"
EVENT_TYPES = tuple(handlers.FACTS)


def configure(runtime: Runtime) -> ServiceParts:
    return ServiceParts(
        grpc=[(escalation_pb2_grpc.add_EscalationServiceServicer_to_server,
               EscalationServicer(runtime.uow),
               escalation_pb2.DESCRIPTOR.services_by_name["EscalationService"].full_name)],
        consumers=[ConsumerSpec("escalation", EVENT_TYPES,
                                batch_handler=handlers.on_events)],
        seed=seeding.seed,
        at_start=[("announce loaded years", years.announce_all)],
        periodic=[Periodic("timers", runtime.settings.timer_poll_s, timers.fire_due,
                           next_due=timers.next_due, wake_on="timers")],
        samplers=[metrics.lag_sampler(timer_rows.c.due_at, timer_rows.c.fired_at.is_(None))],
    )

"""The composition root of the routing service."""

from __future__ import annotations

from pathlib import Path

from casebridge.routing.v1 import routing_pb2, routing_pb2_grpc
from casebridge_platform.messaging.consumer import ConsumerSpec, dispatcher
from casebridge_platform.runtime import Periodic, Runtime, ServiceParts

from routing.entrypoints.grpc_api import RoutingServicer
from routing.service_layer import handlers, handover, reroute, seeding, years

MIGRATIONS = Path(__file__).parent / "migrations"

ON = {
    "intake.received": handlers.on_received,
    "case.reroute_requested": reroute.on_reroute,
    "case.transitioned": handlers.on_transitioned,
    "escalation.year_loaded": years.on_year_loaded,
}


def configure(runtime: Runtime) -> ServiceParts:
    return ServiceParts(
        grpc=[(routing_pb2_grpc.add_RoutingServiceServicer_to_server, RoutingServicer(runtime.uow),
               routing_pb2.DESCRIPTOR.services_by_name["RoutingService"].full_name)],
        consumers=[ConsumerSpec("routing", tuple(ON), dispatcher(ON))],
        seed=seeding.seed,
        periodic=[Periodic("handover", runtime.settings.timer_poll_s, handover.handover_due)],
    )

"""The composition root of the routing service."""

from __future__ import annotations

from pathlib import Path

from casebridge.routing.v1 import routing_pb2, routing_pb2_grpc
from casebridge_platform.messaging.consumer import ConsumerSpec
from casebridge_platform.runtime import Periodic, Runtime, ServiceParts

from routing.entrypoints.grpc_api import RoutingServicer
from routing.service_layer import events, handover, seeding

MIGRATIONS = Path(__file__).parent / "migrations"
EVENT_TYPES = events.EVENT_TYPES



def configure(runtime: Runtime) -> ServiceParts:
    return ServiceParts(
        grpc=[(routing_pb2_grpc.add_RoutingServiceServicer_to_server, RoutingServicer(runtime.uow),
               routing_pb2.DESCRIPTOR.services_by_name["RoutingService"].full_name)],
        consumers=[ConsumerSpec("routing", EVENT_TYPES, batch_handler=events.on_events,
                                wants=events.wants)],
        seed=seeding.seed,
        periodic=[Periodic("handover", runtime.settings.timer_poll_s, handover.handover_due,
                           next_due=handover.next_due, wake_on="handovers")],
    )

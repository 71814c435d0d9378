"""The composition root of the case service."""

from __future__ import annotations

from pathlib import Path

from casebridge.case.v1 import case_pb2, case_pb2_grpc
from casebridge_platform.messaging.consumer import ConsumerSpec, dispatcher
from casebridge_platform.runtime import Runtime, ServiceParts

from case.entrypoints.grpc_api import CaseServicer
from case.service_layer import handlers

MIGRATIONS = Path(__file__).parent / "migrations"

ON = {
    "intake.received": handlers.on_received,
    "routing.decided": handlers.on_routed,
    "escalation.clock_armed": handlers.on_clock_armed,
    "notification.delivered": handlers.on_delivered,
}


def configure(runtime: Runtime) -> ServiceParts:
    return ServiceParts(
        grpc=[(case_pb2_grpc.add_CaseServiceServicer_to_server, CaseServicer(runtime.uow),
               case_pb2.DESCRIPTOR.services_by_name["CaseService"].full_name)],
        consumers=[ConsumerSpec("case", tuple(ON), dispatcher(ON))],
    )

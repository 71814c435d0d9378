"""The composition root of the notification service."""

from __future__ import annotations

from pathlib import Path

from casebridge.notification.v1 import notification_pb2, notification_pb2_grpc
from casebridge_platform.messaging.consumer import ConsumerSpec, dispatcher
from casebridge_platform.runtime import Runtime, ServiceParts

from notification.entrypoints.grpc_api import NotificationServicer
from notification.service_layer import handlers

MIGRATIONS = Path(__file__).parent / "migrations"
ON = {"case.transitioned": handlers.on_transitioned, "case.alert": handlers.on_alert,
      **{event_type: handlers.on_timer for event_type in handlers.TIMER_NOTICES},
      "escalation.regulator_report": handlers.on_regulator_report}


def configure(runtime: Runtime) -> ServiceParts:
    return ServiceParts(
        grpc=[(notification_pb2_grpc.add_NotificationServiceServicer_to_server,
               NotificationServicer(runtime.uow),
               notification_pb2.DESCRIPTOR.services_by_name["NotificationService"].full_name)],
        consumers=[ConsumerSpec("notification", tuple(ON), dispatcher(ON))],
    )

"""The composition root of the intake service."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from pathlib import Path

from casebridge.intake.v1 import intake_pb2, intake_pb2_grpc
from casebridge_platform.messaging.consumer import ConsumerSpec, Handler, dispatcher
from casebridge_platform.runtime import Periodic, Runtime, ServiceParts
from casebridge_platform.sealing import Sealer

from intake.entrypoints.grpc_api import IntakeServicer
from intake.service_layer import handlers, seeding

MIGRATIONS = Path(__file__).parent / "migrations"


def subscriptions(sealer: Sealer) -> dict[str, Handler]:
    """The events intake consumes (README's "What runs where" lists them too)."""
    return {
        "routing.categories_changed": handlers.on_categories_changed,
        "transfer.offered": partial(handlers.on_transfer_offered, sealer=sealer),
    }


def configure(runtime: Runtime) -> ServiceParts:
    sealer = runtime.settings.sealer()
    on = subscriptions(sealer)
    servicer = IntakeServicer(runtime.uow, sealer)
    return ServiceParts(
        grpc=[(intake_pb2_grpc.add_IntakeServiceServicer_to_server, servicer,
               intake_pb2.DESCRIPTOR.services_by_name["IntakeService"].full_name)],
        consumers=[ConsumerSpec("intake", tuple(on), dispatcher(on))],
        seed=seeding.seed,
        periodic=[Periodic("forget idempotency keys", runtime.settings.housekeeping_interval_s,
                           partial(handlers.purge_idempotency_keys, older_than=timedelta(
                               hours=runtime.settings.idempotency_retention_h)))],
    )

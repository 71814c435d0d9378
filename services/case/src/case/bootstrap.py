"""The composition root of the case service."""

from __future__ import annotations

from pathlib import Path

from casebridge.case.v1 import case_pb2, case_pb2_grpc
from casebridge_platform.federation import Keyring, Registry
from casebridge_platform.messaging.consumer import ConsumerSpec
from casebridge_platform.runtime import Periodic, Runtime, ServiceParts, StopHook

from case.entrypoints.grpc_api import CaseServicer
from case.service_layer import consuming, federation, handlers, seeding
from case.service_layer.directory import FEDERATION

MIGRATIONS = Path(__file__).parent / "migrations"
EVENT_TYPES = consuming.EVENT_TYPES



def configure(runtime: Runtime) -> ServiceParts:
    settings = runtime.settings
    registry = Registry.load(settings.federation_registry)   # a bad registry stops the start
    servicer = CaseServicer(runtime.uow, settings.sealer(), registry)
    workers = []
    on_stop: list[StopHook] = []
    if settings.federation_keyring:
        sender = federation.Sender(runtime.uow, Keyring.load(settings.federation_keyring),
                                   registry)
        on_stop.append(sender.close)

        bell = runtime.bell(FEDERATION)
        workers.append(("federation sender",
                        lambda: sender.run(bell, settings.federation_poll_s)))
    return ServiceParts(
        grpc=[(case_pb2_grpc.add_CaseServiceServicer_to_server, servicer,
               case_pb2.DESCRIPTOR.services_by_name["CaseService"].full_name)],
        consumers=[ConsumerSpec("case", EVENT_TYPES,
                                batch_handler=consuming.on_events)],
        seed=seeding.seed,
        periodic=[Periodic("month-old complaints become 重大",
                           runtime.settings.housekeeping_interval_s, handlers.raise_month_old),
                  Periodic("forget federation nonces past the replay window",
                           runtime.settings.housekeeping_interval_s, federation.forget_nonces)],
        workers=workers,
        on_stop=on_stop,
    )

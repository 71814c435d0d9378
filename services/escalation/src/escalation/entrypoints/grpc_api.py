"""EscalationService over gRPC."""

from __future__ import annotations

from collections.abc import Callable

import grpc
from casebridge.escalation.v1 import escalation_pb2, escalation_pb2_grpc
from casebridge_platform.auth import principal
from casebridge_platform.messaging.outbox import UnitOfWork

from escalation.service_layer import handlers


class EscalationServicer(escalation_pb2_grpc.EscalationServiceServicer):
    def __init__(self, uow: Callable[[], UnitOfWork]) -> None:
        self._uow = uow

    async def GetClocks(self, request: escalation_pb2.GetClocksRequest,
                        context: grpc.aio.ServicerContext) -> escalation_pb2.GetClocksResponse:
        async with self._uow() as uow:
            return await handlers.get_clocks(uow, principal=principal(), case_id=request.case_id)

    async def Explain(self, request: escalation_pb2.ExplainRequest,
                      context: grpc.aio.ServicerContext) -> escalation_pb2.ExplainResponse:
        async with self._uow() as uow:
            return await handlers.explain_clocks(uow, principal=principal(),
                                                 case_id=request.case_id)

"""CaseService over gRPC."""

from __future__ import annotations

from collections.abc import Callable

import grpc
from casebridge.case.v1 import case_pb2, case_pb2_grpc
from casebridge_platform.auth import principal
from casebridge_platform.messaging.outbox import UnitOfWork

from case.service_layer import handlers

READERS = ("intake_clerk", "handler", "supervisor", "admin")


class CaseServicer(case_pb2_grpc.CaseServiceServicer):
    def __init__(self, uow: Callable[[], UnitOfWork]) -> None:
        self._uow = uow

    async def GetCase(self, request: case_pb2.GetCaseRequest,
                      context: grpc.aio.ServicerContext) -> case_pb2.Case:
        caller = principal()
        caller.require(*READERS)
        async with self._uow() as uow:
            return await handlers.get(uow, principal=caller, case_id=request.case_id)

    async def ListCases(self, request: case_pb2.ListCasesRequest,
                        context: grpc.aio.ServicerContext) -> case_pb2.ListCasesResponse:
        caller = principal()
        caller.require(*READERS)
        async with self._uow() as uow:
            return await handlers.list_cases(uow, principal=caller, page_size=request.page_size,
                                             page_token=request.page_token, status=request.status)

"""IntakeService over gRPC: translate protobuf to commands, nothing more."""

from __future__ import annotations

from collections.abc import Callable

import grpc
from casebridge.intake.v1 import intake_pb2, intake_pb2_grpc
from casebridge_platform.auth import principal
from casebridge_platform.messaging.outbox import UnitOfWork
from casebridge_platform.sealing import Sealer

from intake.service_layer import handlers
from intake.service_layer.group_commit import GroupCommit


class IntakeServicer(intake_pb2_grpc.IntakeServiceServicer):
    def __init__(self, uow: Callable[[], UnitOfWork], sealer: Sealer | None = None) -> None:
        self._uow = uow
        self._group = GroupCommit(uow, sealer)

    async def SubmitComplaint(self, request: intake_pb2.SubmitComplaintRequest,
                              context: grpc.aio.ServicerContext
                              ) -> intake_pb2.SubmitComplaintResponse:
        return await self._group.submit(principal=principal(), request=request)

    async def GetSubmission(self, request: intake_pb2.GetSubmissionRequest,
                            context: grpc.aio.ServicerContext) -> intake_pb2.Submission:
        async with self._uow() as uow:
            return await handlers.get(uow, principal=principal(), case_id=request.case_id)

    async def LookupByAccessCode(self, request: intake_pb2.LookupByAccessCodeRequest,
                                 context: grpc.aio.ServicerContext) -> intake_pb2.Submission:
        async with self._uow() as uow:
            return await handlers.lookup_by_access_code(
                uow, principal=principal(), case_number=request.case_number,
                access_code=request.access_code)

    async def GetForm(self, request: intake_pb2.GetFormRequest,
                      context: grpc.aio.ServicerContext) -> intake_pb2.Form:
        async with self._uow() as uow:
            return await handlers.get_form(uow, principal=principal())

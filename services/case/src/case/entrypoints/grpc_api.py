"""CaseService over gRPC."""

from __future__ import annotations

from collections.abc import Callable

import grpc
from casebridge.case.v1 import case_pb2, case_pb2_grpc
from casebridge_platform.auth import principal
from casebridge_platform.errors import DomainError
from casebridge_platform.federation import Registry
from casebridge_platform.messaging.outbox import UnitOfWork
from casebridge_platform.sealing import Sealer

from case.service_layer import actions, federation, oversight, queries, transfer_queries


class CaseServicer(case_pb2_grpc.CaseServiceServicer):
    def __init__(self, uow: Callable[..., UnitOfWork], sealer: Sealer,
                 registry: Registry | None = None) -> None:
        self._uow = uow
        self._sealer = sealer
        self._registry = registry or Registry()

    async def GetCase(self, request: case_pb2.GetCaseRequest,
                      context: grpc.aio.ServicerContext) -> case_pb2.Case:
        async with self._uow(snapshot=True) as uow:   # the case and its timeline agree
            return await queries.get(uow, principal=principal(), case_id=request.case_id)

    async def ListCases(self, request: case_pb2.ListCasesRequest,
                        context: grpc.aio.ServicerContext) -> case_pb2.ListCasesResponse:
        async with self._uow() as uow:
            return await queries.list_cases(uow, principal=principal(), request=request)

    async def Act(self, request: case_pb2.ActRequest,
                  context: grpc.aio.ServicerContext) -> case_pb2.Case:
        """Apply the action, then answer with the case as it now stands (timeline included),
        read in the same transaction. An action stays applied even if the caller may no
        longer see the case afterwards (the answer is then that refusal)."""
        caller = principal()
        async with self._uow() as uow:
            written = await actions.act(uow, principal=caller, request=request,
                                        registry=self._registry, sealer=self._sealer)
            await uow.write_later()
            try:
                if "complainant" in caller.roles:
                    answer = await queries.portal_view(uow, principal=caller,
                                                       case_id=request.case_id)
                else:
                    reveal = (self._sealer if request.WhichOneof("action") == "reveal_identity"
                              else None)
                    answer = await queries.get(uow, principal=caller, case_id=request.case_id,
                                               reveal=reveal, written=written,
                                               brief=request.brief)
            except DomainError:
                await uow.commit()
                raise
            await uow.commit()
        return answer

    async def PortalView(self, request: case_pb2.PortalViewRequest,
                         context: grpc.aio.ServicerContext) -> case_pb2.Case:
        async with self._uow(snapshot=True) as uow:
            return await queries.portal_view(uow, principal=principal(), case_id=request.case_id)

    async def Oversee(self, request: case_pb2.OverseeRequest,
                      context: grpc.aio.ServicerContext) -> case_pb2.OverseeResponse:
        async with self._uow() as uow:
            return await oversight.oversee(uow, principal=principal(), request=request)

    async def ListPaths(self, request: case_pb2.ListPathsRequest,
                        context: grpc.aio.ServicerContext) -> case_pb2.ListPathsResponse:
        async with self._uow() as uow:
            return await transfer_queries.list_paths(uow, principal=principal(),
                                              registry=self._registry)

    async def ListTransfers(self, request: case_pb2.ListTransfersRequest,
                            context: grpc.aio.ServicerContext
                            ) -> case_pb2.ListTransfersResponse:
        async with self._uow() as uow:
            return await transfer_queries.list_transfers(uow, principal=principal(),
                                                         request=request)

    async def ReceiveTransfer(self, request: case_pb2.ReceiveTransferRequest,
                              context: grpc.aio.ServicerContext
                              ) -> case_pb2.ReceiveTransferResponse:
        """From the gateway's federation endpoint: the signature is the authentication; the
        principal names the agency (tenant) the message is addressed to."""
        caller = principal()
        caller.require("agency")
        async with self._uow() as uow:
            answer = await federation.receive_signed(uow, token=request.jws,
                                                     audience=caller.tenant_id,
                                                     registry=self._registry)
            await uow.commit()
        return answer

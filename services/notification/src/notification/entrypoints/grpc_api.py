"""NotificationService over gRPC."""

from __future__ import annotations

from collections.abc import Callable

import grpc
from casebridge.notification.v1 import notification_pb2, notification_pb2_grpc
from casebridge_platform.auth import principal
from casebridge_platform.messaging.outbox import UnitOfWork

from notification.service_layer import handlers


class NotificationServicer(notification_pb2_grpc.NotificationServiceServicer):
    def __init__(self, uow: Callable[[], UnitOfWork]) -> None:
        self._uow = uow

    async def ListDeliveries(self, request: notification_pb2.ListDeliveriesRequest,
                             context: grpc.aio.ServicerContext
                             ) -> notification_pb2.ListDeliveriesResponse:
        async with self._uow() as uow:
            return await handlers.list_deliveries(uow, principal=principal(),
                                                  case_id=request.case_id)

"""NotificationService over gRPC."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import grpc
from casebridge.notification.v1 import notification_pb2, notification_pb2_grpc
from casebridge_platform.auth import principal
from casebridge_platform.messaging.outbox import UnitOfWork
from casebridge_platform.sealing import Sealer

from notification.service_layer import admin, preferences, wording


class NotificationServicer(notification_pb2_grpc.NotificationServiceServicer):
    def __init__(self, uow: Callable[[], UnitOfWork], sealer: Sealer,
                 allow_private: bool = False) -> None:
        self._uow = uow
        self._sealer = sealer
        self._allow_private = allow_private

    async def _run(self, fn: Callable[..., Awaitable[Any]], *, write: bool = False,
                   **kwargs: Any) -> Any:
        async with self._uow() as uow:
            answer = await fn(uow, principal=principal(), **kwargs)
            if write:
                await uow.commit()
            return answer

    async def ListDeliveries(self, request: notification_pb2.ListDeliveriesRequest,
                             context: grpc.aio.ServicerContext
                             ) -> notification_pb2.ListDeliveriesResponse:
        return await self._run(admin.list_deliveries, request=request)

    async def ListInbox(self, request: notification_pb2.ListInboxRequest,
                        context: grpc.aio.ServicerContext) -> notification_pb2.ListInboxResponse:
        return await self._run(admin.list_inbox, request=request)

    async def RetryDelivery(self, request: notification_pb2.RetryDeliveryRequest,
                            context: grpc.aio.ServicerContext) -> notification_pb2.Delivery:
        return await self._run(admin.retry, write=True, request=request)

    async def PutEndpoint(self, request: notification_pb2.Endpoint,
                          context: grpc.aio.ServicerContext) -> notification_pb2.Endpoint:
        return await self._run(admin.put_endpoint, write=True, request=request,
                               sealer=self._sealer, allow_private=self._allow_private)

    async def ListEndpoints(self, request: notification_pb2.ListEndpointsRequest,
                            context: grpc.aio.ServicerContext
                            ) -> notification_pb2.ListEndpointsResponse:
        return await self._run(admin.list_endpoints)

    async def DeleteEndpoint(self, request: notification_pb2.DeleteEndpointRequest,
                             context: grpc.aio.ServicerContext
                             ) -> notification_pb2.DeleteEndpointResponse:
        return await self._run(admin.delete_endpoint, write=True,
                               endpoint_id=request.endpoint_id)

    async def ListTemplates(self, request: notification_pb2.ListTemplatesRequest,
                            context: grpc.aio.ServicerContext
                            ) -> notification_pb2.ListTemplatesResponse:
        return await self._run(wording.list_templates)

    async def PutTemplate(self, request: notification_pb2.Template,
                          context: grpc.aio.ServicerContext) -> notification_pb2.Template:
        return await self._run(wording.put_template, write=True, request=request)

    async def DeleteTemplate(self, request: notification_pb2.DeleteTemplateRequest,
                             context: grpc.aio.ServicerContext) -> notification_pb2.Template:
        return await self._run(wording.delete_template, write=True, request=request)

    async def GetPreferences(self, request: notification_pb2.GetPreferencesRequest,
                             context: grpc.aio.ServicerContext) -> notification_pb2.Preferences:
        return await self._run(preferences.get)

    async def PutPreferences(self, request: notification_pb2.Preferences,
                             context: grpc.aio.ServicerContext) -> notification_pb2.Preferences:
        return await self._run(preferences.put, write=True, request=request)

"""What staff are told, live; the delivery log, dead letters and retries; webhook endpoints."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated, Literal

from casebridge.notification.v1 import notification_pb2
from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from gateway import views
from gateway.deps import Staff
from gateway.schemas import example

router = APIRouter(prefix="/v1", tags=["notifications"])
STREAM_POLL_S = 1.0
STREAM_KEEPALIVE_S = 15.0


class DeliveryRead(BaseModel):
    delivery_id: str
    case_id: str | None
    template: str
    recipient: str
    channel: str
    status: str
    subject: str
    body: str
    attempts: int
    last_error: str | None
    created_at: datetime | None
    delivered_at: datetime | None
    next_attempt_at: datetime | None


class EndpointWrite(BaseModel):
    model_config = example({"url": "https://hooks.example.org/casebridge",
                                                      "secret": "a-long-shared-secret-0001",
                                                      "templates": ["case_accepted"]})

    url: str = Field(pattern=r"^https?://\S+$", max_length=2000)
    secret: str = Field(min_length=16, max_length=200,
                        description="shared with the receiver; never shown again")
    templates: list[str] = Field(default_factory=list, max_length=50,
                                 description="which notices; empty: all")
    active: bool = True


class EndpointRead(BaseModel):
    endpoint_id: str
    url: str
    templates: list[str]
    active: bool


def _at(d: notification_pb2.Delivery, name: str) -> datetime | None:
    return views.at(getattr(d, name)) if d.HasField(name) else None


def _delivery(d: notification_pb2.Delivery) -> DeliveryRead:
    return DeliveryRead(
        delivery_id=d.delivery_id, case_id=d.case_id or None, template=d.template,
        recipient=d.recipient, channel=d.channel, status=d.status, subject=d.subject,
        body=d.body, attempts=d.attempts, last_error=d.last_error or None,
        created_at=_at(d, "created_at"), delivered_at=_at(d, "delivered_at"),
        next_attempt_at=_at(d, "next_attempt_at"))


@router.get("/notifications", operation_id="list_notifications", response_model=list[DeliveryRead],
            summary="My in-app notices: to me, my roles and my department, newest first")
async def inbox(call: Staff, limit: Annotated[int, Query(ge=1, le=200)] = 50
                ) -> list[DeliveryRead]:
    answer = await call.svc.notification.ListInbox(
        notification_pb2.ListInboxRequest(limit=limit), **call.options)
    return [_delivery(d) for d in answer.deliveries]


@router.get("/notifications/stream", operation_id="stream_notifications",
            summary="My in-app notices as they come "
            "(text/event-stream; each event's data is a notice as in GET /v1/notifications)")
async def stream(request: Request, call: Staff) -> StreamingResponse:
    async def events() -> AsyncIterator[str]:
        since = datetime.now(UTC)
        quiet = 0.0
        yield ": connected\n\n"
        while not await request.is_disconnected():
            asked = notification_pb2.ListInboxRequest(limit=200)
            asked.since.FromDatetime(since)
            answer = await call.svc.notification.ListInbox(asked, **call.options)
            for d in reversed(answer.deliveries):
                notice = _delivery(d)
                since = max(since, notice.created_at or since)
                yield (f"id: {notice.delivery_id}\nevent: notice\n"
                       f"data: {json.dumps(notice.model_dump(mode='json'), ensure_ascii=False)}"
                       "\n\n")
            quiet = 0.0 if answer.deliveries else quiet + STREAM_POLL_S
            if quiet >= STREAM_KEEPALIVE_S:
                quiet = 0.0
                yield ": keep-alive\n\n"
            await asyncio.sleep(STREAM_POLL_S)

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


@router.get("/deliveries", operation_id="list_deliveries", response_model=list[DeliveryRead],
            summary="The delivery log (admin, supervisor): ?status=dead lists the dead letters")
async def delivery_log(call: Staff,
                       status: Literal["pending", "retrying", "delivered", "dead"] | None = None,
                       case_id: uuid.UUID | None = None,
                       limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[DeliveryRead]:
    answer = await call.svc.notification.ListDeliveries(notification_pb2.ListDeliveriesRequest(
        status=status or "", case_id=str(case_id) if case_id else "", limit=limit),
        **call.options)
    return [_delivery(d) for d in answer.deliveries]


@router.post("/deliveries/{delivery_id}/retry", operation_id="retry_delivery",
             response_model=DeliveryRead,
             summary="Send a dead delivery again (admin)")
async def retry(delivery_id: uuid.UUID, call: Staff) -> DeliveryRead:
    return _delivery(await call.svc.notification.RetryDelivery(
        notification_pb2.RetryDeliveryRequest(delivery_id=str(delivery_id)), **call.options))


EndpointId = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]


def _endpoint(e: notification_pb2.Endpoint) -> EndpointRead:
    return EndpointRead(endpoint_id=e.endpoint_id, url=e.url, templates=list(e.templates),
                        active=e.active)


@router.get("/webhooks", operation_id="list_webhooks", response_model=list[EndpointRead],
            summary="The tenant's webhook endpoints (admin); secrets are never shown")
async def list_endpoints(call: Staff) -> list[EndpointRead]:
    answer = await call.svc.notification.ListEndpoints(notification_pb2.ListEndpointsRequest(),
                                                       **call.options)
    return [_endpoint(e) for e in answer.endpoints]


@router.put("/webhooks/{endpoint_id}", operation_id="put_webhook", response_model=EndpointRead,
            summary="Create or replace a webhook endpoint (admin). Each notice is POSTed as "
            "JSON, signed: see docs/webhooks.md")
async def put_endpoint(endpoint_id: EndpointId, body: EndpointWrite, call: Staff
                       ) -> EndpointRead:
    return _endpoint(await call.svc.notification.PutEndpoint(notification_pb2.Endpoint(
        endpoint_id=endpoint_id, url=body.url, secret=body.secret, templates=body.templates,
        active=body.active), **call.options))


@router.delete("/webhooks/{endpoint_id}", operation_id="delete_webhook", status_code=204,
               summary="Remove a webhook endpoint (admin)")
async def delete_endpoint(endpoint_id: EndpointId, call: Staff) -> None:
    await call.svc.notification.DeleteEndpoint(
        notification_pb2.DeleteEndpointRequest(endpoint_id=endpoint_id), **call.options)


class TemplateRead(BaseModel):
    name: str
    locale: str
    subject: str
    body: str
    sms: str
    overridden: bool = Field(description="the tenant's own wording")
    variables: list[str]


class TemplateWrite(BaseModel):
    """Jinja2 sources (sandboxed); an omitted section keeps the default's. Checked by rendering
    with sample data before it is saved."""

    model_config = example({"subject": "您的投诉 {{ case_number }} 已受理"})


    subject: str | None = Field(None, max_length=500)
    body: str | None = Field(None, max_length=20_000)
    sms: str | None = Field(None, max_length=500)


class PreferencesBody(BaseModel):
    model_config = example({"channels": ["email"], "quiet_from": "22:00",
                                                      "quiet_to": "07:30",
                                                      "email": "handler@hospital.example.org"})

    channels: list[Literal["email", "sms"]] = Field(
        default_factory=list, description="besides in-app; 重大/危机 notices ignore quiet hours")
    quiet_from: str | None = Field(None, pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
                                   examples=["22:00"])
    quiet_to: str | None = Field(None, pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
                                 examples=["07:30"])
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=32)


def _template(t: notification_pb2.Template) -> TemplateRead:
    return TemplateRead(name=t.name, locale=t.locale, subject=t.subject, body=t.body, sms=t.sms,
                        overridden=t.overridden, variables=list(t.variables))


Locale = Annotated[str, Path(pattern=r"^(zh-CN|en)$")]
Name = Annotated[str, Path(pattern=r"^[a-z_]{1,64}$")]


@router.get("/templates", operation_id="list_templates", response_model=list[TemplateRead],
            summary="Every notice template in zh-CN and en, as this tenant words it")
async def list_templates(call: Staff) -> list[TemplateRead]:
    answer = await call.svc.notification.ListTemplates(notification_pb2.ListTemplatesRequest(),
                                                       **call.options)
    return [_template(t) for t in answer.templates]


@router.put("/templates/{name}/{locale}", operation_id="put_template", response_model=TemplateRead,
            summary="Word a template the tenant's way (admin); refused if it does not render")
async def put_template(name: Name, locale: Locale, body: TemplateWrite, call: Staff
                       ) -> TemplateRead:
    return _template(await call.svc.notification.PutTemplate(notification_pb2.Template(
        name=name, locale=locale, subject=body.subject or "", body=body.body or "",
        sms=body.sms or ""), **call.options))


@router.delete("/templates/{name}/{locale}", operation_id="delete_template",
               response_model=TemplateRead,
               summary="Go back to the default wording (admin)")
async def delete_template(name: Name, locale: Locale, call: Staff) -> TemplateRead:
    return _template(await call.svc.notification.DeleteTemplate(
        notification_pb2.DeleteTemplateRequest(name=name, locale=locale), **call.options))


def _preferences(p: notification_pb2.Preferences) -> PreferencesBody:
    return PreferencesBody(channels=list(p.channels), quiet_from=p.quiet_from or None,
                           quiet_to=p.quiet_to or None, email=p.email or None,
                           phone=p.phone or None)


@router.get("/me/notification-preferences", operation_id="get_notification_preferences",
            response_model=PreferencesBody,
            summary="My channels besides in-app, my work contact and my quiet hours")
async def get_preferences(call: Staff) -> PreferencesBody:
    return _preferences(await call.svc.notification.GetPreferences(
        notification_pb2.GetPreferencesRequest(), **call.options))


@router.put("/me/notification-preferences", operation_id="put_notification_preferences",
            response_model=PreferencesBody,
            summary="Set my channels, work contact and quiet hours")
async def put_preferences(body: PreferencesBody, call: Staff) -> PreferencesBody:
    return _preferences(await call.svc.notification.PutPreferences(notification_pb2.Preferences(
        channels=body.channels, quiet_from=body.quiet_from or "", quiet_to=body.quiet_to or "",
        email=body.email or "", phone=body.phone or ""), **call.options))

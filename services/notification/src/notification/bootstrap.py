"""The composition root of the notification service."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import httpx
from casebridge.notification.v1 import notification_pb2, notification_pb2_grpc
from casebridge_platform.config import Settings
from casebridge_platform.messaging.consumer import Batch, BatchHandler, ConsumerSpec, Handler
from casebridge_platform.messaging.envelope import PoisonMessage
from casebridge_platform.messaging.outbox import UnitOfWork
from casebridge_platform.runtime import Runtime, ServiceParts, StopHook

from notification.adapters.channels import Channel, WebhookFactory
from notification.entrypoints.grpc_api import NotificationServicer
from notification.service_layer import handlers
from notification.service_layer.sender import Sender

MIGRATIONS = Path(__file__).parent / "migrations"


def subscriptions(out: handlers.Outbound) -> dict[str, Handler]:
    on = {"intake.received": handlers.on_received, "case.assigned": handlers.on_assigned,
          "case.transitioned": handlers.on_transitioned, "case.alert": handlers.on_alert,
          **{event_type: handlers.on_timer for event_type in handlers.TIMER_NOTICES},
          "escalation.regulator_report": handlers.on_regulator_report,
          "case.reported": handlers.on_reported,
          "transfer.offered": handlers.on_transfer_offered}
    return {event_type: partial(fn, out=out) for event_type, fn in on.items()}


ON = subscriptions(handlers.Outbound())   # without outside channels (tests, tools)


def batch_handler(on: dict[str, Handler], out: handlers.Outbound) -> BatchHandler:
    """A tenant's batch: the contacts of new complaints kept in one statement per run, the
    contacts the batch will tell read in one, the other events one by one, in order (their
    deliveries written together at commit)."""

    async def on_events(uow: UnitOfWork, batch: Batch) -> None:
        await handlers.read_contacts(uow, batch.events, out)
        run: list[dict] = []
        for event in batch.events:
            with batch.span(event):
                if event.type == "intake.received":
                    if (row := handlers.contact_row(event, out)) is not None:
                        run.append(row)
                    continue
                await handlers.store_contacts(uow, run)
                run = []
                handler = on.get(event.type)
                if handler is None:
                    raise PoisonMessage(f"no handler for event type {event.type!r}")
                await handler(uow, event)
        await handlers.store_contacts(uow, run)

    return on_events


def outside_channels(settings: Settings, on_stop: list[StopHook] | None = None
                     ) -> dict[str, Channel | WebhookFactory]:
    """The channels this deployment is configured for; webhooks always (per endpoint). The
    HTTP clients they open are closed by the hooks added to `on_stop`."""
    from notification.adapters.channels.email import SmtpChannel
    from notification.adapters.channels.sms import AliyunSms, SmsChannel
    from notification.adapters.channels.webhook import CircuitBreaker, WebhookChannel

    closers: list[StopHook] = [] if on_stop is None else on_stop
    breaker, client = CircuitBreaker(), httpx.AsyncClient()   # shared by every endpoint
    closers.append(client.aclose)
    out: dict[str, Channel | WebhookFactory] = {
        "webhook": lambda secret: WebhookChannel(secret=secret, breaker=breaker, client=client)}
    if settings.smtp_host:
        out["email"] = SmtpChannel(
            settings.smtp_host, settings.smtp_port, sender=settings.smtp_sender,
            username=settings.smtp_username or None,
            password=settings.smtp_password.get_secret_value() or None,
            starttls=settings.smtp_starttls)
    if settings.sms_provider == "aliyun":
        provider = AliyunSms(
            settings.sms_access_key_id, settings.sms_access_key_secret.get_secret_value(),
            settings.sms_sign_name, settings.sms_template_code, endpoint=settings.sms_endpoint)
        closers.append(provider.aclose)
        out["sms"] = SmsChannel(provider, template_params=("case_number",))
    return out


def configure(runtime: Runtime) -> ServiceParts:
    settings = runtime.settings
    sealer = settings.sealer()
    on_stop: list[StopHook] = []
    pushed = outside_channels(settings, on_stop)
    out = handlers.Outbound(email="email" in pushed, sms="sms" in pushed, sealer=sealer,
                            portal_url=settings.portal_url)
    on = subscriptions(out)
    sender = Sender(runtime.uow, pushed, sealer, max_attempts=settings.delivery_max_attempts,
                    lease_s=settings.delivery_lease_s, poll_s=settings.delivery_poll_s,
                    bell=runtime.bell("deliveries"))
    return ServiceParts(
        grpc=[(notification_pb2_grpc.add_NotificationServiceServicer_to_server,
               NotificationServicer(runtime.uow, sealer, settings.webhook_allow_private),
               notification_pb2.DESCRIPTOR.services_by_name["NotificationService"].full_name)],
        consumers=[ConsumerSpec("notification", tuple(on),
                                batch_handler=batch_handler(on, out))],
        workers=[("deliveries", sender.run)],
        on_stop=on_stop,
    )


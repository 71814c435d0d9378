"""A tenant's own wording of its notices: listed beside the defaults, checked in the sandbox
before it is saved, removed to go back to the default."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from casebridge.notification.v1 import notification_pb2
from casebridge_platform.auth import Principal
from casebridge_platform.errors import InvalidArgument, NotFound
from casebridge_platform.messaging.outbox import UnitOfWork

from notification.adapters import protos
from notification.adapters.tables import template_overrides
from notification.domain import rendering

SECTIONS = ("subject", "body", "sms")


async def overrides_of(uow: UnitOfWork, tenant_id: str) -> rendering.Overrides:
    rows = (await uow.conn.execute(sa.select(template_overrides).where(
        template_overrides.c.tenant_id == tenant_id))).all()
    return {(r.name, r.locale): rendering.Source(r.subject, r.body, r.sms) for r in rows}


def _template(name: str, locale: str, override: rendering.Source | None
              ) -> notification_pb2.Template:
    """The default wording with the tenant's override, section by section, laid over it."""
    shown = rendering.default(name, locale)
    if override is not None:
        shown = rendering.Source(*(getattr(override, s) or getattr(shown, s) for s in SECTIONS))
    return protos.template_proto(name, locale, shown, overridden=override is not None)


async def list_templates(uow: UnitOfWork, *, principal: Principal
                         ) -> notification_pb2.ListTemplatesResponse:
    principal.require("admin", "supervisor")
    mine = await overrides_of(uow, principal.tenant_id)
    return notification_pb2.ListTemplatesResponse(templates=[
        _template(name, locale, mine.get((name, locale)))
        for name in rendering.SAMPLES for locale in rendering.LOCALES])


def _known(name: str, locale: str) -> None:
    if name not in rendering.SAMPLES:
        raise NotFound(f"no template {name!r}; known: {', '.join(rendering.SAMPLES)}")
    if locale not in rendering.LOCALES:
        raise InvalidArgument("unknown locale", {"locale": " or ".join(rendering.LOCALES)})


async def put_template(uow: UnitOfWork, *, principal: Principal,
                       request: notification_pb2.Template) -> notification_pb2.Template:
    """Save the tenant's wording of one template, after it rendered in the sandbox with the
    template's sample data; an empty section keeps the default's."""
    principal.require("admin")
    _known(request.name, request.locale)
    given = {s: getattr(request, s) or None for s in SECTIONS}
    if not any(given.values()):
        raise InvalidArgument("nothing to change", {"body": "give a subject, body or sms"})
    errors = rendering.validate(given["subject"], given["body"], given["sms"], request.name,
                                locale=request.locale)
    if errors:
        raise InvalidArgument("the template does not render: " + "; ".join(errors),
                              {e.split(":")[0].split(" line")[0]: e for e in errors})
    key = (template_overrides.c.tenant_id == principal.tenant_id,
           template_overrides.c.name == request.name,
           template_overrides.c.locale == request.locale)
    await uow.conn.execute(template_overrides.delete().where(*key))
    await uow.conn.execute(template_overrides.insert().values(
        tenant_id=principal.tenant_id, name=request.name, locale=request.locale,
        updated_by=principal.user_id, updated_at=datetime.now(UTC), **given))
    return _template(request.name, request.locale, rendering.Source(**given))


async def delete_template(uow: UnitOfWork, *, principal: Principal,
                          request: notification_pb2.DeleteTemplateRequest
                          ) -> notification_pb2.Template:
    principal.require("admin")
    _known(request.name, request.locale)
    await uow.conn.execute(template_overrides.delete().where(
        template_overrides.c.tenant_id == principal.tenant_id,
        template_overrides.c.name == request.name,
        template_overrides.c.locale == request.locale))
    return _template(request.name, request.locale, None)

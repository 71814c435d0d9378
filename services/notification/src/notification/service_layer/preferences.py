"""Each staff member's channels besides in-app, work contact and quiet hours. Quiet hours hold
a push until they end; major-complaint and crisis alerts are never held."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from casebridge.notification.v1 import notification_pb2
from casebridge_platform.auth import Principal
from casebridge_platform.errors import InvalidArgument
from casebridge_platform.messaging.outbox import UnitOfWork

from notification.adapters import protos
from notification.adapters.tables import preferences

SHANGHAI = ZoneInfo("Asia/Shanghai")
CHANNELS = ("email", "sms")
STAFF = ("intake_clerk", "handler", "supervisor", "leader", "admin")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9 -]{6,20}$")
HHMM = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


def quiet_until(now: datetime, quiet_from: str, quiet_to: str) -> datetime | None:
    """When the quiet hours that `now` falls in end (None: not quiet). 22:00–07:30 spans
    midnight; equal ends mean no quiet hours."""
    if not quiet_from or not quiet_to or quiet_from == quiet_to:
        return None
    local = now.astimezone(SHANGHAI)
    start, end = time.fromisoformat(quiet_from), time.fromisoformat(quiet_to)
    t = local.time()
    inside = start <= t < end if start < end else (t >= start or t < end)
    if not inside:
        return None
    day = local.date() if t < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, SHANGHAI)


async def of(uow: UnitOfWork, tenant_id: str, user_id: str) -> sa.Row | None:
    return (await uow.conn.execute(sa.select(preferences).where(
        preferences.c.tenant_id == tenant_id, preferences.c.user_id == user_id))).first()


async def get(uow: UnitOfWork, *, principal: Principal) -> notification_pb2.Preferences:
    principal.require(*STAFF)
    return protos.preferences_proto(await of(uow, principal.tenant_id, principal.user_id))


def _problems(p: notification_pb2.Preferences) -> dict[str, str]:
    errors = {}
    unknown = [c for c in p.channels if c not in CHANNELS]
    if unknown:
        errors["channels"] = f"unknown {', '.join(unknown)}; besides in-app: email, sms"
    if "email" in p.channels and not EMAIL.match(p.email):
        errors["email"] = "an e-mail address, to receive e-mail"
    if "sms" in p.channels and not PHONE.match(p.phone):
        errors["phone"] = "a phone number, to receive SMS"
    for field in ("quiet_from", "quiet_to"):
        if getattr(p, field) and not HHMM.match(getattr(p, field)):
            errors[field] = "HH:MM (Asia/Shanghai)"
    if bool(p.quiet_from) != bool(p.quiet_to):
        errors["quiet_to"] = "quiet hours need both ends"
    return errors


async def put(uow: UnitOfWork, *, principal: Principal,
              request: notification_pb2.Preferences) -> notification_pb2.Preferences:
    principal.require(*STAFF)
    errors = _problems(request)
    if errors:
        raise InvalidArgument("the preferences are not valid", errors)
    values = {"channels": sorted(set(request.channels)), "quiet_from": request.quiet_from,
              "quiet_to": request.quiet_to, "email": request.email.strip(),
              "phone": request.phone.strip()}
    key = (preferences.c.tenant_id == principal.tenant_id,
           preferences.c.user_id == principal.user_id)
    changed = await uow.conn.execute(preferences.update().where(*key).values(**values))
    if changed.rowcount == 0:
        await uow.conn.execute(preferences.insert().values(
            tenant_id=principal.tenant_id, user_id=principal.user_id, **values))
    return protos.preferences_proto(await of(uow, principal.tenant_id, principal.user_id))

"""The notification service's handlers: what the complainant and staff must be told."""

from __future__ import annotations

import itertools
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from casebridge.case.v1 import case_pb2
from casebridge.escalation.v1 import escalation_pb2
from casebridge.intake.v1 import intake_pb2
from casebridge_platform.db import insert_ignore, insert_new, one_of
from casebridge_platform.messaging.envelope import Event
from casebridge_platform.messaging.outbox import UnitOfWork
from casebridge_platform.sealing import Sealer

from notification.adapters.tables import contacts, deliveries, endpoints
from notification.domain import rendering
from notification.service_layer import preferences, sender, wording

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outbound:
    """What this deployment can push besides in-app: the channels configured, and the sealer
    of complainants' contacts."""

    email: bool = False
    sms: bool = False
    sealer: Sealer | None = None
    portal_url: str = "http://127.0.0.1:8000/v1/portal"


DEFAULT_LOCALE = "zh-CN"   # staff notices; a complainant's locale comes with their contact
DELIVERIES = "deliveries"   # uow.memo key: the rows _deliver queued, written at commit


async def _deliver(uow: UnitOfWork, event: Event, *, case_id: str, template: str,
                   recipient: str, channel: str, text: rendering.Rendered,
                   data: dict | None = None, not_before: datetime | None = None) -> None:
    """Record one delivery, once per source event, recipient and channel.

    In-app and portal notices are delivered by being stored, and announced at once; e-mail,
    SMS and webhooks wait as pending for the sender. The key makes a redelivered event a
    no-op while each event (a warning, a breach, each later rung) and each of its recipients
    is a delivery of its own. The rows of a transaction (a batch of events) are written
    together at commit (`_store`).
    """
    now = datetime.now(UTC)
    stored_now = channel not in sender.PUSHED
    row = {
        "delivery_id": str(uuid.uuid4()), "tenant_id": event.tenant_id, "case_id": case_id,
        "source_event_id": event.id, "template": template, "recipient": recipient,
        "channel": channel, "status": "delivered" if stored_now else "pending",
        "body": text.body, "attempts": 1 if stored_now else 0,
        "delivered_at": now if stored_now else None, "subject": text.subject,
        "data": {**(data or {}), "sms": text.sms}, "last_error": "",
        "next_attempt_at": None if stored_now else (not_before or now), "created_at": now,
        "reference": "",
    }
    queued: list[dict] = uow.memo.setdefault(DELIVERIES, [])
    if not queued:
        uow.before_commit(DELIVERIES, lambda: _store(uow))
    queued.append(row)


async def _store(uow: UnitOfWork) -> None:
    """The queued deliveries in one statement per tenant; those already there (a redelivered
    event) are left, the new ones woken (pending) or announced (stored is delivered)."""
    rows: list[dict] = uow.memo.pop(DELIVERIES, [])
    for tenant, group in itertools.groupby(sorted(rows, key=lambda r: r["tenant_id"]),
                                           key=lambda r: r["tenant_id"]):
        await uow.set_tenant(tenant)
        mine = list(group)
        new = await insert_new(uow.conn, deliveries, mine, returning="delivery_id")
        for row in mine:
            if row["delivery_id"] not in new:
                continue
            log.info("%s for case %s queued on %s", row["template"], row["case_id"] or "-",
                     row["channel"])
            if row["status"] == "pending":
                uow.wake("deliveries", row["next_attempt_at"])
            else:
                sender.announce(uow, row)


async def _webhooks(uow: UnitOfWork, event: Event, *, case_id: str, template: str,
                    text: rendering.Rendered, data: dict) -> None:
    """The notice POSTed to each of the tenant's active endpoints that want it."""
    key = ("endpoints", event.tenant_id)
    if key not in uow.memo:   # read once per transaction (a batch of events)
        uow.memo[key] = (await uow.conn.execute(
            sa.select(endpoints.c.endpoint_id, endpoints.c.templates).where(
                endpoints.c.tenant_id == event.tenant_id, endpoints.c.active.is_(True)))).all()
    for r in uow.memo[key]:
        if not r.templates or template in r.templates:
            await _deliver(uow, event, case_id=case_id, template=template,
                           recipient=f"webhook:{r.endpoint_id}", channel="webhook", text=text,
                           data=data)


async def _render(uow: UnitOfWork, event: Event, name: str, context: dict,
                  locale: str = DEFAULT_LOCALE, *,
                  overrides: rendering.Overrides | None = None) -> rendering.Rendered:
    """The notice in the tenant's own wording where it has one (`overrides`, when the caller
    renders several, fetched once)."""
    if overrides is None:
        overrides = await _overrides(uow, event.tenant_id)
    return rendering.render(name, locale, context, overrides=overrides)


async def _overrides(uow: UnitOfWork, tenant_id: str) -> rendering.Overrides:
    """The tenant's wording, read once per transaction (a batch of events)."""
    key = ("template_overrides", tenant_id)
    if key not in uow.memo:
        uow.memo[key] = await wording.overrides_of(uow, tenant_id)
    found: rendering.Overrides = uow.memo[key]
    return found


async def _contact(uow: UnitOfWork, case_id: str) -> sa.Row | None:
    """The complainant's language and sealed contact, read once per transaction."""
    key = ("contact", case_id)
    if key not in uow.memo:
        uow.memo[key] = (await uow.conn.execute(sa.select(
            contacts.c.locale, contacts.c.sealed).where(contacts.c.case_id == case_id))).first()
    found: sa.Row | None = uow.memo[key]
    return found


async def read_contacts(uow: UnitOfWork, events: list[Event], out: Outbound) -> None:
    """The contacts the batch's case.transitioned events will tell, read in one statement
    (into the memo _contact reads)."""
    wanted = set()
    for event in events:
        if event.type == "case.transitioned":
            moved = event.payload(case_pb2.CaseTransitioned)
            if _complainant_notices(moved, event.tenant_id, out.portal_url):
                wanted.add(moved.case_id)
    if len(wanted) < 2:
        return   # one is read where it is needed
    found = {r.case_id: r for r in (await uow.conn.execute(sa.select(
        contacts.c.case_id, contacts.c.locale, contacts.c.sealed).where(
        one_of(contacts.c.case_id, sorted(wanted), uow.dialect)))).all()}
    for case_id in wanted:
        uow.memo[("contact", case_id)] = found.get(case_id)


async def _locale_of(uow: UnitOfWork, case_id: str) -> str:
    """The complainant's language (zh-CN when nobody said)."""
    row = await _contact(uow, case_id)
    return row.locale if row else DEFAULT_LOCALE


async def _staff_pushes(uow: UnitOfWork, event: Event, out: Outbound, *, case_id: str,
                        template: str, recipients: list[str], text: rendering.Rendered,
                        urgent: bool = False) -> None:
    """Staff told in-app are also e-mailed or texted as each prefers; quiet hours hold the
    push until they end, except for an urgent (重大/危机) notice."""
    for recipient in recipients:
        if not recipient.startswith("user:"):
            continue
        key = ("preferences", event.tenant_id, recipient)
        if key not in uow.memo:   # read once per transaction (a batch of events)
            uow.memo[key] = await preferences.of(uow, event.tenant_id,
                                                 recipient.removeprefix("user:"))
        prefs = uow.memo[key]
        if prefs is None:
            continue
        held = None if urgent else preferences.quiet_until(
            datetime.now(UTC), prefs.quiet_from, prefs.quiet_to)
        for channel in prefs.channels:
            if getattr(out, channel, False):
                await _deliver(uow, event, case_id=case_id, template=template,
                               recipient=recipient, channel=channel, text=text,
                               not_before=held)


async def on_received(uow: UnitOfWork, event: Event, *, out: Outbound) -> None:
    """intake.received → the complainant's language, and how to reach a real-name complainant,
    sealed to the case. Anonymous submitters are never pushed anything, and a reporter's
    contact is not taken: it stays sealed with intake's identity record."""
    await store_contacts(uow, [row] if (row := contact_row(event, out)) else [])


def contact_row(event: Event, out: Outbound) -> dict | None:
    """What on_received keeps of a new complaint (None without a sealer)."""
    if out.sealer is None:
        return None
    received = event.payload(intake_pb2.ComplaintReceived).submission
    c = received.complainant
    reachable = not received.anonymous and received.kind != intake_pb2.KIND_REPORT
    contact = {"email": c.email, "phone": c.phone} if reachable else {}
    return {"case_id": received.case_id, "tenant_id": event.tenant_id,
            "locale": rendering.resolve_locale(received.locale),
            "sealed": out.sealer.seal(contact, bound_to=received.case_id)}


async def store_contacts(uow: UnitOfWork, rows: list[dict]) -> None:
    """Contacts of new complaints, in one statement (a redelivered one is kept once)."""
    if rows:
        await uow.conn.execute(insert_ignore(contacts, uow.dialect), rows)


def _complainant_notices(moved: case_pb2.CaseTransitioned, tenant_id: str, portal_url: str
                         ) -> list[tuple[str, dict]]:
    """The complainant's notices for this step, with the context each template needs:
    受理回执, 不予受理告知书, who is competent, where it was sent (移送告知), the result
    (处理结果告知) and the survey (回访)."""
    base = {"case_number": moved.case_number, "complainant_name": ""}
    case_url = f"{portal_url}/{tenant_id}/cases/{moved.case_number}"
    if moved.action == "accept":
        return [("acknowledgement", {**base, "anonymous": moved.anonymous, "due_at": None,
                                     "rule": "", "portal_url": portal_url})]
    if moved.action == "refuse":
        return [("refusal_notice", {**base, "reason": moved.reason, "competent_body": "",
                                    "notice": moved.notice})]
    if moved.action == "refer":
        return [("referral_notice", {**base, "competent_body": moved.notice,
                                     "transferred": moved.disposition == "transferred"})]
    if moved.action == "transfer" and moved.notice:   # not a court filing: no receiver
        return [("transfer_notice", {**base, "receiver": moved.notice})]
    if moved.action == "record_milestone" and moved.milestone == "rights_informed":
        return [("rights_notice", {**base, "death": "death" in moved.notice})]
    if moved.action == "answer":
        return [("result_notice", {**base, "answer_summary": moved.notice, "amount_fen": None,
                                   "objection": "", "portal_url": portal_url}),
                ("follow_up_survey", {**base, "survey_url": f"{case_url}/survey"})]
    return []


async def on_transitioned(uow: UnitOfWork, event: Event, *, out: Outbound) -> None:
    """case.transitioned → the complainant told of the decision (受理回执, 不予受理告知书, who is
    competent) or of the answer (处理结果告知, with the survey, 回访).

    An anonymous complainant is never pushed anything: the notice waits in the portal, behind
    the access code. A real-name complainant has it in the portal and by e-mail (or SMS when
    there is no e-mail address), as far as this deployment has those channels.
    """
    moved = event.payload(case_pb2.CaseTransitioned)
    recipient = f"complainant:{moved.case_id}"
    notices = _complainant_notices(moved, event.tenant_id, out.portal_url)
    if not notices:
        return
    locale = await _locale_of(uow, moved.case_id)
    mine = await _overrides(uow, event.tenant_id)
    pushed = [] if moved.anonymous else await _pushed_channels(uow, moved.case_id, out)
    for template, context in notices:
        text = await _render(uow, event, template, context, locale, overrides=mine)
        await _deliver(uow, event, case_id=moved.case_id, template=template,
                       recipient=recipient, channel="portal" if moved.anonymous else "in_app",
                       text=text)
        for channel in pushed:
            await _deliver(uow, event, case_id=moved.case_id, template=template,
                           recipient=recipient, channel=channel, text=text,
                           data={"case_number": moved.case_number})
        await _webhooks(uow, event, case_id=moved.case_id, template=template, text=text,
                        data={"case_number": moved.case_number, "action": moved.action})


async def _pushed_channels(uow: UnitOfWork, case_id: str, out: Outbound) -> list[str]:
    """E-mail when the complainant gave an address; otherwise SMS to the phone given."""
    row = await _contact(uow, case_id)
    if row is None or out.sealer is None:
        return []
    contact = out.sealer.open(row.sealed, bound_to=case_id)
    if out.email and contact.get("email"):
        return ["email"]
    if out.sms and contact.get("phone"):
        return ["sms"]
    return []


async def on_alert(uow: UnitOfWork, event: Event, *, out: Outbound) -> None:
    """case.alert → each audience (complaint office, leadership, security) told in-app."""
    alert = event.payload(case_pb2.CaseAlert)
    mine = await _overrides(uow, event.tenant_id)
    for audience in alert.audiences:
        text = await _render(uow, event, "major_alert", {
            "case_number": alert.case_number, "severity": alert.severity,
            "audience": audience, "reasons": list(alert.reasons)}, overrides=mine)
        await _deliver(uow, event, case_id=alert.case_id, template="major_alert",
                       recipient=f"role:{audience}", channel="in_app", text=text)


# The ladder's notices by event type.
TIMER_NOTICES = {"escalation.warning": "deadline_warning",
                 "escalation.breached": "deadline_missed",
                 "escalation.escalated": "deadline_escalated"}
# An event from before the ladder resolved audiences still reaches the complaint office.
DEFAULT_AUDIENCES = ("role:complaint_office",)
REGULATOR_AUDIENCES = ("role:supervisor", "role:leader")


async def on_timer(uow: UnitOfWork, event: Event, *, out: Outbound) -> None:
    """escalation.warning / breached / escalated → each audience the ladder resolved
    ("user:…", "role:…", "department:…", "on_duty") told in-app, once."""
    fired = event.payload(escalation_pb2.TimerFired)
    template = TIMER_NOTICES[event.type]
    audiences = list(dict.fromkeys(a for a in fired.audiences if a)) or list(DEFAULT_AUDIENCES)
    due = fired.due_at.ToDatetime(tzinfo=UTC)
    text = await _render(uow, event, template, {
        "case_number": fired.case_number, "clock": fired.clock, "due_at": due,
        "rule": fired.rule, "rung_title": fired.rung_title, "department": fired.department,
        "off_hours": fired.off_hours, "audiences": audiences})
    for recipient in audiences:
        await _deliver(uow, event, case_id=fired.case_id, template=template,
                       recipient=recipient, channel="in_app", text=text)
    await _staff_pushes(uow, event, out, case_id=fired.case_id, template=template,
                        recipients=audiences, text=text,
                        urgent=fired.severity in ("重大", "危机"))
    await _webhooks(uow, event, case_id=fired.case_id, template=template, text=text, data={
        "case_number": fired.case_number, "clock": fired.clock, "rung": fired.rung,
        "due_at": due.isoformat()})


async def on_regulator_report(uow: UnitOfWork, event: Event, *, out: Outbound) -> None:
    """escalation.regulator_report (in the regulator's tenant) → its supervisors and leaders
    told in-app which institution keeps missing deadlines; case numbers only."""
    report = event.payload(escalation_pb2.RegulatorReport)
    text = await _render(uow, event, "regulator_report", {
        "institution": report.institution, "period": report.period,
        "breaches": report.breaches, "threshold": report.threshold,
        "case_numbers": list(report.case_numbers)})
    for recipient in REGULATOR_AUDIENCES:
        await _deliver(uow, event, case_id="", template="regulator_report",
                       recipient=recipient, channel="in_app", text=text)


async def on_reported(uow: UnitOfWork, event: Event, *, out: Outbound) -> None:
    """case.reported (in the health authority's tenant) → its supervisors and leaders told
    of a hospital's major dispute: case number, severity and reasons, nothing personal."""
    alert = event.payload(case_pb2.CaseAlert)
    text = await _render(uow, event, "major_alert", {
        "case_number": f"{alert.institution} {alert.case_number}", "severity": alert.severity,
        "audience": "regulator", "reasons": list(alert.reasons)})
    for recipient in REGULATOR_AUDIENCES:
        await _deliver(uow, event, case_id="", template="major_alert", recipient=recipient,
                       channel="in_app", text=text)


OFFICE_AUDIENCES = ("role:intake_clerk", "role:supervisor")


async def on_transfer_offered(uow: UnitOfWork, event: Event, *, out: Outbound) -> None:
    """transfer.offered → the receiving institution's complaint office told that a case came
    along a path and waits for its decision: the sender and its case number, nothing
    personal."""
    offered = event.payload(case_pb2.TransferOffered)
    text = await _render(uow, event, "transfer_offered", {
        "institution": offered.from_name or offered.from_agency,
        "case_number": offered.origin_case_number,
        "path_title": offered.path_title})
    for recipient in OFFICE_AUDIENCES:
        await _deliver(uow, event, case_id="", template="transfer_offered",
                       recipient=recipient, channel="in_app", text=text)


async def on_assigned(uow: UnitOfWork, event: Event, *, out: Outbound) -> None:
    """case.assigned → the handler told in-app that the case is theirs now."""
    a = event.payload(case_pb2.CaseAssigned)
    if not a.handler_id:
        return
    text = await _render(uow, event, "assignment", {
        "case_number": a.case_number, "category": a.category, "severity": a.severity or "一般",
        "due_at": None, "department": a.department, "complainant_name": "",
        "contact_phone": ""})
    await _deliver(uow, event, case_id=a.case_id, template="assignment",
                   recipient=f"user:{a.handler_id}", channel="in_app", text=text)
    await _staff_pushes(uow, event, out, case_id=a.case_id, template="assignment",
                        recipients=[f"user:{a.handler_id}"], text=text,
                        urgent=a.severity in ("重大", "危机"))

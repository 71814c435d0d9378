"""Transfers between institutions along the legal paths of `case/paths/<kind>.json`.

A transfer is a conversation of messages between two agencies (tenants): the origin's offer
with the case's package, the receiver's answer (accepted, declined, returned) and, when the
origin waits, the outcome. Each side keeps its own row of the transfer and its own case: the
origin's waits in `transferred`; the receiver's linked case is registered by intake when the
offer arrives and is the receiver's to accept. Between tenants of this deployment a message
is an event (`transfer.message`); to an agency of another deployment it is signed and posted
by the federation sender. Either way the receiver applies a message id once.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from casebridge.case.v1 import case_pb2
from casebridge_platform.auth import Principal
from casebridge_platform.db import insert_ignore
from casebridge_platform.errors import FailedPrecondition, InvalidArgument
from casebridge_platform.jurisdiction import within
from casebridge_platform.messaging.envelope import Event, timestamp
from casebridge_platform.messaging.outbox import UnitOfWork

from case.adapters.tables import (
    cases,
    federation_outbox,
    items,
    tenants,
    timeline,
    transfer_messages,
    transfers,
)
from case.domain import model, paths
from case.domain.model import Status
from case.service_layer import events
from case.service_layer.amounts import fen_of

if TYPE_CHECKING:
    from case.service_layer.actions import Act

MAX_NOTE = 2_000
# what a transfer may be when each answer comes: a return may follow an acceptance
ANSWERABLE = {"accepted": ("offered",), "declined": ("offered",),
              "returned": ("offered", "accepted")}
# timeline entries whose words may hold what the package must not carry
PRIVATE_ENTRIES = frozenset({"add_note", "reveal_identity", "notified"})


@dataclass(frozen=True)
class Agency:
    """An institution a case may be sent to: a tenant here, or an agency elsewhere."""

    id: str
    kind: str
    division: str
    remote: bool = False
    name: str = ""

    @property
    def called(self) -> str:
        return self.name or self.id


# --- the directory of agencies ------------------------------------------------------------

async def local_agencies(uow: UnitOfWork, me: str) -> dict[str, Agency]:
    """The tenants of this deployment (configuration, read across tenants)."""
    await uow.all_tenants()
    rows = (await uow.conn.execute(sa.select(tenants.c.tenant_id, tenants.c.kind,
                                             tenants.c.division, tenants.c.name))).all()
    await uow.set_tenant(me)
    return {r.tenant_id: Agency(r.tenant_id, r.kind, r.division, name=r.name) for r in rows}


def remote_agencies(registry: Any) -> dict[str, Agency]:
    """The trusted agencies of other deployments (the federation registry)."""
    if registry is None:
        return {}
    return {a.agency_id: Agency(a.agency_id, a.kind, a.division, remote=True, name=a.name)
            for a in registry.agencies.values()}


async def directory(uow: UnitOfWork, me: str, registry: Any) -> dict[str, Agency]:
    return {**remote_agencies(registry), **await local_agencies(uow, me)}


def receivers(path: paths.Path, me: Agency, agencies: dict[str, Agency]) -> list[Agency]:
    """Who this tenant may send a case to along the path: the kinds it leads to, and for a
    path to the authority of the place (发生地) only those whose area holds the sender's."""
    return sorted((a for a in agencies.values() if a.kind in path.to_kinds and a.id != me.id
                   and (not path.local or within(me.division, a.division))),
                  key=lambda a: a.id)


# --- sending ------------------------------------------------------------------------------

def _path(kind: str, path_id: str, name: str) -> paths.Path:
    mine = paths.paths_of(kind)
    found = mine.get(path_id)
    if found is None:
        allowed = ", ".join(mine) or "none"
        raise InvalidArgument(f"{path_id or 'no path'!s} is not a transfer path of a {kind}",
                              {name: f"one of this institution's paths: {allowed}"})
    return found


async def transfer(ctx: Act, registry: Any) -> None:
    """The `transfer` action: check the path, the receiver, the reason and the consent, then
    record the transfer and send the offer with the case's package."""
    p: case_pb2.Transfer = ctx.params  # type: ignore[assignment]
    agencies = await directory(ctx.uow, ctx.row.tenant_id, registry)
    me = agencies[ctx.row.tenant_id]
    path = _path(me.kind, p.path, "transfer.path")
    if p.reason_code not in path.reasons:
        raise InvalidArgument("unknown reason for this path", {
            "transfer.reason_code": f"one of {', '.join(path.reasons)}"})
    if path.consent and not p.consent:
        raise FailedPrecondition(f"{path.title} needs the complainant's consent: "
                                 f"{path.consent_cite}")
    _check_reporter(ctx, path, p.reporter_consent)
    note = p.note.strip()
    if len(note) > MAX_NOTE:
        raise InvalidArgument("the note is too long", {"transfer.note": f"at most {MAX_NOTE}"})
    to = _receiver(path, me, agencies, p.to_agency.strip())
    transfer_id = str(uuid.uuid4())
    reporter = (ctx.sealer.open(ctx.extra["sealed_identity"], bound_to=ctx.row.case_id)
                if p.reporter_consent else None)
    package = await build_package(ctx.uow, ctx.row, path, reporter=reporter)
    await ctx.uow.conn.execute(transfers.insert().values(
        tenant_id=ctx.row.tenant_id, transfer_id=transfer_id, direction="out", path=path.id,
        path_kind=me.kind, peer=to.id, remote=to.remote,
        status="filed" if path.external else "offered", case_id=ctx.row.case_id,
        case_number=ctx.row.case_number, reason_code=p.reason_code, package=package,
        delivery="pending" if to.remote else "", offered_at=ctx.now, updated_at=ctx.now))
    ctx.changes["held_from"] = ctx.row.status
    ctx.extra["transfer_out"] = {"transfer_id": transfer_id, "path": path.id, "to": to.id,
                                 "external": bool(path.external)}
    ctx.transfer_path = path.id
    ctx.summary = (f"transferred along {path.title} to {to.id} "
                   f"(reason: {path.reasons[p.reason_code]})"
                   + ("; the reporter's identity goes along with their consent"
                      if reporter else ""))
    if path.external:
        ctx.summary = f"{path.title}: filed with {to.id} ({path.reasons[p.reason_code]})"
        return
    ctx.notice = f"{to.called}（{path.title}）"   # the complainant is told where it went
    await send(ctx.uow, to, message(transfer_id, "offer", ctx.row.tenant_id, to.id, path.id, {
        "reason_code": p.reason_code, "consent": p.consent, "note": note,
        "case_number": ctx.row.case_number, "package": package}))


def _check_reporter(ctx: Act, path: paths.Path, consent: bool) -> None:
    if consent and path.reporter_identity == "never":
        raise InvalidArgument("this path never carries a reporter's identity",
                              {"transfer.reporter_consent": f"{path.title} does not take it"})
    if consent and not (ctx.row.extra or {}).get("sealed_identity"):
        raise InvalidArgument("there is no reporter's identity to send",
                              {"transfer.reporter_consent": "only for a real-name report"})


def _receiver(path: paths.Path, me: Agency, agencies: dict[str, Agency],
              wanted: str) -> Agency:
    if path.external:
        if not wanted or len(wanted) > 100:
            raise InvalidArgument("name the court (or body) it is filed with",
                                  {"transfer.to_agency": "e.g. 某某县人民法院, at most 100"})
        return Agency(wanted, path.external, "")
    allowed = receivers(path, me, agencies)
    found = next((a for a in allowed if a.id == wanted), None)
    if found is None:
        names = ", ".join(a.id for a in allowed) or "none is known"
        raise InvalidArgument(f"{wanted or 'no institution'} cannot receive a case along "
                              f"{path.title}", {"transfer.to_agency": f"one of: {names}"})
    return found


async def build_package(uow: UnitOfWork, row: sa.Row, path: paths.Path, *,
                        reporter: dict | None) -> dict[str, Any]:
    """What goes along: the case's summary, parties, timeline, decisions so far, evidence
    references. The complainant's contact only where the path takes it; a reporter's identity
    only with their consent, opened here and sealed again by the receiver's intake."""
    extra = row.extra or {}
    c = extra.get("complainant", {})
    complainant: dict[str, str] = {} if row.anonymous else {
        "name": row.complainant_name, "unit": c.get("unit", ""),
        "relation": c.get("relation", "")}
    if complainant and path.complainant_contact:
        complainant.update(phone=row.complainant_phone, email=c.get("email", ""),
                           address=c.get("address", ""))
    if row.kind == "report" and extra.get("sealed_identity"):
        complainant = dict(reporter or {})
    entries = (await uow.conn.execute(sa.select(timeline).where(
        timeline.c.tenant_id == row.tenant_id, timeline.c.case_id == row.case_id)
        .order_by(timeline.c.at, timeline.c.seq))).all()
    work = (await uow.conn.execute(sa.select(items.c.kind, items.c.data, items.c.at).where(
        items.c.tenant_id == row.tenant_id, items.c.case_id == row.case_id,
        items.c.kind.in_(["proposal", "answer", "investigation", "material", "follow_up"]))
        .order_by(items.c.seq))).all()
    return {
        "kind": row.kind, "case_number": row.case_number, "summary": row.content,
        "demands": row.demands, "facts": extra.get("facts", ""),
        "incident_time": extra.get("incident_time", ""),
        "incident_place": extra.get("incident_place", ""), "category": row.category,
        "severity": row.severity, "received_at": row.received_at.isoformat(),
        "claimed_amount_fen": extra.get("claimed_amount_fen"),
        "circumstances": extra.get("circumstances", []),
        "parties": {"complainant": complainant, "anonymous": row.anonymous or not complainant,
                    "respondent": {
            "department": row.respondent_department, "person": row.respondent_person,
            "unit": extra.get("respondent_unit", "")}},
        "timeline": [{"at": e.at.isoformat(), "type": e.type, "summary": e.summary}
                     for e in entries if e.type not in PRIVATE_ENTRIES],
        "decisions": [{"kind": w.kind, "at": w.at.isoformat(), **_public(w.data)}
                      for w in work if w.kind != "material"],
        "evidence": [{"description": w.data.get("description", ""), "at": w.at.isoformat()}
                     for w in work if w.kind == "material"],
        "sealed": [{"what": "reporter identity", "sealed": True}]
        if extra.get("sealed_identity") else [],
    }


def _public(data: dict) -> dict:
    return {k: v for k, v in data.items() if k not in ("decided_by",)}


def message(transfer_id: str, type_: str, sender: str, to: str, path: str,
            body: dict[str, Any]) -> dict[str, Any]:
    return {"message_id": str(uuid.uuid4()), "transfer_id": transfer_id, "type": type_,
            "from_agency": sender, "to_agency": to, "path": path, "body": body,
            "sent_at": datetime.now(UTC).isoformat()}


async def send(uow: UnitOfWork, to: Agency, msg: dict[str, Any]) -> None:
    """To a tenant here: an event in its name. To an agency elsewhere: the federation
    sender's queue (signed when posted)."""
    if to.remote:
        now = datetime.now(UTC)
        await uow.conn.execute(federation_outbox.insert().values(
            message_id=msg["message_id"], tenant_id=msg["from_agency"], to_agency=to.id,
            message=msg, attempts=0, next_at=now, created_at=now, last_error=""))
        return
    uow.emit("transfer.message", to.id, to_proto(msg), correlation_id=msg["transfer_id"])


def to_proto(msg: dict[str, Any]) -> case_pb2.TransferMessage:
    sent = datetime.fromisoformat(msg["sent_at"])
    return case_pb2.TransferMessage(
        message_id=msg["message_id"], transfer_id=msg["transfer_id"], type=msg["type"],
        from_agency=msg["from_agency"], to_agency=msg["to_agency"], path=msg["path"],
        body_json=json.dumps(msg["body"], ensure_ascii=False), sent_at=timestamp(sent))


def from_proto(m: case_pb2.TransferMessage) -> dict[str, Any]:
    return {"message_id": m.message_id, "transfer_id": m.transfer_id, "type": m.type,
            "from_agency": m.from_agency, "to_agency": m.to_agency, "path": m.path,
            "body": json.loads(m.body_json or "{}"),
            "sent_at": m.sent_at.ToDatetime(tzinfo=UTC).isoformat()}


# --- the receiver's answers and outcomes, sent from its linked case ------------------------

async def _inbound(ctx: Act) -> sa.Row | None:
    link = ctx.extra.get("transfer_in")
    if not link:
        return None
    return await _transfer_row(ctx.uow, ctx.row.tenant_id, link["transfer_id"])


async def answer(ctx: Act, decision: str) -> None:
    """The receiver accepted, declined or returned a case sent to it: the sender is told."""
    row = await _inbound(ctx)
    if row is None:
        return
    if decision == "returned" and row.status == "accepted" and ctx.extra.get(
            "transfer_in", {}).get("on_accept") == "close":
        raise FailedPrecondition("this case was taken over when it was accepted here: it "
                                 "cannot be returned; send it on along a path instead")
    # 退回 may follow acceptance, within the objection window the receiver's clock keeps
    if row.status not in ANSWERABLE[decision]:
        return
    reason = ctx.request.reason.strip()
    await _update(ctx.uow, row, status=decision, answer_reason=reason, updated_at=ctx.now)
    ctx.summary += f"; {row.peer} is told ({decision})"
    await send(ctx.uow, _peer(row), message(
        row.transfer_id, "answer", row.tenant_id, row.peer, row.path,
        {"decision": decision, "reason": reason, "case_number": ctx.row.case_number}))


async def withdraw(ctx: Act) -> None:
    """The complainant withdrew a case that is with another institution: it is told."""
    out = ctx.extra.get("transfer_out")
    if ctx.row.status != Status.TRANSFERRED or not out or out.get("external"):
        return
    row = await _transfer_row(ctx.uow, ctx.row.tenant_id, out["transfer_id"])
    await _update(ctx.uow, row, status="withdrawn", answer_reason=ctx.request.reason.strip(),
                  updated_at=ctx.now)
    ctx.extra.pop("transfer_out", None)
    ctx.summary += f"; {row.peer} is told"
    await send(ctx.uow, _peer(row), message(
        row.transfer_id, "withdrawal", row.tenant_id, row.peer, row.path,
        {"reason": ctx.request.reason.strip(), "case_number": ctx.row.case_number}))


def _peer(row: sa.Row) -> Agency:
    return Agency(row.peer, "", "", remote=row.remote)


def _outcome_of(path: paths.Path, p: case_pb2.ReportOutcome) -> paths.Outcome:
    found = path.outcome(p.outcome.strip())
    if found is None:
        raise InvalidArgument("unknown outcome for this path", {
            "report_outcome.outcome": f"one of {', '.join(path.outcomes)}"})
    return found


async def report_outcome(ctx: Act) -> None:
    """`report_outcome`: the receiver's outcome goes back to the sender and ends its linked
    case; on a case waiting on a court, the origin records the judgement itself."""
    p: case_pb2.ReportOutcome = ctx.params  # type: ignore[assignment]
    text = ctx.require(p.text, "report_outcome.text", "what was decided or agreed")
    fen = fen_of(p.amount, "report_outcome.amount")
    if ctx.row.status == Status.TRANSFERRED:        # external: a court
        out = ctx.extra["transfer_out"]
        row = await _transfer_row(ctx.uow, ctx.row.tenant_id, out["transfer_id"])
        path = _path(row.path_kind, row.path, "report_outcome")
        outcome = _outcome_of(path, p)
        await _conclude(ctx.uow, row, outcome.code, text, ctx.now)
        _apply_outcome(ctx, path, outcome, text + _amount(fen))
        return
    row = await _inbound(ctx)
    path = _path(row.path_kind, row.path, "report_outcome")
    outcome = _outcome_of(path, p)
    await _conclude(ctx.uow, row, outcome.code, text, ctx.now)
    ctx.extra["transfer_in"] = {**ctx.extra["transfer_in"], "outcome": outcome.code}
    ctx.to = Status.CLOSED
    ctx.changes["disposition"] = outcome.disposition or "concluded"
    ctx.transfer_path, ctx.outcome = path.id, outcome.code
    ctx.summary = f"outcome reported to {row.peer}: {outcome.title} — {text}{_amount(fen)}"
    await send(ctx.uow, _peer(row), message(
        row.transfer_id, "outcome", row.tenant_id, row.peer, row.path,
        {"outcome": outcome.code, "text": text, "amount_fen": fen,
         "case_number": ctx.row.case_number}))


def _amount(fen: int | None) -> str:
    return f" ({fen / 100:,.2f} 元)" if fen is not None else ""


def _apply_outcome(ctx: Act, path: paths.Path, outcome: paths.Outcome, text: str) -> None:
    ctx.transfer_path, ctx.outcome = path.id, outcome.code
    ctx.extra.pop("transfer_out", None)
    ctx.changes["held_from"] = ""
    if outcome.origin == "close":
        ctx.to = Status.CLOSED
        ctx.changes["disposition"] = outcome.disposition
    else:
        ctx.to = Status(ctx.row.held_from or Status.ASSIGNED)
    ctx.summary = f"{path.title}: {outcome.title} — {text}"


async def _update(uow: UnitOfWork, row: sa.Row, **values: object) -> None:
    await uow.conn.execute(transfers.update().where(
        transfers.c.tenant_id == row.tenant_id, transfers.c.transfer_id == row.transfer_id)
        .values(**values))


async def _transfer_row(uow: UnitOfWork, tenant_id: str, transfer_id: str) -> sa.Row:
    return (await uow.conn.execute(sa.select(transfers).where(
        transfers.c.tenant_id == tenant_id, transfers.c.transfer_id == transfer_id))).one()


async def _conclude(uow: UnitOfWork, row: sa.Row, outcome: str, text: str,
                    now: datetime) -> None:
    await _update(uow, row, status="concluded", outcome=outcome, outcome_text=text,
                  updated_at=now)


# --- receiving ----------------------------------------------------------------------------

async def receive(uow: UnitOfWork, msg: dict[str, Any], *, sender: Agency) -> bool:
    """Apply one message in the receiving tenant; False when it was applied before."""
    to = msg["to_agency"]
    await uow.set_tenant(to)
    fresh = await uow.conn.execute(insert_ignore(transfer_messages, uow.dialect).values(
        tenant_id=to, message_id=msg["message_id"], transfer_id=msg["transfer_id"],
        type=msg["type"], received_at=datetime.now(UTC)))
    if fresh.rowcount == 0:
        return False
    handler = {"offer": _on_offer, "answer": _on_answer, "outcome": _on_outcome,
               "withdrawal": _on_withdrawal}.get(msg["type"])
    if handler is None:
        raise InvalidArgument("unknown message type",
                              {"type": "offer, answer, outcome or withdrawal"})
    await handler(uow, msg, sender)
    return True


async def _on_offer(uow: UnitOfWork, msg: dict[str, Any], sender: Agency) -> None:
    """An offer: the transfer is recorded here and intake registers the linked case."""
    body, to = msg["body"], msg["to_agency"]
    me = (await local_agencies(uow, to)).get(to)
    path = _path(sender.kind, msg["path"], "path")
    if me is None or me.kind not in path.to_kinds:
        raise FailedPrecondition(f"{to} does not receive cases along {path.title}")
    now = datetime.now(UTC)
    case_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"casebridge:{to}:{msg['transfer_id']}"))
    package = body.get("package", {})
    await uow.conn.execute(transfers.insert().values(
        tenant_id=to, transfer_id=msg["transfer_id"], direction="in", path=path.id,
        path_kind=path.kind, peer=msg["from_agency"], remote=sender.remote, status="offered",
        case_id=case_id, peer_case_number=str(body.get("case_number", "")),
        reason_code=str(body.get("reason_code", "")), package=package, offered_at=now,
        updated_at=now))
    uow.emit("transfer.offered", to, case_pb2.TransferOffered(
        transfer_id=msg["transfer_id"], case_id=case_id, from_agency=msg["from_agency"],
        from_name=sender.called, path=path.id, path_title=path.title,
        origin_case_number=str(body.get("case_number", "")),
        package_json=json.dumps(package, ensure_ascii=False), received_at=timestamp(now)),
        correlation_id=msg["transfer_id"])


async def _mine(uow: UnitOfWork, msg: dict[str, Any], direction: str) -> sa.Row:
    """This side's row of the transfer a message is about, exchanged with its sender."""
    row = (await uow.conn.execute(sa.select(transfers).where(
        transfers.c.tenant_id == msg["to_agency"],
        transfers.c.transfer_id == msg["transfer_id"], transfers.c.direction == direction,
        transfers.c.peer == msg["from_agency"]))).first()
    if row is None:
        raise FailedPrecondition(f"no transfer {msg['transfer_id']} between "
                                 f"{msg['from_agency']} and {msg['to_agency']}")
    return row


async def _case_of(uow: UnitOfWork, row: sa.Row) -> sa.Row | None:
    """This side's case of the transfer, locked for the change the message makes."""
    query = sa.select(cases).where(cases.c.tenant_id == row.tenant_id,
                                   cases.c.case_id == row.case_id)
    if uow.dialect == "postgresql":
        query = query.with_for_update()
    return (await uow.conn.execute(query)).first()


async def _origin(uow: UnitOfWork, msg: dict[str, Any]) -> tuple[sa.Row, sa.Row]:
    row = await _mine(uow, msg, "out")
    return row, await _case_of(uow, row)


async def _on_answer(uow: UnitOfWork, msg: dict[str, Any], sender: Agency) -> None:
    """Accepted: the origin waits on (or, for a path that hands the case over, is done).
    Declined or returned: the case is back in the origin's hands, its clocks running again."""
    row, case = await _origin(uow, msg)
    body, now = msg["body"], datetime.now(UTC)
    decision = body.get("decision")
    if decision not in ANSWERABLE or row.status not in ANSWERABLE[decision]:
        return
    await _update(uow, row, status=decision, peer_case_number=str(body.get("case_number", "")),
                  answer_reason=str(body.get("reason", "")), updated_at=now)
    path = _path(row.path_kind, row.path, "path")
    extra, changes = dict(case.extra or {}), {}
    their = f"{row.peer} (their case {body.get('case_number', '')})"
    if decision == "accepted" and path.on_accept == "close":
        to, summary = Status.CLOSED, f"{path.title}: taken over by {their}"
        changes.update(disposition="transferred", closed_at=now, held_from="")
        extra.pop("transfer_out", None)
    elif decision == "accepted":
        to, summary = Status.TRANSFERRED, f"{path.title}: accepted by {their}"
    else:
        to = Status(case.held_from or Status.ASSIGNED)
        summary = f"{path.title}: {decision} by {row.peer} — {body.get('reason', '')}"
        changes["held_from"] = ""
        extra.pop("transfer_out", None)
    await move(uow, case, f"transfer_{decision}", to, summary, actor=row.peer, at=now,
               reason=str(body.get("reason", "")), extra=extra, path=path.id, **changes)


async def _on_outcome(uow: UnitOfWork, msg: dict[str, Any], sender: Agency) -> None:
    """The outcome came back: the origin closes, or has the case back for the next path."""
    row, case = await _origin(uow, msg)
    if row.status == "concluded" or case.status != Status.TRANSFERRED:
        return
    body, now = msg["body"], datetime.now(UTC)
    path = _path(row.path_kind, row.path, "path")
    outcome = path.outcome(str(body.get("outcome", "")))
    if outcome is None:
        raise InvalidArgument("unknown outcome for this path",
                              {"outcome": f"one of {', '.join(path.outcomes)}"})
    text = str(body.get("text", ""))[:MAX_NOTE]
    await _conclude(uow, row, outcome.code, text, now)
    extra = dict(case.extra or {})
    extra.pop("transfer_out", None)
    changes: dict[str, object] = {"held_from": ""}
    if outcome.origin == "close":
        to = Status.CLOSED
        changes.update(disposition=outcome.disposition, closed_at=now)
    else:
        to = Status(case.held_from or Status.ASSIGNED)
    fen = body.get("amount_fen")
    await move(uow, case, "transfer_outcome", to,
               f"{path.title}: {outcome.title} ({row.peer}) — {text}"
               f"{_amount(int(fen)) if isinstance(fen, int) else ''}", actor=row.peer,
               at=now, reason="", extra=extra, path=path.id, outcome=outcome.code, **changes)


async def _on_withdrawal(uow: UnitOfWork, msg: dict[str, Any], sender: Agency) -> None:
    """The complainant withdrew at the sender: a case not yet accepted here ends; one being
    handled gets the news on its timeline, and the receiver decides (e.g. a mediation both
    parties still want goes on)."""
    row = await _mine(uow, msg, "in")
    now, reason = datetime.now(UTC), str(msg["body"].get("reason", ""))[:MAX_NOTE]
    await _update(uow, row, status="withdrawn", answer_reason=reason, updated_at=now)
    case = await _case_of(uow, row)
    if case is None:
        return        # not registered yet: intake's case will show the transfer withdrawn
    summary = f"the complainant withdrew the case at {row.peer} (撤回) — {reason}"
    extra = {**(case.extra or {}), "transfer_in": {   # the sender waits for nothing now
        **(case.extra or {}).get("transfer_in", {}), "outcome": "withdrawn"}}
    if case.status == Status.RECEIVED:
        await move(uow, case, "transfer_withdrawn", Status.CLOSED, summary, actor=row.peer,
                   at=now, reason=reason, extra=extra, path=row.path,
                   disposition="withdrawn", closed_at=now)
        return
    await uow.conn.execute(cases.update().where(
        cases.c.tenant_id == case.tenant_id, cases.c.case_id == case.case_id)
        .values(extra=extra, updated_at=now))
    events.record(uow, case.tenant_id, case.case_id, "", "transfer_withdrawn",
                  summary + "; whether to go on is this institution's decision",
                  actor=row.peer, at=now, reason=reason)


async def move(uow: UnitOfWork, case: sa.Row, action: str, to: Status, summary: str, *,
               actor: str, at: datetime, reason: str, extra: dict, path: str,
               outcome: str = "", **changes: object) -> None:
    """A change of the case that another institution's message caused: written, put on the
    timeline and announced like any action."""
    await uow.conn.execute(cases.update().where(
        cases.c.tenant_id == case.tenant_id, cases.c.case_id == case.case_id)
        .values(status=to.value, extra=extra, updated_at=at, **changes))
    events.record(uow, case.tenant_id, case.case_id, "", action, summary, actor=actor, at=at,
                  from_status=case.status, to_status=to.value, reason=reason)
    events.transitioned(uow, case, action=action, from_status=case.status, to=to.value,
                        actor=actor, reason=reason, at=at,
                        disposition=str(changes.get("disposition", case.disposition)),
                        transfer_path=path, outcome=outcome)


async def on_message(uow: UnitOfWork, event: Event) -> None:
    """transfer.message from a tenant of this deployment."""
    msg = from_proto(event.payload(case_pb2.TransferMessage))
    agencies = await local_agencies(uow, event.tenant_id)
    sender = agencies.get(msg["from_agency"]) or Agency(msg["from_agency"], "", "")
    await receive(uow, msg, sender=sender)


# --- reading ------------------------------------------------------------------------------

def record_of(row: sa.Row) -> case_pb2.TransferRecord:
    path = paths.paths_of(row.path_kind).get(row.path)
    return case_pb2.TransferRecord(
        transfer_id=row.transfer_id, direction=row.direction, path=row.path,
        path_title=path.title if path else row.path, peer=row.peer, status=row.status,
        case_id=row.case_id, case_number=row.case_number,
        peer_case_number=row.peer_case_number, reason_code=row.reason_code,
        outcome=row.outcome, outcome_text=row.outcome_text, offered_at=timestamp(
            row.offered_at), updated_at=timestamp(row.updated_at),
        package_json=json.dumps(row.package, ensure_ascii=False)
        if row.direction == "in" else "", remote=row.remote, delivery=row.delivery,
        answer_reason=row.answer_reason)


async def of_case(uow: UnitOfWork, tenant_id: str, case_id: str
                  ) -> list[case_pb2.TransferRecord]:
    rows = (await uow.conn.execute(sa.select(transfers).where(
        transfers.c.tenant_id == tenant_id, transfers.c.case_id == case_id)
        .order_by(transfers.c.offered_at))).all()
    return [record_of(r) for r in rows]


async def list_transfers(uow: UnitOfWork, *, principal: Principal,
                         request: case_pb2.ListTransfersRequest
                         ) -> case_pb2.ListTransfersResponse:
    principal.require("intake_clerk", "supervisor", "leader", "admin", "handler")
    if request.direction not in ("", "in", "out"):
        raise InvalidArgument("unknown direction", {"direction": "in or out"})
    query = sa.select(transfers).where(transfers.c.tenant_id == principal.tenant_id)
    if request.direction:
        query = query.where(transfers.c.direction == request.direction)
    if request.status:
        query = query.where(transfers.c.status == request.status)
    rows = (await uow.conn.execute(query.order_by(transfers.c.offered_at.desc())
                                   .limit(500))).all()
    return case_pb2.ListTransfersResponse(transfers=[record_of(r) for r in rows])


async def list_paths(uow: UnitOfWork, *, principal: Principal,
                     registry: Any) -> case_pb2.ListPathsResponse:
    principal.require(*model.STAFF)
    agencies = await directory(uow, principal.tenant_id, registry)
    me = agencies.get(principal.tenant_id)
    if me is None:
        return case_pb2.ListPathsResponse()
    return case_pb2.ListPathsResponse(paths=[case_pb2.TransferPath(
        id=p.id, title=p.title, to_kinds=sorted(p.to_kinds), external=bool(p.external),
        reasons=list(p.reasons), consent_required=p.consent, outcomes=list(p.outcomes),
        cite=p.cite, agencies=[a.id for a in receivers(p, me, agencies)])
        for p in paths.paths_of(me.kind).values()])

"""What another institution's transfer messages do here: an offer is recorded (and intake
registers the linked case), an answer or an outcome moves the origin case, a withdrawal ends
or informs the receiver's case. Each message is applied once, by its id."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from casebridge.case.v1 import case_pb2
from casebridge_platform.db import insert_ignore
from casebridge_platform.errors import FailedPrecondition, InvalidArgument
from casebridge_platform.messaging.envelope import Event, timestamp
from casebridge_platform.messaging.outbox import UnitOfWork

from case.adapters import protos, records
from case.adapters.tables import transfer_messages, transfers
from case.domain import transfer
from case.domain.case import Case
from case.domain.model import Status
from case.domain.transfer import Agency
from case.service_layer.context import MAX_NOTE
from case.service_layer.directory import conclude, local_agencies, path_of, update_transfer
from case.service_layer.entries import move, record, save


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


async def on_message(uow: UnitOfWork, event: Event) -> None:
    """transfer.message from a tenant of this deployment."""
    msg = protos.message_of(event.payload(case_pb2.TransferMessage))
    agencies = await local_agencies(uow, event.tenant_id)
    sender = agencies.get(msg["from_agency"]) or Agency(msg["from_agency"], "", "")
    await receive(uow, msg, sender=sender)


async def _on_offer(uow: UnitOfWork, msg: dict[str, Any], sender: Agency) -> None:
    """An offer: the transfer is recorded here and intake registers the linked case."""
    body, to = msg["body"], msg["to_agency"]
    me = (await local_agencies(uow, to)).get(to)
    path = path_of(sender.kind, msg["path"], "path")
    if me is None or me.kind not in path.to_kinds:
        raise FailedPrecondition(f"{to} does not receive cases along {path.title}")
    now = datetime.now(UTC)
    case_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"casebridge:{to}:{msg['transfer_id']}"))
    package = body.get("package", {})
    # a case is shown with its transfers only where transfer_queries.may_have says so
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


async def _origin(uow: UnitOfWork, msg: dict[str, Any]) -> tuple[sa.Row, Case]:
    row = await _mine(uow, msg, "out")
    case = await records.read(uow, row.tenant_id, row.case_id, lock=True)
    assert case is not None, "a transfer out is of a case of this institution"
    return row, case


async def _on_answer(uow: UnitOfWork, msg: dict[str, Any], sender: Agency) -> None:
    """Accepted: the origin waits on (or, for a path that hands the case over, is done).
    Declined or returned: the case is back in the origin's hands, its clocks running again."""
    row, case = await _origin(uow, msg)
    body, now = msg["body"], datetime.now(UTC)
    decision = str(body.get("decision", ""))
    if not transfer.answerable(decision, row.status):
        return
    await update_transfer(uow, row, status=decision,
                          peer_case_number=str(body.get("case_number", "")),
                          answer_reason=str(body.get("reason", "")), updated_at=now)
    path = path_of(row.path_kind, row.path, "path")
    their = f"{row.peer} (their case {body.get('case_number', '')})"
    new = transfer.origin_after_answer(case, path, decision, now)
    if decision == "accepted" and path.on_accept == "close":
        summary = f"{path.title}: taken over by {their}"
    elif decision == "accepted":
        summary = f"{path.title}: accepted by {their}"
    else:
        summary = f"{path.title}: {decision} by {row.peer} — {body.get('reason', '')}"
    await move(uow, case, new, f"transfer_{decision}", summary, actor=row.peer, at=now,
               reason=str(body.get("reason", "")), path=path.id)


async def _on_outcome(uow: UnitOfWork, msg: dict[str, Any], sender: Agency) -> None:
    """The outcome came back: the origin closes, or has the case back for the next path."""
    row, case = await _origin(uow, msg)
    if row.status == "concluded" or case.status != Status.TRANSFERRED:
        return
    body, now = msg["body"], datetime.now(UTC)
    path = path_of(row.path_kind, row.path, "path")
    outcome = path.outcome(str(body.get("outcome", "")))
    if outcome is None:
        raise InvalidArgument("unknown outcome for this path",
                              {"outcome": f"one of {', '.join(path.outcomes)}"})
    text = str(body.get("text", ""))[:MAX_NOTE]
    await conclude(uow, row, outcome.code, text, now)
    fen = body.get("amount_fen")
    amount = transfer.amount_words(fen) if isinstance(fen, int) else ""
    await move(uow, case, transfer.origin_after_outcome(case, outcome, now),
               "transfer_outcome", f"{path.title}: {outcome.title} ({row.peer}) — {text}{amount}",
               actor=row.peer, at=now, reason="", path=path.id, outcome=outcome.code)


async def _on_withdrawal(uow: UnitOfWork, msg: dict[str, Any], sender: Agency) -> None:
    """The complainant withdrew at the sender: a case not yet accepted here ends; one being
    handled gets the news on its timeline, and the receiver decides (e.g. a mediation both
    parties still want goes on)."""
    row = await _mine(uow, msg, "in")
    now, reason = datetime.now(UTC), str(msg["body"].get("reason", ""))[:MAX_NOTE]
    await update_transfer(uow, row, status="withdrawn", answer_reason=reason, updated_at=now)
    case = await records.read(uow, row.tenant_id, row.case_id, lock=True)
    if case is None or case.transfer_in is None:
        return        # not registered yet: intake's case will show the transfer withdrawn
    summary = f"the complainant withdrew the case at {row.peer} (撤回) — {reason}"
    # the sender waits for nothing now
    told = replace(case, transfer_in=replace(case.transfer_in, outcome="withdrawn"))
    if case.status == Status.RECEIVED:
        await move(uow, case, replace(told, status=Status.CLOSED, disposition="withdrawn",
                                      closed_at=now), "transfer_withdrawn", summary,
                   actor=row.peer, at=now, reason=reason, path=row.path)
        return
    await save(uow, case, replace(told, updated_at=now))
    record(uow, case.tenant_id, case.case_id, "", "transfer_withdrawn",
           summary + "; whether to go on is this institution's decision",
           actor=row.peer, at=now, reason=reason)

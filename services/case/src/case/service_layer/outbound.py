"""What this institution sends along a legal path: the offer with the case's package, the
answer of a case sent here (accepted, declined, returned), a withdrawal, and the outcome.

A transfer is a conversation between two agencies (tenants); each side keeps its own row of it
and its own case. The origin's case waits in `transferred`; the receiver's linked case is
registered by intake when the offer arrives (see inbound.py) and is the receiver's to accept.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from casebridge.case.v1 import case_pb2
from casebridge_platform.errors import FailedPrecondition, InvalidArgument

from case.adapters.tables import items, timeline, transfers
from case.domain import paths, transfer
from case.domain.case import Inbound, Outbound
from case.domain.model import Status
from case.domain.transfer import Agency, Entry, Work
from case.service_layer.amounts import fen_of
from case.service_layer.context import MAX_NOTE, Act
from case.service_layer.directory import (
    conclude,
    directory,
    message,
    path_of,
    send,
    tell_peer,
    transfer_row,
    update_transfer,
)


async def offer(ctx: Act) -> None:
    """The `transfer` action: check the path, the receiver, the reason and the consent, then
    record the transfer and send the offer with the case's package."""
    p: case_pb2.Transfer = ctx.params
    case = ctx.case
    agencies = await directory(ctx.uow, case.tenant_id, ctx.registry)
    me = agencies[case.tenant_id]
    path = path_of(me.kind, p.path, "transfer.path")
    if p.reason_code not in path.reasons:
        raise InvalidArgument("unknown reason for this path", {
            "transfer.reason_code": f"one of {', '.join(path.reasons)}"})
    if path.consent and not p.consent:
        raise FailedPrecondition(f"{path.title} needs the complainant's consent: "
                                 f"{path.consent_cite}")
    if p.reporter_consent and (why := transfer.reporter_consent_barred(case, path)):
        raise InvalidArgument("this path never carries a reporter's identity" if
                              path.reporter_identity == "never" else
                              "there is no reporter's identity to send",
                              {"transfer.reporter_consent": why})
    note = p.note.strip()
    if len(note) > MAX_NOTE:
        raise InvalidArgument("the note is too long", {"transfer.note": f"at most {MAX_NOTE}"})
    if path.id in transfer.MEDIATION_PATHS and (
            why := await other_route(ctx, transfer.MEDIATION_PATHS[path.id])):
        raise FailedPrecondition(why)
    to = _receiver(path, me, agencies, p.to_agency.strip())
    transfer_id = str(uuid.uuid4())
    reporter = None
    if p.reporter_consent:
        assert ctx.sealer is not None, "the case service opens sealed identities"
        reporter = ctx.sealer.open(case.sealed_identity, bound_to=case.case_id)
    package = transfer.package(case, path, reporter=reporter,
                               timeline=await _timeline(ctx), work=await _work(ctx))
    # a case is shown with its transfers only where transfer_queries.may_have says so
    await ctx.uow.conn.execute(transfers.insert().values(
        tenant_id=case.tenant_id, transfer_id=transfer_id, direction="out", path=path.id,
        path_kind=me.kind, peer=to.id, remote=to.remote,
        status="filed" if path.external else "offered", case_id=case.case_id,
        case_number=case.case_number, reason_code=p.reason_code, package=package,
        delivery="pending" if to.remote else "", offered_at=ctx.now, updated_at=ctx.now))
    ctx.change(held_from=case.status.value, transfer_out=Outbound(
        transfer_id, path.id, to.id, bool(path.external)))
    ctx.transfer_path = path.id
    if path.external:
        ctx.summary = f"{path.title}: filed with {to.id} ({path.reasons[p.reason_code]})"
        return
    ctx.summary = (f"transferred along {path.title} to {to.id} "
                   f"(reason: {path.reasons[p.reason_code]})"
                   + ("; the reporter's identity goes along with their consent"
                      if reporter else ""))
    ctx.notice = f"{to.called}（{path.title}）"   # the complainant is told where it went
    await send(ctx.uow, to, message(transfer_id, "offer", case.tenant_id, to.id, path.id, {
        "reason_code": p.reason_code, "consent": p.consent, "note": note,
        "case_number": case.case_number, "package": package}))


def _receiver(path: paths.Path, me: Agency, agencies: dict[str, Agency],
              wanted: str) -> Agency:
    if path.external:
        if not wanted or len(wanted) > 100:
            raise InvalidArgument("name the court (or body) it is filed with",
                                  {"transfer.to_agency": "e.g. 某某县人民法院, at most 100"})
        return Agency(wanted, path.external, "")
    allowed = transfer.receivers(path, me, agencies.values())
    found = next((a for a in allowed if a.id == wanted), None)
    if found is None:
        names = ", ".join(a.id for a in allowed) or "none is known"
        raise InvalidArgument(f"{wanted or 'no institution'} cannot receive a case along "
                              f"{path.title}", {"transfer.to_agency": f"one of: {names}"})
    return found


async def _timeline(ctx: Act) -> list[Entry]:
    rows = (await ctx.uow.conn.execute(sa.select(timeline.c.at, timeline.c.type,
                                                 timeline.c.summary).where(
        timeline.c.tenant_id == ctx.case.tenant_id, timeline.c.case_id == ctx.case.case_id)
        .order_by(timeline.c.at, timeline.c.seq))).all()
    return [Entry(r.at, r.type, r.summary) for r in rows]


async def _work(ctx: Act) -> list[Work]:
    rows = (await ctx.uow.conn.execute(sa.select(items.c.kind, items.c.data, items.c.at).where(
        items.c.tenant_id == ctx.case.tenant_id, items.c.case_id == ctx.case.case_id,
        items.c.kind.in_(transfer.SHARED_WORK)).order_by(items.c.seq))).all()
    return [Work(r.kind, r.data, r.at) for r in rows]


async def _inbound(ctx: Act) -> tuple[Inbound, sa.Row] | None:
    link = ctx.case.transfer_in
    if link is None:
        return None
    return link, await transfer_row(ctx.uow, ctx.case.tenant_id, link.transfer_id)


async def other_route(ctx: Act, receiver_kind: str) -> str | None:
    """Why a mediator of `receiver_kind` may not take this dispute (one route at a time): the
    milestones on the case's timeline and, for a case sent here, on the sender's."""
    if receiver_kind not in transfer.ONE_ROUTE:
        return None
    summaries = [e.summary for e in await _timeline(ctx) if e.type == "record_milestone"]
    found = await _inbound(ctx)
    if found is not None:
        summaries += [str(e.get("summary", "")) for e in
                      (found[1].package or {}).get("timeline", [])]
    return transfer.other_route_barred(receiver_kind, transfer.milestones_in(summaries))


async def answer(ctx: Act, decision: str) -> None:
    """The receiver accepted, declined or returned a case sent to it: the sender is told."""
    found = await _inbound(ctx)
    if found is None:
        return
    _, row = found
    if decision == "returned" and (why := transfer.return_barred(ctx.case, row.status)):
        raise FailedPrecondition(why)
    # 退回 may follow acceptance, within the objection window the receiver's clock keeps
    if not transfer.answerable(decision, row.status):
        return
    await update_transfer(ctx.uow, row, status=decision, answer_reason=ctx.reason,
                          updated_at=ctx.now)
    ctx.summary += f"; {row.peer} is told ({decision})"
    await tell_peer(ctx.uow, row, "answer", {"decision": decision, "reason": ctx.reason,
                                             "case_number": ctx.case.case_number})


async def withdraw(ctx: Act) -> None:
    """The complainant withdrew a case that is with another institution: it is told."""
    out = ctx.case.transfer_out
    if ctx.case.status != Status.TRANSFERRED or out is None or out.external:
        return
    row = await transfer_row(ctx.uow, ctx.case.tenant_id, out.transfer_id)
    await update_transfer(ctx.uow, row, status="withdrawn", answer_reason=ctx.reason,
                          updated_at=ctx.now)
    ctx.change(transfer_out=None)
    ctx.summary += f"; {row.peer} is told"
    await tell_peer(ctx.uow, row, "withdrawal", {"reason": ctx.reason,
                                                 "case_number": ctx.case.case_number})


def _outcome_of(path: paths.Path, p: case_pb2.ReportOutcome) -> paths.Outcome:
    found = path.outcome(p.outcome.strip())
    if found is None:
        raise InvalidArgument("unknown outcome for this path", {
            "report_outcome.outcome": f"one of {', '.join(path.outcomes)}"})
    return found


async def report_outcome(ctx: Act) -> None:
    """`report_outcome`: the receiver's outcome goes back to the sender and ends its linked
    case; on a case waiting on a court, the origin records the judgement itself."""
    p: case_pb2.ReportOutcome = ctx.params
    text = ctx.require(p.text, "report_outcome.text", "what was decided or agreed")
    fen = fen_of(p.amount, "report_outcome.amount")
    case = ctx.case
    if case.status == Status.TRANSFERRED and case.transfer_out is not None:   # a court
        row = await transfer_row(ctx.uow, case.tenant_id, case.transfer_out.transfer_id)
        path = path_of(row.path_kind, row.path, "report_outcome")
        outcome = _outcome_of(path, p)
        await conclude(ctx.uow, row, outcome.code, text, ctx.now)
        ctx.new = transfer.origin_after_outcome(ctx.new, outcome, ctx.now)
        ctx.transfer_path, ctx.outcome = path.id, outcome.code
        ctx.summary = f"{path.title}: {outcome.title} — {text}{transfer.amount_words(fen)}"
        return
    found = await _inbound(ctx)
    assert found is not None, "the lifecycle lets only a linked case report an outcome"
    _, row = found
    path = path_of(row.path_kind, row.path, "report_outcome")
    outcome = _outcome_of(path, p)
    await conclude(ctx.uow, row, outcome.code, text, ctx.now)
    ctx.new = transfer.receiver_after_outcome(ctx.new, outcome)
    ctx.transfer_path, ctx.outcome = path.id, outcome.code
    ctx.summary = (f"outcome reported to {row.peer}: {outcome.title} — {text}"
                   f"{transfer.amount_words(fen)}")
    await tell_peer(ctx.uow, row, "outcome", {"outcome": outcome.code, "text": text,
                                              "amount_fen": fen,
                                              "case_number": case.case_number})

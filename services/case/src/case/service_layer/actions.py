"""Acting on a case: every change a person makes is an action, checked against the lifecycle,
written with who, when and why, and announced as case.transitioned."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from casebridge.case.v1 import case_pb2
from casebridge_platform.auth import Principal
from casebridge_platform.db import insert_ignore
from casebridge_platform.errors import (
    Conflict,
    FailedPrecondition,
    IllegalTransition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from casebridge_platform.messaging.outbox import UnitOfWork

from case.adapters.tables import action_keys, cases, items, tenants
from case.domain import model
from case.domain.model import Status
from case.service_layer import events, queries, transfers
from case.service_layer.amounts import fen_of

MAX_TEXT = 20_000
MAX_NOTE = 2_000


@dataclass
class Act:
    """One action being applied: the case as read, and what the action changes."""

    uow: UnitOfWork
    principal: Principal
    row: sa.Row
    request: case_pb2.ActRequest
    action: str
    params: object
    to: Status
    now: datetime
    rules: dict
    summary: str = ""
    changes: dict[str, object] = field(default_factory=dict)
    extra: dict[str, object] = field(default_factory=dict)
    notice: str = ""
    milestone: str = ""
    transfer_path: str = ""
    outcome: str = ""
    registry: Any = None                 # the federation's trusted agencies, if any
    sealer: Any = None                   # opens a reporter's identity sent with consent
    after: list[Callable[[], None]] = field(default_factory=list)

    def require(self, value: str, name: str, what: str, limit: int = MAX_TEXT) -> str:
        value = value.strip()
        if not value:
            raise InvalidArgument(f"{what} is required", {name: "must not be empty"})
        if len(value) > limit:
            raise InvalidArgument(f"{what} is too long", {name: f"at most {limit} characters"})
        return value

    def item(self, kind: str, data: dict, case_id: str | None = None) -> None:
        self.uow.insert_later(items, {
            "tenant_id": self.row.tenant_id, "case_id": case_id or self.row.case_id,
            "kind": kind, "data": data, "at": self.now, "actor": self.actor})

    @property
    def actor(self) -> str:
        """Who acted, as the record shows it: staff by id, the complainant as such."""
        return "complainant" if "complainant" in self.principal.roles else self.principal.user_id


def request_hash(request: case_pb2.ActRequest) -> str:
    body = case_pb2.ActRequest()
    body.CopyFrom(request)
    body.idempotency_key = ""
    return hashlib.sha256(body.SerializeToString(deterministic=True)).hexdigest()


async def act(uow: UnitOfWork, *, principal: Principal, request: case_pb2.ActRequest,
              registry: Any = None, sealer: Any = None) -> bool:
    """Apply one action; False when the Idempotency-Key shows it was applied before."""
    action = request.WhichOneof("action")
    if action is None:
        raise InvalidArgument("no action given", {"action": "name exactly one action"})
    row = await _locked(uow, principal, request.case_id)
    # after the lock: a concurrent retry under the same key waits, then sees the first
    if request.idempotency_key and await _seen(uow, principal, request):
        return False
    state, actor = queries.state_of(row), queries.actor_of(principal)
    try:
        outcome = model.plan(action, state, actor, reason=request.reason)
    except model.Refusal as refusal:
        raise IllegalTransition(refusal.message, refusal.status, refusal.allowed) from None
    except PermissionError as denied:
        raise PermissionDenied(str(denied)) from None
    except ValueError:
        raise InvalidArgument(f"{action} needs a reason", {"reason": "must say why"}) from None
    ctx = Act(uow, principal, row, request, action, getattr(request, action), outcome.to,
              datetime.now(UTC), await _rules(uow, row.tenant_id),
              extra=dict(row.extra or {}), registry=registry, sealer=sealer)
    await APPLY[action](ctx)
    await _write(ctx)
    if request.idempotency_key:
        await uow.conn.execute(action_keys.insert().values(
            tenant_id=principal.tenant_id, key=request.idempotency_key,
            request_hash=request_hash(request), case_id=request.case_id, created_at=ctx.now))
    return True


async def _seen(uow: UnitOfWork, principal: Principal, request: case_pb2.ActRequest) -> bool:
    seen = (await uow.conn.execute(sa.select(action_keys).where(
        action_keys.c.tenant_id == principal.tenant_id,
        action_keys.c.key == request.idempotency_key))).first()
    if seen is None:
        return False
    if seen.request_hash != request_hash(request):
        raise Conflict("this Idempotency-Key was already used for a different action")
    return True


async def _locked(uow: UnitOfWork, principal: Principal, case_id: str) -> sa.Row:
    """The case, locked against concurrent actions; the complainant only their own."""
    if "complainant" in principal.roles:
        if principal.user_id != f"access:{case_id}":
            raise PermissionDenied("the access code is for another case")
        visible: sa.ColumnElement[bool] = sa.true()
    else:
        principal.require(*model.STAFF)
        visible = queries.visible_to(principal)
    query = sa.select(cases).where(cases.c.tenant_id == principal.tenant_id,
                                   cases.c.case_id == case_id, visible)
    if uow.dialect == "postgresql":
        query = query.with_for_update()
    row = (await uow.conn.execute(query)).first()
    if row is None:
        raise NotFound("no such case, or not one you may see")
    return row


async def _rules(uow: UnitOfWork, tenant_id: str) -> dict:
    row = (await uow.conn.execute(sa.select(tenants.c.rules, tenants.c.coordinating_department)
                                  .where(tenants.c.tenant_id == tenant_id))).first()
    rules = dict(row.rules) if row else {}
    rules.setdefault("max_reopen_rounds", 2)
    rules.setdefault("approval", {"role": "supervisor"})
    return rules


async def _write(ctx: Act) -> None:
    """The case row, its timeline entry and the event, all in the caller's transaction."""
    row, status = ctx.row, model.Status(ctx.row.status)
    if ctx.to in model.DONE and status not in model.DONE:
        ctx.changes.setdefault("closed_at", ctx.now)
    result = await ctx.uow.conn.execute(cases.update().where(
        cases.c.tenant_id == row.tenant_id, cases.c.case_id == row.case_id,
        cases.c.status == row.status).values(
        status=ctx.to.value, extra=ctx.extra, updated_at=ctx.now, **ctx.changes))
    if result.rowcount != 1:
        raise Conflict("the case changed while you acted; reload it and try again")
    actor = ctx.actor
    events.record(ctx.uow, row.tenant_id, row.case_id, "", ctx.action,
                  ctx.summary or ctx.action.replace("_", " "), actor=actor, at=ctx.now,
                  from_status=status.value, to_status=ctx.to.value,
                  reason=ctx.request.reason.strip())
    events.transitioned(
        ctx.uow, row, action=ctx.action, from_status=status.value, to=ctx.to.value,
        actor=actor, reason=ctx.request.reason.strip(), at=ctx.now,
        disposition=str(ctx.changes.get("disposition", row.disposition)),
        department=str(ctx.changes.get("department", row.department)),
        hold_kind=str(ctx.extra.get("hold_reason", "")), notice=ctx.notice,
        milestone=ctx.milestone, transfer_path=ctx.transfer_path, outcome=ctx.outcome)
    for then in ctx.after:
        then()


def _reroute(ctx: Act, trigger: str, *, category: str = "", department: str = "",
             exclude: str = "") -> None:
    row = ctx.row
    ctx.uow.emit("case.reroute_requested", row.tenant_id, case_pb2.RerouteRequested(
        case_id=row.case_id, trigger=trigger, category=category or row.category,
        content=row.content, respondent_department=row.respondent_department,
        respondent_person=row.respondent_person,
        respondent_unit=(row.extra or {}).get("respondent_unit", ""),
        complainant_name=row.complainant_name, department=department,
        severity=row.severity, exclude_handler_id=exclude, previous_handler_id=row.handler_id,
        reason=ctx.request.reason.strip()), correlation_id=row.case_id)


# --- one function per action -------------------------------------------------------------

async def _accept(ctx: Act) -> None:
    ctx.summary = "accepted (受理)" + (f", handler {ctx.row.handler_id}"
                                      if ctx.row.handler_id else ", awaiting a handler")
    if ctx.to == Status.ASSIGNED:
        ctx.after.append(lambda: events.emit_assigned(
            ctx.uow, "", ctx.row, ctx.row.department, ctx.row.handler_id, ctx.row.severity))
    await transfers.answer(ctx, "accepted")


async def _refuse(ctx: Act) -> None:
    p: case_pb2.Refuse = ctx.params  # type: ignore[assignment]
    ctx.notice = ctx.require(p.notice, "refuse.notice", "the written notice (不予受理告知书)")
    ctx.extra.update(refusal_reason=ctx.request.reason.strip(), refusal_notice=ctx.notice)
    ctx.summary = "refused (不予受理); written notice issued"
    await transfers.answer(ctx, "declined")


async def _refer(ctx: Act) -> None:
    p: case_pb2.Refer = ctx.params  # type: ignore[assignment]
    body = ctx.require(p.competent_body, "refer.competent_body", "the competent body", 200)
    if p.mode not in model.REFERRAL_MODES:
        raise InvalidArgument("unknown referral mode", {"refer.mode": "must be tell (tell the "
                              "complainant who is competent) or transfer"})
    ctx.extra.update(competent_body=body, referral_mode=p.mode)
    ctx.changes["disposition"] = "transferred" if p.mode == "transfer" else ""
    ctx.notice = body
    ctx.summary = (f"not ours: {body} is competent; "
                   + ("the case is to be transferred" if p.mode == "transfer"
                      else "the complainant is told where to go"))


async def _assign(ctx: Act) -> None:
    _reroute(ctx, "reassign")
    ctx.summary = f"reassignment requested within {ctx.row.department or 'the department'}"


async def _start_investigation(ctx: Act) -> None:
    ctx.summary = "investigation started (调查核实)"


async def _record_investigation(ctx: Act) -> None:
    r = ctx.params.record  # type: ignore[attr-defined]
    if r.type not in model.RECORD_TYPES:
        raise InvalidArgument("unknown record type", {"record_investigation.record.type":
                              f"must be one of {', '.join(sorted(model.RECORD_TYPES))}"})
    subject = ctx.require(r.subject, "record_investigation.record.subject", "who or what", 200)
    summary = ctx.require(r.summary, "record_investigation.record.summary", "the record")
    at = r.at.ToDatetime(tzinfo=UTC) if r.HasField("at") else ctx.now
    if at > ctx.now:
        raise InvalidArgument("a record cannot be of the future",
                              {"record_investigation.record.at": "must not be in the future"})
    ctx.item("investigation", {"type": r.type, "subject": subject, "summary": summary,
                               "at": at.isoformat()})
    ctx.summary = f"{r.type.replace('_', ' ')}: {subject}"


async def _propose(ctx: Act) -> None:
    p: case_pb2.Propose = ctx.params  # type: ignore[assignment]
    text = ctx.require(p.text, "propose.text", "the proposal")
    fen = fen_of(p.compensation, "propose.compensation")
    if fen:
        _may_negotiate(ctx, fen)
    role = model.approver_role(fen or 0, ctx.rules["approval"])
    ctx.item("proposal", {"round": ctx.row.round, "text": text, "compensation_fen": fen,
                          "status": "pending", "required_role": role})
    money = f", compensation {fen / 100:.2f} 元" if fen else ""
    ctx.summary = f"proposal made (处理意见){money}; needs approval by {role}"


async def _pending(ctx: Act) -> sa.Row:
    proposal = (await ctx.uow.conn.execute(sa.select(items).where(
        items.c.tenant_id == ctx.row.tenant_id, items.c.case_id == ctx.row.case_id,
        items.c.kind == "proposal").order_by(items.c.seq.desc()).limit(1))).first()
    if proposal is None or proposal.data.get("status") != "pending":
        raise FailedPrecondition("there is no pending proposal")
    return proposal


async def _decide(ctx: Act, status: str, note: str) -> dict:
    proposal = await _pending(ctx)
    data = dict(proposal.data)
    required = data["required_role"]
    if not model.may_approve(required, frozenset(ctx.principal.roles)):
        raise PermissionDenied(f"this proposal must be decided by a {required} "
                               f"({ctx.rules['approval'].get('rule', 'the tenant rule')})")
    if proposal.actor == ctx.principal.user_id:
        raise PermissionDenied("whoever made a proposal may not decide on it")
    data.update(status=status, decided_by=ctx.principal.user_id, decision_note=note)
    await ctx.uow.conn.execute(items.update().where(items.c.seq == proposal.seq)
                               .values(data=data))
    return data


async def _approve_proposal(ctx: Act) -> None:
    data = await _decide(ctx, "approved", ctx.params.note.strip())  # type: ignore[attr-defined]
    ctx.summary = f"proposal approved by {data['required_role']} {ctx.principal.user_id}"


async def _reject_proposal(ctx: Act) -> None:
    await _decide(ctx, "rejected", ctx.params.note.strip()  # type: ignore[attr-defined]
                  or ctx.request.reason.strip())
    ctx.summary = "proposal sent back for further investigation"


async def _answer(ctx: Act) -> None:
    p: case_pb2.RecordAnswer = ctx.params  # type: ignore[assignment]
    if p.mode not in model.ANSWER_MODES:
        raise InvalidArgument("unknown answer mode", {"answer.mode": "must be written or oral"})
    text = ctx.require(p.text, "answer.text", "what the complainant was told")
    ctx.item("answer", {"round": ctx.row.round, "mode": p.mode, "text": text})
    ctx.summary = f"answered ({'书面' if p.mode == 'written' else '口头'})"
    ctx.notice = text   # the result notice (处理结果告知) tells the complainant this


async def _follow_up(ctx: Act) -> None:
    p: case_pb2.RecordFollowUp = ctx.params  # type: ignore[assignment]
    if not 0 <= p.rating <= 5:
        raise InvalidArgument("rating out of range", {"follow_up.rating": "1 to 5, or none"})
    ctx.item("follow_up", {"round": ctx.row.round, "satisfied": p.satisfied,
                           "note": p.note.strip(), "rating": p.rating, "solved": p.solved})
    ctx.extra["last_follow_up_satisfied"] = p.satisfied
    ctx.summary = f"follow-up (回访): {'satisfied' if p.satisfied else 'not satisfied'}"
    rounds = int(ctx.rules["max_reopen_rounds"])
    if not p.satisfied and ctx.row.round >= rounds:
        ctx.changes["escalated"] = True
        ctx.summary += f" after {ctx.row.round} rounds — escalated to leadership"
        reasons = [f"complainant not satisfied after {ctx.row.round} rounds"]
        ctx.after.append(lambda: events.alert(ctx.uow, "", ctx.row, ctx.row.severity, reasons))


async def _close(ctx: Act) -> None:
    disposition = ctx.params.disposition  # type: ignore[attr-defined]
    if disposition not in model.DISPOSITIONS - {"withdrawn", "merged", "concluded"}:
        raise InvalidArgument("unknown disposition", {"close.disposition": "must be one of "
                              "resolved, unfounded, mediated, transferred, judged"})
    if disposition not in model.LEGAL_PATH:
        _may_negotiate(ctx, 0)
    if disposition not in model.LEGAL_PATH and not _may_settle(ctx):
        raise FailedPrecondition(
            f"a case is closed as {disposition} only after an answer and a satisfied "
            "follow-up (or an answer, for an anonymous complainant or a report); otherwise "
            "close it as mediated, transferred or judged")
    ctx.changes["disposition"] = disposition
    ctx.summary = f"closed (办结): {disposition}"


def _may_negotiate(ctx: Act, fen: int) -> None:
    """A public hospital may not settle by itself a claim of 30,000 元 or more (seed 000
    医疗纠纷处理流程图: "对患方索赔三万元以上的医疗纠纷，公立医疗机构不得自行与患方协商
    解决"; 以上 includes the amount, 《民法典》第一千二百五十九条): it must take a legal path."""
    limit = int(ctx.rules.get("self_settlement_limit_fen") or 0)
    claim = max(int(ctx.extra.get("claimed_amount_fen") or 0), fen)
    if limit and claim >= limit:
        raise FailedPrecondition(
            f"a claim of {claim / 100:,.2f} 元 is {limit / 100:,.0f} 元 or more: this "
            "institution may not settle it by negotiation; transfer it along a legal path "
            "(people's or administrative mediation, or court) and close it on the outcome")


def _may_settle(ctx: Act) -> bool:
    status = model.Status(ctx.row.status)
    if status == Status.FOLLOW_UP:
        return ctx.extra.get("last_follow_up_satisfied") is True
    return status == Status.ANSWERED and (ctx.row.anonymous or ctx.row.kind == "report")


async def _reopen(ctx: Act) -> None:
    if ctx.row.disposition in ("merged", "withdrawn", "transferred", "judged"):
        raise FailedPrecondition(f"a case closed as {ctx.row.disposition} is not reopened; "
                                 "register the complaint anew")
    rounds = int(ctx.rules["max_reopen_rounds"])
    if not model.reopen_allowed(queries.state_of(ctx.row), queries.actor_of(ctx.principal),
                                rounds):
        raise FailedPrecondition(f"this tenant allows {rounds} rounds of handling; the case "
                                 "was escalated to leadership, and only a leader may reopen it")
    ctx.changes.update(round=ctx.row.round + 1, disposition="", closed_at=None)
    ctx.extra.pop("last_follow_up_satisfied", None)
    ctx.summary = f"reopened for round {ctx.row.round + 1}"


async def _hold(ctx: Act) -> None:
    kind = ctx.params.kind  # type: ignore[attr-defined]
    if kind not in model.HOLD_KINDS:
        raise InvalidArgument("unknown hold", {"hold.kind": "must be material (the "
                              "complainant's), appraisal or testing"})
    ctx.changes["held_from"] = ctx.row.status
    ctx.extra["hold_reason"] = kind
    ctx.summary = f"on hold: waiting for {kind}"


async def _resume(ctx: Act) -> None:
    ctx.changes["held_from"] = ""
    ctx.extra.pop("hold_reason", None)
    ctx.summary = "resumed"


async def _withdraw(ctx: Act) -> None:
    ctx.changes["disposition"] = "withdrawn"
    ctx.summary = "withdrawn by the complainant (撤回)"
    await transfers.withdraw(ctx)


async def _archive(ctx: Act) -> None:
    ctx.summary = "archived (归档) with its timeline, records and materials"


async def _reclassify(ctx: Act) -> None:
    category = ctx.require(ctx.params.category, "reclassify.category",  # type: ignore[attr-defined]
                           "the new category", 64)
    ctx.changes["category"] = category
    ctx.extra.update(category_source="staff", matched_keywords=[])
    _reroute(ctx, "reclassified", category=category)
    ctx.summary = f"reclassified from {ctx.row.category or 'unclassified'} to {category}; " \
                  "routing again"


async def _designate_lead(ctx: Act) -> None:
    p: case_pb2.DesignateLead = ctx.params  # type: ignore[assignment]
    lead = ctx.require(p.department, "designate_lead.department", "the lead department", 100)
    involved = ctx.extra.get("departments_involved") or []
    if involved and lead not in involved:
        raise InvalidArgument("the lead must be one of the departments involved",
                              {"designate_lead.department": f"one of {', '.join(involved)}"})
    ctx.extra["cooperating"] = [d for d in p.cooperating or involved if d != lead]
    ctx.changes["coordinated"] = False
    _reroute(ctx, "lead", department=lead)
    ctx.summary = f"lead department {lead} named by the coordinating office"


async def _declare_conflict(ctx: Act) -> None:
    _reroute(ctx, "conflict", department=ctx.row.department, exclude=ctx.principal.user_id)
    ctx.summary = f"handler {ctx.principal.user_id} declared a conflict of interest (回避); " \
                  "the case moves to another handler"


async def _other(ctx: Act, case_id: str, name: str) -> sa.Row:
    if case_id == ctx.row.case_id:
        raise InvalidArgument("a case cannot be linked to itself", {name: "another case"})
    other = (await ctx.uow.conn.execute(sa.select(cases).where(
        cases.c.tenant_id == ctx.row.tenant_id, cases.c.case_id == case_id))).first()
    if other is None:
        raise InvalidArgument("no such case", {name: "not a case of this institution"})
    return other


async def _link(ctx: Act) -> None:
    other = await _other(ctx, ctx.params.case_id, "link.case_id")  # type: ignore[attr-defined]
    ctx.item("link", {"case_id": other.case_id, "case_number": other.case_number,
                      "relation": "related"})
    ctx.item("link", {"case_id": ctx.row.case_id, "case_number": ctx.row.case_number,
                      "relation": "related"}, case_id=other.case_id)
    ctx.summary = f"linked with {other.case_number}"


async def _merge(ctx: Act) -> None:
    """This complaint joins another: its complainant becomes a co-complainant there."""
    target = await _other(ctx, ctx.params.into_case_id,  # type: ignore[attr-defined]
                          "merge.into_case_id")
    if model.Status(target.status) not in model.OPEN:
        raise FailedPrecondition(f"{target.case_number} is {target.status}; merge into an "
                                 "open case")
    row = ctx.row
    if not row.anonymous and not (row.extra or {}).get("sealed_identity"):
        c = (row.extra or {}).get("complainant", {})
        ctx.item("party", {"name": row.complainant_name, "phone": row.complainant_phone,
                           "unit": c.get("unit", ""), "relation": c.get("relation", "")},
                 case_id=target.case_id)
    ctx.item("link", {"case_id": target.case_id, "case_number": target.case_number,
                      "relation": "merged_into"})
    ctx.item("link", {"case_id": row.case_id, "case_number": row.case_number,
                      "relation": "merged_from"}, case_id=target.case_id)
    events.record(ctx.uow, row.tenant_id, target.case_id, "", "merge",
                  f"{row.case_number} merged in; its complainant joins this case",
                  actor=ctx.principal.user_id, at=ctx.now, reason=ctx.request.reason.strip())
    ctx.changes["disposition"] = "merged"
    ctx.summary = f"merged into {target.case_number}"


async def _add_note(ctx: Act) -> None:
    ctx.summary = ctx.require(ctx.params.text, "add_note.text", "the note")  # type: ignore[attr-defined]


async def _add_material(ctx: Act) -> None:
    description = ctx.require(ctx.params.description,  # type: ignore[attr-defined]
                              "add_material.description", "a description of the material")
    by = "complainant" if "complainant" in ctx.principal.roles else ctx.principal.user_id
    ctx.item("material", {"description": description, "added_by": by})
    ctx.summary = f"material added by {by}"
    if ctx.row.status == Status.ON_HOLD and ctx.extra.get("hold_reason") == "material":
        ctx.to = Status(ctx.row.held_from or Status.ASSIGNED)
        ctx.changes["held_from"] = ""
        ctx.extra.pop("hold_reason", None)
        ctx.summary += "; the awaited material arrived, handling resumes"


async def _record_milestone(ctx: Act) -> None:
    p: case_pb2.RecordMilestone = ctx.params  # type: ignore[assignment]
    milestone = p.milestone.strip()
    if milestone not in model.MILESTONES:
        raise InvalidArgument("unknown milestone" if milestone else "the milestone is required",
                              {"record_milestone.milestone":
                               f"must be one of {', '.join(model.MILESTONES)}"})
    note = p.note.strip()
    if len(note) > MAX_NOTE:
        raise InvalidArgument("the note is too long",
                              {"record_milestone.note": f"at most {MAX_NOTE} characters"})
    ctx.milestone = milestone
    ctx.summary = model.milestone_summary(milestone, note)


async def _reveal_identity(ctx: Act) -> None:
    """The reporter's identity is shown to this person, once, and the record says who and why
    (举报人保护: 不得向无关人员泄露)."""
    ctx.summary = f"reporter's identity revealed to {ctx.principal.user_id} (举报人身份查看)"


async def _transfer(ctx: Act) -> None:
    await transfers.transfer(ctx, ctx.registry)


async def _return_transfer(ctx: Act) -> None:
    ctx.summary = "returned (退回): not competent for it"
    await transfers.answer(ctx, "returned")


async def _report_outcome(ctx: Act) -> None:
    await transfers.report_outcome(ctx)


APPLY: dict[str, Callable[[Act], Awaitable[None]]] = {
    "accept": _accept, "refuse": _refuse, "refer": _refer, "assign": _assign,
    "start_investigation": _start_investigation,
    "record_investigation": _record_investigation, "propose": _propose,
    "approve_proposal": _approve_proposal, "reject_proposal": _reject_proposal,
    "answer": _answer, "follow_up": _follow_up, "close": _close, "reopen": _reopen,
    "hold": _hold, "resume": _resume, "withdraw": _withdraw, "archive": _archive,
    "reclassify": _reclassify, "designate_lead": _designate_lead,
    "declare_conflict": _declare_conflict, "link": _link, "merge": _merge,
    "add_note": _add_note, "add_material": _add_material,
    "record_milestone": _record_milestone, "reveal_identity": _reveal_identity,
    "transfer": _transfer, "return_transfer": _return_transfer,
    "report_outcome": _report_outcome,
}
assert set(APPLY) == set(model.RULES), "every action of the lifecycle has its effect"


async def seed(uow: UnitOfWork, data: dict) -> None:
    """Each tenant's case rules from the seed file (updated on every start)."""
    for t in data["tenants"]:
        values = {"kind": t["kind"], "coordinating_department": t["coordinating_department"],
                  "rules": t.get("case_rules", {}), "division": t.get("division", ""),
                  "name": t.get("name", t["id"])}
        await uow.conn.execute(insert_ignore(tenants, uow.dialect).values(
            tenant_id=t["id"], **values))
        await uow.conn.execute(tenants.update().where(tenants.c.tenant_id == t["id"])
                               .values(**values))

"""Acting on a case: every change a person makes is an action, checked against the lifecycle,
written with who, when and why, and announced as case.transitioned."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime

import sqlalchemy as sa
from casebridge.case.v1 import case_pb2
from casebridge_platform.auth import Principal
from casebridge_platform.calendar import WorkCalendar
from casebridge_platform.errors import (
    Conflict,
    FailedPrecondition,
    IllegalTransition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from casebridge_platform.federation import Registry
from casebridge_platform.messaging.outbox import UnitOfWork
from casebridge_platform.sealing import Sealer

from case.adapters import records
from case.adapters.tables import action_keys, items, tenants
from case.domain import limits, model, settlement
from case.domain.case import Case
from case.domain.model import Status
from case.service_layer import outbound
from case.service_layer.amounts import fen_of
from case.service_layer.context import MAX_NOTE, Act, TenantRules, actor_of
from case.service_layer.entries import alert, assigned, record, save, transitioned
from case.service_layer.queries import may_see


def request_hash(request: case_pb2.ActRequest) -> str:
    body = case_pb2.ActRequest()
    body.CopyFrom(request)
    body.idempotency_key = ""
    body.brief = False   # how the answer is wanted is not part of the action
    return hashlib.sha256(body.SerializeToString(deterministic=True)).hexdigest()


async def act(uow: UnitOfWork, *, principal: Principal, request: case_pb2.ActRequest,
              registry: Registry | None = None, sealer: Sealer | None = None) -> Case | None:
    """Apply one action; the case as it now stands, or None when the Idempotency-Key shows
    it was applied before."""
    action = request.WhichOneof("action")
    if action is None:
        raise InvalidArgument("no action given", {"action": "name exactly one action"})
    case = await _locked(uow, principal, request.case_id)
    # after the lock: a concurrent retry under the same key waits, then sees the first
    if request.idempotency_key and await _seen(uow, principal, request):
        return None
    try:
        planned = model.plan(action, case.lifecycle(), actor_of(principal),
                             reason=request.reason)
    except model.Refusal as refusal:
        raise IllegalTransition(refusal.message, refusal.status, refusal.allowed) from None
    except PermissionError as denied:
        raise PermissionDenied(str(denied)) from None
    except ValueError:
        raise InvalidArgument(f"{action} needs a reason", {"reason": "must say why"}) from None
    rules = await _rules(uow, case.tenant_id) if action in USES_RULES else None
    ctx = Act(uow, principal, case, request, action, datetime.now(UTC), rules,
              replace(case, status=planned.to), registry=registry, sealer=sealer)
    await APPLY[action](ctx)
    written = await _write(ctx)
    if request.idempotency_key:
        await uow.conn.execute(action_keys.insert().values(
            tenant_id=principal.tenant_id, key=request.idempotency_key,
            request_hash=request_hash(request), case_id=request.case_id, created_at=ctx.now))
    return written


async def _seen(uow: UnitOfWork, principal: Principal, request: case_pb2.ActRequest) -> bool:
    seen = (await uow.conn.execute(sa.select(action_keys).where(
        action_keys.c.tenant_id == principal.tenant_id,
        action_keys.c.key == request.idempotency_key))).first()
    if seen is None:
        return False
    if seen.request_hash != request_hash(request):
        raise Conflict("this Idempotency-Key was already used for a different action")
    return True


async def _locked(uow: UnitOfWork, principal: Principal, case_id: str) -> Case:
    """The case, locked against concurrent actions; the complainant only their own."""
    complainant = "complainant" in principal.roles
    if complainant:
        if principal.user_id != f"access:{case_id}":
            raise PermissionDenied("the access code is for another case")
    else:
        principal.require(*model.STAFF)
    case = await records.read(uow, principal.tenant_id, case_id, lock=True)
    if case is None or not (complainant or may_see(principal, case)):
        raise NotFound("no such case, or not one you may see")
    return case


# the actions that consult the tenant's case rules (the others do not read them)
USES_RULES = frozenset({"propose", "approve_proposal", "reject_proposal", "follow_up", "close",
                        "reopen"})


async def _rules(uow: UnitOfWork, tenant_id: str) -> TenantRules:
    row = (await uow.conn.execute(sa.select(tenants.c.rules, tenants.c.kind)
                                  .where(tenants.c.tenant_id == tenant_id))).first()
    return TenantRules.of(row.rules, row.kind) if row else TenantRules.of(None)


async def _write(ctx: Act) -> Case:
    """The case row, its timeline entry and the event, all in the caller's transaction; the
    case as written."""
    old, new = ctx.case, replace(ctx.new, updated_at=ctx.now)
    if new.status in model.DONE and old.status not in model.DONE:
        new = replace(new, closed_at=ctx.now)
    if not await save(ctx.uow, old, new, guard=True):
        raise Conflict("the case changed while you acted; reload it and try again")
    record(ctx.uow, old.tenant_id, old.case_id, "", ctx.action,
           ctx.summary or ctx.action.replace("_", " "), actor=ctx.actor, at=ctx.now,
           from_status=old.status.value, to_status=new.status.value, reason=ctx.reason)
    transitioned(ctx.uow, old, action=ctx.action, to=new, actor=ctx.actor, reason=ctx.reason,
                 at=ctx.now, hold_kind=new.hold_reason, notice=ctx.notice,
                 milestone=ctx.milestone, milestone_at=ctx.milestone_at,
                 transfer_path=ctx.transfer_path,
                 outcome=ctx.outcome)
    for then in ctx.after:
        then()
    return new


def _reroute(ctx: Act, trigger: str, *, category: str = "", department: str = "",
             exclude: str = "") -> None:
    case = ctx.case
    ctx.uow.emit("case.reroute_requested", case.tenant_id, case_pb2.RerouteRequested(
        case_id=case.case_id, trigger=trigger, category=category or case.category,
        content=case.content, respondent_department=case.respondent_department,
        respondent_person=case.respondent_person, respondent_unit=case.respondent_unit,
        complainant_name=case.complainant_name, department=department,
        severity=case.severity, exclude_handler_id=exclude,
        previous_handler_id=case.handler_id, reason=ctx.reason), correlation_id=case.case_id)


# --- one function per action -------------------------------------------------------------

async def _accept(ctx: Act) -> None:
    case = ctx.case
    if why := await outbound.other_route(ctx, case.tenant_kind):
        raise FailedPrecondition(why)
    barred = limits.time_barred(case, case.tenant_kind, WorkCalendar())
    if barred and not ctx.reason.strip():
        raise FailedPrecondition(barred)
    ctx.summary = "accepted (受理)" + (f", handler {case.handler_id}"
                                      if case.handler_id else ", awaiting a handler")
    if barred:   # staff recorded why the three-year bar does not apply (法律另有规定, …)
        ctx.summary += f"; past the three-year bar (第十五条第（四）项), because: {ctx.reason}"
    if ctx.new.status == Status.ASSIGNED:
        ctx.after.append(lambda: assigned(ctx.uow, "", case, case.department, case.handler_id,
                                          case.severity))
    await outbound.answer(ctx, "accepted")


async def _refuse(ctx: Act) -> None:
    p: case_pb2.Refuse = ctx.params
    ctx.notice = ctx.require(p.notice, "refuse.notice", "the written notice (不予受理告知书)")
    ctx.change(refusal_reason=ctx.reason, refusal_notice=ctx.notice)
    ctx.summary = "refused (不予受理); written notice issued"
    await outbound.answer(ctx, "declined")


async def _refer(ctx: Act) -> None:
    p: case_pb2.Refer = ctx.params
    body = ctx.require(p.competent_body, "refer.competent_body", "the competent body", 200)
    if p.mode not in model.REFERRAL_MODES:
        raise InvalidArgument("unknown referral mode", {"refer.mode": "must be tell (tell the "
                              "complainant who is competent) or transfer"})
    ctx.change(competent_body=body, referral_mode=p.mode,
               disposition="transferred" if p.mode == "transfer" else "")
    ctx.notice = body
    ctx.summary = (f"not ours: {body} is competent; "
                   + ("the case is to be transferred" if p.mode == "transfer"
                      else "the complainant is told where to go"))


async def _assign(ctx: Act) -> None:
    _reroute(ctx, "reassign")
    ctx.summary = f"reassignment requested within {ctx.case.department or 'the department'}"


async def _start_investigation(ctx: Act) -> None:
    ctx.summary = "investigation started (调查核实)"


async def _record_investigation(ctx: Act) -> None:
    r = ctx.params.record
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
    p: case_pb2.Propose = ctx.params
    text = ctx.require(p.text, "propose.text", "the proposal")
    fen = fen_of(p.compensation, "propose.compensation")
    if fen and (why := settlement.negotiation_barred(
            ctx.case, ctx.rules.self_settlement_limit_fen, fen)):
        raise FailedPrecondition(why)
    role = model.approver_role(fen or 0, ctx.rules.approval)
    ctx.item("proposal", {"round": ctx.case.round, "text": text, "compensation_fen": fen,
                          "status": "pending", "required_role": role})
    money = f", compensation {fen / 100:.2f} 元" if fen else ""
    ctx.summary = f"proposal made (处理意见){money}; needs approval by {role}"


async def _decide(ctx: Act, status: str, note: str) -> dict[str, object]:
    proposal = (await ctx.uow.conn.execute(sa.select(items).where(
        items.c.tenant_id == ctx.case.tenant_id, items.c.case_id == ctx.case.case_id,
        items.c.kind == "proposal").order_by(items.c.seq.desc()).limit(1))).first()
    if proposal is None or proposal.data.get("status") != "pending":
        raise FailedPrecondition("there is no pending proposal")
    data = dict(proposal.data)
    required = data["required_role"]
    if not model.may_approve(required, frozenset(ctx.principal.roles)):
        raise PermissionDenied(f"this proposal must be decided by a {required} "
                               f"({ctx.rules.approval.get('rule', 'the tenant rule')})")
    if proposal.actor == ctx.principal.user_id:
        raise PermissionDenied("whoever made a proposal may not decide on it")
    data.update(status=status, decided_by=ctx.principal.user_id, decision_note=note)
    await ctx.uow.conn.execute(items.update().where(items.c.seq == proposal.seq)
                               .values(data=data))
    return data


async def _approve_proposal(ctx: Act) -> None:
    data = await _decide(ctx, "approved", ctx.params.note.strip())
    ctx.summary = f"proposal approved by {data['required_role']} {ctx.principal.user_id}"


async def _reject_proposal(ctx: Act) -> None:
    await _decide(ctx, "rejected", ctx.params.note.strip() or ctx.reason)
    ctx.summary = "proposal sent back for further investigation"


async def _answer(ctx: Act) -> None:
    p: case_pb2.RecordAnswer = ctx.params
    if p.mode not in model.ANSWER_MODES:
        raise InvalidArgument("unknown answer mode", {"answer.mode": "must be written or oral"})
    text = ctx.require(p.text, "answer.text", "what the complainant was told")
    ctx.item("answer", {"round": ctx.case.round, "mode": p.mode, "text": text})
    ctx.summary = f"answered ({'书面' if p.mode == 'written' else '口头'})"
    ctx.notice = text   # the result notice (处理结果告知) tells the complainant this


async def _follow_up(ctx: Act) -> None:
    p: case_pb2.RecordFollowUp = ctx.params
    if not 0 <= p.rating <= 5:
        raise InvalidArgument("rating out of range", {"follow_up.rating": "1 to 5, or none"})
    case = ctx.case
    ctx.item("follow_up", {"round": case.round, "satisfied": p.satisfied,
                           "note": p.note.strip(), "rating": p.rating, "solved": p.solved})
    ctx.change(last_follow_up_satisfied=p.satisfied)
    ctx.summary = f"follow-up (回访): {'satisfied' if p.satisfied else 'not satisfied'}"
    if settlement.escalates(case, p.satisfied, ctx.rules.max_reopen_rounds):
        ctx.change(escalated=True)
        ctx.summary += f" after {case.round} rounds — escalated to leadership"
        reasons = [f"complainant not satisfied after {case.round} rounds"]
        ctx.after.append(lambda: alert(ctx.uow, "", case, case.severity, reasons))


async def _close(ctx: Act) -> None:
    disposition = ctx.params.disposition
    if disposition not in settlement.CLOSING:
        raise InvalidArgument("unknown disposition", {"close.disposition": "must be one of "
                              "resolved, unfounded, mediated, transferred, judged"})
    if why := settlement.closing_barred(ctx.case, disposition,
                                        ctx.rules.self_settlement_limit_fen):
        raise FailedPrecondition(why)
    ctx.change(disposition=disposition)
    ctx.summary = f"closed (办结): {disposition}"


async def _reopen(ctx: Act) -> None:
    case = ctx.case
    if why := settlement.reopening_barred(case, actor_of(ctx.principal),
                                          ctx.rules.max_reopen_rounds):
        raise FailedPrecondition(why)
    ctx.change(round=case.round + 1, disposition="", closed_at=None,
               last_follow_up_satisfied=None)
    ctx.summary = f"reopened for round {case.round + 1}"


async def _hold(ctx: Act) -> None:
    kind = ctx.params.kind
    if kind not in model.HOLD_KINDS:
        raise InvalidArgument("unknown hold", {"hold.kind": "must be material (the "
                              "complainant's), appraisal, testing or hearing"})
    ctx.change(held_from=ctx.case.status.value, hold_reason=kind)
    ctx.summary = f"on hold: waiting for {kind}"


async def _resume(ctx: Act) -> None:
    ctx.change(held_from="", hold_reason="")
    ctx.summary = "resumed"


async def _withdraw(ctx: Act) -> None:
    ctx.change(disposition="withdrawn")
    ctx.summary = "withdrawn by the complainant (撤回)"
    await outbound.withdraw(ctx)


async def _archive(ctx: Act) -> None:
    ctx.summary = "archived (归档) with its timeline, records and materials"


async def _reclassify(ctx: Act) -> None:
    category = ctx.require(ctx.params.category, "reclassify.category", "the new category", 64)
    ctx.change(category=category, category_source="staff", matched_keywords=())
    _reroute(ctx, "reclassified", category=category)
    ctx.summary = (f"reclassified from {ctx.case.category or 'unclassified'} to {category}; "
                   "routing again")


async def _designate_lead(ctx: Act) -> None:
    p: case_pb2.DesignateLead = ctx.params
    lead = ctx.require(p.department, "designate_lead.department", "the lead department", 100)
    involved = ctx.case.departments_involved
    if involved and lead not in involved:
        raise InvalidArgument("the lead must be one of the departments involved",
                              {"designate_lead.department": f"one of {', '.join(involved)}"})
    ctx.change(cooperating=tuple(d for d in p.cooperating or involved if d != lead),
               coordinated=False)
    _reroute(ctx, "lead", department=lead)
    ctx.summary = f"lead department {lead} named by the coordinating office"


async def _declare_conflict(ctx: Act) -> None:
    _reroute(ctx, "conflict", department=ctx.case.department, exclude=ctx.principal.user_id)
    ctx.summary = (f"handler {ctx.principal.user_id} declared a conflict of interest (回避); "
                   "the case moves to another handler")


async def _other(ctx: Act, case_id: str, name: str) -> Case:
    if case_id == ctx.case.case_id:
        raise InvalidArgument("a case cannot be linked to itself", {name: "another case"})
    other = await records.read(ctx.uow, ctx.case.tenant_id, case_id)
    if other is None:
        raise InvalidArgument("no such case", {name: "not a case of this institution"})
    return other


async def _link(ctx: Act) -> None:
    other = await _other(ctx, ctx.params.case_id, "link.case_id")
    ctx.item("link", {"case_id": other.case_id, "case_number": other.case_number,
                      "relation": "related"})
    ctx.item("link", {"case_id": ctx.case.case_id, "case_number": ctx.case.case_number,
                      "relation": "related"}, case_id=other.case_id)
    ctx.summary = f"linked with {other.case_number}"


async def _merge(ctx: Act) -> None:
    """This complaint joins another: its complainant becomes a co-complainant there."""
    target = await _other(ctx, ctx.params.into_case_id, "merge.into_case_id")
    if target.status not in model.OPEN:
        raise FailedPrecondition(f"{target.case_number} is {target.status.value}; merge into "
                                 "an open case")
    case = ctx.case
    if not case.anonymous and not case.sealed:
        ctx.item("party", {"name": case.complainant_name, "phone": case.complainant_phone,
                           "unit": case.contact.unit, "relation": case.contact.relation},
                 case_id=target.case_id)
    ctx.item("link", {"case_id": target.case_id, "case_number": target.case_number,
                      "relation": "merged_into"})
    ctx.item("link", {"case_id": case.case_id, "case_number": case.case_number,
                      "relation": "merged_from"}, case_id=target.case_id)
    record(ctx.uow, case.tenant_id, target.case_id, "", "merge",
           f"{case.case_number} merged in; its complainant joins this case",
           actor=ctx.principal.user_id, at=ctx.now, reason=ctx.reason)
    ctx.change(disposition="merged")
    ctx.summary = f"merged into {target.case_number}"


async def _add_note(ctx: Act) -> None:
    ctx.summary = ctx.require(ctx.params.text, "add_note.text", "the note")


SHA256 = re.compile(r"^[0-9a-f]{64}$")
MAX_FILES = 20


def _files(p: case_pb2.AddMaterial) -> list[dict]:
    """The gateway's references to stored files: checked for shape, kept as data."""
    if len(p.files) > MAX_FILES:
        raise InvalidArgument("too many files", {"add_material.files": f"at most {MAX_FILES}"})
    files = []
    for i, f in enumerate(p.files):
        name = f.name.strip()
        if not SHA256.match(f.sha256) or f.size <= 0 or not f.media_type or not name \
                or len(name) > 255 or len(f.media_type) > 100:
            raise InvalidArgument("a file reference is malformed",
                                  {f"add_material.files[{i}]": "sha256, size, type and name"})
        files.append({"sha256": f.sha256, "size": f.size, "media_type": f.media_type,
                      "name": name})
    return files


async def _add_material(ctx: Act) -> None:
    p: case_pb2.AddMaterial = ctx.params
    files = _files(p)
    description = ctx.require(p.description, "add_material.description",
                              "a description of the material") \
        if p.description.strip() or not files else ""
    ctx.item("material", {"description": description, "added_by": ctx.actor, "files": files})
    ctx.summary = f"material added by {ctx.actor}"
    for f in files:
        ctx.summary += (f"; file {f['name']} ({f['media_type']}, {f['size']} bytes, "
                        f"SHA-256 {f['sha256']})")
    case = ctx.case
    if case.status == Status.ON_HOLD and case.hold_reason == "material":
        ctx.change(status=case.resumed_status(), held_from="", hold_reason="")
        ctx.summary += "; the awaited material arrived, handling resumes"


async def _record_milestone(ctx: Act) -> None:
    p: case_pb2.RecordMilestone = ctx.params
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
    if milestone == "rights_informed" and "death" in ctx.case.circumstances:
        ctx.notice = "death"   # the notice (第二十三条) then tells the autopsy rules too
    if p.HasField("happened_at"):
        happened = p.happened_at.ToDatetime(tzinfo=UTC)
        problem = model.happened_problem(happened, ctx.now, ctx.case.received_at)
        if problem:
            raise InvalidArgument(problem, {"record_milestone.happened_at": problem})
        ctx.milestone_at = happened
        note = f"{note}; happened at {model.local_deadline(happened)}".lstrip("; ")
    ctx.summary = model.milestone_summary(milestone, note)


async def _reveal_identity(ctx: Act) -> None:
    """The reporter's identity is shown to this person, once, and the record says who and why
    (举报人保护: 不得向无关人员泄露)."""
    ctx.summary = f"reporter's identity revealed to {ctx.principal.user_id} (举报人身份查看)"


async def _return_transfer(ctx: Act) -> None:
    ctx.summary = "returned (退回): not competent for it"
    await outbound.answer(ctx, "returned")


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
    "transfer": outbound.offer, "return_transfer": _return_transfer,
    "report_outcome": outbound.report_outcome,
}
assert set(APPLY) == set(model.RULES), "every action of the lifecycle has its effect"

"""案件详情: one case as the services know it, its deadlines explained, and a form for each
action the signed-in person may take now.

Each form posts to the same Act RPC the API's `POST /v1/cases/{id}/actions` calls, through the
same body (`schemas.CaseAction`) and the same translation (`views.act_request`); the lifecycle
rules stay in the case service. A refusal is shown next to its form, in words, and nothing
changes; a success redirects to the case as it now stands (PRG). A reporter's identity opened
by reveal_identity is shown in that answer only.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Annotated, Any

import grpc
from casebridge.case.v1 import case_pb2
from casebridge.escalation.v1 import escalation_pb2
from casebridge.routing.v1 import routing_pb2
from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import TypeAdapter, ValidationError
from starlette.datastructures import FormData

from gateway import schemas as s
from gateway.deps import Call
from gateway.views import act_request
from gateway.web import i18n, timeline
from gateway.web.calls import Refusal, call_for
from gateway.web.pages import SHANGHAI, render
from gateway.web.session import Session, check_csrf, required

router = APIRouter(include_in_schema=False)
ACTION: TypeAdapter[Any] = TypeAdapter(s.CaseAction)


@dataclass(frozen=True)
class Field:
    """One input of an action's form: text, area, select, check, yuan, when, rating."""

    name: str
    kind: str = "text"
    required: bool = False
    group: str = ""                 # a CODES group whose codes are the select's options


F = Field
# the form of each action (the fields of its schemas.CaseAction body); `reason` is added to all
FORMS: dict[str, tuple[Field, ...]] = {
    "accept": (), "refuse": (F("notice", "area", True),),
    "refer": (F("competent_body", required=True), F("mode", "select", True, "referral_mode")),
    "assign": (), "start_investigation": (),
    "record_investigation": (F("type", "select", True, "record_type"),
                             F("subject", required=True), F("summary", "area", True),
                             F("at", "when")),
    "propose": (F("text", "area", True), F("compensation", "yuan")),
    "approve_proposal": (F("note"),), "reject_proposal": (F("note"),),
    "answer": (F("mode", "select", True, "answer_mode"), F("text", "area", True)),
    "follow_up": (F("satisfied", "check"), F("rating", "rating"), F("solved", "check"),
                  F("note", "area")),
    "close": (F("disposition", "select", True, "disposition"),),
    "reopen": (), "hold": (F("kind", "select", True, "hold"),), "resume": (),
    "withdraw": (), "archive": (),
    "reclassify": (F("category", "select", True),),
    "designate_lead": (F("department", "select", True), F("cooperating")),
    "declare_conflict": (), "link": (F("case_id", required=True),),
    "merge": (F("into_case_id", required=True),),
    "add_note": (F("text", "area", True),), "add_material": (F("description", "area", True),),
    "record_milestone": (F("milestone", required=True), F("note"), F("happened_at", "when")),
    "reveal_identity": (),
    "transfer": (F("route", "select", True), F("to_agency"), F("reason_code", "select", True),
                 F("consent", "check"), F("reporter_consent", "check"), F("note", "area")),
    "return_transfer": (),
    "report_outcome": (F("outcome", required=True), F("text", "area", True),
                       F("amount", "yuan")),
}
# the lifecycle asks these for a reason (the service checks it; the form marks it required)
REASONED = frozenset({"refuse", "refer", "reject_proposal", "reopen", "hold", "withdraw",
                      "reclassify", "declare_conflict", "merge", "reveal_identity",
                      "return_transfer"})
CLOSING = ("resolved", "unfounded", "mediated", "transferred", "judged")
CHECKS = ("satisfied", "solved", "consent", "reporter_consent")

i18n.add({
    "case.by.system": ("系统", "system"), "case.by.complainant": ("投诉人", "the complainant"),
    "case.title": ("案件", "Case"), "case.facts": ("案件信息", "The case"),
    "case.number": ("编号", "Case number"), "case.kind": ("类型", "Kind"),
    "case.channel": ("来源渠道", "Channel"), "case.status": ("状态", "Status"),
    "case.disposition": ("办结方式", "Disposition"), "case.round": ("办理轮次", "Round"),
    "case.received": ("受理时间", "Received"), "case.parties": ("当事人", "Parties"),
    "case.complainant": ("投诉人", "Complainant"), "case.anonymous": ("匿名", "anonymous"),
    "case.withheld": ("举报人身份已封存，经审批方可查看", "the reporter's identity is sealed; "
                      "it is opened only by an audited reveal"),
    "case.respondent": ("被投诉方", "Respondent"), "case.co": ("共同投诉人", "Co-complainants"),
    "case.content": ("投诉内容", "Content"), "case.demands": ("诉求", "Demands"),
    "case.facts_text": ("事实与理由", "Facts"), "case.incident_time": ("发生时间", "When"),
    "case.incident_place": ("发生地点", "Where"), "case.claimed": ("索赔金额", "Amount claimed"),
    "case.circumstances": ("情形", "Circumstances"), "case.details": ("其他信息", "Details"),
    "case.hold_reason": ("中止原因", "Held because"),
    "case.refusal_reason": ("不予受理理由", "Refused because"),
    "case.competent_body": ("有权机关", "Competent body"),
    "case.handling": ("分类与承办", "Classification and handling"),
    "case.category": ("类别", "Category"), "case.keywords": ("匹配关键词", "Matched keywords"),
    "case.source": ("分类依据", "Classified by"), "case.severity": ("等级", "Severity"),
    "case.severity_reasons": ("定级理由", "Why"), "case.department": ("承办部门", "Department"),
    "case.involved": ("涉及部门", "Departments involved"), "case.handler": ("承办人", "Handler"),
    "case.first_contact": ("首问责任人", "First-contact owner (首问)"),
    "case.escalated": ("已升级", "escalated"), "case.none": ("无", "none"),
    "case.deadlines": ("办理时限", "Deadlines"), "case.due": ("法定时限", "Legal deadline"),
    "case.rule": ("依据", "Rule and source"), "case.clock_state": ("计时状态", "State"),
    "case.started": ("起算", "Started"), "case.counted_from": ("自此日计算", "Counted from"),
    "case.counted": ("计入天数", "Days counted"),
    "case.weekends": ("跳过周末", "Weekend days skipped"),
    "case.holidays": ("跳过法定节假日", "Public holidays skipped"),
    "case.makeup": ("调休上班日（计入）", "Make-up working days (counted)"),
    "case.paused": ("中止期间（不计入）", "Paused (not counted)"),
    "case.moved": ("期限届满日顺延", "End moved past a holiday"),
    "case.warnings": ("提示", "Warnings"), "case.no_clocks": ("尚无计时。", "No clock yet."),
    "case.clocks_unavailable": ("时限说明暂时无法读取。", "The deadline explanation is not "
                                "available right now."),
    "case.timeline": ("办理记录", "Timeline"), "case.at": ("时间", "When"),
    "case.entry": ("事项", "Entry"), "case.actor": ("办理人", "By"),
    "case.change": ("状态变化", "Status"), "case.reason": ("理由", "Reason"),
    "case.summary": ("说明", "Summary"),
    "case.records": ("调查记录", "Investigation records"),
    "case.proposals": ("处理意见", "Proposals"), "case.answers": ("答复", "Answers"),
    "case.follow_ups": ("回访", "Follow-ups"), "case.materials": ("补充材料", "Materials"),
    "case.links": ("关联案件", "Linked cases"), "case.transfers": ("转送", "Transfers"),
    "case.required_role": ("审批角色", "Approver"), "case.decision": ("审批", "Decision"),
    "case.compensation": ("赔偿/补偿", "Compensation"),
    "case.satisfied": ("满意", "satisfied"), "case.unsatisfied": ("不满意", "not satisfied"),
    "case.solved": ("问题已解决", "solved"), "case.rating": ("评分", "Rating"),
    "case.actions": ("可办理事项", "What you may do now"),
    "case.no_actions": ("您目前不能对此案件办理任何事项。", "There is nothing you may do on "
                        "this case now."),
    "case.refused": ("未能办理", "Not done"),
    "case.done": ("已办理", "Done"),
    "case.revealed": ("举报人身份（仅本次显示，已记录查看）", "The reporter's identity (shown "
                      "this once; the reveal is on the record)"),
    "case.candidates": ("可分派的承办人（已排除回避人员）", "Handlers who may take it "
                        "(recused people left out)"),
    "case.open_cases": ("在办", "open cases"), "case.submit": ("提交", "Submit"),
    "case.optional": ("可选", "optional"), "case.choose": ("请选择", "Choose"),
    "case.dir.in": ("转来", "received"), "case.dir.out": ("转出", "sent"),
    "case.f.reason": ("理由", "Reason"), "case.f.notice": ("不予受理告知书", "Notice"),
    "case.f.competent_body": ("有权处理的机关", "Competent body"),
    "case.f.mode": ("方式", "How"), "case.f.type": ("调查方式", "Type"),
    "case.f.subject": ("对象", "Who or what"), "case.f.summary": ("记录内容", "Record"),
    "case.f.at": ("时间（北京时间）", "When (Beijing time)"),
    "case.f.happened_at": ("发生时间（北京时间，如死亡时间、抢救结束时间）",
                           "Happened at (Beijing time: the death, the end of a rescue)"),
    "case.f.text": ("内容", "Text"), "case.f.compensation": ("赔偿/补偿金额（元）",
                                                           "Compensation (元)"),
    "case.f.note": ("备注", "Note"), "case.f.satisfied": ("投诉人表示满意",
                                                       "The complainant is satisfied"),
    "case.f.rating": ("满意度评分（1–5）", "Rating (1–5)"),
    "case.f.solved": ("问题已解决", "The problem is solved"),
    "case.f.disposition": ("办结方式", "Disposition"), "case.f.kind": ("中止原因", "Why"),
    "case.f.category": ("类别", "Category"), "case.f.department": ("牵头部门", "Lead department"),
    "case.f.cooperating": ("配合部门（用顿号或逗号分隔）", "Cooperating departments "
                           "(comma-separated)"),
    "case.f.case_id": ("关联案件编号或ID", "Case number or id"),
    "case.f.into_case_id": ("并入案件编号或ID", "Case number or id to merge into"),
    "case.f.description": ("材料说明", "Material"), "case.f.milestone": ("节点", "Milestone"),
    "case.f.route": ("转送途径与接收机构", "Path and receiver"),
    "case.f.to_agency": ("接收机构（法院等未列出时填写）", "Receiver (a court, when not "
                         "listed)"),
    "case.f.reason_code": ("转送理由", "Reason for the transfer"),
    "case.f.consent": ("投诉人同意", "The complainant consented"),
    "case.f.reporter_consent": ("举报人同意随案移送身份", "The reporter agreed that their "
                                "identity goes along"),
    "case.f.outcome": ("处理结果", "Outcome"), "case.f.amount": ("金额（元）", "Amount (元)"),
    "case.not_found": ("没有这个案件编号。", "No case with this number."),
})


def entry_words(lang: str, code: str) -> str:
    """A timeline entry: an action's words, or an event's."""
    group = "entry" if code in i18n.CODES["entry"] else "action"
    return i18n.words(lang, group, code)


def money(m: Any) -> str:
    return f"{Decimal(m.amount_fen) / 100:,.2f} 元"


def _words_of(value: str | None) -> list[str]:
    return [x.strip() for x in (value or "").replace("、", ",").replace("，", ",").split(",")
            if x.strip()]


async def _case_id(call: Call, value: str, field: str) -> str:
    """A case given by number (2026-…) or id."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        pass
    found = await call.svc.case.ListCases(case_pb2.ListCasesRequest(text=value, page_size=20),
                                          **call.options)
    for c in found.cases:
        if c.case_number == value:
            return c.case_id
    raise LookupError(field)


async def body_of(call: Call, action: str, form: FormData) -> dict[str, Any]:
    """The form → the API's action body (the same JSON a client would send)."""
    body: dict[str, Any] = {"action": action}
    for f in FORMS[action] + (Field("reason"),):
        raw = form.get(f.name)
        value = raw.strip() if isinstance(raw, str) else ""
        if f.kind == "check":
            if f.name != "solved":
                body[f.name] = bool(value)
        elif f.name == "route" and value:
            path, _, agency = value.partition("::")
            body.update({"path": path, **({"to_agency": agency} if agency else {})})
        elif value and f.kind != "rating":
            body[f.name] = await _value(call, f, value)
    return body


async def _value(call: Call, f: Field, value: str) -> Any:
    if f.kind == "when":
        return datetime.fromisoformat(value).replace(tzinfo=SHANGHAI)
    if f.name == "cooperating":
        return _words_of(value)
    if f.name in ("case_id", "into_case_id"):
        return await _case_id(call, value, f.name)
    return value


def _extras(request: case_pb2.ActRequest, action: str, form: FormData) -> None:
    """回访 rating and solved: carried by the service's follow-up, not by the API's body."""
    if action == "follow_up" and str(form.get("rating") or "").isdigit():
        request.follow_up.rating = int(str(form.get("rating")))
        request.follow_up.solved = bool(form.get("solved"))


async def _optional(coro: Any) -> Any:
    try:
        return await coro
    except grpc.aio.AioRpcError:
        return None


async def _choices(call: Call, case: case_pb2.Case) -> dict[str, Any]:
    """What the forms offer: handlers (recusals applied), categories, legal paths."""
    allowed = set(case.allowed_actions)
    found: dict[str, Any] = {"candidates": [], "categories": [], "paths": []}
    if "assign" in allowed:
        answer = await _optional(call.svc.routing.ListCandidates(
            routing_pb2.ListCandidatesRequest(
                department=case.department, case_id=case.case_id,
                complainant_name=case.complainant.name,
                respondent_person=case.respondent.person,
                respondent_unit=case.respondent.unit), **call.options))
        found["candidates"] = list(answer.candidates) if answer else []
    if "reclassify" in allowed:
        answer = await _optional(call.svc.routing.ListCategories(
            routing_pb2.ListCategoriesRequest(), **call.options))
        found["categories"] = list(answer.categories) if answer else []
    if "transfer" in allowed:
        answer = await _optional(call.svc.case.ListPaths(case_pb2.ListPathsRequest(),
                                                         **call.options))
        found["paths"] = list(answer.paths) if answer else []
    return found


async def _names(call: Call, case: case_pb2.Case) -> dict[str, str]:
    """The names of the staff the page mentions (handler, first contact, who did what), from
    routing's directory; an id it does not know, or routing away, is shown as the id."""
    ids = {case.handler_id, case.first_contact_owner,
           *(e.actor for e in case.timeline), *(r.recorded_by for r in case.records),
           *(p.proposed_by for p in case.proposals), *(p.decided_by for p in case.proposals),
           *(a.answered_by for a in case.answers), *(f.by for f in case.follow_ups),
           *(m.added_by for m in case.materials)} - {"", "complainant", "system"}
    if not ids:
        return {}
    answer = await _optional(call.svc.routing.ListHandlers(
        routing_pb2.ListHandlersRequest(user_ids=sorted(ids)[:200]), **call.options))
    return {c.user_id: c.name for c in answer.candidates if c.name} if answer else {}


def _who(names: dict[str, str], lang: str, user_id: str) -> str:
    """Who acted, in words: a named member of staff with their id, the system or the
    complainant in the page's language, anyone else by id."""
    if user_id in ("system", "complainant"):
        return i18n.text(lang, f"case.by.{user_id}")
    return f"{names[user_id]}（{user_id}）" if user_id in names else user_id


async def show(request: Request, session: Session, case_id: str, *,
               case: case_pb2.Case | None = None, status_code: int = 200,
               **context: Any) -> Response:
    call = call_for(request, session)
    try:
        if case is None:
            case = await call.svc.case.GetCase(case_pb2.GetCaseRequest(case_id=case_id),
                                               **call.options)
    except grpc.aio.AioRpcError as exc:
        refusal = Refusal.of(exc)
        return render(request, session, "error.html", status_code=refusal.status,
                      message=refusal.message)
    explained = await _optional(call.svc.escalation.Explain(
        escalation_pb2.ExplainRequest(case_id=case.case_id), **call.options))
    clocks = await _optional(call.svc.escalation.GetClocks(
        escalation_pb2.GetClocksRequest(case_id=case.case_id), **call.options))
    titles = {c.name: c for c in clocks.clocks} if clocks else {}
    actions = [a for a in case.allowed_actions if a in FORMS]
    return render(request, session, "case.html", status_code=status_code, case=case,
                  explained=explained, titles=titles, actions=actions, forms=FORMS,
                  reasoned=REASONED, closing=CLOSING, money=money, key=uuid.uuid4,
                  codes=lambda group: list(i18n.CODES.get(group, {})),
                  entry=partial(entry_words, session.lang),
                  told=timeline.Teller(session.lang, {n: c.title for n, c in titles.items()
                                                      if c.title}),
                  moved_why=partial(timeline.moved_why, session.lang),
                  convention=partial(timeline.convention, session.lang),
                  rule_words=partial(timeline.rule_words, session.lang),
                  who=partial(_who, await _names(call, case), session.lang),
                  **await _choices(call, case), **context)


@router.get("/cases/{case_id}")
async def case_page(request: Request, case_id: uuid.UUID,
                    session: Annotated[Session, Depends(required)],
                    done: str | None = None) -> Response:
    return await show(request, session, str(case_id), done=done if done in FORMS else None)


@router.post("/cases/{case_id}/actions/{action}")
async def act(request: Request, case_id: uuid.UUID, action: str,
              session: Annotated[Session, Depends(required)]) -> Response:
    form = await request.form()
    check_csrf(request, session, str(form.get("csrf") or ""))
    if action not in FORMS:
        return render(request, session, "error.html", status_code=404,
                      message=i18n.text(session.lang, "not_found"))
    call = call_for(request, session)
    submitted = {k: str(v) for k, v in form.items() if k not in ("csrf", "idempotency_key")}
    try:
        body = ACTION.validate_python(await body_of(call, action, form))
        rpc = act_request(str(case_id), body, str(form.get("idempotency_key") or uuid.uuid4()))
        rpc.brief = action != "reveal_identity"   # else the page is shown afresh (below)
        _extras(rpc, action, form)
        case = await call.svc.case.Act(rpc, **call.options)
    except LookupError as exc:
        refusal = Refusal(422, i18n.text(session.lang, "case.not_found"),
                          {str(exc): i18n.text(session.lang, "case.not_found")})
    except ValidationError as exc:
        refusal = Refusal(422, "; ".join(e["msg"] for e in exc.errors()),
                          {".".join(str(p) for p in e["loc"][1:]) or "form": e["msg"]
                           for e in exc.errors()})
    except ValueError as exc:          # a date the browser should not have sent
        refusal = Refusal(422, str(exc))
    except grpc.aio.AioRpcError as exc:
        refusal = Refusal.of(exc)
    else:
        if action == "reveal_identity":      # shown in this answer only, never stored here
            return await show(request, session, str(case_id), case=case, revealed=True,
                              done=action)
        return RedirectResponse(f"/cases/{case_id}?done={action}#result", status_code=303)
    at_fault = {k.rsplit(".", 1)[-1]: v for k, v in refusal.fields.items()}
    return await show(request, session, str(case_id), status_code=refusal.status,
                      refused=action, refusal=refusal, at_fault=at_fault, submitted=submitted)

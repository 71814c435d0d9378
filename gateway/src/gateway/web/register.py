"""受理登记: register a complaint or report on the tenant's own form.

The form is the tenant kind's (intake's GetForm: what it requires, its own detail fields);
a post becomes the same `ComplaintCreate` the API validates and the same SubmitComplaint
request the API sends (views.submit_request), under an Idempotency-Key made when the form
was rendered, so a double submit registers one case. Every message next to a field is the
API's own: pydantic's for the shape, intake's for the tenant's rules.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, get_args

import grpc
from casebridge.intake.v1 import intake_pb2
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import ValidationError

from gateway import schemas as s
from gateway import views
from gateway.web import i18n
from gateway.web.calls import Refusal, call_for
from gateway.web.pages import SHANGHAI, render
from gateway.web.session import Session, check_csrf, required

router = APIRouter(include_in_schema=False)
CHANNELS: tuple[str, ...] = get_args(s.Channel)
CIRCUMSTANCES: tuple[str, ...] = get_args(s.Circumstance)
COMPLAINANT = ("name", "phone", "unit", "relation", "address", "email")
RESPONDENT = ("unit", "department", "person")
TOP = ("content", "demands", "facts", "incident_time", "incident_place", "referred_by")
MAX_FIELDS = 80

i18n.add({
    "register.title": ("受理登记", "Register a complaint or report"),
    "register.kind": ("类型", "Kind"), "register.channel": ("来源渠道", "Channel"),
    "register.identity": ("投诉人身份", "Identity"),
    "register.real_name": ("实名", "Real name"), "register.anonymous": ("匿名", "Anonymous"),
    "register.anonymous_hint": ("匿名时不登记投诉人信息（以下各项不提交）。",
                                "Anonymous: the complainant's details below are not sent."),
    "register.no_anonymous": ("本机构不受理匿名投诉；匿名的可登记为举报。",
                              "This institution takes no anonymous complaints; an anonymous "
                              "one may be registered as a report."),
    "register.complainant": ("投诉人", "Complainant"),
    "register.complainant.name": ("姓名", "Name"), "register.complainant.phone": ("电话", "Phone"),
    "register.complainant.unit": ("单位", "Organisation"),
    "register.complainant.relation": ("与患者/消费者关系", "Relation (e.g. self, family)"),
    "register.complainant.address": ("通讯地址", "Address"),
    "register.complainant.email": ("电子邮箱", "E-mail"),
    "register.matter": ("投诉内容", "The matter"),
    "register.content": ("内容", "Content"), "register.demands": ("投诉请求", "Demands"),
    "register.facts": ("事实和理由", "Facts and reasons"),
    "register.incident_time": ("发生时间", "When it happened"),
    "register.incident_place": ("发生地点", "Where it happened"),
    "register.referred_by": ("转来单位", "Referred by"),
    "register.details": ("专项信息", "Details"),
    "register.respondent": ("被投诉方", "Respondent"),
    "register.respondent.unit": ("被投诉单位", "Organisation"),
    "register.respondent.department": ("被投诉科室/部门", "Department"),
    "register.respondent.person": ("被投诉人", "Person"),
    "register.more": ("其他", "More"),
    "register.received_at": ("实际收到时间（补登）", "Actually received (late registration)"),
    "register.received_at_hint": ("早于登记时收到的（如次日拆阅的来信），填写实际收到时间"
                                  "（北京时间），时限从此起算；最多 30 天前。",
                                  "If it came in before now (a letter opened the next morning), "
                                  "when, in Beijing time; deadlines count from it; at most 30 "
                                  "days back."),
    "register.claimed_amount": ("诉求金额（元）", "Amount claimed (yuan)"),
    "register.circumstances": ("情节", "Circumstances"),
    "register.locale": ("投诉人语言", "The complainant's language"),
    "register.required": ("必填", "required"), "register.choose": ("请选择", "choose"),
    "register.yes": ("是", "yes"), "register.no": ("否", "no"),
    "register.submit": ("登记", "Register"),
    "register.errors": ("登记未完成，请更正以下各项：", "Not registered: please correct these:"),
    "register.done": ("已登记", "Registered"),
    "register.received": ("受理时间", "Received"),
    "register.number": ("案件编号", "Case number"),
    "register.access_code": ("查询码", "Access code"),
    "register.access_code_hint": ("请将查询码告知投诉人：凭案件编号和查询码可查询办理进度。"
                                  "查询码仅显示这一次，系统只保存其摘要，无法再次查看。",
                                  "Give the access code to the complainant: with the case number "
                                  "it lets them follow the case. It is shown only this once; "
                                  "casebridge keeps only a hash of it and cannot show it again."),
    "register.open_case": ("查看案件", "Open the case"),
    "register.duplicates": ("可能重复的案件", "Possible duplicates"),
    "register.no_duplicates": ("未发现可能重复的案件。", "No possible duplicates found."),
    "register.score": ("相似度", "Score"), "register.reasons": ("依据", "Reasons"),
    "register.another": ("继续登记", "Register another"),
    "register.replayed": ("这份登记此前已提交过，以下为第一次登记的结果。",
                          "This form had already been submitted; this is the case it "
                          "registered."),
    "register.content_shown": ("登记内容", "As registered"),
})


async def _form(request: Request, session: Session) -> intake_pb2.Form:
    call = call_for(request, session)
    form: intake_pb2.Form = await call.svc.intake.GetForm(intake_pb2.GetFormRequest(),
                                                         **call.options)
    return form


def _requirements(form: intake_pb2.Form) -> set[str]:
    """Paths marked required on the page: those needed on their own (not "a|b")."""
    return {path for path in form.required if "|" not in path}


def _page(request: Request, session: Session, form: intake_pb2.Form, *, values: dict[str, str],
          circumstances: list[str], key: str, errors: dict[str, str] | None = None,
          message: str = "", status_code: int = 200) -> Response:
    return render(request, session, "register.html", status_code=status_code, form=form,
                  values=values, chosen=set(circumstances), key=key, errors=errors or {},
                  message=message, needed=_requirements(form), channels=CHANNELS,
                  circumstance_codes=CIRCUMSTANCES, complainant_fields=COMPLAINANT,
                  respondent_fields=RESPONDENT)


@router.get("/register")
async def register_page(request: Request,
                        session: Annotated[Session, Depends(required)]) -> Response:
    try:
        form = await _form(request, session)
    except grpc.aio.AioRpcError as exc:
        refusal = Refusal.of(exc)
        return render(request, session, "error.html", status_code=refusal.status,
                      message=refusal.message)
    return _page(request, session, form, values={"kind": "complaint", "channel": "visit",
                                                 "identity": "real", "locale": "zh-CN"},
                 circumstances=[], key=str(uuid.uuid4()))


def _text(values: dict[str, str], name: str) -> str | None:
    return values.get(name, "").strip() or None


def body_of(values: dict[str, str], circumstances: list[str],
            form: intake_pb2.Form) -> dict[str, Any]:
    """The form's fields as the API's JSON body: empty fields left out, anonymous means no
    complainant; the late registration time read as Beijing time."""
    body: dict[str, Any] = {"kind": values.get("kind", ""), "channel": values.get("channel", ""),
                            "content": values.get("content", ""),
                            "locale": values.get("locale") or "zh-CN",
                            "circumstances": circumstances}
    for name in TOP[1:]:
        if (text := _text(values, name)) is not None:
            body[name] = text
    if values.get("identity") != "anonymous":
        body["complainant"] = {f: v for f in COMPLAINANT
                               if (v := _text(values, f"complainant.{f}")) is not None}
    respondent = {f: v for f in RESPONDENT if (v := _text(values, f"respondent.{f}")) is not None}
    if respondent:
        body["respondent"] = respondent
    body["details"] = {d.name: v for d in form.details
                       if (v := _text(values, f"details.{d.name}")) is not None}
    if (amount := _text(values, "claimed_amount")) is not None:
        body["claimed_amount"] = amount
    if (moment := _text(values, "received_at")) is not None:
        try:
            body["received_at"] = datetime.fromisoformat(moment).replace(tzinfo=SHANGHAI)
        except ValueError:
            body["received_at"] = moment          # pydantic says why it is not a time
    return body


def _field(loc: tuple[Any, ...]) -> str:
    """A pydantic error's place as the page (and the API) names it: complainant.phone."""
    return ".".join(str(p) for p in loc) or "body"


@router.post("/register")
async def register(request: Request,
                   session: Annotated[Session, Depends(required)]) -> Response:
    data = await request.form(max_fields=MAX_FIELDS)
    check_csrf(request, session, str(data.get("csrf", "")))
    values = {k: str(v) for k, v in data.items() if k not in ("csrf", "circumstances")}
    circumstances = [str(c) for c in data.getlist("circumstances")]
    key = values.get("idempotency_key") or str(uuid.uuid4())
    try:
        form = await _form(request, session)
    except grpc.aio.AioRpcError as exc:
        refusal = Refusal.of(exc)
        return render(request, session, "error.html", status_code=refusal.status,
                      message=refusal.message)
    try:
        body = s.ComplaintCreate.model_validate(body_of(values, circumstances, form))
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for e in exc.errors():
            errors.setdefault(_field(tuple(e.get("loc", ()))), str(e.get("msg")))
        return _page(request, session, form, values=values, circumstances=circumstances,
                     key=key, errors=errors, status_code=422,
                     message="the request has invalid or missing fields")
    call = call_for(request, session)
    try:
        answer = await call.svc.intake.SubmitComplaint(views.submit_request(body, key),
                                                       **call.options)
    except grpc.aio.AioRpcError as exc:
        refusal = Refusal.of(exc)
        return _page(request, session, form, values=values, circumstances=circumstances,
                     key=key, errors=refusal.fields, message=refusal.message,
                     status_code=refusal.status)
    return render(request, session, "registered.html", case=views.accepted(answer),
                  replayed=answer.replayed)

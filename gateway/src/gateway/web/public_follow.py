"""The complainant's follow page: `/t/<tenant>/follow`, no staff session.

The person types the case number and the access code (POSTed, never in a URL); the same check
as the REST portal opens the case (`routes.portal.open_case`: 5 wrong codes per case number per
15 minutes, counted by every gateway replica together). Once opened, a short-lived signed
cookie bound to (tenant, case id) — HttpOnly, SameSite=Strict, 30 minutes, scoped to this
page's path, never the code itself — lets the person add text material, withdraw (after a
confirmation step), rate the answer and ask for a re-look, each through the case service's
own rules for a complainant (`PortalView` shows only what is public).

The anonymous forms carry a signed double-submit token: the same random value in an HttpOnly
SameSite=Strict cookie and in the form's `csrf` field, signed so a value not made here fails.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from functools import partial
from typing import Annotated, Any

import grpc
import jwt
from casebridge.case.v1 import case_pb2
from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from gateway.deps import Call, system_call
from gateway.files.serve import download, listed
from gateway.files.store import Refused
from gateway.routes import portal as rest_portal
from gateway.web import i18n
from gateway.web.attach import attach
from gateway.web.calls import Refusal
from gateway.web.pages import templates

router = APIRouter(prefix="/t/{tenant_id}/follow", include_in_schema=False)

OPENED = "cb_follow"            # the opened case: signed (tenant, case id), 30 minutes
FORMS = "cb_follow_forms"     # the anonymous forms' double-submit token
LANGUAGE = "cb_lang"
AUDIENCE = "casebridge-follow"
TTL_S = 30 * 60
DONE = ("material", "withdrawn", "rated", "relook")

i18n.add({
    "follow.title": ("查询办理进度", "Follow your case"),
    "follow.intro": ("请输入登记时获得的案件编号和查询码。查询码只在登记时显示一次，请勿告诉他人。",
                     "Enter the case number and the access code you were given when the "
                     "case was registered. The code was shown once; keep it to yourself."),
    "follow.number": ("案件编号", "Case number"),
    "follow.number_hint": ("例如 CC12315-2026-000123", "e.g. CC12315-2026-000123"),
    "follow.code": ("查询码", "Access code"),
    "follow.open": ("查询", "Open the case"),
    "follow.wrong": ("案件编号或查询码不正确，请核对后重试。",
                     "The case number or the access code is not right; check them and "
                     "try again."),
    "follow.throttled": ("该案件的查询码错误次数过多，请于 {minutes} 分钟后再试。",
                         "Too many wrong access codes for this case; try again in "
                         "{minutes} minutes."),
    "follow.malformed": ("请填写正确格式的案件编号和查询码（8 位以上）。",
                         "Enter a case number and an access code (8 characters or more) in "
                         "the right form."),
    "follow.stale": ("页面已过期，请重新打开本页再提交。",
                     "The form is stale; open the page again and resubmit."),
    "follow.expired": ("查询已超时，请重新输入查询码。",
                       "Your view has timed out; enter the access code again."),
    "follow.unknown_tenant": ("没有这个机构。", "No such institution."),
    "follow.case": ("案件", "Case"), "follow.kind": ("类型", "Kind"),
    "follow.status": ("办理状态", "Status"), "follow.received": ("登记时间", "Received"),
    "follow.deadline": ("当前办理时限", "Deadline that applies now"),
    "follow.no_deadline": ("暂无", "none now"),
    "follow.round": ("办理轮次", "Round of handling"),
    "follow.disposition": ("办结方式", "Outcome"),
    "follow.content": ("您反映的问题", "What you told us"),
    "follow.steps": ("办理过程", "Steps"),
    "follow.when": ("时间", "When"), "follow.step": ("步骤", "Step"),
    "follow.transfers": ("转送其他机构", "Sent to other institutions"),
    "follow.transfer_to": ("转送至", "Sent to"), "follow.path": ("途径", "Path"),
    "follow.transfer_status": ("状态", "Status"), "follow.outcome": ("结果", "Outcome"),
    "follow.answers": ("答复", "Answer"),
    "follow.answer_round": ("第 {round} 轮答复", "Answer, round {round}"),
    "follow.no_answer": ("尚未答复。", "Not answered yet."),
    "follow.materials": ("补充材料", "Material"),
    "follow.by_you": ("您提交", "from you"),
    "follow.by_office": ("机构登记", "recorded by the office"),
    "follow.add_material": ("补充文字材料", "Add material (text)"),
    "follow.send": ("提交", "Send"),
    "follow.rate": ("评价答复", "Rate the answer"),
    "follow.rating": ("满意程度", "How satisfied are you?"),
    "follow.rating.1": ("非常不满意", "very dissatisfied"),
    "follow.rating.2": ("不满意", "dissatisfied"), "follow.rating.3": ("一般", "neutral"),
    "follow.rating.4": ("满意", "satisfied"), "follow.rating.5": ("非常满意", "very satisfied"),
    "follow.solved": ("问题是否已解决", "Is the problem solved?"),
    "follow.rating_missing": ("请选择满意程度，并说明问题是否已解决。",
                              "Choose how satisfied you are and whether it is solved."),
    "follow.yes": ("已解决", "Yes"), "follow.no": ("未解决", "No"),
    "follow.note": ("意见（可选）", "Comment (optional)"),
    "follow.relook": ("申请重新处理", "Ask for it to be looked at again"),
    "follow.relook_hint": ("您对答复不满意：可在本机构规定的办理轮次内申请重新处理。",
                           "You were not satisfied with the answer: within the rounds of "
                           "handling this institution allows, you may ask for a re-look."),
    "follow.relook_reason": ("需要重新处理的问题", "What should be looked at again"),
    "follow.withdraw": ("撤回", "Withdraw"),
    "follow.withdraw_confirm": ("确认撤回", "Confirm the withdrawal"),
    "follow.withdraw_warning": ("撤回后本案即办结，不能恢复；如需再次反映须重新登记。",
                                "Once withdrawn the case is closed for good; to raise it "
                                "again it must be registered anew."),
    "follow.withdraw_reason": ("撤回原因", "Why do you withdraw?"),
    "follow.cancel": ("不撤回，返回", "Keep the case, go back"),
    "follow.leave": ("退出查询", "Leave"),
    "follow.done.material": ("材料已提交。", "Your material was added."),
    "follow.done.withdrawn": ("已撤回。", "The case was withdrawn."),
    "follow.done.rated": ("感谢您的评价。", "Thank you for your rating."),
    "follow.done.relook": ("已申请重新处理，本案重新进入调查核实。",
                           "Your request was taken: the case is being looked at again."),
    "follow.refused": ("未能完成：", "Not done: "),
    "follow.required": ("必填", "required"),
    "follow.step.received": ("登记", "registered"),
    "follow.step.accept": ("受理", "accepted"),
    "follow.step.refuse": ("不予受理", "not accepted"),
    "follow.step.refer": ("告知或移送有权机关", "referred to the competent body"),
    "follow.step.answer": ("答复", "answered"),
    "follow.step.close": ("办结", "closed"),
    "follow.step.reopen": ("重新处理", "looked at again"),
    "follow.step.hold": ("中止办理", "on hold"),
    "follow.step.resume": ("恢复办理", "resumed"),
    "follow.step.withdraw": ("撤回", "withdrawn"),
    "follow.step.add_material": ("补充材料", "material added"),
    "follow.step.transfer": ("转送其他机构", "sent to another institution"),
    "follow.step.transfer_outcome": ("转送结果", "outcome of the transfer"),
    "follow.step.report_outcome": ("处理结果", "outcome reported"),
    "follow.lang": ("English", "中文"),
})


# --- the signed cookies ------------------------------------------------------------------

def _key(request: Request, purpose: bytes) -> bytes:
    """Keys of their own, derived from the principal key: none is valid for anything else."""
    return hmac.new(request.app.state.principal_key, purpose, hashlib.sha256).digest()


def _sign(request: Request, nonce: str) -> str:
    mac = hmac.new(_key(request, b"casebridge follow csrf"), nonce.encode(), hashlib.sha256)
    return f"{nonce}.{mac.hexdigest()[:32]}"


def _token_ok(request: Request, token: str) -> bool:
    nonce, _, _mac = token.partition(".")
    return bool(nonce) and secrets.compare_digest(_sign(request, nonce), token)


def _token(request: Request) -> str:
    found = request.cookies.get(FORMS, "")
    return found if _token_ok(request, found) else _sign(request, secrets.token_urlsafe(18))


def _check_token(request: Request, submitted: str) -> bool:
    cookie = request.cookies.get(FORMS, "")
    return bool(submitted) and _token_ok(request, cookie) and \
        secrets.compare_digest(cookie, submitted)


def _path(tenant_id: str) -> str:
    return f"/t/{tenant_id}/follow"


def _cookie(request: Request, response: Response, name: str, value: str, tenant_id: str,
            max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path=_path(tenant_id))


def _opened(request: Request, tenant_id: str) -> str | None:
    """The case id this browser opened with its code, for this tenant, in the last 30 min."""
    token = request.cookies.get(OPENED)
    if not token:
        return None
    try:
        claims = jwt.decode(token, _key(request, b"casebridge follow case"),
                            algorithms=["HS256"], audience=AUDIENCE,
                            options={"require": ["exp", "aud", "sub", "tenant"]})
    except jwt.PyJWTError:
        return None
    return str(claims["sub"]) if claims["tenant"] == tenant_id else None


def _open(request: Request, response: Response, tenant_id: str, case_id: str) -> None:
    claims = {"aud": AUDIENCE, "tenant": tenant_id, "sub": case_id,
              "exp": int(time.time()) + TTL_S}
    _cookie(request, response, OPENED,
            jwt.encode(claims, _key(request, b"casebridge follow case"), algorithm="HS256"),
            tenant_id, TTL_S)


# --- rendering -----------------------------------------------------------------------------

def _lang(request: Request) -> str:
    asked = request.query_params.get("lang") or request.cookies.get(LANGUAGE, "")
    return asked if asked in (i18n.ZH, i18n.EN) else i18n.ZH


def _page(request: Request, tenant_id: str, name: str, *, status_code: int = 200,
          **context: Any) -> HTMLResponse:
    lang, token = _lang(request), _token(request)
    tenant = request.app.state.directory.tenants.get(tenant_id, {})
    response = templates.TemplateResponse(request, name, {
        "session": None, "lang": lang, "t": partial(i18n.text, lang),
        "w": partial(i18n.words, lang), "csrf": token, "tenant_id": tenant_id,
        "tenant_name": tenant.get("name", tenant_id), "base": _path(tenant_id),
        "other_lang": i18n.EN if lang == i18n.ZH else i18n.ZH, **context},
        status_code=status_code)
    _cookie(request, response, FORMS, token, tenant_id, 2 * 3600)
    if request.query_params.get("lang") == lang:
        _cookie(request, response, LANGUAGE, lang, tenant_id, 365 * 86400)
    response.headers["Cache-Control"] = "no-store"
    return response


def _form(request: Request, tenant_id: str, *, status_code: int = 200, message: str = "",
          number: str = "") -> HTMLResponse:
    return _page(request, tenant_id, "follow_form.html", status_code=status_code,
                 message=message, number=number)


def _known(request: Request, tenant_id: str) -> None:
    if tenant_id not in request.app.state.directory.tenants:
        raise HTTPException(404, "no such institution")


async def _complainant(request: Request, tenant_id: str, case_id: str) -> Call:
    return rest_portal.as_complainant(await system_call(request), tenant_id, case_id)


async def _show(request: Request, tenant_id: str, case_id: str, *, status_code: int = 200,
                refusal: Refusal | None = None, done: str = "") -> Response:
    call = await _complainant(request, tenant_id, case_id)
    try:
        case = await call.svc.case.PortalView(case_pb2.PortalViewRequest(case_id=case_id),
                                              **call.options)
    except grpc.aio.AioRpcError:
        response = _form(request, tenant_id, message=i18n.text(_lang(request),
                                                               "follow.expired"))
        response.delete_cookie(OPENED, path=_path(tenant_id))
        return response
    directory = request.app.state.directory.tenants
    peers = {t.peer: directory.get(t.peer, {}).get("name", t.peer) for t in case.transfers}
    return _page(request, tenant_id, "follow_case.html", status_code=status_code, case=case,
                 peers=peers, refusal=refusal, done=done if done in DONE else "",
                 allowed=set(case.allowed_actions))


# --- the routes ----------------------------------------------------------------------------

@router.get("")
async def follow(request: Request, tenant_id: str, done: str = "") -> Response:
    _known(request, tenant_id)
    case_id = _opened(request, tenant_id)
    if case_id is None:
        return _form(request, tenant_id)
    return await _show(request, tenant_id, case_id, done=done)


@router.post("")
async def open_with_code(request: Request, tenant_id: str,
                         case_number: Annotated[str, Form(max_length=64)] = "",
                         access_code: Annotated[str, Form(max_length=64)] = "",
                         csrf: Annotated[str, Form(max_length=200)] = "") -> Response:
    _known(request, tenant_id)
    t = partial(i18n.text, _lang(request))
    number, code = case_number.strip().upper(), access_code.strip()
    if not _check_token(request, csrf):
        return _form(request, tenant_id, status_code=403, message=t("follow.stale"),
                     number=number)
    if not (8 <= len(code) <= 32) or not number or len(number) > 32:
        return _form(request, tenant_id, status_code=422, message=t("follow.malformed"),
                     number=number)
    try:
        case_id = await rest_portal.open_case(request.app, await system_call(request), tenant_id,
                                  number, code)
    except HTTPException as exc:
        if exc.status_code == 429:
            seconds = int((exc.headers or {}).get("Retry-After", "900"))
            throttled = _form(request, tenant_id, status_code=429, number=number,
                              message=t("follow.throttled").format(
                                  minutes=max(1, -(-seconds // 60))))
            throttled.headers["Retry-After"] = str(seconds)
            return throttled
        return _form(request, tenant_id, status_code=404, message=t("follow.wrong"),
                     number=number)
    except grpc.aio.AioRpcError as exc:
        if exc.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.INVALID_ARGUMENT):
            return _form(request, tenant_id, status_code=404, message=t("follow.wrong"),
                         number=number)
        raise
    opened = RedirectResponse(_path(tenant_id), status_code=303)
    _open(request, opened, tenant_id, case_id)
    return opened


async def _act(request: Request, tenant_id: str, csrf: str, done: str,
               act: case_pb2.ActRequest) -> Response:
    """One action on the opened case, as its complainant; a refusal in words on the page."""
    _known(request, tenant_id)
    case_id = _opened(request, tenant_id)
    t = partial(i18n.text, _lang(request))
    if case_id is None:
        return _form(request, tenant_id, status_code=401, message=t("follow.expired"))
    if not _check_token(request, csrf):
        return _page(request, tenant_id, "follow_form.html", status_code=403,
                     message=t("follow.stale"), number="")
    act.case_id = case_id
    call = await _complainant(request, tenant_id, case_id)
    try:
        await call.svc.case.Act(act, **call.options)
    except grpc.aio.AioRpcError as exc:
        refusal = Refusal.of(exc)
        return await _show(request, tenant_id, case_id, status_code=refusal.status,
                           refusal=refusal)
    return RedirectResponse(f"{_path(tenant_id)}?done={done}", status_code=303)


@router.post("/material")
async def add_material(request: Request, tenant_id: str) -> Response:
    """Text, files or both (multipart): files are checked and stored like the staff's, then
    recorded by the complainant's add_material; a refusal leaves nothing behind."""
    _known(request, tenant_id)
    case_id = _opened(request, tenant_id)
    t = partial(i18n.text, _lang(request))
    if case_id is None:
        return _form(request, tenant_id, status_code=401, message=t("follow.expired"))
    call = await _complainant(request, tenant_id, case_id)
    case = await call.svc.case.PortalView(case_pb2.PortalViewRequest(case_id=case_id),
                                          **call.options)

    async def token(fields: dict[str, str]) -> None:
        if not _check_token(request, fields.get("csrf", "")):
            raise Refused(403, t("follow.stale"), "csrf")

    refusal, _ = await attach(request, call, tenant_id, case, token)
    if refusal is None:
        return RedirectResponse(f"{_path(tenant_id)}?done=material", status_code=303)
    return await _show(request, tenant_id, case_id, status_code=refusal.status,
                       refusal=refusal)


@router.get("/files/{sha256}")
async def own_file(request: Request, tenant_id: str,
                   sha256: Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")]) -> Response:
    """A file the complainant added, as an attachment; nobody else's."""
    _known(request, tenant_id)
    case_id = _opened(request, tenant_id)
    if case_id is None:
        return _form(request, tenant_id, status_code=401,
                     message=i18n.text(_lang(request), "follow.expired"))
    call = await _complainant(request, tenant_id, case_id)
    case = await call.svc.case.PortalView(case_pb2.PortalViewRequest(case_id=case_id),
                                          **call.options)
    return download(request, tenant_id, listed(case, sha256, added_by="complainant"))


@router.post("/rating")
async def rate(request: Request, tenant_id: str,
               rating: Annotated[int, Form(ge=0, le=5)] = 0,
               solved: Annotated[str, Form(max_length=5)] = "",
               note: Annotated[str, Form(max_length=2000)] = "",
               csrf: Annotated[str, Form(max_length=200)] = "") -> Response:
    """回访 by the complainant: as the REST portal's survey (satisfied: 3 or more and solved)."""
    if not 1 <= rating <= 5 or solved not in ("yes", "no"):
        case_id = _opened(request, tenant_id)
        if case_id is not None and _check_token(request, csrf):
            return await _show(request, tenant_id, case_id, status_code=422, refusal=Refusal(
                422, i18n.text(_lang(request), "follow.rating_missing")))
    is_solved = solved == "yes"
    return await _act(request, tenant_id, csrf, "rated", case_pb2.ActRequest(
        reason="complainant's survey",
        follow_up=case_pb2.RecordFollowUp(satisfied=rating >= 3 and is_solved, rating=rating,
                                          solved=is_solved, note=note.strip())))


@router.post("/relook")
async def relook(request: Request, tenant_id: str,
                 reason: Annotated[str, Form(max_length=2000)] = "",
                 csrf: Annotated[str, Form(max_length=200)] = "") -> Response:
    return await _act(request, tenant_id, csrf, "relook", case_pb2.ActRequest(
        reason=reason.strip(), reopen=case_pb2.Reopen()))


@router.post("/withdraw")
async def withdraw(request: Request, tenant_id: str,
                   reason: Annotated[str, Form(max_length=2000)] = "",
                   confirm: Annotated[str, Form(max_length=5)] = "",
                   csrf: Annotated[str, Form(max_length=200)] = "") -> Response:
    """First the confirmation step (what withdrawing means), then the withdrawal itself."""
    _known(request, tenant_id)
    if confirm != "yes":
        case_id = _opened(request, tenant_id)
        if case_id is None:
            return _form(request, tenant_id, status_code=401,
                         message=i18n.text(_lang(request), "follow.expired"))
        return _page(request, tenant_id, "follow_withdraw.html", reason=reason)
    return await _act(request, tenant_id, csrf, "withdrawn", case_pb2.ActRequest(
        reason=reason.strip(), withdraw=case_pb2.Withdraw()))


@router.post("/leave")
async def leave(request: Request, tenant_id: str,
                csrf: Annotated[str, Form(max_length=200)] = "") -> Response:
    _known(request, tenant_id)
    response = RedirectResponse(_path(tenant_id), status_code=303)
    if _check_token(request, csrf):
        response.delete_cookie(OPENED, path=_path(tenant_id), httponly=True,
                               samesite="strict")
    return response

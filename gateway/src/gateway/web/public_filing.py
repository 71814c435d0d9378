"""网上投诉/举报: the public filing page of an institution, /t/<tenant>/file (no account).

The form is the tenant kind's (intake's GetForm, read as the tenant's public principal) in
the register page's fields, less what only staff set (channel, late registration, referrer,
severity circumstances). A post goes through the public API's own checks (routes/public.py:
size, this address's limit, consent, the proof of work that static/pow.js does in the
browser, the challenge once, the phone's limit) and then intake's rules, and every refusal
is shown in words next to the field at fault. The answer page shows the case number and the
access code once (no-store: a reload posts again and is refused as a used challenge), with a
printable acknowledgement and the way to follow the case.

zh-CN by default; ?lang=en (kept in a cookie) for English. There is no session here, hence
no CSRF token: nothing is changed on anyone's behalf, and each post carries a one-use
challenge.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import grpc
from casebridge.intake.v1 import intake_pb2
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from gateway.consent import CONSENT_TEXT, CONSENT_TEXT_EN
from gateway.routes import public
from gateway.web import i18n
from gateway.web.calls import Refusal
from gateway.web.pages import templates
from gateway.web.register import COMPLAINANT, RESPONDENT, body_of
from gateway.web.session import LANGUAGES

router = APIRouter(include_in_schema=False)
LANG_COOKIE = "cb_public_lang"
MAX_FIELDS = 80
STAFF_ONLY = ("channel", "circumstances", "referred_by", "received_at")

i18n.add({
    "public.title": ("网上投诉举报", "File a complaint or report online"),
    "public.intro": ("本页面用于向本机构提交投诉或举报，无需注册账号。提交后将获得案件编号和"
                     "查询码，凭此查询办理进度。",
                     "File a complaint or a report with this institution; no account is "
                     "needed. You will get a case number and an access code to follow it."),
    "public.kind_hint": ("举报可以匿名；投诉是否可以匿名取决于本机构。",
                         "A report may always be anonymous; whether a complaint may depends "
                         "on the institution."),
    "public.consent_legend": ("个人信息处理同意", "Consent to the processing of personal "
                              "information"),
    "public.consent_text": (CONSENT_TEXT, CONSENT_TEXT_EN),
    "public.consent": ("我已阅读并同意上述个人信息处理说明", "I have read and agree to the "
                       "above"),
    "public.pow_working": ("正在进行安全校验…", "Running the security check…"),
    "public.pow_done": ("安全校验已完成，可以提交。", "Security check done: you may submit."),
    "public.pow_failed": ("安全校验未能完成，请刷新页面重试。",
                          "The security check could not run; reload the page and try again."),
    "public.noscript": ("提交前需要在浏览器中完成一次安全校验（需启用 JavaScript）。",
                        "Before submitting, the browser runs a security check: JavaScript "
                        "must be on."),
    "public.submit": ("提交", "Submit"),
    "public.errors": ("未提交，请处理以下问题：", "Not submitted: please see to these:"),
    "public.refused.tenant": ("没有这个机构。", "No such institution."),
    "public.refused.size": ("提交的内容过长，请精简后再提交。",
                            "What you sent is too long: please shorten it."),
    "public.refused.ip": ("本网络提交次数过多，请稍后再试。",
                          "Too many filings from this network: please try again later."),
    "public.refused.phone": ("该电话号码今日提交次数过多，请明日再试。",
                             "Too many filings with this phone number today: please try "
                             "again tomorrow."),
    "public.refused.consent": ("请阅读并勾选个人信息处理同意。",
                               "Please read and tick the consent to the processing of "
                               "personal information."),
    "public.refused.pow_needed": ("安全校验未完成：请启用 JavaScript，待页面显示“安全校验已"
                                  "完成”后再提交。",
                                  "The security check was not done: turn JavaScript on and "
                                  "submit once the page says the check is done."),
    "public.refused.pow_bad": ("安全校验无效，请刷新页面后重新提交。",
                               "The security check is not valid: reload the page and submit "
                               "again."),
    "public.refused.pow_expired": ("安全校验已过期，请重新提交。",
                                   "The security check expired: please submit again."),
    "public.refused.pow_used": ("这次安全校验已经使用过，请重新提交。",
                                "This security check was already used: please submit again."),
    "public.retry_after": ("请在以下时间后重试（秒）：", "Try again after (seconds):"),
    "public.done": ("已提交", "Filed"),
    "public.receipt": ("受理回执", "Acknowledgement of receipt"),
    "public.institution": ("受理机构", "Institution"),
    "public.code_once": ("请立即抄写、截图或打印保存查询码。查询码只显示这一次，本机构只保存其"
                         "摘要，无法再次显示或找回。",
                         "Write down, save or print the access code now. It is shown only "
                         "this once; the institution keeps only a hash of it and cannot show "
                         "it again or recover it."),
    "public.print": ("打印回执", "Print the acknowledgement"),
    "public.print_hint": ("也可使用浏览器的“打印”功能打印本页。",
                          "You may also print this page from the browser's menu."),
    "public.follow": ("查询办理进度", "Follow the case"),
    "public.follow_hint": ("凭案件编号和查询码，可在以下页面查询办理进度、补充材料：",
                           "With the case number and the access code, follow the case and "
                           "add material here:"),
    "public.as_filed": ("提交内容", "As filed"),
    "public.another": ("再提交一件", "File another"),
    "public.lang": ("English", "中文"),
})


def _lang(request: Request) -> str:
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    return asked if asked in LANGUAGES else i18n.ZH


def _render(request: Request, name: str, *, status_code: int = 200,
            headers: dict[str, str] | None = None, **context: Any) -> HTMLResponse:
    lang = _lang(request)
    response = templates.TemplateResponse(request, name, {
        "session": None, "lang": lang, "other_lang": "en" if lang == i18n.ZH else i18n.ZH,
        "t": partial(i18n.text, lang), "w": partial(i18n.words, lang), "csrf": "",
        **context}, status_code=status_code, headers={**public.NO_STORE, **(headers or {})})
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, httponly=True,
                            samesite="lax", path="/t/")
    return response


def _institution(request: Request, tenant_id: str) -> str:
    return str(request.app.state.directory.tenants[tenant_id].get("name") or tenant_id)


def _form_page(request: Request, tenant_id: str, form: intake_pb2.Form, *,
               values: dict[str, str], errors: dict[str, str] | None = None,
               message: str = "", status_code: int = 200,
               headers: dict[str, str] | None = None) -> HTMLResponse:
    needed = {p for p in form.required if "|" not in p}
    return _render(request, "public_file.html", status_code=status_code, headers=headers,
                   tenant_id=tenant_id, institution=_institution(request, tenant_id),
                   form=form, values=values, errors=errors or {}, message=message,
                   needed=needed, complainant_fields=COMPLAINANT,
                   respondent_fields=RESPONDENT)


def _error(request: Request, status: int, message: str,
           headers: dict[str, str] | None = None) -> HTMLResponse:
    return _render(request, "error.html", status_code=status, message=message,
                   headers=headers)


@router.get("/t/{tenant_id}/file")
async def file_page(request: Request, tenant_id: str) -> HTMLResponse:
    t = partial(i18n.text, _lang(request))
    if tenant_id not in request.app.state.directory.tenants:
        return _error(request, 404, t("public.refused.tenant"))
    try:
        form = await public.form_of(request, tenant_id)
    except grpc.aio.AioRpcError as exc:
        refusal = Refusal.of(exc)
        return _error(request, refusal.status, refusal.message)
    kind = "report" if request.query_params.get("kind") == "report" else "complaint"
    return _form_page(request, tenant_id, form, values={
        "kind": kind, "identity": "anonymous" if kind == "report" else "real",
        "locale": _lang(request)})


def _body(values: dict[str, str], form: intake_pb2.Form) -> dict[str, Any]:
    body = body_of(values, [], form)
    for name in STAFF_ONLY:
        body.pop(name, None)
    if not body.get("details"):
        body.pop("details", None)
    return {**body, "consent": values.get("consent") == "yes",
            "challenge": values.get("challenge", ""), "nonce": values.get("nonce", "")}


@router.post("/t/{tenant_id}/file")
async def file_post(request: Request, tenant_id: str) -> HTMLResponse:
    t = partial(i18n.text, _lang(request))
    if tenant_id not in request.app.state.directory.tenants:
        return _error(request, 404, t("public.refused.tenant"))
    try:
        public.too_large(request)
        await public.count_ip(request)
    except public.Refused as refused:
        return _error(request, refused.status, _words(t, refused), _retry(refused))
    data = await request.form(max_fields=MAX_FIELDS)
    values = {k: str(v) for k, v in data.items() if k not in STAFF_ONLY}
    try:
        form = await public.form_of(request, tenant_id)
    except grpc.aio.AioRpcError as exc:
        refusal = Refusal.of(exc)
        return _error(request, refusal.status, refusal.message)
    again = {k: v for k, v in values.items() if k not in ("challenge", "nonce")}
    try:
        body = public.PublicComplaint.model_validate(_body(values, form))
    except ValidationError as exc:
        errors = public.validation_fields(exc)
        if {"challenge", "nonce"} & set(errors):
            errors.pop("nonce", None)
            errors["challenge"] = t("public.refused.pow_needed")
        return _form_page(request, tenant_id, form, values=again, errors=errors,
                          status_code=422, message=t("public.errors"))
    try:
        answer = await public.file(request, tenant_id, body)
    except public.Refused as refused:
        fields = {f: _words(t, refused) for f in refused.fields}
        return _form_page(request, tenant_id, form, values=again, errors=fields,
                          message=_words(t, refused), status_code=refused.status,
                          headers=_retry(refused))
    except grpc.aio.AioRpcError as exc:
        refusal = Refusal.of(exc)
        return _form_page(request, tenant_id, form, values=again, errors=refusal.fields,
                          message=refusal.message, status_code=refusal.status)
    return _render(request, "public_filed.html", status_code=201, tenant_id=tenant_id,
                   institution=_institution(request, tenant_id),
                   case=public.filed(tenant_id, answer), content=body.content)


def _words(t: Any, refused: public.Refused) -> str:
    words: str = t(f"public.refused.{refused.code}") if refused.code else refused.detail
    if refused.retry_after:
        words += f" {t('public.retry_after')} {refused.retry_after}"
    return words


def _retry(refused: public.Refused) -> dict[str, str] | None:
    return {"Retry-After": str(refused.retry_after)} if refused.retry_after else None

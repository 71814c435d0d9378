"""系统管理: what an administrator edits — categories and their keywords (with a live
classification preview), the routing table, the deadline policy (tighten only), calendar years,
notice templates, webhooks and dead deliveries.

Every page calls the same service RPCs as the REST API (routes/admin.py, deadlines.py,
notifications.py); the services decide, and a refusal is shown in words next to the field.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

import grpc
from casebridge.escalation.v1 import escalation_pb2
from casebridge.notification.v1 import notification_pb2
from casebridge.routing.v1 import routing_pb2
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from gateway.web import i18n
from gateway.web.calls import Refusal, call_for
from gateway.web.pages import render
from gateway.web.session import Session, check_csrf, required

router = APIRouter(include_in_schema=False)
Signed = Annotated[Session, Depends(required)]
T = TypeVar("T")
ROUTE_ROWS_SPARE = 3          # empty rows offered under the routing table for new routes
SEVERITIES = ("一般", "重要", "重大", "危机")

i18n.add({
    "admin.title": ("系统管理", "Administration"),
    "admin.only": ("只有管理员可以进入系统管理。", "Only administrators may open the "
                   "administration pages."),
    "admin.intro": ("这里的每一项修改都由相应的服务检查；不被接受的修改会在字段旁说明原因。",
                    "Every change here is checked by the service that owns it; a refused "
                    "change is explained next to its field."),
    "admin.saved": ("已保存。", "Saved."),
    "admin.refused": ("未保存：", "Not saved: "),
    "admin.number": ("请填写一个数字。", "Give a number."),
    "admin.save": ("保存", "Save"), "admin.delete": ("删除", "Delete"),
    "admin.edit": ("编辑", "Edit"), "admin.none": ("暂无。", "None yet."),
    "admin.categories": ("分类与关键词", "Categories and keywords"),
    "admin.categories.hint": ("来件内容按关键词自动分类，再按路由表分派到承办部门。",
                              "Incoming content is classified by keywords, then routed to a "
                              "department by the routing table."),
    "admin.cat.name": ("分类名称", "Category"), "admin.cat.department": ("承办部门",
                                                                       "Department"),
    "admin.cat.keywords": ("关键词", "Keywords"),
    "admin.cat.keywords_hint": ("每行一个，或用逗号、顿号、空格分隔。",
                                "One per line, or separated by commas or spaces."),
    "admin.cat.new": ("新建分类", "New category"),
    "admin.cat.edit": ("编辑分类", "Edit category"),
    "admin.classify": ("分类预览", "Classification preview"),
    "admin.classify.text": ("输入一段来件内容，查看会被分到哪一类",
                            "Type a complaint's text to see how it would be classified"),
    "admin.classify.none": ("没有命中任何分类的关键词。", "No category's keywords match."),
    "admin.classify.result": ("会被分到", "Would be classified as"),
    "admin.classify.matched": ("命中的关键词", "Matched keywords"),
    "admin.classify.scores": ("各分类命中情况", "Every matching category"),
    "admin.classify.hits": ("命中 {n} 个关键词", "{n} keyword(s) matched"),
    "admin.routing": ("路由表", "Routing table"),
    "admin.routing.hint": ("分类 × 被投诉部门 × 等级 → 承办部门；越具体的行越优先。空白表示任意。"
                           "删除一行：清空它的承办部门。",
                           "category × respondent department × severity → responsible "
                           "department; the most specific row wins. Empty means any. To remove "
                           "a row, clear its department."),
    "admin.route.category": ("分类", "Category"),
    "admin.route.respondent": ("被投诉部门", "Respondent department"),
    "admin.route.severity": ("等级", "Severity"),
    "admin.route.department": ("承办部门", "Responsible department"),
    "admin.route.any": ("任意", "any"), "admin.route.row": ("第 {n} 行", "row {n}"),
    "admin.severity_rules": ("等级规则", "Severity rules"),
    "admin.severity_rules.absent": (
        "等级（一般、重要、重大、危机）由路由服务按机构规则判定；这些规则目前没有管理接口，"
        "因此此处不提供查看或修改。", "Severity (ordinary, important, major, crisis) is "
        "decided by the routing service from the institution's rules; no API exposes these "
        "rules yet, so they are neither shown nor edited here."),
    "admin.policy": ("办理时限", "Deadline policy"),
    "admin.policy.hint": ("法定时限只能缩短，不能延长或关闭；服务会拒绝放宽并说明依据。",
                          "A legal deadline may be shortened, never lengthened nor switched "
                          "off; the service refuses a loosening and says why."),
    "admin.policy.pack": ("适用规则包", "Rule pack"),
    "admin.policy.clock": ("时限", "Deadline"), "admin.policy.amount": ("时限", "Allowed"),
    "admin.policy.limit": ("法定上限", "Legal floor"),
    "admin.policy.cite": ("依据", "Legal source"),
    "admin.policy.legal": ("法定", "set by law"),
    "admin.policy.own": ("本单位规定", "the institution's own"),
    "admin.policy.warn": ("预警比例", "Warning at"),
    "admin.policy.warn_hint": ("已用时间占全部时限的比例，如 0.8", "share of the time used, "
                               "e.g. 0.8"),
    "admin.policy.disabled": ("停用", "switched off"),
    "admin.policy.disable": ("停用此时限", "Switch off"),
    "admin.policy.default_warn": ("默认预警比例", "Default warning at"),
    "admin.policy.ladder": ("超期升级", "Escalation ladder"),
    "admin.policy.ladder_hint": ("升级阶梯在此只读显示，可通过 API 修改。",
                                 "The ladder is shown read-only here; change it through the "
                                 "API."),
    "admin.policy.rung": ("级别", "Rung"), "admin.policy.rung_title": ("报告对象", "Who"),
    "admin.policy.rung_at": ("何时", "When"), "admin.policy.tell": ("通知", "Tells"),
    "admin.policy.after": ("之后 {n}", "{n} after"),
    "admin.policy.charges": ("超期扣分（元）", "Late-handling charges (yuan)"),
    "admin.policy.recomputed": ("已重算 {n} 个进行中的时限。", "{n} running clocks "
                                "recomputed."),
    "admin.calendar": ("节假日安排", "Calendar years"),
    "admin.calendar.hint": ("按国务院办公厅公布的节假日安排载入；载入后进行中的时限会重新计算。",
                            "Load a year as the State Council publishes it; running clocks "
                            "are recomputed."),
    "admin.calendar.loaded": ("已载入的年份", "Loaded years"),
    "admin.calendar.official": ("内置日历已包含的年份", "Years the built-in calendar knows"),
    "admin.calendar.year": ("年份", "Year"), "admin.calendar.source": ("依据文件", "Source"),
    "admin.calendar.holidays": ("放假日期", "Holidays"),
    "admin.calendar.workdays": ("调休上班日期", "Make-up working days"),
    "admin.calendar.days_hint": ("每行一天：日期 名称，如 2027-02-06 春节",
                                 "One day a line: date name, e.g. 2027-02-06 春节"),
    "admin.calendar.load": ("载入", "Load"),
    "admin.calendar.by": ("载入人", "Loaded by"), "admin.calendar.at": ("载入时间",
                                                                     "Loaded at"),
    "admin.calendar.counts": ("{h} 天假日，{w} 天调休上班", "{h} holidays, {w} make-up "
                              "working days"),
    "admin.calendar.done": ("{y} 年已载入，重算了 {n} 个时限。", "{y} loaded; {n} clocks "
                            "recomputed."),
    "admin.calendar.line": ("第 {n} 行", "line {n}"),
    "admin.templates": ("通知模板", "Notice templates"),
    "admin.templates.hint": ("模板为 Jinja2 格式；保存前由通知服务用样例数据试渲染，"
                             "无法渲染的会被拒绝。页面不另行渲染预览。",
                             "Templates are Jinja2; the notification "
                             "service renders each with sample data before saving and refuses "
                             "one that does not render. No separate preview is rendered here."),
    "admin.tpl.name": ("模板", "Template"), "admin.tpl.locale": ("语言", "Language"),
    "admin.tpl.subject": ("标题", "Subject"), "admin.tpl.body": ("正文", "Body"),
    "admin.tpl.sms": ("短信", "SMS"), "admin.tpl.variables": ("可用变量", "Variables"),
    "admin.tpl.own": ("本单位措辞", "the institution's wording"),
    "admin.tpl.default": ("默认措辞", "default wording"),
    "admin.tpl.reset": ("恢复默认措辞", "Back to the default wording"),
    "admin.webhooks": ("Webhook 推送", "Webhooks"),
    "admin.webhooks.hint": ("每条通知以签名的 JSON 推送；密钥只在保存时填写，之后不再显示。",
                            "Each notice is POSTed as signed JSON; the secret is given when "
                            "saving and never shown again."),
    "admin.hook.id": ("标识", "Identifier"), "admin.hook.url": ("地址", "URL"),
    "admin.hook.secret": ("密钥", "Secret"),
    "admin.hook.templates": ("推送哪些通知（留空为全部）", "Which notices (empty: all)"),
    "admin.hook.active": ("启用", "Active"), "admin.hook.all": ("全部", "all"),
    "admin.hook.new": ("新增或替换", "Add or replace"),
    "admin.hook.yes": ("是", "yes"), "admin.hook.no": ("否", "no"),
    "admin.deliveries": ("发送失败的通知", "Dead deliveries"),
    "admin.deliveries.hint": ("多次重试仍未送达的通知；可以重新发送。",
                              "Notices that could not be delivered after every retry; send "
                              "them again."),
    "admin.dl.created": ("生成时间", "Created"), "admin.dl.template": ("通知", "Notice"),
    "admin.dl.channel": ("渠道", "Channel"), "admin.dl.recipient": ("接收方", "Recipient"),
    "admin.dl.attempts": ("尝试次数", "Attempts"), "admin.dl.error": ("最后一次错误",
                                                                   "Last error"),
    "admin.dl.case": ("案件", "Case"), "admin.dl.retry": ("重新发送", "Send again"),
    "admin.dl.retried": ("已重新排队发送。", "Queued to be sent again."),
})

SECTIONS = (("/admin/categories", "admin.categories"), ("/admin/routing", "admin.routing"),
            ("/admin/policy", "admin.policy"), ("/admin/calendar", "admin.calendar"),
            ("/admin/templates", "admin.templates"), ("/admin/webhooks", "admin.webhooks"),
            ("/admin/deliveries", "admin.deliveries"))


async def attempt(work: Awaitable[T]) -> tuple[T | None, Refusal | None]:
    """A service's answer, or its refusal in words."""
    try:
        return await work, None
    except grpc.aio.AioRpcError as exc:
        return None, Refusal.of(exc)


class AdminOnly(Exception):
    """A page for administrators asked for by someone else: a 403 page says so."""

    def __init__(self, session: Session) -> None:
        super().__init__(session.user_id)
        self.session = session


def admin(session: Signed) -> Session:
    if not session.has("admin"):
        raise AdminOnly(session)
    return session


Admin = Annotated[Session, Depends(admin)]


async def forbidden(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AdminOnly)
    return render(request, exc.session, "error.html", status_code=403,
                  message=i18n.text(exc.session.lang, "admin.only"))


def failed(request: Request, session: Session, refusal: Refusal) -> Response:
    return render(request, session, "error.html", status_code=refusal.status,
                  message=refusal.message)


def back(path: str, **query: str) -> RedirectResponse:
    tail = "&".join(f"{k}={quote(v)}" for k, v in query.items())
    return RedirectResponse(path + (f"?{tail}" if tail else ""), status_code=303)


def words_list(text: str) -> list[str]:
    """Keywords or names typed one per line or separated by commas, 、 or spaces."""
    return [w for w in re.split(r"[\s,，、;；]+", text) if w]


def not_a_number(session: Session, name: str) -> Refusal:
    """A number field that does not hold a number: said before any service is asked."""
    said = i18n.text(session.lang, "admin.number")
    return Refusal(422, said, {name: said})


def by_field(refusal: Refusal | None) -> dict[str, str]:
    """A refusal's field violations by field, as the service named them (routes[2].severity)."""
    return dict(refusal.fields) if refusal else {}


def by_last(refusal: Refusal | None) -> dict[str, list[str]]:
    """Violations like clocks[0].amount under their last part (amount): one clock is changed
    at a time, so they are that clock's."""
    out: dict[str, list[str]] = {}
    for key, message in (refusal.fields if refusal else {}).items():
        out.setdefault(key.rsplit(".", 1)[-1], []).append(message)
    return out


def grouped(refusal: Refusal | None, lang: str) -> dict[str, list[str]]:
    """Violations like holidays[3].date under the field `holidays`, with the line in words."""
    out: dict[str, list[str]] = {}
    for key, message in (refusal.fields if refusal else {}).items():
        found = re.match(r"^([a-z_]+)(?:\[(\d+)\])?", key)
        name = found.group(1) if found else key
        line = ""
        if found and found.group(2) is not None:
            line = i18n.text(lang, "admin.calendar.line").format(n=int(found.group(2)) + 1)
        elif "." in key:
            line = key.split(".", 1)[1]
        out.setdefault(name, []).append(f"{line}: {message}" if line else message)
    return out


# ---------------------------------------------------------------- index


@router.get("/admin")
async def index(request: Request, session: Admin) -> Response:
    return render(request, session, "admin.html", sections=SECTIONS)


# ---------------------------------------------------------------- categories


async def _categories_page(request: Request, session: Session, *, editing: dict[str, Any],
                           refusal: Refusal | None = None, saved: str = "") -> Response:
    call = call_for(request, session)
    listed, failure = await attempt(call.svc.routing.ListCategories(
        routing_pb2.ListCategoriesRequest(), **call.options))
    if listed is None:
        assert failure is not None
        return failed(request, session, failure)
    departments = sorted({c.department for c in listed.categories})
    return render(request, session, "admin_categories.html", categories=listed.categories,
                  departments=departments, editing=editing, refusal=refusal,
                  errors=by_field(refusal), saved=saved,
                  status_code=refusal.status if refusal else 200)


@router.get("/admin/categories")
async def categories(request: Request, session: Admin, edit: str = "",
                     saved: str = "") -> Response:
    editing: dict[str, Any] = {"name": "", "department": "", "keywords": "", "original": ""}
    if edit:
        call = call_for(request, session)
        listed, failure = await attempt(call.svc.routing.ListCategories(
            routing_pb2.ListCategoriesRequest(), **call.options))
        found = next((c for c in listed.categories if c.name == edit), None) if listed else None
        if found is not None:
            editing = {"name": found.name, "department": found.department,
                       "keywords": "\n".join(found.keywords), "original": found.name}
    return await _categories_page(request, session, editing=editing, saved=saved)


@router.post("/admin/categories")
async def put_category(request: Request, session: Admin, name: Annotated[str, Form()] = "",
                       department: Annotated[str, Form()] = "",
                       keywords: Annotated[str, Form()] = "",
                       original: Annotated[str, Form()] = "",
                       csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, session, csrf)
    call = call_for(request, session)
    answer, refusal = await attempt(call.svc.routing.PutCategory(routing_pb2.CategoryRule(
        name=name.strip(), department=department.strip(), keywords=words_list(keywords)),
        **call.options))
    if answer is None:
        return await _categories_page(request, session, refusal=refusal, editing={
            "name": name, "department": department, "keywords": keywords,
            "original": original})
    return back("/admin/categories", saved=answer.name)


@router.post("/admin/categories/delete")
async def delete_category(request: Request, session: Admin, name: Annotated[str, Form()],
                          csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, session, csrf)
    call = call_for(request, session)
    _, refusal = await attempt(call.svc.routing.DeleteCategory(
        routing_pb2.DeleteCategoryRequest(name=name), **call.options))
    if refusal is not None:
        return failed(request, session, refusal)
    return back("/admin/categories")


@router.post("/admin/classify")
async def classify(request: Request, session: Admin,
                   content: Annotated[str, Form()] = "",
                   csrf: Annotated[str, Form()] = "") -> Response:
    """The preview fragment (htmx): how the routing service would classify the text."""
    check_csrf(request, session, csrf)
    if not content.strip():
        return render(request, session, "admin_classify.html", answer=None, refusal=None)
    call = call_for(request, session)
    answer, refusal = await attempt(call.svc.routing.Classify(
        routing_pb2.ClassifyRequest(content=content), **call.options))
    return render(request, session, "admin_classify.html", answer=answer, refusal=refusal)


# ---------------------------------------------------------------- routing table


def _rows(table: routing_pb2.RoutingTable | None) -> list[dict[str, str]]:
    rows = [{"category": r.category, "respondent": r.respondent_department,
             "severity": r.severity, "department": r.department}
            for r in (table.routes if table else ())]
    return rows + [dict.fromkeys(("category", "respondent", "severity", "department"), "")
                   for _ in range(ROUTE_ROWS_SPARE)]


async def _routing_page(request: Request, session: Session, rows: list[dict[str, str]],
                        refusal: Refusal | None = None, saved: bool = False) -> Response:
    call = call_for(request, session)
    listed, _ = await attempt(call.svc.routing.ListCategories(
        routing_pb2.ListCategoriesRequest(), **call.options))
    names = [c.name for c in listed.categories] if listed else []
    return render(request, session, "admin_routing.html", rows=rows, categories=names,
                  severities=SEVERITIES, refusal=refusal, errors=by_field(refusal),
                  saved=saved, status_code=refusal.status if refusal else 200)


@router.get("/admin/routing")
async def routing_table(request: Request, session: Admin, saved: str = "") -> Response:
    call = call_for(request, session)
    table, failure = await attempt(call.svc.routing.GetRoutingTable(
        routing_pb2.GetRoutingTableRequest(), **call.options))
    if table is None:
        assert failure is not None
        return failed(request, session, failure)
    return await _routing_page(request, session, _rows(table), saved=bool(saved))


@router.post("/admin/routing")
async def put_routing_table(request: Request, session: Admin) -> Response:
    form = await request.form()
    check_csrf(request, session, str(form.get("csrf", "")))
    fields = ("category", "respondent", "severity", "department")
    columns = {f: [str(v).strip() for v in form.getlist(f)] for f in fields}
    typed = [dict(zip(fields, values, strict=True))
             for values in zip(*(columns[f] for f in fields), strict=False)]
    kept = [r for r in typed if r["department"]]     # a row without a department: removed
    call = call_for(request, session)
    answer, refusal = await attempt(call.svc.routing.PutRoutingTable(routing_pb2.RoutingTable(
        routes=[routing_pb2.Route(category=r["category"], respondent_department=r["respondent"],
                                  severity=r["severity"], department=r["department"])
                for r in kept]), **call.options))
    if answer is None:
        return await _routing_page(request, session, kept + _rows(None), refusal)
    return back("/admin/routing", saved="1")


# ---------------------------------------------------------------- deadline policy


async def _policy_page(request: Request, session: Session, *, refusal: Refusal | None = None,
                       clock: str = "", recomputed: str = "") -> Response:
    call = call_for(request, session)
    policy, failure = await attempt(call.svc.escalation.GetPolicy(
        escalation_pb2.GetPolicyRequest(), **call.options))
    if policy is None:
        assert failure is not None
        return failed(request, session, failure)
    charges = sorted(policy.ledger_fen.items(),
                     key=lambda kv: SEVERITIES.index(kv[0]) if kv[0] in SEVERITIES else 9)
    return render(request, session, "admin_policy.html", policy=policy, refusal=refusal,
                  refused_clock=clock, errors=by_last(refusal),
                  recomputed=recomputed, charges=charges,
                  status_code=refusal.status if refusal else 200)


@router.get("/admin/policy")
async def policy(request: Request, session: Admin, recomputed: str = "") -> Response:
    return await _policy_page(request, session, recomputed=recomputed)


@router.post("/admin/policy/clock")
async def change_clock(request: Request, session: Admin, name: Annotated[str, Form()],
                       amount: Annotated[str, Form()] = "",
                       warn_fraction: Annotated[str, Form()] = "",
                       disabled: Annotated[str, Form()] = "",
                       csrf: Annotated[str, Form()] = "") -> Response:
    """One clock at a time, so the service's refusal is shown next to that clock."""
    check_csrf(request, session, csrf)
    try:
        whole = int(amount) if amount.strip() else 0
        fraction = float(warn_fraction) if warn_fraction.strip() else 0.0
    except ValueError:
        return await _policy_page(request, session, clock=name, refusal=not_a_number(
            session, "amount" if not amount.strip().isdigit() else "warn_fraction"))
    call = call_for(request, session)
    answer, refusal = await attempt(call.svc.escalation.PutPolicy(
        escalation_pb2.PutPolicyRequest(clocks=[escalation_pb2.ClockOverride(
            name=name, amount=whole, warn_fraction=fraction, disabled=bool(disabled))]),
        **call.options))
    if answer is None:
        return await _policy_page(request, session, refusal=refusal, clock=name)
    return back("/admin/policy", recomputed=str(answer.clocks_recomputed))


@router.post("/admin/policy/warning")
async def change_warning(request: Request, session: Admin,
                         warn_fraction: Annotated[str, Form()] = "",
                         csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, session, csrf)
    try:
        fraction = float(warn_fraction)
    except ValueError:
        return await _policy_page(request, session, clock="*",
                                  refusal=not_a_number(session, "warn_fraction"))
    call = call_for(request, session)
    answer, refusal = await attempt(call.svc.escalation.PutPolicy(
        escalation_pb2.PutPolicyRequest(warn_fraction=fraction), **call.options))
    if answer is None:
        return await _policy_page(request, session, refusal=refusal, clock="*")
    return back("/admin/policy", recomputed=str(answer.clocks_recomputed))


# ---------------------------------------------------------------- calendar years


def named_days(text: str) -> list[escalation_pb2.NamedDay]:
    """Lines of `date name` as typed; the escalation service judges them."""
    days = []
    for line in text.splitlines():
        if line.strip():
            date, _, name = line.strip().partition(" ")
            days.append(escalation_pb2.NamedDay(date=date.strip(), name=name.strip()))
    return days


async def _calendar_page(request: Request, session: Session, *, typed: dict[str, str],
                         refusal: Refusal | None = None, done: str = "") -> Response:
    call = call_for(request, session)
    years, failure = await attempt(call.svc.escalation.ListYears(
        escalation_pb2.ListYearsRequest(), **call.options))
    if years is None:
        assert failure is not None
        return failed(request, session, failure)
    return render(request, session, "admin_calendar.html", years=years, typed=typed,
                  refusal=refusal, errors=grouped(refusal, session.lang), done=done,
                  status_code=refusal.status if refusal else 200)


EMPTY_YEAR = {"year": "", "source": "", "holidays": "", "workdays": ""}


@router.get("/admin/calendar")
async def calendar(request: Request, session: Admin, done: str = "") -> Response:
    return await _calendar_page(request, session, typed=EMPTY_YEAR, done=done)


@router.post("/admin/calendar")
async def load_year(request: Request, session: Admin, year: Annotated[str, Form()] = "",
                    source: Annotated[str, Form()] = "", holidays: Annotated[str, Form()] = "",
                    workdays: Annotated[str, Form()] = "",
                    csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, session, csrf)
    typed = {"year": year, "source": source, "holidays": holidays, "workdays": workdays}
    if not year.strip().isdigit():
        return await _calendar_page(request, session, typed=typed,
                                    refusal=not_a_number(session, "year"))
    call = call_for(request, session)
    answer, refusal = await attempt(call.svc.escalation.LoadYear(escalation_pb2.LoadYearRequest(
        year=int(year), source=source.strip(), holidays=named_days(holidays),
        workdays=named_days(workdays)), **call.options))
    if answer is None:
        return await _calendar_page(request, session, typed=typed, refusal=refusal)
    return back("/admin/calendar", done=i18n.text(session.lang, "admin.calendar.done").format(
        y=answer.year, n=answer.clocks_recomputed))


# ---------------------------------------------------------------- notice templates


async def _templates(request: Request, session: Session
                     ) -> tuple[notification_pb2.ListTemplatesResponse | None, Refusal | None]:
    call = call_for(request, session)
    return await attempt(call.svc.notification.ListTemplates(
        notification_pb2.ListTemplatesRequest(), **call.options))


@router.get("/admin/templates")
async def templates(request: Request, session: Admin, edit: str = "", locale: str = "",
                    saved: str = "") -> Response:
    listed, failure = await _templates(request, session)
    if listed is None:
        assert failure is not None
        return failed(request, session, failure)
    editing = next((t for t in listed.templates if t.name == edit and t.locale == locale),
                   None)
    typed = ({"subject": editing.subject, "body": editing.body, "sms": editing.sms}
             if editing else {})
    return render(request, session, "admin_templates.html", templates=listed.templates,
                  editing=editing, typed=typed, refusal=None, errors={}, saved=saved)


@router.post("/admin/templates")
async def put_template(request: Request, session: Admin, name: Annotated[str, Form()],
                       locale: Annotated[str, Form()], subject: Annotated[str, Form()] = "",
                       body: Annotated[str, Form()] = "", sms: Annotated[str, Form()] = "",
                       reset: Annotated[str, Form()] = "",
                       csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, session, csrf)
    call = call_for(request, session)
    if reset:
        answer, refusal = await attempt(call.svc.notification.DeleteTemplate(
            notification_pb2.DeleteTemplateRequest(name=name, locale=locale), **call.options))
    else:
        answer, refusal = await attempt(call.svc.notification.PutTemplate(
            notification_pb2.Template(name=name, locale=locale, subject=subject, body=body,
                                      sms=sms), **call.options))
    if answer is not None:
        return back("/admin/templates", edit=name, locale=locale, saved="1")
    listed, failure = await _templates(request, session)
    if listed is None:
        return failed(request, session, failure or refusal)  # type: ignore[arg-type]
    editing = next((t for t in listed.templates if t.name == name and t.locale == locale),
                   None)
    assert refusal is not None
    return render(request, session, "admin_templates.html", templates=listed.templates,
                  editing=editing, typed={"subject": subject, "body": body, "sms": sms},
                  refusal=refusal, errors=by_field(refusal), saved="",
                  status_code=refusal.status)


# ---------------------------------------------------------------- webhooks


async def _webhooks_page(request: Request, session: Session, *, typed: dict[str, Any],
                         refusal: Refusal | None = None, saved: str = "") -> Response:
    call = call_for(request, session)
    listed, failure = await attempt(call.svc.notification.ListEndpoints(
        notification_pb2.ListEndpointsRequest(), **call.options))
    if listed is None:
        assert failure is not None
        return failed(request, session, failure)
    return render(request, session, "admin_webhooks.html", endpoints=listed.endpoints,
                  typed=typed, refusal=refusal, errors=by_field(refusal), saved=saved,
                  names=sorted(i18n.CODES["template"]),
                  status_code=refusal.status if refusal else 200)


@router.get("/admin/webhooks")
async def webhooks(request: Request, session: Admin, saved: str = "") -> Response:
    return await _webhooks_page(request, session, saved=saved, typed={
        "endpoint_id": "", "url": "", "templates": [], "active": True})


@router.post("/admin/webhooks")
async def put_endpoint(request: Request, session: Admin) -> Response:
    form = await request.form()
    check_csrf(request, session, str(form.get("csrf", "")))
    endpoint = notification_pb2.Endpoint(
        endpoint_id=str(form.get("endpoint_id", "")).strip(), url=str(form.get("url", "")).strip(),
        templates=[str(v) for v in form.getlist("templates")], active=bool(form.get("active")),
        secret=str(form.get("secret", "")))
    typed = {"endpoint_id": endpoint.endpoint_id, "url": endpoint.url,
             "templates": list(endpoint.templates), "active": endpoint.active}
    call = call_for(request, session)
    answer, refusal = await attempt(call.svc.notification.PutEndpoint(endpoint, **call.options))
    if answer is None:
        return await _webhooks_page(request, session, typed=typed, refusal=refusal)
    return back("/admin/webhooks", saved=answer.endpoint_id)


@router.post("/admin/webhooks/delete")
async def delete_endpoint(request: Request, session: Admin,
                          endpoint_id: Annotated[str, Form()],
                          csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, session, csrf)
    call = call_for(request, session)
    _, refusal = await attempt(call.svc.notification.DeleteEndpoint(
        notification_pb2.DeleteEndpointRequest(endpoint_id=endpoint_id), **call.options))
    if refusal is not None:
        return failed(request, session, refusal)
    return back("/admin/webhooks")


# ---------------------------------------------------------------- dead deliveries


async def _deliveries_page(request: Request, session: Session, *,
                           refusal: Refusal | None = None, failed_id: str = "",
                           retried: str = "") -> Response:
    call = call_for(request, session)
    listed, failure = await attempt(call.svc.notification.ListDeliveries(
        notification_pb2.ListDeliveriesRequest(status="dead", limit=200), **call.options))
    if listed is None:
        assert failure is not None
        return failed(request, session, failure)
    return render(request, session, "admin_deliveries.html", deliveries=listed.deliveries,
                  refusal=refusal, failed_id=failed_id, retried=retried,
                  status_code=refusal.status if refusal else 200)


@router.get("/admin/deliveries")
async def deliveries(request: Request, session: Admin, retried: str = "") -> Response:
    return await _deliveries_page(request, session, retried=retried)


@router.post("/admin/deliveries/retry")
async def retry(request: Request, session: Admin, delivery_id: Annotated[str, Form()],
                csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, session, csrf)
    call = call_for(request, session)
    answer, refusal = await attempt(call.svc.notification.RetryDelivery(
        notification_pb2.RetryDeliveryRequest(delivery_id=delivery_id), **call.options))
    if answer is None:
        return await _deliveries_page(request, session, refusal=refusal, failed_id=delivery_id)
    return back("/admin/deliveries", retried="1")

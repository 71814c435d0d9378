"""工单列表: the cases the signed-in person may see, in tabs (mine, my department's, those I
took in first, all), filtered, sorted and paged by the case service; live while open.

Every query parameter is checked here and a bad one is named on the page; what a person may
see and how cases are filtered is the case service's business (ListCases).
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated
from urllib.parse import urlencode

import grpc
from casebridge.case.v1 import case_pb2
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from gateway.web import i18n, live
from gateway.web.calls import Refusal, call_for
from gateway.web.pages import SHANGHAI, render
from gateway.web.session import Session, required

router = APIRouter(include_in_schema=False)
DUE_SOON = timedelta(hours=24)
OPEN = frozenset({"received", "accepted", "assigned", "investigating", "proposal_made",
                  "proposal_approved", "answered", "follow_up", "on_hold", "transferred"})
TABS = ("mine", "my_department", "first_contact", "all")
SORTS = ("-received_at", "received_at", "-due_at", "due_at", "-updated_at", "updated_at")
PAGE_SIZE = 50
PLAIN = re.compile(r"^[^\x00-\x1f<>]*$")          # free text: no control characters, no tags
HANDLER = re.compile(r"^[A-Za-z0-9._:@-]{1,64}$")

i18n.add({
    "inbox.title": ("工单列表", "Inbox"), "inbox.empty": ("没有符合条件的案件。", "No cases."),
    "col.number": ("编号", "Case number"), "col.received": ("受理时间", "Received"),
    "col.kind": ("类型", "Kind"), "col.content": ("内容摘要", "Content"),
    "col.status": ("状态", "Status"), "col.department": ("承办部门", "Department"),
    "col.severity": ("等级", "Severity"), "col.due": ("办理时限", "Due"),
    "overdue": ("已超期", "overdue"), "due_soon": ("即将到期", "due soon"),
    "inbox.tabs": ("案件范围", "Which cases"),
    "inbox.tab.mine": ("我的案件", "My cases"),
    "inbox.tab.my_department": ("本部门", "My department"),
    "inbox.tab.first_contact": ("我首问的", "Taken in by me"),
    "inbox.tab.all": ("全部", "All"),
    "inbox.filters": ("筛选", "Filter"), "inbox.apply": ("筛选", "Apply"),
    "inbox.reset": ("清除筛选", "Clear filters"), "inbox.any": ("（不限）", "(any)"),
    "inbox.f.status": ("状态", "Status"), "inbox.f.department": ("承办部门", "Department"),
    "inbox.f.handler": ("承办人编号", "Handler id"), "inbox.f.severity": ("等级", "Severity"),
    "inbox.f.category": ("类别", "Category"), "inbox.f.channel": ("来源渠道", "Channel"),
    "inbox.f.kind": ("类型", "Kind"), "inbox.f.overdue": ("仅看已超期", "Overdue only"),
    "inbox.f.due_soon": ("仅看24小时内到期", "Due within 24 hours only"),
    "inbox.f.from": ("受理日期自", "Received from"), "inbox.f.to": ("受理日期至", "Received to"),
    "inbox.f.q": ("关键词（内容、诉求、编号）", "Text (content, demands, number)"),
    "inbox.f.sort": ("排序", "Sort by"),
    "inbox.sort.-received_at": ("受理时间（新→旧）", "Received (newest first)"),
    "inbox.sort.received_at": ("受理时间（旧→新）", "Received (oldest first)"),
    "inbox.sort.-due_at": ("办理时限（晚→早）", "Due (latest first)"),
    "inbox.sort.due_at": ("办理时限（早→晚）", "Due (soonest first)"),
    "inbox.sort.-updated_at": ("最近更新（新→旧）", "Updated (newest first)"),
    "inbox.sort.updated_at": ("最近更新（旧→新）", "Updated (oldest first)"),
    "inbox.bad": ("筛选条件有误，请修改后重试：", "Some filters are not valid; correct them:"),
    "inbox.bad.choice": ("不是可选的值。", "is not one of the choices."),
    "inbox.bad.date": ("请填写日期，格式 2026-11-25。", "Enter a date like 2026-11-25."),
    "inbox.bad.range": ("结束日期早于开始日期。", "The end date is before the start date."),
    "inbox.bad.text": ("过长或含有不允许的字符。", "Too long, or has characters not allowed."),
    "inbox.bad.flag": ("只能勾选或不勾选。", "Either ticked or not."),
    "inbox.bad.token": ("翻页标记无效，请回到第一页。", "The page link is not valid; go back to "
                        "the first page."),
    "inbox.matching": ("符合条件的案件：{n} 件", "{n} matching cases"),
    "inbox.next": ("下一页", "Next page"), "inbox.first": ("回到第一页", "First page"),
    "inbox.live": ("列表会在案件变化时自动更新。", "The list updates as cases change."),
    "inbox.updated": ("列表已更新", "List updated"),
    "inbox.pages": ("翻页", "Pages"),
})


def urgency(case: case_pb2.Case, now: datetime) -> str:
    """overdue, due_soon or nothing: an open case against its nearest running deadline."""
    if case.status not in OPEN or not case.HasField("due_at"):
        return ""
    due = case.due_at.ToDatetime(tzinfo=UTC)
    if due < now:
        return "overdue"
    return "due_soon" if due < now + DUE_SOON else ""


def excerpt(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


@dataclass
class Query:
    """The inbox's query string, checked: values, and {field: message key} for bad ones."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    def link(self, **changes: str) -> str:
        """This query with some values changed (empty: left out), as ?a=b&…"""
        merged = {k: v for k, v in {**self.values, **changes}.items() if v}
        return "?" + urlencode(merged) if merged else "?"


def _choice(query: Query, raw: dict[str, str], name: str, allowed: set[str] | tuple[str, ...],
            default: str = "") -> None:
    value = raw.get(name, "").strip()
    if not value:
        if default:
            query.values[name] = default
        return
    query.values[name] = value
    if value not in allowed:
        query.errors[name] = "inbox.bad.choice"


def _text(query: Query, raw: dict[str, str], name: str, limit: int,
          pattern: re.Pattern[str] = PLAIN) -> None:
    value = raw.get(name, "").strip()
    if value:
        query.values[name] = value
        if len(value) > limit or not pattern.match(value):
            query.errors[name] = "inbox.bad.text"


def _day(query: Query, raw: dict[str, str], name: str) -> date | None:
    value = raw.get(name, "").strip()
    if not value:
        return None
    query.values[name] = value
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
    except ValueError:
        pass
    query.errors[name] = "inbox.bad.date"
    return None


def read_query(request: Request, session: Session) -> Query:
    raw = {k: v for k, v in request.query_params.items()}
    query = Query()
    tenant = request.app.state.directory.tenants.get(session.tenant_id, {})
    tabs = tabs_of(session)
    _choice(query, raw, "tab", tabs, default="all")
    _choice(query, raw, "status", set(i18n.CODES["status"]))
    _choice(query, raw, "severity", set(i18n.CODES["severity"]))
    _choice(query, raw, "channel", set(i18n.CODES["channel"]))
    _choice(query, raw, "kind", set(i18n.CODES["kind"]))
    _choice(query, raw, "sort", SORTS, default="-received_at")
    if tenant.get("departments"):
        _choice(query, raw, "department", set(tenant["departments"]))
    else:
        _text(query, raw, "department", 100)
    if tenant.get("categories"):
        _choice(query, raw, "category", {c["name"] for c in tenant["categories"]})
    else:
        _text(query, raw, "category", 64)
    _text(query, raw, "handler", 64, HANDLER)
    _text(query, raw, "q", 200)
    _text(query, raw, "page_token", 512, re.compile(r"^[A-Za-z0-9_=-]+$"))
    for flag in ("overdue", "due_soon"):
        value = raw.get(flag, "")
        if value:
            query.values[flag] = value
            if value != "1":
                query.errors[flag] = "inbox.bad.flag"
    start, end = _day(query, raw, "from"), _day(query, raw, "to")
    if start and end and end < start:
        query.errors["to"] = "inbox.bad.range"
    return query


def tabs_of(session: Session) -> tuple[str, ...]:
    return tuple(t for t in TABS if t != "my_department" or session.department)


def list_request(query: Query, *, scope: str, page_size: int = PAGE_SIZE,
                 filtered: bool = True) -> case_pb2.ListCasesRequest:
    asked = case_pb2.ListCasesRequest(page_size=page_size, scope="" if scope == "all" else scope,
                                      count=True)
    if not filtered:
        return asked
    g = query.get
    asked.MergeFrom(case_pb2.ListCasesRequest(
        status=g("status"), department=g("department"), handler_id=g("handler"),
        severity=g("severity"), category=g("category"), channel=g("channel"), kind=g("kind"),
        overdue=g("overdue") == "1", due_soon=g("due_soon") == "1", text=g("q"),
        sort=g("sort"), page_token=g("page_token")))
    for name, key, extra in (("received_from", "from", 0), ("received_to", "to", 1)):
        if g(key):
            day = date.fromisoformat(g(key)) + timedelta(days=extra)   # "to" takes the whole day
            getattr(asked, name).FromDatetime(
                datetime.combine(day, time(), tzinfo=SHANGHAI).astimezone(UTC))
    return asked


async def results(request: Request, session: Session, query: Query) -> dict[str, object]:
    """What the live part of the page shows: tab counts, the page of cases, or a refusal."""
    call = call_for(request, session)
    tabs = tabs_of(session)
    if query.errors:
        return {"query": query, "tabs": tabs, "counts": {}, "rows": [], "total": 0,
                "next_token": "", "refusal": None}
    try:
        answers = await asyncio.gather(
            call.svc.case.ListCases(list_request(query, scope=query.get("tab")),
                                    **call.options),
            *(call.svc.case.ListCases(list_request(query, scope=tab, page_size=1,
                                                   filtered=False), **call.options)
              for tab in tabs))
    except grpc.aio.AioRpcError as exc:
        refusal: Refusal | None = Refusal.of(exc)
        if refusal is not None and "page_token" in refusal.fields:
            query.errors["page_token"] = "inbox.bad.token"  # noqa: S105 (a message key)
            refusal = None
        return {"query": query, "tabs": tabs, "counts": {}, "rows": [], "total": 0,
                "next_token": "", "refusal": refusal}
    listed, counts = answers[0], {tab: a.total for tab, a in zip(tabs, answers[1:], strict=True)}
    now = datetime.now(UTC)
    rows = [(c, urgency(c, now), excerpt(c.content)) for c in listed.cases]
    return {"query": query, "tabs": tabs, "counts": counts, "rows": rows,
            "total": listed.total, "next_token": listed.next_page_token, "refusal": None}


def _status(found: dict[str, object]) -> int:
    refusal = found["refusal"]
    if isinstance(refusal, Refusal):
        return refusal.status
    return 400 if found["query"].errors else 200   # type: ignore[attr-defined]


@router.get("/inbox")
async def inbox(request: Request, session: Annotated[Session, Depends(required)]) -> Response:
    query = read_query(request, session)
    found = await results(request, session, query)
    tenant = request.app.state.directory.tenants.get(session.tenant_id, {})
    return render(request, session, "inbox.html", status_code=_status(found),
                  departments=tenant.get("departments", []),
                  categories=[c["name"] for c in tenant.get("categories", [])],
                  codes=i18n.CODES, sorts=SORTS, **found)


@router.get("/inbox/table")
async def table(request: Request, session: Annotated[Session, Depends(required)]) -> Response:
    """The live part alone (tabs, counts and the table), for htmx to swap in."""
    query = read_query(request, session)
    found = await results(request, session, query)
    return render(request, session, "inbox_results.html", status_code=_status(found), **found)


@router.get("/inbox/events")
async def events(request: Request, session: Annotated[Session, Depends(required)]) -> Response:
    """Which case of the tenant changed, as it happens (text/event-stream, case ids only)."""
    return await live.stream(request, session, "case", "case")

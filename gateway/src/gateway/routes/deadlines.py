"""Deadline policy, calendars and the late-handling ledger: what the escalation service keeps
beyond each case's clocks."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from casebridge.escalation.v1 import escalation_pb2
from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from gateway import schemas as s
from gateway import views
from gateway.deps import Staff
from gateway.schemas import example

router = APIRouter(prefix="/v1", tags=["deadlines"])
Unit = Literal["working_days", "calendar_days", "working_hours", "hours", "minutes"]


class Rung(BaseModel):
    """One rung of the escalation ladder: reached at the warning or the breach, or a while
    after it, and who is told."""

    rung: int = Field(ge=1, le=20)
    title: str = Field(min_length=1, max_length=64, examples=["分管院长"])
    at: Literal["warning", "breach"]
    after_amount: int = Field(0, ge=0, le=1000)
    after_unit: Unit = "working_days"
    tell: list[str] = Field(min_length=1, max_length=20,
                            examples=[["handler", "department:医务处", "role:leader"]])


class ClockRuleRead(BaseModel):
    name: str
    title: str
    amount: int
    unit: str
    legal: bool = Field(description="set by law: may be shortened, never lengthened")
    limit: int = Field(description="the most a tenant may allow (the pack's amount)")
    cite: str
    when: dict
    starts_on: str
    counts_from: str
    stops_on: list[str]
    restarts_on: list[str]
    pausable: bool
    pauses_for: list[str] = Field(description="when pausable: only holds of these kinds "
                                  "(appraisal, testing, material); empty: any hold")
    outlives_case: bool
    extension: int
    extension_cite: str
    warn_fraction: float
    enabled: bool


class PolicyRead(BaseModel):
    kind: str
    pack: str
    clocks: list[ClockRuleRead]
    warn_fraction: float
    ladder: list[Rung]
    ledger_fen: dict[str, int]
    ledger_cite: str
    regulator_threshold: int
    regulator: str | None
    clocks_recomputed: int


class ClockChange(BaseModel):
    name: str = Field(min_length=1, max_length=64)
    amount: int | None = Field(None, ge=1, le=100_000)
    warn_fraction: float | None = Field(None, gt=0, lt=1)
    disabled: bool = False


class PolicyChange(BaseModel):
    """Shorten deadlines, move warnings, replace the ladder. A legal deadline is never
    lengthened nor switched off; running clocks are recomputed keeping elapsed and paused
    time."""

    model_config = example({"clocks": [{"name": "answer_simple", "amount": 3}],
                                                      "warn_fraction": 0.5})


    clocks: list[ClockChange] = Field(default_factory=list, max_length=100)
    warn_fraction: float | None = Field(None, gt=0, lt=1)
    ladder: list[Rung] | None = Field(None, max_length=20)


class Day(BaseModel):
    date: date
    name: str = Field(min_length=1, max_length=32, examples=["春节"])


class YearSchedule(BaseModel):
    """A year's official schedule as the State Council publishes it (节假日安排)."""

    model_config = example({"source": "国务院办公厅关于2031年部分节假日安排的通知",
        "holidays": [{"date": "2031-01-01", "name": "元旦"}],
        "workdays": [{"date": "2031-01-26", "name": "春节调休"}]})


    holidays: list[Day] = Field(min_length=1, max_length=366)
    workdays: list[Day] = Field(default_factory=list, max_length=366,
                                description="make-up working days (调休上班)")
    source: str = Field("", max_length=500)


class YearLoaded(BaseModel):
    year: int
    holidays: int
    workdays: int
    clocks_recomputed: int


class LoadedYearRead(BaseModel):
    year: int
    holidays: int
    workdays: int
    source: str
    loaded_by: str
    loaded_at: datetime


class Years(BaseModel):
    loaded: list[LoadedYearRead]
    official: list[int] = Field(description="years the calendar package knows")


class ClockRead(BaseModel):
    name: str
    title: str
    state: str
    rule: str
    amount: int
    unit: str
    extended_by: int
    started_at: datetime
    due_at: datetime
    warning_at: datetime | None
    stopped_at: datetime | None
    breached: bool


class Rebuilt(BaseModel):
    clocks: list[ClockRead]
    changed: bool


class Extension(BaseModel):
    model_config = example({"reason": "需要等待外院会诊意见"})

    reason: str = Field(min_length=1, max_length=2000)


class LedgerEntry(BaseModel):
    case_id: str
    case_number: str
    clock: str
    department: str
    severity: str
    amount_fen: int
    due_at: datetime
    breached_at: datetime
    rule: str


class DepartmentTotal(BaseModel):
    department: str
    breaches: int
    amount_fen: int


class Ledger(BaseModel):
    entries: list[LedgerEntry]
    totals: list[DepartmentTotal]
    cite: str


def _rung(r: escalation_pb2.Rung) -> Rung:
    return Rung(rung=r.rung, title=r.title, at=r.at, after_amount=r.after_amount,
                after_unit=r.after_unit or "working_days", tell=list(r.tell))


def _policy(p: escalation_pb2.Policy) -> PolicyRead:
    return PolicyRead(
        kind=p.kind, pack=p.pack, warn_fraction=p.warn_fraction,
        clocks=[ClockRuleRead(
            name=c.name, title=c.title, amount=c.amount, unit=c.unit, legal=c.legal,
            limit=c.limit, cite=c.cite, when=json.loads(c.when or "{}"), starts_on=c.starts_on,
            counts_from=c.counts_from, stops_on=list(c.stops_on),
            restarts_on=list(c.restarts_on), pausable=c.pausable,
            pauses_for=list(c.pauses_for), outlives_case=c.outlives_case, extension=c.extension,
            extension_cite=c.extension_cite, warn_fraction=c.warn_fraction,
            enabled=c.enabled) for c in p.clocks],
        ladder=[_rung(r) for r in p.ladder], ledger_fen=dict(p.ledger_fen),
        ledger_cite=p.ledger_cite, regulator_threshold=p.regulator_threshold,
        regulator=p.regulator or None, clocks_recomputed=p.clocks_recomputed)


def _clock(c: escalation_pb2.Clock) -> ClockRead:
    at = views.at
    return ClockRead(
        name=c.name, title=c.title, state=c.state, rule=c.rule, amount=c.amount, unit=c.unit,
        extended_by=c.extended_by, started_at=at(c.started_at), due_at=at(c.due_at),
        warning_at=at(c.warning_at) if c.HasField("warning_at") else None,
        stopped_at=at(c.stopped_at) if c.HasField("stopped_at") else None, breached=c.breached)


@router.get("/deadline-policy", operation_id="get_deadline_policy", response_model=PolicyRead,
            summary="The tenant's deadlines, ladder and charges, each rule with its source")
async def get_policy(call: Staff) -> PolicyRead:
    return _policy(await call.svc.escalation.GetPolicy(escalation_pb2.GetPolicyRequest(),
                                                       **call.options))


@router.patch("/deadline-policy", operation_id="change_deadline_policy", response_model=PolicyRead,
              summary="Tighten deadlines, set warnings or the ladder (admin)")
async def change_policy(body: PolicyChange, call: Staff) -> PolicyRead:
    answer = await call.svc.escalation.PutPolicy(escalation_pb2.PutPolicyRequest(
        clocks=[escalation_pb2.ClockOverride(name=c.name, amount=c.amount or 0,
                                             warn_fraction=c.warn_fraction or 0,
                                             disabled=c.disabled) for c in body.clocks],
        warn_fraction=body.warn_fraction or 0,
        ladder=[escalation_pb2.Rung(**r.model_dump()) for r in body.ladder or []]),
        **call.options)
    return _policy(answer)


@router.get("/calendar/years", operation_id="list_calendar_years", response_model=Years,
            summary="Years with an official holiday schedule: the package's and loaded ones")
async def list_years(call: Staff) -> Years:
    answer = await call.svc.escalation.ListYears(escalation_pb2.ListYearsRequest(),
                                                 **call.options)
    return Years(official=list(answer.official), loaded=[LoadedYearRead(
        year=y.year, holidays=y.holidays, workdays=y.workdays, source=y.source,
        loaded_by=y.loaded_by, loaded_at=views.at(y.loaded_at)) for y in answer.years])


@router.put("/calendar/years/{year}", operation_id="load_calendar_year", response_model=YearLoaded,
            summary="Load a year's official schedule (admin); open cases are recomputed")
async def load_year(year: Annotated[int, Path(ge=2000, le=2100)], body: YearSchedule,
                    call: Staff) -> YearLoaded:
    answer = await call.svc.escalation.LoadYear(escalation_pb2.LoadYearRequest(
        year=year, source=body.source,
        holidays=[escalation_pb2.NamedDay(date=d.date.isoformat(), name=d.name)
                  for d in body.holidays],
        workdays=[escalation_pb2.NamedDay(date=d.date.isoformat(), name=d.name)
                  for d in body.workdays]), **call.options)
    return YearLoaded(year=answer.year, holidays=answer.holidays, workdays=answer.workdays,
                      clocks_recomputed=answer.clocks_recomputed)


@router.post("/cases/{case_id}/deadlines/rebuild", operation_id="rebuild_deadlines",
             response_model=Rebuilt,
             summary="Recompute the case's clocks from its event history alone")
async def rebuild(case_id: uuid.UUID, call: Staff) -> Rebuilt:
    answer = await call.svc.escalation.Rebuild(
        escalation_pb2.RebuildRequest(case_id=str(case_id)), **call.options)
    return Rebuilt(clocks=[_clock(c) for c in answer.clocks], changed=answer.changed)


@router.post("/cases/{case_id}/deadlines/{clock}/extension", operation_id="extend_deadline",
             response_model=ClockRead,
             summary="Extend a clock once by its rule's extension (leader), with a reason")
async def extend(case_id: uuid.UUID, clock: Annotated[str, Path(max_length=64)],
                 body: Extension, call: Staff) -> ClockRead:
    return _clock(await call.svc.escalation.Extend(escalation_pb2.ExtendRequest(
        case_id=str(case_id), clock=clock, reason=body.reason), **call.options))


@router.get("/deadline-ledger", operation_id="get_deadline_ledger", response_model=Ledger,
            summary="Missed deadlines per department, with the late-handling charges")
async def ledger(call: Staff, from_date: Annotated[s.IsoDate | None, Query()] = None,
                 to_date: Annotated[s.IsoDate | None, Query()] = None,
                 department: Annotated[str | None, Query(max_length=64)] = None) -> Ledger:
    answer = await call.svc.escalation.GetLedger(escalation_pb2.GetLedgerRequest(
        from_date=from_date.isoformat() if from_date else "",
        to_date=to_date.isoformat() if to_date else "", department=department or ""),
        **call.options)
    return Ledger(cite=answer.cite, entries=[LedgerEntry(
        case_id=e.case_id, case_number=e.case_number, clock=e.clock, department=e.department,
        severity=e.severity, amount_fen=e.amount_fen, due_at=views.at(e.due_at),
        breached_at=views.at(e.breached_at), rule=e.rule) for e in answer.entries],
        totals=[DepartmentTotal(department=t.department, breaches=t.breaches,
                                amount_fen=t.amount_fen) for t in answer.totals])

"""The regulator's dashboard: the institutions in its jurisdiction, in figures."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from casebridge.case.v1 import case_pb2
from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from gateway import schemas as s
from gateway import views
from gateway.deps import Staff

router = APIRouter(prefix="/v1", tags=["oversight"])


class OverseenCase(BaseModel):
    case_number: str
    category: str | None
    severity: str
    status: str
    department: str | None
    received_at: datetime
    due_at: datetime | None


class Institution(BaseModel):
    tenant_id: str
    kind: str
    division: str
    received: int = Field(description="complaints received in the period")
    open: int = Field(description="open now")
    closed: int = Field(description="closed in the period")
    closed_on_time: int = Field(description="of those, without a missed deadline")
    on_time_rate: float
    overdue: list[OverseenCase] = Field(description="open and past their deadline")
    major: list[OverseenCase] = Field(description="open and 重大 or 危机")


class Oversight(BaseModel):
    regulator: str
    division: str
    institutions: list[Institution]


def _case(c: case_pb2.OverseenCase) -> OverseenCase:
    return OverseenCase(case_number=c.case_number, category=c.category or None,
                        severity=c.severity, status=c.status, department=c.department or None,
                        received_at=views.at(c.received_at),
                        due_at=views.at(c.due_at) if c.HasField("due_at") else None)


@router.get("/oversight", operation_id="get_oversight", response_model=Oversight,
            summary="The institutions this regulator oversees: volumes, on-time rate, overdue "
            "and major cases (no personal data)")
async def oversight(call: Staff, from_date: Annotated[s.IsoDate | None, Query()] = None,
                    to_date: Annotated[s.IsoDate | None, Query()] = None) -> Oversight:
    answer = await call.svc.case.Oversee(case_pb2.OverseeRequest(
        from_date=from_date.isoformat() if from_date else "",
        to_date=to_date.isoformat() if to_date else ""), **call.options)
    return Oversight(regulator=answer.regulator, division=answer.division, institutions=[
        Institution(tenant_id=i.tenant_id, kind=i.kind, division=i.division,
                    received=i.received, open=i.open, closed=i.closed,
                    closed_on_time=i.closed_on_time, on_time_rate=round(i.on_time_rate, 4),
                    overdue=[_case(c) for c in i.overdue], major=[_case(c) for c in i.major])
        for i in answer.institutions])

"""Writing a case's history: timeline entries, the saved case, and the events that announce a
change (case.transitioned, case.assigned, case.alert) — in the caller's transaction."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from casebridge.case.v1 import case_pb2
from casebridge_platform.db import one_of
from casebridge_platform.messaging.envelope import timestamp
from casebridge_platform.messaging.outbox import UnitOfWork

from case.adapters import records
from case.adapters.tables import cases, timeline
from case.domain.case import Case
from case.domain.model import Entry


def record(uow: UnitOfWork, tenant_id: str, case_id: str, event_id: str, entry: str,
           summary: str, *, actor: str = "system", at: datetime | None = None,
           from_status: str = "", to_status: str = "", reason: str = "") -> None:
    """Append to the case's timeline (append-only: the database refuses edits)."""
    uow.insert_later(timeline, {
        "tenant_id": tenant_id, "case_id": case_id, "at": at or datetime.now(UTC),
        "type": entry, "summary": summary, "actor": actor, "event_id": event_id,
        "from_status": from_status, "to_status": to_status, "reason": reason})


# built once; the columns set are the parameters' other keys
_UPDATE = cases.update().where(cases.c.tenant_id == sa.bindparam("k_tenant"),
                               cases.c.case_id == sa.bindparam("k_case"))
_UPDATE_IN_STATUS = _UPDATE.where(cases.c.status == sa.bindparam("k_status"))


async def save(uow: UnitOfWork, old: Case, new: Case, *, guard: bool = False) -> bool:
    """Write what changed from `old` to `new` (nothing when nothing did). With `guard`, only
    if the case is still in `old`'s status; False when it was not."""
    values = records.changes(old, new)
    if not values:
        return True
    key = {"k_tenant": old.tenant_id, "k_case": old.case_id}
    if guard:
        key["k_status"] = old.status.value
    result = await uow.conn.execute(_UPDATE_IN_STATUS if guard else _UPDATE, {**key, **values})
    return result.rowcount == 1


class Cases:
    """The cases a batch of events touches: each read (and locked) once, changed in memory by
    the handlers in turn, and written at the end — new ones in one INSERT, changed ones in one
    UPDATE per set of changed columns."""

    def __init__(self, tenant_id: str) -> None:
        self.tenant_id = tenant_id
        self._read: dict[str, Case] = {}
        self._now: dict[str, Case] = {}
        self._new: set[str] = set()

    async def load(self, uow: UnitOfWork, case_ids: set[str]) -> None:
        """Read the cases not in hand yet, in one statement."""
        wanted = [i for i in case_ids if i not in self._now]
        if not wanted:
            return
        query = sa.select(cases).where(cases.c.tenant_id == self.tenant_id,
                                       one_of(cases.c.case_id, wanted, uow.dialect)
                                       ).order_by(cases.c.case_id)
        if uow.dialect == "postgresql":
            query = query.with_for_update()
        for row in (await uow.conn.execute(query)).all():
            case = records.case_of(row)
            self._read[case.case_id] = self._now[case.case_id] = case

    async def get(self, uow: UnitOfWork, case_id: str) -> Case | None:
        if case_id not in self._now:
            await self.load(uow, {case_id})
        return self._now.get(case_id)

    def add(self, case: Case) -> None:
        self._now[case.case_id] = case
        self._new.add(case.case_id)

    def save(self, new: Case) -> None:
        self._now[new.case_id] = new

    async def flush(self, uow: UnitOfWork) -> None:
        """Write what changed, and forget: what comes next is read again."""
        if self._new:
            await uow.conn.execute(cases.insert(),
                                   [records.row_of(self._now[i]) for i in sorted(self._new)])
        shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for case_id, old in self._read.items():
            values = records.changes(old, self._now[case_id])
            if values:
                shapes.setdefault(tuple(sorted(values)), []).append(
                    {"k_tenant": self.tenant_id, "k_case": case_id, **values})
        for rows in shapes.values():
            await uow.conn.execute(_UPDATE, rows)
        self._read, self._now, self._new = {}, {}, set()


def transitioned(uow: UnitOfWork, case: Case, *, action: str, to: Case, actor: str,
                 reason: str, at: datetime, hold_kind: str = "", notice: str = "",
                 milestone: str = "", transfer_path: str = "", outcome: str = "",
                 milestone_at: datetime | None = None) -> None:
    """Announce case.transitioned: every change of a case, by a person or a message."""
    uow.emit("case.transitioned", case.tenant_id, case_pb2.CaseTransitioned(
        milestone_at=timestamp(milestone_at) if milestone_at else None,
        case_id=case.case_id, case_number=case.case_number, tenant_kind=case.tenant_kind,
        kind=case.kind, action=action, from_status=case.status.value,
        to_status=to.status.value, actor=actor, reason=reason, disposition=to.disposition,
        department=to.department, handler_id=case.handler_id, at=timestamp(at),
        anonymous=case.anonymous, severity=case.severity, hold_kind=hold_kind, notice=notice,
        milestone=milestone, transfer_path=transfer_path, outcome=outcome),
        correlation_id=case.case_id)


async def move(uow: UnitOfWork, old: Case, new: Case, action: str, summary: str, *,
               actor: str, at: datetime, reason: str, path: str = "",
               outcome: str = "") -> None:
    """A change of the case that another institution's message caused: written, put on the
    timeline and announced like any action."""
    new = replace(new, updated_at=at)
    await save(uow, old, new)
    record(uow, old.tenant_id, old.case_id, "", action, summary, actor=actor, at=at,
           from_status=old.status.value, to_status=new.status.value, reason=reason)
    transitioned(uow, old, action=action, to=new, actor=actor, reason=reason, at=at,
                 transfer_path=path, outcome=outcome)


def assigned(uow: UnitOfWork, cause: str, case: Case, department: str, handler_id: str,
             severity: str) -> None:
    uow.emit("case.assigned", case.tenant_id, case_pb2.CaseAssigned(
        case_id=case.case_id, case_number=case.case_number, tenant_kind=case.tenant_kind,
        kind=case.kind, category=case.category, department=department, handler_id=handler_id,
        received_at=timestamp(case.received_at), anonymous=case.anonymous, severity=severity),
        correlation_id=case.case_id, causation_id=cause)


def alert(uow: UnitOfWork, cause: str, case: Case, severity: str, reasons: list[str]) -> None:
    """重大 and 危机 go to the complaint office and leadership at once; disruption at the
    premises to security as well (seed 000 客户投诉处理流程, 医疗纠纷处理流程图)."""
    audiences = ["complaint_office", "leadership"]
    if "disruption" in case.circumstances or any("disruption" in r or "闹" in r
                                                 for r in reasons):
        audiences.append("security")
    record(uow, case.tenant_id, case.case_id, cause, Entry.SEVERITY,
           f"severity {severity}: {'; '.join(reasons) or 'open for a month'} — alerted "
           f"{', '.join(audiences)}")
    uow.emit("case.alert", case.tenant_id, case_pb2.CaseAlert(
        case_id=case.case_id, case_number=case.case_number, severity=severity, reasons=reasons,
        audiences=audiences, circumstances=list(case.circumstances)),
        correlation_id=case.case_id, causation_id=cause)

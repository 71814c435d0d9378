"""The case between the domain's `Case` and the `cases` table's rows.

Columns are what is filtered, sorted or locked on; the rest of the case is kept in the row's
JSON column `extra`, which only this module reads and writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from datetime import datetime
from types import MappingProxyType
from typing import Any

import sqlalchemy as sa
from casebridge_platform.messaging.outbox import UnitOfWork

from case.adapters.tables import cases
from case.domain.case import Case, Clock, Contact, Duplicate, Inbound, Outbound
from case.domain.model import Status

COLUMNS = tuple(c.name for c in cases.columns if c.name != "extra")
SCALARS = ("facts", "incident_time", "incident_place", "referred_by", "respondent_unit",
           "sealed_identity", "category_source", "hold_reason", "refusal_reason",
           "refusal_notice", "competent_body", "referral_mode")
LISTS = ("circumstances", "other_departments", "matched_keywords", "severity_reasons",
         "departments_involved", "cooperating")
_EXTRA = frozenset(f.name for f in fields(Case)) - set(COLUMNS)


def case_of(row: sa.Row | Mapping[str, Any]) -> Case:
    """The domain's case from a `cases` row."""
    values = dict(row._mapping) if isinstance(row, sa.Row) else dict(row)
    extra: dict[str, Any] = values.pop("extra", None) or {}
    columns: dict[str, Any] = {name: values[name] for name in COLUMNS if name in values}
    columns["status"] = Status(columns["status"])
    contact = extra.get("complainant") or {}
    inbound, outbound = extra.get("transfer_in"), extra.get("transfer_out")
    shaped: dict[str, Any] = {name: str(extra.get(name) or "") for name in SCALARS}
    shaped.update({name: tuple(extra.get(name) or ()) for name in LISTS})
    return Case(
        **columns, **shaped,
        details=MappingProxyType(dict(extra.get("details") or {})),
        contact=Contact(**{k: str(contact.get(k, "")) for k in
                           ("unit", "relation", "address", "email")}),
        possible_duplicates=tuple(
            Duplicate(d["case_id"], d["case_number"], d["score"], tuple(d.get("reasons", ())))
            for d in extra.get("possible_duplicates") or ()),
        claimed_amount_fen=extra.get("claimed_amount_fen"),
        last_follow_up_satisfied=extra.get("last_follow_up_satisfied"),
        transfer_in=Inbound(
            inbound["transfer_id"], inbound["path"], inbound.get("from", ""),
            inbound.get("origin_case_number", ""), inbound.get("title", ""),
            inbound.get("on_accept", "wait"), inbound.get("outcome", ""))
        if inbound else None,
        transfer_out=Outbound(outbound["transfer_id"], outbound["path"], outbound.get("to", ""),
                              bool(outbound.get("external")))
        if outbound else None,
        clocks=MappingProxyType({
            name: Clock(datetime.fromisoformat(c["due_at"]), c["rule"], c.get("state")
                        or "running") for name, c in (extra.get("clocks") or {}).items()}))


def extra_of(case: Case) -> dict[str, Any]:
    """The JSON column's content for a case."""
    extra: dict[str, Any] = {name: getattr(case, name) for name in SCALARS}
    extra.update({name: list(getattr(case, name)) for name in LISTS})
    c = case.contact
    extra.update(
        details=dict(case.details),
        complainant={"unit": c.unit, "relation": c.relation, "address": c.address,
                     "email": c.email},
        possible_duplicates=[{"case_id": d.case_id, "case_number": d.case_number,
                              "score": d.score, "reasons": list(d.reasons)}
                             for d in case.possible_duplicates],
        clocks={name: {"due_at": k.due_at.isoformat(), "rule": k.rule, "state": k.state}
                for name, k in case.clocks.items()})
    if case.claimed_amount_fen is not None:
        extra["claimed_amount_fen"] = case.claimed_amount_fen
    if case.last_follow_up_satisfied is not None:
        extra["last_follow_up_satisfied"] = case.last_follow_up_satisfied
    if (i := case.transfer_in) is not None:
        extra["transfer_in"] = {"transfer_id": i.transfer_id, "path": i.path, "from": i.sender,
                                "origin_case_number": i.origin_case_number, "title": i.title,
                                "on_accept": i.on_accept, "outcome": i.outcome}
    if (o := case.transfer_out) is not None:
        extra["transfer_out"] = {"transfer_id": o.transfer_id, "path": o.path, "to": o.to,
                                 "external": o.external}
    return extra


def row_of(case: Case) -> dict[str, Any]:
    """Every column of the case's row."""
    row = {name: getattr(case, name) for name in COLUMNS}
    row["status"] = case.status.value
    row["extra"] = extra_of(case)
    return row


def changes(old: Case, new: Case) -> dict[str, Any]:
    """The columns that differ between two versions of a case (`extra` as a whole)."""
    changed = {name: getattr(new, name) for name in COLUMNS
               if getattr(new, name) != getattr(old, name)}
    if "status" in changed:
        changed["status"] = new.status.value
    if any(getattr(new, name) != getattr(old, name) for name in _EXTRA):
        changed["extra"] = extra_of(new)
    return changed


# built once: a statement used as is skips SQLAlchemy's construction and cache-key work
_ONE = sa.select(cases).where(cases.c.tenant_id == sa.bindparam("tenant_id"),
                              cases.c.case_id == sa.bindparam("case_id"))
_ONE_LOCKED = _ONE.with_for_update()


async def read(uow: UnitOfWork, tenant_id: str, case_id: str, *,
               lock: bool = False) -> Case | None:
    """One case of the tenant (None if there is none); with `lock`, locked for the rest of
    the transaction against concurrent changes (PostgreSQL; SQLite locks the file)."""
    query = _ONE_LOCKED if lock and uow.dialect == "postgresql" else _ONE
    row = (await uow.conn.execute(query, {"tenant_id": tenant_id, "case_id": case_id})).first()
    return None if row is None else case_of(row)


async def insert(uow: UnitOfWork, case: Case) -> None:
    await uow.conn.execute(cases.insert().values(**row_of(case)))

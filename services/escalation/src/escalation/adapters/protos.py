"""Escalation's rows and domain values as protobuf messages: clocks, their explanations and
the tenant's policy."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from casebridge.escalation.v1 import escalation_pb2
from casebridge_platform.calendar import Explanation
from casebridge_platform.messaging.envelope import timestamp

from escalation.domain import policy


def rule_proto(c: policy.ClockRule, pack: policy.Pack) -> escalation_pb2.ClockRule:
    return escalation_pb2.ClockRule(
        name=c.name, title=c.title, amount=c.amount, unit=c.unit, legal=c.legal, limit=c.limit,
        cite=c.cite, when=json.dumps(c.when, ensure_ascii=False), starts_on=c.starts_on,
        counts_from=c.counts_from, stops_on=c.stops_on, restarts_on=c.restarts_on,
        pausable=bool(c.pausable), extension=c.extension, extension_cite=c.extension_cite,
        pauses_for=[] if isinstance(c.pausable, bool) else list(c.pausable),
        outlives_case=c.outlives_case,
        warn_fraction=pack.warn_of(c), enabled=c.enabled)


def policy_proto(p: policy.Pack, kind: str, *, regulator: str,
                 recomputed: int = 0) -> escalation_pb2.Policy:
    """The tenant's policy pack (its tightenings applied), told to whom it reports."""
    return escalation_pb2.Policy(
        kind=kind, pack=p.title, clocks=[rule_proto(c, p) for c in p.clocks],
        warn_fraction=p.warn_fraction,
        ladder=[escalation_pb2.Rung(rung=r.rung, title=r.title, at=r.at,
                                    after_amount=r.after_amount, after_unit=r.after_unit,
                                    tell=r.tell) for r in p.ladder],
        ledger_fen=p.ledger_fen, ledger_cite=p.ledger_cite,
        regulator_threshold=p.regulator_threshold, regulator=regulator,
        clocks_recomputed=recomputed)


def named_days(named: Mapping[str, str]) -> list[escalation_pb2.NamedDay]:
    """A loaded year's days ({"2026-10-01": "国庆节"}), in date order."""
    return [escalation_pb2.NamedDay(date=d, name=n) for d, n in sorted(named.items())]


def explanation_proto(row: sa.Row, why: Explanation) -> escalation_pb2.ClockExplanation:
    def named(days: tuple) -> list[escalation_pb2.NamedDay]:
        return [escalation_pb2.NamedDay(date=d.isoformat(), name=n) for d, n in days]

    return escalation_pb2.ClockExplanation(
        name=row.name, rule=row.rule, unit=why.unit, amount=why.amount, state=row.state,
        started_at=timestamp(row.started_at), counted_from=timestamp(why.counted_from),
        due_at=timestamp(why.due_at), stored_due_at=timestamp(row.due_at),
        convention=why.convention, counted=[d.isoformat() for d in why.counted],
        weekends_skipped=[d.isoformat() for d in why.weekends_skipped],
        holidays_skipped=named(why.holidays_skipped),
        makeup_days_counted=named(why.makeup_days_counted),
        paused=[escalation_pb2.PausedInterval(begins=timestamp(a), ends=timestamp(b),
                                              working_seconds=int(t.total_seconds()))
                for a, b, t in why.paused],
        warnings=list(why.warnings),
        moved_from=timestamp(why.moved_from) if why.moved_from else None,
        moved_over=named(why.moved_over), moved_why=why.moved_why)


def clock_proto(r: Any, department: str = "", now: datetime | None = None
                ) -> escalation_pb2.Clock:
    """A clocks row (or its values) as a Clock; breached once its end or now passes due."""
    r = r if isinstance(r, dict) else dict(r._mapping)
    end = r.get("stopped_at") or r.get("paused_at") or now or datetime.now(UTC)
    return escalation_pb2.Clock(
        case_id=r["case_id"], name=r["name"], started_at=timestamp(r["started_at"]),
        due_at=timestamp(r["due_at"]), state=r["state"], rule=r["rule"],
        title=r.get("title") or "", amount=r.get("amount") or 0, unit=r.get("unit") or "",
        extended_by=r.get("extended_by") or 0,
        warning_at=timestamp(r["warning_at"]) if r.get("warning_at") else None,
        stopped_at=timestamp(r["stopped_at"]) if r.get("stopped_at") else None,
        department=department, breached=end >= r["due_at"])

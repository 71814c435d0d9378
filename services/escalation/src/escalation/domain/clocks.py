"""Deadline arithmetic, pure: a policy's due moment per the official working-day calendar."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from typing import Any

from casebridge_platform.calendar import (
    DEFAULT_OFFICE_HOURS,
    Explanation,
    Interval,
    OfficeHours,
    WorkCalendar,
)

from escalation.domain.policy import ClockRule, Pack


@dataclass(frozen=True)
class Policy:
    """One deadline rule of a tenant: which clock, how long, and the source it cites.

    `days` is the amount in `unit` (hours for "working_hours" and "hours"); `office_hours`
    are the tenant's, used by "working_hours" only.
    """

    clock: str
    days: int
    rule: str
    unit: str = "working_days"
    office_hours: tuple[tuple[time, time], ...] = DEFAULT_OFFICE_HOURS


def explain(started_at: datetime, policy: Policy, *, calendar: WorkCalendar | None = None,
            pauses: Iterable[Interval] = ()) -> Explanation:
    """How the clock's due moment follows from its start, the policy and the calendar."""
    _, explanation = (calendar or WorkCalendar()).add(
        started_at, policy.days, policy.unit, office_hours=policy.office_hours, pauses=pauses)
    return explanation


def due_at(started_at: datetime, policy: Policy, *, calendar: WorkCalendar | None = None,
           pauses: Iterable[Interval] = ()) -> datetime:
    """The moment the clock runs out: the first instant at which the deadline is missed."""
    return (calendar or WorkCalendar()).due(
        started_at, policy.days, policy.unit, office_hours=policy.office_hours,
        pauses=pauses).astimezone(UTC)


WARN_FRACTION = 2 / 3   # warn when two thirds of the allowed time are used


def warning_at(started_at: datetime, policy: Policy, *, calendar: WorkCalendar | None = None,
               pauses: Iterable[Interval] = (),
               fraction: float = WARN_FRACTION) -> datetime | None:
    """When `fraction` of the allowed time is used (whole units: 3 working days warn at the
    end of the 2nd); None when that would be no time at all or the deadline itself."""
    amount = int(policy.days * fraction + 1e-9)
    if amount < 1 or amount >= policy.days:
        return None
    return due_at(started_at, replace(policy, days=amount), calendar=calendar, pauses=pauses)


# --- clocks from a case's history ------------------------------------------------------------

ENDS = frozenset({"closed", "refused", "referred", "archived"})
DECIDED = frozenset({"accepted", "assigned", "refused", "referred"})
WAITING = frozenset({"on_hold", "transferred"})


@dataclass(frozen=True)
class Fact:
    """One thing that happened to a case, as the escalation service recorded it."""

    type: str            # "opened", "routed", "assigned", "transitioned", "extended"
    at: datetime
    data: dict[str, Any]
    seq: int = 0

    def triggers(self) -> set[str]:
        """The names policy rules start, stop and restart on."""
        if self.type == "opened" and self.data.get("died_at"):
            return {"opened", "milestone:death"}   # the death registered at intake
        if self.type != "transitioned":
            return {self.type}
        d = self.data
        out = {f"action:{d.get('action', '')}"}
        if d.get("to") != d.get("from"):
            out.add(f"status:{d.get('to')}")
        if d.get("from") == "received" and d.get("to") in DECIDED:
            out.add("decided")
            if d.get("to") in ("accepted", "assigned"):
                out.add("accepted")
        if d.get("milestone"):
            out.add(f"milestone:{d['milestone']}")
        if d.get("to") in ENDS and d.get("from") not in ENDS and d.get("disposition"):
            out.add(f"disposition:{d['disposition']}")
        if d.get("outcome"):
            out.add(f"outcome:{d['outcome']}")
        return out

    @property
    def happened_at(self) -> datetime:
        """When the step happened: the recorded time (of death, of a rescue's end), else the
        moment it was recorded."""
        told = self.data.get("milestone_at") or self.data.get("died_at")
        return datetime.fromisoformat(told) if told else self.at

    @property
    def ends(self) -> bool:
        return self.type == "transitioned" and self.data.get("to") in ENDS

    @property
    def holds(self) -> bool:
        """The case waits: on hold, or sent to another institution (kind "transfer")."""
        return (self.type == "transitioned" and self.data.get("to") in WAITING
                and self.data.get("from") not in WAITING)

    @property
    def resumes(self) -> bool:
        return (self.type == "transitioned" and self.data.get("from") in WAITING
                and self.data.get("to") not in WAITING)

    @property
    def hold_kind(self) -> str:
        return "transfer" if self.data.get("to") == "transferred" else self.data.get(
            "hold_kind", "")


CASE_KEYS = ("kind", "anonymous", "circumstances", "received_at", "first_contact", "category",
             "severity", "coordinated", "department", "handler", "transfer", "path", "channel")


@dataclass
class ClockState:
    """A clock as the history makes it: when it started, its pauses and where it stands."""

    rule: ClockRule
    started_at: datetime
    state: str = "running"              # "running", "paused", "stopped"
    paused_at: datetime | None = None
    pauses: list[Interval] = field(default_factory=list)
    extended_by: int = 0
    stopped_at: datetime | None = None
    round: int = 1
    due_at: datetime | None = None
    warning_at: datetime | None = None

    @property
    def name(self) -> str:
        return self.rule.name

    def policy(self, office_hours: OfficeHours) -> Policy:
        return Policy(self.rule.name, self.rule.amount + self.extended_by, self.rule.rule,
                      self.rule.unit, tuple(office_hours))


def replay(pack: Pack, facts: Sequence[Fact], *, calendar: WorkCalendar,
           office_hours: OfficeHours = DEFAULT_OFFICE_HOURS
           ) -> tuple[dict[str, ClockState], dict[str, Any]]:
    """A case's clocks from its history alone, and the case as known: the same facts give the
    same clocks, whatever order they arrived in."""
    case: dict[str, Any] = {}
    clocks: dict[str, ClockState] = {}
    seen: set[str] = set()   # every trigger so far: a step already taken is not timed again
    since_transfer: set[str] = set()   # for a transfer's clocks: each transfer is a new step
    for fact in sorted(facts, key=lambda f: (f.at, f.seq)):
        case.update({k: v for k, v in fact.data.items() if k in CASE_KEYS and v not in ("", None)})
        if fact.data.get("milestone"):
            case["milestones"] = [*case.get("milestones", ()), fact.data["milestone"]]
        if "action:transfer" in fact.triggers():
            since_transfer = set()
        for rule in pack.clocks:
            if rule.enabled:
                _step(rule, clocks, fact, case,
                      since_transfer if "transfer" in rule.when else seen)
        seen |= fact.triggers()
        since_transfer |= fact.triggers()
    for c in clocks.values():
        policy = c.policy(office_hours)
        c.due_at = due_at(c.started_at, policy, calendar=calendar, pauses=c.pauses)
        c.warning_at = warning_at(c.started_at, policy, calendar=calendar, pauses=c.pauses,
                                  fraction=pack.warn_of(c.rule))
    return clocks, case


def _step(rule: ClockRule, clocks: dict[str, ClockState], fact: Fact,
          case: dict[str, Any], seen: set[str]) -> None:
    """What one fact does to one rule's clock."""
    clock = clocks.get(rule.name)
    if clock is None:
        _start(rule, clocks, fact, case, seen)
    else:
        _move(rule, clocks, clock, fact, case)


def _start(rule: ClockRule, clocks: dict[str, ClockState], fact: Fact,
           case: dict[str, Any], seen: set[str]) -> None:
    """Start the rule's clock when the fact is its trigger and nothing has stopped it yet."""
    ends = fact.ends and not rule.outlives_case
    if (rule.starts_on in fact.triggers() and not ends and rule.applies(case)
            and not seen & set(rule.stops_on)):
        received = case.get("received_at")
        start = (datetime.fromisoformat(received) if rule.counts_from == "received" and received
                 else fact.happened_at if rule.counts_from == "event" else fact.at)
        clocks[rule.name] = ClockState(rule, start)


def _move(rule: ClockRule, clocks: dict[str, ClockState], clock: ClockState, fact: Fact,
          case: dict[str, Any]) -> None:
    """Stop, restart, pause, resume or extend a clock that has started."""
    triggers = fact.triggers()
    live = clock.state != "stopped"
    ends = fact.ends and not rule.outlives_case
    if live and (ends or triggers & set(rule.stops_on)):
        if clock.state == "paused" and clock.paused_at is not None:
            clock.pauses.append((clock.paused_at, fact.at))
        clock.state, clock.paused_at, clock.stopped_at = "stopped", None, fact.at
    elif triggers & set(rule.restarts_on) and not ends and rule.applies(case):
        clocks[rule.name] = ClockState(rule, fact.at, round=clock.round + 1)
    elif (live and fact.holds and clock.state == "running"
          and rule.pauses_for(fact.hold_kind) and clock.round >= rule.pausable_from_round):
        clock.state, clock.paused_at = "paused", fact.at
    elif live and fact.resumes and clock.state == "paused" and clock.paused_at is not None:
        clock.pauses.append((clock.paused_at, max(fact.at, clock.paused_at)))
        clock.state, clock.paused_at = "running", None
    elif live and fact.type == "extended" and fact.data.get("clock") == rule.name:
        clock.extended_by = rule.extension


def timers_of(clock: ClockState, pack: Pack, *, calendar: WorkCalendar,
              office_hours: OfficeHours = DEFAULT_OFFICE_HOURS) -> dict[str, datetime]:
    """The timers a running clock keeps armed: its warning, its breach and the later rungs of
    the ladder (each counted from the warning or the breach it follows)."""
    if clock.state != "running" or clock.due_at is None:
        return {}
    out = {"breach": clock.due_at}
    if clock.warning_at is not None:
        out["warning"] = clock.warning_at
    for rung in pack.ladder:
        base = out.get(rung.at)
        if rung.after_amount and base is not None:
            # a breach at 24:00 Thursday is "1 working day later" at 24:00 Friday
            start = base - timedelta(microseconds=1) if rung.after_unit.endswith("days") else base
            at, _ = calendar.add(start, rung.after_amount, rung.after_unit,
                                 office_hours=office_hours)
            out[rung.timer] = at.astimezone(UTC)
    return out

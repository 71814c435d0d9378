"""Policy packs: a tenant kind's deadlines, ladder and late-handling charges as data, each rule
citing its source; and a tenant's tightenings of them. Pure.

A pack lives in `escalation/packs/<kind>.json` (see CITATIONS.md beside it for what each
citation was checked against). A tenant takes its kind's pack and may shorten any deadline,
change warnings and its ladder; a legal deadline (`legal: true`) is never lengthened nor
switched off.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Any

from casebridge_platform.calendar import UNITS

SEVERITIES = ("一般", "重要", "重大", "危机")
AUDIENCES = re.compile(r"^(handler|first_contact|department|on_duty|role:[a-z_]+|department:.+)$")
TRIGGER = re.compile(r"^(opened|routed|decided|accepted|assigned|"
                     r"status:[a-z_]+|action:[a-z_]+|milestone:[a-z_]+|disposition:[a-z_]+|"
                     r"outcome:[a-z_]+)$")
# `transfer`: the path the case was last sent along (the origin's clocks); `path`: the path it
# arrived by (the receiver's linked case)
WHEN_KEYS = {"kind": list, "severity": list, "category": list, "circumstances": list,
             "coordinated": bool, "anonymous": bool, "transfer": list, "path": list,
             "milestones": list, "channel": list}   # milestones: one of them was recorded before
HOLD_KINDS = frozenset({"material", "appraisal", "testing", "hearing", "transfer"})
NAME = re.compile(r"^[a-z0-9_]{1,64}$")
DEFAULT_WARN = 2 / 3


class PolicyError(ValueError):
    """A policy that may not be: each violation as (field path, what is wrong)."""

    def __init__(self, violations: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{f}: {d}" for f, d in violations))
        self.violations = violations


@dataclass(frozen=True)
class ClockRule:
    name: str
    title: str
    amount: int
    unit: str
    cite: str
    starts_on: str
    legal: bool = False
    limit: int = 0                      # the pack's amount: a legal clock's most
    when: dict[str, Any] = field(default_factory=dict)
    counts_from: str = "received"       # receipt, the starting fact, or when it happened
    stops_on: tuple[str, ...] = ()
    restarts_on: tuple[str, ...] = ()
    pausable: bool | tuple[str, ...] = True   # every hold, none, or these hold kinds only
    pausable_from_round: int = 1        # e.g. 2: only from the second run (信访 复核, not 复查)
    outlives_case: bool = False         # runs on after the case ends (e.g. telling a reporter)
    extension: int = 0
    extension_cite: str = ""
    warn_fraction: float | None = None
    enabled: bool = True

    @property
    def rule(self) -> str:
        """The line shown with a deadline: what it is and the source it cites."""
        return f"{self.title}: {self.amount} {self.unit.replace('_', ' ')} ({self.cite})"

    def pauses_for(self, hold_kind: str) -> bool:
        """Whether a hold of this kind ("material", "appraisal", "testing") stops the count:
        the laws exclude appraisal and testing time, not every wait."""
        if isinstance(self.pausable, bool):
            return self.pausable
        return hold_kind in self.pausable

    def applies(self, case: dict[str, Any]) -> bool:
        """Whether the case, as known, meets every condition of `when`."""
        for key, want in self.when.items():
            have = case.get(key)
            if key in ("circumstances", "milestones"):
                if not set(want) & set(have or ()):
                    return False
            elif isinstance(want, list):
                if have not in want:
                    return False
            elif have is None or bool(have) != want:
                return False
        return True


@dataclass(frozen=True)
class Rung:
    rung: int
    title: str
    at: str                              # "warning" or "breach"
    tell: tuple[str, ...]
    after_amount: int = 0
    after_unit: str = "working_days"

    @property
    def timer(self) -> str:
        """The timer kind that reaches this rung."""
        return self.at if not self.after_amount else f"rung{self.rung}"


@dataclass(frozen=True)
class Pack:
    kind: str
    title: str
    clocks: tuple[ClockRule, ...]
    ladder: tuple[Rung, ...] = ()
    warn_fraction: float = DEFAULT_WARN
    ledger_fen: dict[str, int] = field(default_factory=dict)
    ledger_cite: str = ""
    regulator_threshold: int = 3

    def clock(self, name: str) -> ClockRule | None:
        return next((c for c in self.clocks if c.name == name), None)

    def warn_of(self, rule: ClockRule) -> float:
        return rule.warn_fraction if rule.warn_fraction is not None else self.warn_fraction

    def rung_for(self, timer: str) -> Rung | None:
        return next((r for r in self.ladder if r.timer == timer), None)


def _problems(data: dict[str, Any]) -> list[tuple[str, str]]:
    """What is wrong with one clock rule of a pack, field by field."""
    out = []
    if not NAME.match(str(data.get("name", ""))):
        out.append(("name", "must be 1–64 of a-z, 0-9, _"))
    if not isinstance(data.get("amount"), int) or data["amount"] < 1:
        out.append(("amount", "must be a whole number ≥ 1"))
    if data.get("unit") not in UNITS:
        out.append(("unit", f"must be one of {', '.join(UNITS)}"))
    if not str(data.get("cite", "")).strip():
        out.append(("cite", "every rule cites its source"))
    triggers = [("starts_on", data.get("starts_on"))] + [
        (f"{key}[{i}]", t) for key in ("stops_on", "restarts_on")
        for i, t in enumerate(data.get(key, []))]
    out += [(f, f"unknown trigger {value!r}") for f, value in triggers
            if not TRIGGER.match(str(value or ""))]
    pausable = data.get("pausable", True)
    if not isinstance(pausable, bool) and not (
            isinstance(pausable, list) and set(pausable) <= HOLD_KINDS):
        out.append(("pausable", f"true, false or some of {', '.join(sorted(HOLD_KINDS))}"))
    if data.get("counts_from", "received") not in ("received", "start", "event"):
        out.append(("counts_from", "must be received, start or event (the time the step "
                    "happened, e.g. the death)"))
    out += [(f"when.{key}", "unknown condition or wrong type")
            for key, value in data.get("when", {}).items()
            if key not in WHEN_KEYS or not isinstance(value, WHEN_KEYS[key])]
    return out


def _clock(data: dict[str, Any], at: str, errors: list[tuple[str, str]]) -> ClockRule | None:
    problems = _problems(data)
    errors.extend((f"{at}.{f}", why) for f, why in problems)
    if problems:
        return None
    ext = data.get("extension") or {}
    return ClockRule(
        name=data["name"], title=data.get("title", data["name"]), amount=data["amount"],
        unit=data["unit"], cite=data["cite"], starts_on=data["starts_on"],
        legal=bool(data.get("legal")), limit=data["amount"], when=dict(data.get("when", {})),
        counts_from=data.get("counts_from", "received"), stops_on=tuple(data.get("stops_on", ())),
        restarts_on=tuple(data.get("restarts_on", ())),
        pausable=p if isinstance(p := data.get("pausable", True), bool) else tuple(p),
        pausable_from_round=int(data.get("pausable_from_round", 1)),
        outlives_case=bool(data.get("outlives_case")),
        extension=int(ext.get("amount", 0)), extension_cite=ext.get("cite", ""),
        warn_fraction=data.get("warn_fraction"))


def ladder_from(data: list[dict[str, Any]], at: str = "ladder") -> tuple[Rung, ...]:
    errors: list[tuple[str, str]] = []
    rungs = []
    for i, r in enumerate(data):
        where = f"{at}[{i}]"
        if r.get("at") not in ("warning", "breach"):
            errors.append((f"{where}.at", "must be warning or breach"))
        after = r.get("after") or {}
        if after and (after.get("unit") not in UNITS or int(after.get("amount", 0)) < 1):
            errors.append((f"{where}.after", "needs a whole amount ≥ 1 and a unit"))
        tell = tuple(r.get("tell", ()))
        if not tell or not all(AUDIENCES.match(t) for t in tell):
            errors.append((f"{where}.tell", "names who is told: handler, first_contact, "
                           "department, department:<name>, role:<role> or on_duty"))
        rungs.append(Rung(int(r.get("rung", i + 1)), str(r.get("title", "")), r.get("at", ""),
                          tell, int(after.get("amount", 0)), after.get("unit", "working_days")))
    if len({r.timer for r in rungs}) != len(rungs):
        errors.append((at, "two rungs are reached at the same moment; merge their audiences"))
    if errors:
        raise PolicyError(errors)
    return tuple(sorted(rungs, key=lambda r: r.rung))


def pack_from(data: dict[str, Any]) -> Pack:
    errors: list[tuple[str, str]] = []
    rules = [_clock(c, f"clocks[{i}]", errors) for i, c in enumerate(data.get("clocks", []))]
    names = [c.name for c in rules if c]
    if len(set(names)) != len(names):
        errors.append(("clocks", "clock names must be unique"))
    ledger = data.get("ledger") or {}
    if any(k not in SEVERITIES for k in ledger.get("fen", {})):
        errors.append(("ledger.fen", f"levels are {', '.join(SEVERITIES)}"))
    if errors:
        raise PolicyError(errors)
    return Pack(kind=data["kind"], title=data.get("title", data["kind"]),
                clocks=tuple(c for c in rules if c), ladder=ladder_from(data.get("ladder", [])),
                warn_fraction=float(data.get("warn_fraction", DEFAULT_WARN)),
                ledger_fen={k: int(v) for k, v in ledger.get("fen", {}).items()},
                ledger_cite=ledger.get("cite", ""),
                regulator_threshold=int((data.get("regulator") or {}).get("breaches", 3)))


@cache
def pack(kind: str) -> Pack:
    """The pack shipped for a tenant kind; a kind without one has no deadlines."""
    path = resources.files("escalation") / "packs" / f"{kind}.json"
    if not path.is_file():
        return Pack(kind=kind, title=f"{kind} (no pack)", clocks=())
    return pack_from(json.loads(path.read_text(encoding="utf-8")))


def _fraction(value: Any, at: str, errors: list[tuple[str, str]]) -> float | None:
    if not value:
        return None
    if not 0 < float(value) < 1:
        errors.append((at, "a warning comes after some and before all of the time: 0 < f < 1"))
        return None
    return float(value)


def _override(rule: ClockRule, o: dict[str, Any], at: str,
              errors: list[tuple[str, str]]) -> ClockRule:
    amount = int(o.get("amount") or rule.amount)
    if amount < 1:
        errors.append((f"{at}.amount", "must be a whole number ≥ 1"))
    elif rule.legal and amount > rule.limit:
        errors.append((f"{at}.amount", f"{rule.title} is set by law at {rule.limit} "
                       f"{rule.unit.replace('_', ' ')} ({rule.cite}); a tenant may shorten it, "
                       f"never lengthen it"))
    if o.get("disabled") and rule.legal:
        errors.append((f"{at}.disabled", f"{rule.title} is set by law ({rule.cite}) and cannot "
                       "be switched off"))
    warn = _fraction(o.get("warn_fraction"), f"{at}.warn_fraction", errors)
    return replace(rule, amount=amount, enabled=not o.get("disabled"),
                   warn_fraction=warn if warn is not None else rule.warn_fraction)


def tenant_policy(base: Pack, overrides: dict[str, Any] | None) -> Pack:
    """The pack with a tenant's tightenings: {"clocks": [{"name", "amount", "warn_fraction",
    "disabled"}], "warn_fraction", "ladder": [...]}. PolicyError lists every violation."""
    o = overrides or {}
    errors: list[tuple[str, str]] = []
    by_name = {c["name"]: (i, c) for i, c in enumerate(o.get("clocks", []))}
    for name, (i, _) in by_name.items():
        if base.clock(name) is None:
            errors.append((f"clocks[{i}].name", f"no clock {name!r} in the {base.kind} pack; "
                           f"its clocks are {', '.join(c.name for c in base.clocks)}"))
    clocks = tuple(_override(c, by_name[c.name][1], f"clocks[{by_name[c.name][0]}]", errors)
                   if c.name in by_name else c for c in base.clocks)
    warn = _fraction(o.get("warn_fraction"), "warn_fraction", errors)
    ladder = base.ladder
    if o.get("ladder"):
        try:
            ladder = ladder_from(o["ladder"])
        except PolicyError as e:
            errors.extend(e.violations)
    if errors:
        raise PolicyError(errors)
    return replace(base, clocks=clocks, ladder=ladder,
                   warn_fraction=warn if warn is not None else base.warn_fraction)

"""What a tenant kind records and requires (登记项): data from the seed, read and checked here.

The seed's `tenant_kinds` says, per kind of tenant, which fields a real-name complaint must
carry, which fields of its own (`details`) it records, whether it takes anonymous complaints
and how far back a possible duplicate is looked for. Each tenant keeps its own copy, so one
tenant can differ from the others of its kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

DETAIL_TYPES = frozenset({"text", "int", "choice", "date", "datetime", "bool"})
MAX_DETAIL = 500
COMPLAINANT = ("name", "phone", "unit", "relation", "address", "email")
RESPONDENT = ("department", "person", "unit")
TOP_LEVEL = ("content", "demands", "facts", "incident_time", "incident_place", "referred_by",
             "category", "claimed_amount")
PUBLIC_PATHS = frozenset({*(f"complainant.{f}" for f in COMPLAINANT),
                          *(f"respondent.{f}" for f in RESPONDENT), *TOP_LEVEL})


@dataclass(frozen=True)
class DetailField:
    """One of a kind's own fields (patient_age, batch_number …) and what its value must be."""

    name: str
    label: str
    type: str = "text"
    choices: tuple[str, ...] = ()
    min: int | None = None
    max: int | None = None
    not_before: str = ""  # another date field of the same form this one cannot precede

    def fault(self, value: str) -> str:
        """Why the value is not acceptable, or "" when it is."""
        if len(value) > MAX_DETAIL:
            return f"must be at most {MAX_DETAIL} characters"
        if self.type == "int":
            return self._int_fault(value)
        if self.type == "choice" and value not in self.choices:
            return f"must be one of {', '.join(self.choices)}"
        if self.type == "bool" and value not in ("true", "false"):
            return 'must be "true" or "false"'
        if self.type == "date" and parse_date(value) is None:
            return "must be an ISO date (YYYY-MM-DD)"
        if self.type == "datetime" and parse_moment(value) is None:
            return "must be an ISO date and time (YYYY-MM-DDTHH:MM, Beijing time)"
        return ""

    def _int_fault(self, value: str) -> str:
        low = 0 if self.min is None else self.min
        reason = (f"must be a whole number {low}–{self.max}" if self.max is not None
                  else f"must be a whole number, at least {low}")
        if not value.strip().isdecimal():
            return reason
        number = int(value)
        too_low = self.min is not None and number < self.min
        return reason if too_low or (self.max is not None and number > self.max) else ""


@dataclass(frozen=True)
class Form:
    """A tenant's intake form: required paths, its own detail fields, anonymity, window."""

    kind: str
    label: str = ""
    required: tuple[str, ...] = ("content",)  # "a|b": either will do
    details: dict[str, DetailField] = field(default_factory=dict)
    anonymous_complaints: bool = True
    duplicate_window_days: int = 30

    def detail_faults(self, details: dict[str, str]) -> dict[str, str]:
        """Each detail at fault, keyed "details.<name>": unknown, too long, wrong type, order."""
        errors: dict[str, str] = {}
        allowed = ", ".join(self.details) or "none"
        for name, value in details.items():
            spec = self.details.get(name)
            if spec is None:
                errors[f"details.{name}"] = (f"not a field for a {self.label or self.kind} "
                                             f"complaint; allowed: {allowed}")
            elif reason := spec.fault(value):
                errors[f"details.{name}"] = reason
            elif spec.not_before and _precedes(value, details.get(spec.not_before, "")):
                errors[f"details.{name}"] = f"must not be before details.{spec.not_before}"
        return errors


def parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def parse_moment(value: str) -> datetime | None:
    """An ISO date-time; one without an offset is Beijing time (a form's datetime-local)."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("Asia/Shanghai"))


def _precedes(value: str, other: str) -> bool:
    later, earlier = parse_date(value), parse_date(other)
    return later is not None and earlier is not None and later < earlier


def form_of(kind: str, data: dict[str, Any]) -> Form:
    """Read one kind's form from seed data; a path or type it cannot honour is a seed error."""
    details = {name: _detail_of(name, spec) for name, spec in data.get("details", {}).items()}
    known = PUBLIC_PATHS | {f"details.{name}" for name in details}
    required = tuple(data.get("required", ("content",)))
    unknown = [p for alternatives in required for p in alternatives.split("|") if p not in known]
    if unknown:
        raise ValueError(f"tenant kind {kind!r} requires unknown fields: {', '.join(unknown)}")
    return Form(kind=kind, label=data.get("label", kind), required=required, details=details,
                anonymous_complaints=bool(data.get("anonymous_complaints", True)),
                duplicate_window_days=int(data.get("duplicate_window_days", 30)))


def _detail_of(name: str, spec: dict[str, Any]) -> DetailField:
    kind = spec.get("type", "text")
    if kind not in DETAIL_TYPES:
        raise ValueError(f"detail {name!r} has unknown type {kind!r}")
    return DetailField(name=name, label=spec.get("label", name), type=kind,
                       choices=tuple(spec.get("choices", ())), min=spec.get("min"),
                       max=spec.get("max"), not_before=spec.get("not_before", ""))

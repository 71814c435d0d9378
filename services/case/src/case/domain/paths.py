"""Transfer paths: the legal ways a case leaves one institution for another, as data. Pure.

A tenant kind's paths live in `case/paths/<kind>.json` (CITATIONS.md beside them says what
each cites and what it was checked against). A path names the kinds it leads to (or a body
outside casebridge, a court), its reason codes, whether the complainant's consent is needed,
what of the parties goes along, what the origin does once the receiver accepts, and the
outcomes that may come back with what each does to the origin case.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

NAME = re.compile(r"^[a-z_]{1,64}$")
DISPOSITIONS = frozenset({"resolved", "unfounded", "withdrawn", "mediated", "transferred",
                          "judged"})


@dataclass(frozen=True)
class Outcome:
    code: str
    title: str
    origin: str                     # "close" or "resume"
    disposition: str = ""           # when the origin closes


@dataclass(frozen=True)
class Path:
    id: str
    kind: str                       # the source tenant kind
    title: str
    to_kinds: frozenset[str]
    reasons: MappingProxyType[str, str]
    consent: bool
    cite: str
    outcomes: MappingProxyType[str, Outcome]
    external: str = ""              # "court": outside casebridge, recorded by the origin
    consent_cite: str = ""
    complainant_contact: bool = True
    reporter_identity: str = "with_consent"   # or "never"
    on_accept: str = "wait"         # or "close": the receiver takes the case over
    local: bool = False             # the receiver's area must hold the origin's (发生地)
    clocks: MappingProxyType[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({}))

    def outcome(self, code: str) -> Outcome | None:
        return self.outcomes.get(code)


class PathError(ValueError):
    """A path pack that may not be: each violation as (field path, what is wrong)."""

    def __init__(self, violations: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{f}: {d}" for f, d in violations))
        self.violations = violations


def _outcomes(data: dict[str, Any], at: str, errors: list[tuple[str, str]]) -> dict[str, Outcome]:
    out = {}
    for code, o in data.items():
        where = f"{at}.outcomes.{code}"
        if not NAME.match(code):
            errors.append((where, "outcome codes are a-z and _"))
        if o.get("origin") not in ("close", "resume"):
            errors.append((f"{where}.origin", "must be close or resume"))
        elif o["origin"] == "close" and o.get("disposition") not in DISPOSITIONS:
            errors.append((f"{where}.disposition",
                           f"closing needs one of {', '.join(sorted(DISPOSITIONS))}"))
        out[code] = Outcome(code, str(o.get("title", code)), str(o.get("origin")),
                            str(o.get("disposition", "")))
    if not out:
        errors.append((f"{at}.outcomes", "at least one outcome"))
    return out


def _problems(p: dict[str, Any], at: str) -> list[tuple[str, str]]:
    errors = []
    if not NAME.match(str(p.get("id", ""))):
        errors.append((f"{at}.id", "must be 1–64 of a-z and _"))
    if bool(p.get("to_kinds")) == bool(p.get("external")):
        errors.append((f"{at}.to_kinds", "name the receiving kinds, or set external, not both"))
    if not p.get("reasons") or not all(NAME.match(r) for r in p.get("reasons", {})):
        errors.append((f"{at}.reasons", "at least one reason code (a-z and _)"))
    if not str(p.get("cite", "")).strip():
        errors.append((f"{at}.cite", "every path cites its source"))
    if p.get("consent") and not str(p.get("consent_cite", "")).strip():
        errors.append((f"{at}.consent_cite", "a consent rule cites its source"))
    if p.get("on_accept", "wait") not in ("wait", "close"):
        errors.append((f"{at}.on_accept", "must be wait or close"))
    if p.get("package", {}).get("reporter_identity", "with_consent") not in (
            "with_consent", "never"):
        errors.append((f"{at}.package.reporter_identity", "must be with_consent or never"))
    return errors


def pack_from(data: dict[str, Any]) -> dict[str, Path]:
    """A kind's paths from its pack; PathError with every violation when it is not valid."""
    kind, errors, paths = str(data.get("kind", "")), [], {}
    for i, p in enumerate(data.get("paths", [])):
        at = f"paths[{i}]"
        errors += _problems(p, at)
        outcomes = _outcomes(p.get("outcomes", {}), at, errors)
        package = p.get("package", {})
        if p.get("id") in paths:
            errors.append((f"{at}.id", "path ids are unique within a pack"))
        paths[p.get("id")] = Path(
            id=str(p.get("id")), kind=kind, title=str(p.get("title", p.get("id"))),
            to_kinds=frozenset(p.get("to_kinds", ())),
            reasons=MappingProxyType(dict(p.get("reasons", {}))),
            consent=bool(p.get("consent")), cite=str(p.get("cite", "")),
            outcomes=MappingProxyType(outcomes), external=str(p.get("external", "")),
            consent_cite=str(p.get("consent_cite", "")),
            complainant_contact=bool(package.get("complainant_contact", True)),
            reporter_identity=str(package.get("reporter_identity", "with_consent")),
            on_accept=str(p.get("on_accept", "wait")), local=bool(p.get("local")),
            clocks=MappingProxyType({k: tuple(v) for k, v in p.get("clocks", {}).items()}))
    if errors:
        raise PathError(errors)
    return paths


@cache
def paths_of(kind: str) -> MappingProxyType[str, Path]:
    """The shipped paths of a tenant kind (none when it has no pack)."""
    source = resources.files("case") / "paths" / f"{kind}.json"
    if not source.is_file():
        return MappingProxyType({})
    return MappingProxyType(pack_from(json.loads(source.read_text(encoding="utf-8"))))


@dataclass(frozen=True)
class Threshold:
    """A legal amount of a tenant kind (e.g. the self-settlement limit of a public hospital):
    a tenant may set it lower, never higher."""

    name: str
    title: str
    amount_fen: int
    legal: bool
    cite: str


@cache
def thresholds_of(kind: str) -> MappingProxyType[str, Threshold]:
    """The shipped thresholds of a tenant kind, from the same pack as its paths."""
    source = resources.files("case") / "paths" / f"{kind}.json"
    if not source.is_file():
        return MappingProxyType({})
    data = json.loads(source.read_text(encoding="utf-8"))
    return MappingProxyType({t["name"]: Threshold(
        t["name"], str(t.get("title", t["name"])), int(t["amount_fen"]), bool(t.get("legal")),
        str(t.get("cite", ""))) for t in data.get("thresholds", [])})


def tightened(threshold: Threshold | None, tenant_fen: int, applies: bool = True) -> int:
    """The limit in force: the tenant's where it is lower (or the only one), the law's where the
    tenant has none or a higher one; 0 means none. `applies` False: not this tenant's rule
    (e.g. a private hospital)."""
    if threshold is None or not applies:
        return tenant_fen
    if not threshold.legal:
        return tenant_fen or threshold.amount_fen
    return min(tenant_fen, threshold.amount_fen) if tenant_fen else threshold.amount_fen


def shipped_kinds() -> list[str]:
    return sorted(f.name.removesuffix(".json") for f in (resources.files("case") / "paths")
                  .iterdir() if f.name.endswith(".json"))

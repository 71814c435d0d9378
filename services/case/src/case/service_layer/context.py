"""One action being applied to a case: the case as read, the case as the action leaves it, and
what the action adds to the record (timeline words, notice, work items, later steps)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from casebridge.case.v1 import case_pb2
from casebridge_platform.auth import Principal
from casebridge_platform.errors import InvalidArgument
from casebridge_platform.federation import Registry
from casebridge_platform.messaging.outbox import UnitOfWork
from casebridge_platform.sealing import Sealer

from case.adapters.tables import items
from case.domain import paths
from case.domain.case import Case
from case.domain.model import Actor, Status

MAX_TEXT = 20_000
MAX_NOTE = 2_000


def actor_of(principal: Principal) -> Actor:
    """The caller as the lifecycle rules see them."""
    return Actor(principal.user_id, frozenset(principal.roles), principal.department)


@dataclass(frozen=True)
class TenantRules:
    """A tenant's case rules from its seed."""

    max_reopen_rounds: int = 2
    approval: dict[str, Any] = field(default_factory=lambda: {"role": "supervisor"})
    self_settlement_limit_fen: int = 0

    @classmethod
    def of(cls, rules: dict[str, Any] | None, kind: str = "") -> TenantRules:
        """The tenant's rules under its kind's legal thresholds (case/paths/<kind>.json): the
        30,000 元 self-settlement limit holds for every public hospital, lowered at will."""
        rules = rules or {}
        limit = paths.tightened(paths.thresholds_of(kind).get("self_settlement_limit"),
                                int(rules.get("self_settlement_limit_fen") or 0),
                                applies=rules.get("public_hospital", True) is not False)
        return cls(int(rules.get("max_reopen_rounds", 2)),
                   dict(rules.get("approval") or {"role": "supervisor"}), limit)


@dataclass
class Act:
    """An action being applied. `case` is as read (locked); the action changes `new` (whose
    status starts as where the lifecycle says the action leads) and says what it did in
    `summary`; `announce` carries what case.transitioned tells the other services."""

    uow: UnitOfWork
    principal: Principal
    case: Case
    request: case_pb2.ActRequest
    action: str
    now: datetime
    known_rules: TenantRules | None   # read only for the actions that consult them
    new: Case
    registry: Registry | None = None     # the federation's trusted agencies
    sealer: Sealer | None = None         # opens a reporter's identity sent with consent
    summary: str = ""
    notice: str = ""
    milestone: str = ""
    milestone_at: datetime | None = None
    transfer_path: str = ""
    outcome: str = ""
    after: list[Callable[[], None]] = field(default_factory=list)

    @property
    def params(self) -> Any:
        """The action's own message of the request (e.g. case_pb2.Propose for propose)."""
        return getattr(self.request, self.action)

    @property
    def rules(self) -> TenantRules:
        if self.known_rules is None:
            raise RuntimeError(f"{self.action} consults the tenant's rules: add it to "
                               "actions.USES_RULES")
        return self.known_rules

    @property
    def reason(self) -> str:
        return self.request.reason.strip()

    @property
    def actor(self) -> str:
        """Who acted, as the record shows it: staff by id, the complainant as such."""
        return "complainant" if "complainant" in self.principal.roles else self.principal.user_id

    def change(self, **values: Any) -> None:
        self.new = replace(self.new, **values)

    def go(self, status: Status) -> None:
        self.change(status=status)

    def require(self, value: str, name: str, what: str, limit: int = MAX_TEXT) -> str:
        value = value.strip()
        if not value:
            raise InvalidArgument(f"{what} is required", {name: "must not be empty"})
        if len(value) > limit:
            raise InvalidArgument(f"{what} is too long", {name: f"at most {limit} characters"})
        return value

    def item(self, kind: str, data: dict[str, Any], case_id: str | None = None) -> None:
        """A work record (investigation, proposal, answer, …) on this case or another."""
        self.uow.insert_later(items, {
            "tenant_id": self.case.tenant_id, "case_id": case_id or self.case.case_id,
            "kind": kind, "data": data, "at": self.now, "actor": self.actor})

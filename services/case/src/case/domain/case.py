"""The case as the service knows it: every field typed, nested records included. Pure.

`adapters/records.py` maps it to and from its row (the `cases` table; what is shown but never
filtered on is kept in the row's JSON column, by the adapter alone). The lifecycle rules read
its `lifecycle()` view; actions and event handlers change it with `dataclasses.replace`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType

from case.domain.model import CaseState, Status

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Contact:
    """A complainant's particulars beyond name and phone."""

    unit: str = ""
    relation: str = ""
    address: str = ""
    email: str = ""


@dataclass(frozen=True)
class Duplicate:
    """An earlier complaint this one may repeat, as intake scored it."""

    case_id: str
    case_number: str
    score: float
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Clock:
    """A deadline clock as escalation last announced it."""

    due_at: datetime
    rule: str
    state: str = "running"      # running, paused or stopped


@dataclass(frozen=True)
class Inbound:
    """How a case sent here along a path is linked to its transfer and its sender."""

    transfer_id: str
    path: str
    sender: str
    origin_case_number: str = ""
    title: str = ""
    on_accept: str = "wait"     # "close": the case was handed over for good
    outcome: str = ""           # an outcome reported back, or "withdrawn" at the sender


@dataclass(frozen=True)
class Outbound:
    """The transfer a case of this institution is out on."""

    transfer_id: str
    path: str
    to: str
    external: bool = False      # a court: outside casebridge, recorded here


@dataclass(frozen=True)
class Case:
    case_id: str
    tenant_id: str
    case_number: str
    status: Status
    tenant_kind: str = ""
    kind: str = "complaint"
    channel: str = ""
    category: str = ""
    department: str = ""
    handler_id: str = ""
    due_at: datetime | None = None
    deadline_rule: str = ""
    acknowledged: bool = False
    first_contact_owner: str = ""
    content: str = ""
    demands: str = ""
    anonymous: bool = False
    complainant_name: str = ""
    complainant_phone: str = ""
    respondent_department: str = ""
    respondent_person: str = ""
    received_at: datetime = EPOCH
    updated_at: datetime = EPOCH
    severity: str = "一般"
    coordinated: bool = False
    on_duty: bool = False
    disposition: str = ""
    held_from: str = ""
    round: int = 1
    escalated: bool = False
    closed_at: datetime | None = None
    # as submitted
    facts: str = ""
    incident_time: str = ""
    incident_place: str = ""
    details: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    circumstances: tuple[str, ...] = ()
    referred_by: str = ""
    respondent_unit: str = ""
    other_departments: tuple[str, ...] = ()
    contact: Contact = Contact()
    possible_duplicates: tuple[Duplicate, ...] = ()
    claimed_amount_fen: int | None = None
    sealed_identity: str = ""   # a real-name reporter's identity, sealed by intake
    # as routed
    category_source: str = ""
    matched_keywords: tuple[str, ...] = ()
    severity_reasons: tuple[str, ...] = ()
    departments_involved: tuple[str, ...] = ()
    cooperating: tuple[str, ...] = ()
    # as handled
    last_follow_up_satisfied: bool | None = None
    hold_reason: str = ""
    refusal_reason: str = ""
    refusal_notice: str = ""
    competent_body: str = ""
    referral_mode: str = ""
    transfer_in: Inbound | None = None
    transfer_out: Outbound | None = None
    clocks: Mapping[str, Clock] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def sealed(self) -> bool:
        return bool(self.sealed_identity)

    @property
    def owes_outcome(self) -> bool:
        """Sent here to be settled: the sender waits for the outcome."""
        inbound = self.transfer_in
        return inbound is not None and inbound.on_accept == "wait" and not inbound.outcome

    def lifecycle(self) -> CaseState:
        """What the lifecycle rules need to know of it."""
        return CaseState(
            status=self.status, kind=self.kind, handler_id=self.handler_id,
            department=self.department, coordinated=self.coordinated,
            held_from=self.held_from, round=self.round,
            last_follow_up_satisfied=self.last_follow_up_satisfied, anonymous=self.anonymous,
            first_contact_owner=self.first_contact_owner, sealed=self.sealed,
            owes_outcome=self.owes_outcome, inbound=self.transfer_in is not None,
            external=self.transfer_out is not None and self.transfer_out.external)

    def resumed_status(self) -> Status:
        """Where the case goes back to after a hold or a transfer that came back."""
        return Status(self.held_from or Status.ASSIGNED)

    def nearest_deadline(self) -> tuple[datetime | None, str]:
        """The nearest running clock's due moment and rule (none while all are paused)."""
        running = sorted((c.due_at, c.rule) for c in self.clocks.values()
                         if c.state == "running")
        return running[0] if running else (None, "")

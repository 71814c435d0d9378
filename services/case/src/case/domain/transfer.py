"""Transfers along the legal paths: who may receive, what goes along, what each answer and
outcome does to the origin case. Pure; the service layer reads and writes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from casebridge_platform.jurisdiction import within

from case.domain.case import Case
from case.domain.model import Status
from case.domain.paths import Outcome, Path

# what a transfer may be when each answer comes: a return may follow an acceptance
ANSWERABLE: Mapping[str, tuple[str, ...]] = {
    "accepted": ("offered",), "declined": ("offered",), "returned": ("offered", "accepted")}
# timeline entries whose words may hold what the package must not carry
PRIVATE_ENTRIES = frozenset({"add_note", "reveal_identity", "notified"})
# the work records that go along: decisions, and the material as evidence references
SHARED_WORK = ("proposal", "answer", "investigation", "material", "follow_up")


@dataclass(frozen=True)
class Agency:
    """An institution a case may be sent to: a tenant here, or an agency elsewhere."""

    id: str
    kind: str
    division: str
    remote: bool = False
    name: str = ""

    @property
    def called(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class Entry:
    """A timeline entry as the package shows it."""

    at: datetime
    type: str
    summary: str


@dataclass(frozen=True)
class Work:
    """A work record (proposal, answer, investigation, material, follow-up)."""

    kind: str
    data: Mapping[str, Any]
    at: datetime


def receivers(path: Path, me: Agency, agencies: Iterable[Agency]) -> list[Agency]:
    """Who `me` may send a case to along the path: the kinds it leads to, and for a path to
    the authority of the place (发生地) only those whose area holds the sender's."""
    return sorted((a for a in agencies if a.kind in path.to_kinds and a.id != me.id
                   and (not path.local or within(me.division, a.division))),
                  key=lambda a: a.id)


def reporter_consent_barred(case: Case, path: Path) -> str | None:
    """A reporter's identity goes along only on a path that may carry it, and only if there
    is one (a real-name report's sealed identity)."""
    if path.reporter_identity == "never":
        return f"{path.title} does not take it"
    if not case.sealed:
        return "only for a real-name report"
    return None


def package(case: Case, path: Path, *, reporter: Mapping[str, str] | None,
            timeline: Iterable[Entry], work: Iterable[Work]) -> dict[str, Any]:
    """What goes along: the case's summary, parties, timeline, decisions so far, evidence
    references. The complainant's contact only where the path takes it; a reporter's identity
    only with their consent (`reporter`, opened for this package and sealed again by the
    receiver's intake); private timeline entries and who decided a proposal never."""
    c = case.contact
    complainant: dict[str, str] = {} if case.anonymous else {
        "name": case.complainant_name, "unit": c.unit, "relation": c.relation}
    if complainant and path.complainant_contact:
        complainant.update(phone=case.complainant_phone, email=c.email, address=c.address)
    if case.kind == "report" and case.sealed:
        complainant = dict(reporter or {})
    work = [w for w in work if w.kind in SHARED_WORK]
    return {
        "kind": case.kind, "case_number": case.case_number, "summary": case.content,
        "demands": case.demands, "facts": case.facts, "incident_time": case.incident_time,
        "incident_place": case.incident_place, "category": case.category,
        "severity": case.severity, "received_at": case.received_at.isoformat(),
        "claimed_amount_fen": case.claimed_amount_fen,
        "circumstances": list(case.circumstances),
        "parties": {"complainant": complainant, "anonymous": case.anonymous or not complainant,
                    "respondent": {"department": case.respondent_department,
                                   "person": case.respondent_person,
                                   "unit": case.respondent_unit}},
        "timeline": [{"at": e.at.isoformat(), "type": e.type, "summary": e.summary}
                     for e in timeline if e.type not in PRIVATE_ENTRIES],
        "decisions": [{"kind": w.kind, "at": w.at.isoformat(),
                       **{k: v for k, v in w.data.items() if k != "decided_by"}}
                      for w in work if w.kind != "material"],
        "evidence": [{"description": w.data.get("description", ""), "at": w.at.isoformat()}
                     for w in work if w.kind == "material"],
        "sealed": [{"what": "reporter identity", "sealed": True}] if case.sealed else [],
    }


# One route at a time (《医疗纠纷预防和处理条例》): a mediation committee or a health bureau does
# not take a dispute a court, or the other mediator, has already accepted.
ONE_ROUTE: Mapping[str, tuple[frozenset[str], str]] = {
    "mediation_committee": (frozenset({"court_accepted", "administrative_mediation_accepted"}),
                            "《医疗纠纷预防和处理条例》第三十一条第四款：当事人已经向人民法院提起诉讼"
                            "并且已被受理，或者已经申请卫生主管部门调解并且已被受理的，医疗纠纷人民"
                            "调解委员会不予受理；已经受理的，终止调解"),
    "health_bureau": (frozenset({"court_accepted", "people_mediation_accepted"}),
                      "《医疗纠纷预防和处理条例》第四十条第二款：当事人已经向人民法院提起诉讼并且"
                      "已被受理，或者已经申请医疗纠纷人民调解委员会调解并且已被受理的，卫生主管"
                      "部门不予受理；已经受理的，终止调解"),
}
MEDIATION_PATHS: Mapping[str, str] = {"people_mediation": "mediation_committee",
                                      "administrative_mediation": "health_bureau"}


def other_route_barred(receiver_kind: str, milestones: Iterable[str]) -> str | None:
    """Why a mediator of this kind may not take the dispute: the milestones recorded on the
    case (here, or at the origin before it was sent) say another route has accepted it."""
    barring, cite = ONE_ROUTE.get(receiver_kind, (frozenset(), ""))
    found = sorted(barring & set(milestones))
    if not found:
        return None
    return (f"another route has already accepted this dispute ({', '.join(found)}): it is not "
            f"accepted here ({cite})")


MILESTONE_WORDS = re.compile(r"^milestone: [^(]* \(([a-z_]+)\)")


def milestones_in(summaries: Iterable[str]) -> set[str]:
    """The milestones a timeline (or a package's) records, from model.milestone_summary's words
    "milestone: <label> (<name>)"."""
    return {m.group(1) for s in summaries if (m := MILESTONE_WORDS.match(s))}


def answerable(decision: str, transfer_status: str) -> bool:
    return transfer_status in ANSWERABLE.get(decision, ())


def return_barred(case: Case, transfer_status: str) -> str | None:
    """A case handed over for good when it was accepted (转送, 转办) is not returned."""
    link = case.transfer_in
    if transfer_status == "accepted" and link is not None and link.on_accept == "close":
        return ("this case was taken over when it was accepted here: it cannot be returned; "
                "send it on along a path instead")
    return None


def origin_after_answer(case: Case, path: Path, decision: str, now: datetime) -> Case:
    """The origin when the receiver answers: accepted, it waits on (or, on a path that hands
    the case over, is done); declined or returned, it is back where it was, clocks running."""
    if decision == "accepted" and path.on_accept == "close":
        return replace(case, status=Status.CLOSED, disposition="transferred", closed_at=now,
                       held_from="", transfer_out=None)
    if decision == "accepted":
        return replace(case, status=Status.TRANSFERRED)
    return replace(case, status=case.resumed_status(), held_from="", transfer_out=None)


def origin_after_outcome(case: Case, outcome: Outcome, now: datetime) -> Case:
    """The origin when the outcome comes back (or a court's is recorded): it closes with the
    outcome's disposition, or has the case back for the next path."""
    if outcome.origin == "close":
        return replace(case, status=Status.CLOSED, disposition=outcome.disposition,
                       closed_at=now, held_from="", transfer_out=None)
    return replace(case, status=case.resumed_status(), held_from="", transfer_out=None)


def receiver_after_outcome(case: Case, outcome: Outcome) -> Case:
    """The receiver's linked case once it reported its outcome: ended."""
    assert case.transfer_in is not None, "only a case sent here reports an outcome"
    return replace(case, status=Status.CLOSED,
                   disposition=outcome.disposition or "concluded",
                   transfer_in=replace(case.transfer_in, outcome=outcome.code))


def amount_words(fen: int | None) -> str:
    return f" ({fen / 100:,.2f} 元)" if fen is not None else ""

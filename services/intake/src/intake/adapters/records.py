"""Submissions between protobuf (requests, transfer packages), the domain's Draft and the
submissions table's rows."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC
from typing import Any

import sqlalchemy as sa
from casebridge.case.v1 import case_pb2
from casebridge.common.v1 import common_pb2
from casebridge.intake.v1 import intake_pb2
from casebridge_platform.messaging.envelope import timestamp
from casebridge_platform.sealing import Sealer

from intake.domain import duplicates, forms, model

KIND_NAMES = {intake_pb2.KIND_COMPLAINT: "complaint", intake_pb2.KIND_REPORT: "report"}
KIND_VALUES = {v: k for k, v in KIND_NAMES.items()}


def draft_of(request: intake_pb2.SubmitComplaintRequest) -> model.Draft:
    """The request as the domain sees it; no complainant at all means anonymous."""
    c, r = request.complainant, request.respondent
    money = request.claimed_amount
    return model.Draft(
        kind=KIND_NAMES.get(request.kind, ""), channel=request.channel, content=request.content,
        anonymous=not request.HasField("complainant"),
        complainant=model.Contact(name=c.name, phone=c.phone, unit=c.unit, relation=c.relation,
                                  address=c.address, email=c.email),
        respondent=model.Respondent(department=r.department, person=r.person, unit=r.unit,
                                    other_departments=tuple(r.other_departments)),
        category=request.category, demands=request.demands, facts=request.facts,
        incident_time=request.incident_time, incident_place=request.incident_place,
        claimed_amount=model.Money(money.amount_fen, money.currency)
        if request.HasField("claimed_amount") else None,
        details=dict(request.details), circumstances=tuple(request.circumstances),
        referred_by=request.referred_by,
        received_at=request.received_at.ToDatetime(tzinfo=UTC)
        if request.HasField("received_at") else None, locale=request.locale)


def row_of(draft: model.Draft, **stored: Any) -> dict[str, Any]:
    """The submissions row for an accepted draft, plus what intake adds (ids, times …)."""
    c, r, money = draft.complainant, draft.respondent, draft.claimed_amount
    return {
        "kind": draft.kind, "channel": draft.channel, "content": draft.content,
        "demands": draft.demands, "anonymous": draft.anonymous,
        "complainant_name": c.name, "complainant_phone": c.phone, "complainant_unit": c.unit,
        "complainant_relation": c.relation, "complainant_address": c.address,
        "complainant_email": c.email, "phone_key": duplicates.phone_key(c.phone),
        "respondent_department": r.department, "respondent_person": r.person,
        "respondent_unit": r.unit, "respondent_other_departments": list(r.other_departments),
        "category": draft.category, "facts": draft.facts,
        "incident_time": draft.incident_time, "incident_place": draft.incident_place,
        "claimed_amount_fen": money.amount_fen if money else None,
        "claimed_currency": money.currency if money else None,
        "details": dict(draft.details), "circumstances": list(draft.circumstances),
        "referred_by": draft.referred_by, **stored,
    }


IDENTITY = ("name", "phone", "unit", "relation", "address", "email")


def seal_identity(row: Mapping[str, Any], sealer: Sealer) -> dict[str, Any]:
    """A reporter's identity sealed, its plaintext columns emptied (举报人保护): the changes to
    make to the row. Duplicates were compared before sealing; later ones cannot see it."""
    identity = {f: row[f"complainant_{f}"] for f in IDENTITY}
    return {"sealed_identity": sealer.seal(identity, bound_to=row["case_id"]),
            "phone_key": "", **{f"complainant_{f}": "" for f in IDENTITY}}


def to_proto(row: Mapping[str, Any] | sa.Row) -> intake_pb2.Submission:
    r = row._mapping if isinstance(row, sa.Row) else row
    submission = intake_pb2.Submission(
        case_id=r["case_id"], case_number=r["case_number"], tenant_id=r["tenant_id"],
        kind=KIND_VALUES[r["kind"]], channel=r["channel"], content=r["content"],
        anonymous=r["anonymous"], category=r["category"], demands=r["demands"],
        respondent=common_pb2.Respondent(
            department=r["respondent_department"], person=r["respondent_person"],
            unit=r["respondent_unit"],
            other_departments=r["respondent_other_departments"] or []),
        received_by=r["received_by"], received_at=timestamp(r["received_at"]),
        facts=r["facts"], incident_time=r["incident_time"], incident_place=r["incident_place"],
        details=r["details"] or {}, circumstances=r["circumstances"] or [],
        referred_by=r["referred_by"],
        possible_duplicates=[intake_pb2.PossibleDuplicate(**d)
                             for d in r["possible_duplicates"] or []])
    if r["claimed_amount_fen"] is not None:
        submission.claimed_amount.CopyFrom(common_pb2.Money(
            amount_fen=r["claimed_amount_fen"], currency=r["claimed_currency"]))
    if r.get("sealed_identity"):
        submission.sealed_identity = r["sealed_identity"]
    elif not r["anonymous"]:
        submission.complainant.CopyFrom(common_pb2.Party(
            name=r["complainant_name"], phone=r["complainant_phone"],
            unit=r["complainant_unit"], relation=r["complainant_relation"],
            address=r["complainant_address"], email=r["complainant_email"]))
    return submission


def fingerprint_of(row: Mapping[str, Any] | sa.Row) -> duplicates.Fingerprint:
    """What duplicates compare; an anonymous submission offers no name or phone."""
    r = row._mapping if isinstance(row, sa.Row) else row
    real_name = not r["anonymous"]
    return duplicates.Fingerprint(
        case_id=r["case_id"], case_number=r["case_number"], content=r["content"],
        phone=r["complainant_phone"] if real_name else "",
        name=r["complainant_name"] if real_name else "",
        respondent_unit=r["respondent_unit"], respondent_department=r["respondent_department"],
        respondent_person=r["respondent_person"])


def match_to_json(match: duplicates.Match) -> dict[str, Any]:
    return {"case_id": match.case_id, "case_number": match.case_number, "score": match.score,
            "reasons": list(match.reasons)}


def draft_of_package(package: dict, offered: case_pb2.TransferOffered) -> model.Draft:
    """A transfer's package as a submission received by referral from the sender."""
    parties = package.get("parties") or {}
    person, about = parties.get("complainant") or {}, parties.get("respondent") or {}
    claimed, kind = package.get("claimed_amount_fen"), package.get("kind")
    return model.Draft(
        kind=kind if isinstance(kind, str) and kind in ("complaint", "report") else "complaint",
        channel="transfer",
        content=str(package.get("summary") or offered.path_title)[:model.MAX_CONTENT],
        anonymous=bool(parties.get("anonymous")) or not person,
        complainant=model.Contact(**{f: str(person.get(f, "")) for f in forms.COMPLAINANT}),
        respondent=model.Respondent(department=str(about.get("department", "")),
                                    person=str(about.get("person", "")),
                                    unit=str(about.get("unit", ""))),
        demands=str(package.get("demands", "")), facts=str(package.get("facts", "")),
        incident_time=str(package.get("incident_time", "")),
        incident_place=str(package.get("incident_place", "")),
        claimed_amount=model.Money(int(claimed), "CNY") if claimed else None,
        circumstances=tuple(package.get("circumstances") or ()),
        referred_by=f"{offered.from_agency} {offered.origin_case_number}".strip(),
        received_at=offered.received_at.ToDatetime(tzinfo=UTC))


def form_to_proto(form: forms.Form) -> intake_pb2.Form:
    """A tenant's form as the pages read it: required paths and the kind's own fields."""
    alone = {path for path in form.required if "|" not in path}
    return intake_pb2.Form(
        tenant_kind=form.kind, label=form.label or form.kind, required=list(form.required),
        anonymous_complaints=form.anonymous_complaints,
        duplicate_window_days=form.duplicate_window_days,
        details=[intake_pb2.FormField(
            name=d.name, label=d.label, type=d.type, choices=list(d.choices),
            has_min=d.min is not None, min=d.min or 0, has_max=d.max is not None,
            max=d.max or 0, not_before=d.not_before, required=f"details.{d.name}" in alone)
            for d in form.details.values()])

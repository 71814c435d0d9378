"""Submissions as received (受理登记): what is valid, how cases are numbered, access codes."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

CHANNELS = frozenset({
    "phone", "letter", "visit", "web", "email", "fax", "sms", "suggestion_box",
    "referral", "petition_office", "consumer_association", "media",
})
KINDS = frozenset({"complaint", "report"})
MAX_CONTENT = 20_000
PHONE = re.compile(r"^\+?[0-9][0-9 \-]{4,19}$")
ACCESS_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


@dataclass(frozen=True)
class Draft:
    """A submission before it is accepted; validate() says what is wrong with it."""

    kind: str
    channel: str
    content: str
    complainant_name: str
    complainant_phone: str
    anonymous: bool
    respondent_department: str
    respondent_person: str
    category: str
    demands: str


def validate(draft: Draft, categories: frozenset[str]) -> dict[str, str]:
    """Every field at fault, with the reason; empty when the draft can be accepted."""
    errors: dict[str, str] = {}
    if draft.kind not in KINDS:
        errors["kind"] = "must be 'complaint' or 'report'"
    if draft.channel not in CHANNELS:
        errors["channel"] = f"must be one of {', '.join(sorted(CHANNELS))}"
    if not draft.content.strip():
        errors["content"] = "must not be empty"
    elif len(draft.content) > MAX_CONTENT:
        errors["content"] = f"must be at most {MAX_CONTENT} characters"
    if not draft.anonymous:
        if not draft.complainant_name.strip():
            errors["complainant.name"] = "must not be empty (omit complainant for anonymous)"
        if not draft.complainant_phone.strip():
            errors["complainant.phone"] = "must not be empty (omit complainant for anonymous)"
        elif not PHONE.match(draft.complainant_phone):
            errors["complainant.phone"] = "must be a phone number (digits, spaces, dashes, +)"
    if draft.category and draft.category not in categories:
        errors["category"] = f"unknown category; this tenant's are: {', '.join(sorted(categories))}"
    return errors


def case_number(prefix: str, year: int, sequence: int) -> str:
    """Human-readable and per tenant: HOSP-2026-000123."""
    return f"{prefix}-{year}-{sequence:06d}"


def new_access_code() -> str:
    """A secret for an anonymous complainant: 12 characters, about 60 bits."""
    return "".join(secrets.choice(ACCESS_CODE_ALPHABET) for _ in range(12))


def hash_access_code(case_number: str, code: str) -> str:
    return hashlib.sha256(f"{case_number}:{code.strip().upper()}".encode()).hexdigest()

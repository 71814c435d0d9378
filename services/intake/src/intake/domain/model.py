"""Submissions as received (受理登记): what is valid, how cases are numbered, access codes."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from intake.domain.forms import COMPLAINANT, Form

CHANNELS = frozenset({
    "phone", "letter", "visit", "web", "email", "fax", "sms", "suggestion_box",
    "referral", "petition_office", "consumer_association", "media",
})
# Forwarded to us by someone else (上级转办, 信访件, 消协/媒体转来): who forwarded it is recorded.
REFERRAL_CHANNELS = frozenset({"referral", "petition_office", "consumer_association", "media"})
KINDS = frozenset({"complaint", "report"})
# Facts that weigh on severity; routing reads them, so the words are fixed here.
CIRCUMSTANCES = (
    "compensation", "safety", "injury", "death", "media", "lawyer", "police",
    "consumer_association", "government", "litigation", "disruption", "large_loss",
)
MAX_CONTENT = 20_000
MAX_OTHER_DEPARTMENTS = 20
LIMITS = {
    "complainant.name": 200, "complainant.unit": 200, "complainant.relation": 64,
    "complainant.address": 500, "complainant.email": 200, "respondent.department": 200,
    "respondent.person": 200, "respondent.unit": 200, "demands": MAX_CONTENT,
    "facts": MAX_CONTENT, "incident_place": 200, "referred_by": 200,
}
PHONE = re.compile(r"^\+?[0-9][0-9 \-]{4,19}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ACCESS_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Contact:
    """The complainant: a person (name) or a unit, reachable by phone, address or e-mail."""

    name: str = ""
    phone: str = ""
    unit: str = ""
    relation: str = ""  # to the patient or consumer
    address: str = ""
    email: str = ""


@dataclass(frozen=True)
class Respondent:
    """Who the complaint is about (被投诉单位/科室/个人)."""

    department: str = ""
    person: str = ""
    unit: str = ""
    other_departments: tuple[str, ...] = ()


@dataclass(frozen=True)
class Money:
    amount_fen: int
    currency: str


@dataclass(frozen=True)
class Draft:
    """A submission before it is accepted; validate() says what is wrong with it."""

    kind: str
    channel: str
    content: str
    anonymous: bool
    complainant: Contact = field(default_factory=Contact)
    respondent: Respondent = field(default_factory=Respondent)
    category: str = ""
    demands: str = ""
    facts: str = ""
    incident_time: str = ""
    incident_place: str = ""
    claimed_amount: Money | None = None
    details: dict[str, str] = field(default_factory=dict)
    circumstances: tuple[str, ...] = ()
    referred_by: str = ""
    received_at: datetime | None = None   # when it came in, if before registration
    locale: str = ""                      # the complainant's language: "", "zh-CN" or "en"

    def value(self, path: str) -> str:
        """The text at a public field path ("complainant.phone", "details.patient_age" …)."""
        head, _, rest = path.partition(".")
        if head == "details":
            return self.details.get(rest, "")
        if head in ("complainant", "respondent"):
            return str(getattr(getattr(self, head), rest, ""))
        if head == "claimed_amount":
            return "" if self.claimed_amount is None else str(self.claimed_amount.amount_fen)
        return str(getattr(self, head, ""))


Check = Callable[[Draft, Form, datetime], dict[str, str]]


def validate(draft: Draft, form: Form, categories: frozenset[str], *,
             now: datetime) -> dict[str, str]:
    """Every field at fault, keyed by its public path, with the reason; empty when valid."""
    errors: dict[str, str] = {}
    if draft.category and draft.category not in categories:
        errors["category"] = f"unknown category; this tenant's are: {', '.join(sorted(categories))}"
    for check in CHECKS:
        for path, reason in check(draft, form, now).items():
            errors.setdefault(path, reason)
    return errors


def _basics(draft: Draft, form: Form, now: datetime) -> dict[str, str]:
    errors: dict[str, str] = {}
    if draft.kind not in KINDS:
        errors["kind"] = "must be 'complaint' or 'report'"
    if draft.channel not in CHANNELS:
        errors["channel"] = f"must be one of {', '.join(sorted(CHANNELS))}"
    if not draft.content.strip():
        errors["content"] = "must not be empty"
    elif len(draft.content) > MAX_CONTENT:
        errors["content"] = f"must be at most {MAX_CONTENT} characters"
    for path, limit in LIMITS.items():
        if len(draft.value(path)) > limit:
            errors[path] = f"must be at most {limit} characters"
    return errors


def _complainant(draft: Draft, form: Form, now: datetime) -> dict[str, str]:
    """Who may complain: anonymously only where the tenant allows it; else someone reachable.

    A report (举报) may always be anonymous and asks nothing of the reporter.
    """
    if draft.kind != "complaint":
        return {}
    if draft.anonymous:
        if form.anonymous_complaints:
            return {}
        return {"complainant": f"required: a {form.label or form.kind} does not take anonymous "
                               "complaints; give the complainant's name and contact, or file "
                               "it as a report (举报), which may be anonymous"}
    errors: dict[str, str] = {}
    person = draft.complainant
    if not (person.name.strip() or person.unit.strip()):
        errors["complainant.name"] = "required: the complainant's name, or complainant.unit"
    if not (person.phone.strip() or person.address.strip() or person.email.strip()):
        errors["complainant.phone"] = ("required: a phone number, or complainant.address or "
                                       "complainant.email")
    return errors


def _required(draft: Draft, form: Form, now: datetime) -> dict[str, str]:
    """The tenant's required paths, for a complaint; an anonymous one is excused the person."""
    if draft.kind != "complaint":
        return {}
    errors: dict[str, str] = {}
    for alternatives in form.required:
        paths = alternatives.split("|")
        if draft.anonymous and paths[0].startswith("complainant."):
            continue
        if not any(draft.value(p).strip() for p in paths):
            others = f" (or {', '.join(paths[1:])})" if len(paths) > 1 else ""
            errors[paths[0]] = f"required for a {form.label or form.kind} complaint{others}"
    return errors


def _formats(draft: Draft, form: Form, now: datetime) -> dict[str, str]:
    errors: dict[str, str] = {}
    phone, email = draft.complainant.phone.strip(), draft.complainant.email.strip()
    if phone and not PHONE.match(phone):
        errors["complainant.phone"] = "must be a phone number (digits, spaces, dashes, +)"
    if email and not EMAIL.match(email):
        errors["complainant.email"] = "must be an e-mail address"
    others = draft.respondent.other_departments
    if len(others) > MAX_OTHER_DEPARTMENTS or any(
            not d.strip() or len(d) > 200 for d in others):
        errors["respondent.other_departments"] = (
            f"at most {MAX_OTHER_DEPARTMENTS} names, each 1–200 characters")
    return errors


def _referral(draft: Draft, form: Form, now: datetime) -> dict[str, str]:
    if draft.channel in REFERRAL_CHANNELS and not draft.referred_by.strip():
        return {"referred_by": f"required for channel {draft.channel}: who forwarded it"}
    return {}


def _circumstances(draft: Draft, form: Form, now: datetime) -> dict[str, str]:
    unknown = [c for c in draft.circumstances if c not in CIRCUMSTANCES]
    if unknown:
        return {"circumstances": f"unknown: {', '.join(unknown)}; "
                                 f"allowed: {', '.join(CIRCUMSTANCES)}"}
    return {}


def _claimed_amount(draft: Draft, form: Form, now: datetime) -> dict[str, str]:
    money = draft.claimed_amount
    errors: dict[str, str] = {}
    if money is None:
        return errors
    if money.currency != "CNY":
        errors["claimed_amount.currency"] = "must be CNY"
    if money.amount_fen < 0:
        errors["claimed_amount.amount_fen"] = "must not be negative"
    return errors


def _incident_time(draft: Draft, form: Form, now: datetime) -> dict[str, str]:
    """An ISO date or date-time, read in Asia/Shanghai when it names no zone; not ahead of now."""
    if not draft.incident_time.strip():
        return {}
    when = parse_incident_time(draft.incident_time)
    if when is None:
        return {"incident_time": "must be an ISO 8601 date or date-time (2026-03-01, "
                                 "2026-03-01T14:30 or with an offset)"}
    local_now = now.astimezone(SHANGHAI)
    ahead = (when > local_now.date() if isinstance(when, date) and not isinstance(when, datetime)
             else when > local_now)
    return {"incident_time": "must not be in the future"} if ahead else {}


def _details(draft: Draft, form: Form, now: datetime) -> dict[str, str]:
    return form.detail_faults(draft.details)


MAX_BACKDATE = timedelta(days=30)


LOCALES = ("", "zh-CN", "en")


def _received_at(draft: Draft, form: Form, now: datetime) -> dict[str, str]:
    """A receipt time before registration is honoured (deadlines count from receipt), within
    reason: not ahead of now, not more than 30 days back."""
    if draft.locale not in LOCALES:
        return {"locale": "zh-CN or en"}
    if draft.received_at is None:
        return {}
    if draft.received_at > now + timedelta(minutes=1):
        return {"received_at": "must not be in the future"}
    if draft.received_at < now - MAX_BACKDATE:
        return {"received_at": "must be within the last 30 days; older mail is registered "
                               "as received now, with its postmark in the facts"}
    return {}


CHECKS: tuple[Check, ...] = (_basics, _complainant, _required, _formats, _referral,
                             _circumstances, _claimed_amount, _incident_time, _details,
                             _received_at)


def parse_incident_time(text: str) -> date | datetime | None:
    """A date, or an aware date-time (a naive one is Asia/Shanghai); None when unreadable."""
    text = text.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=SHANGHAI)


def accepted(draft: Draft) -> Draft:
    """The draft as stored: names trimmed, and a claim for money marks 'compensation'."""
    circumstances = tuple(dict.fromkeys(draft.circumstances))
    if draft.claimed_amount and draft.claimed_amount.amount_fen > 0 \
            and "compensation" not in circumstances:
        circumstances += ("compensation",)
    person, about = draft.complainant, draft.respondent
    contact = Contact(**{name: getattr(person, name).strip() for name in COMPLAINANT})
    return replace(
        draft, circumstances=circumstances, incident_time=draft.incident_time.strip(),
        complainant=contact,
        respondent=replace(about, department=about.department.strip(),
                           person=about.person.strip(), unit=about.unit.strip()))


def case_number(prefix: str, year: int, sequence: int) -> str:
    """Human-readable and per tenant: HOSP-2026-000123."""
    return f"{prefix}-{year}-{sequence:06d}"


def new_access_code() -> str:
    """A secret for an anonymous complainant: 12 characters, about 60 bits."""
    return "".join(secrets.choice(ACCESS_CODE_ALPHABET) for _ in range(12))


def hash_access_code(case_number: str, code: str) -> str:
    return hashlib.sha256(f"{case_number}:{code.strip().upper()}".encode()).hexdigest()

"""The public JSON: request and response bodies."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

Channel = Literal["phone", "letter", "visit", "web", "email", "fax", "sms", "suggestion_box",
                  "referral", "petition_office", "consumer_association", "media"]
Circumstance = Literal["compensation", "safety", "injury", "death", "media", "lawyer", "police",
                       "consumer_association", "government", "litigation", "disruption",
                       "large_loss"]
Severity = Literal["一般", "重要", "重大", "危机"]
Yuan = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2,
                                description="元 (CNY), at most two decimals")]
Text = Annotated[str, Field(min_length=1, max_length=20_000)]
Short = Annotated[str, Field(min_length=1, max_length=200)]
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _written(pattern: re.Pattern[str], what: str) -> object:
    """Only a date (time) written as ISO 8601: pydantic would also take a number as seconds
    since 1970, and `to_date=1e-56` is not the first of January 1970."""
    def check(value: object) -> object:
        if isinstance(value, str) and not pattern.match(value):
            raise ValueError(f"{what} in ISO 8601, e.g. 2026-03-01")
        return value
    return BeforeValidator(check)


IsoDate = Annotated[date, _written(ISO_DATE, "a date")]
IsoDateTime = Annotated[datetime, _written(ISO_DATETIME, "a date and time")]


def example(value: dict) -> ConfigDict:
    """A model's example for the OpenAPI document (/docs offers it as the body to try)."""
    return ConfigDict(json_schema_extra={"examples": [value]})


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Complainant(Strict):
    """A person (name) or a unit (unit) complaining; how to reach them."""

    name: str | None = Field(None, max_length=200)
    unit: str | None = Field(None, max_length=200, description="a complaining organisation")
    phone: str | None = Field(None, max_length=20, pattern=r"^\+?[0-9][0-9 \-]{4,19}$")
    relation: str | None = Field(None, max_length=50, description="relation to the patient or "
                                 "consumer, e.g. 本人, 家属")
    address: str | None = Field(None, max_length=300)
    email: str | None = Field(None, max_length=200, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Respondent(Strict):
    unit: str | None = Field(None, max_length=200, description="被投诉单位 (a business)")
    department: str | None = Field(None, max_length=200)
    person: str | None = Field(None, max_length=200)
    other_departments: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        default_factory=list, max_length=10,
        description="further departments the complaint spans; the coordinating office leads")


class ComplaintCreate(Strict):
    """A complaint (投诉) or report (举报); omit `complainant` to submit anonymously. Which
    fields are required, and which `details` exist, depend on the tenant's kind."""

    model_config = example({
        "kind": "complaint", "channel": "phone", "content": "护士输液时态度恶劣，打针多次不成功",
        "complainant": {"name": "张三", "phone": "13800000000", "relation": "本人"},
        "respondent": {"department": "护理部"}, "demands": "赔礼道歉",
        "details": {"patient_name": "张三", "outpatient_number": "MZ20260001"}})


    kind: Literal["complaint", "report"]
    channel: Channel
    content: Text
    complainant: Complainant | None = None
    respondent: Respondent | None = None
    category: str | None = Field(None, max_length=64,
                                 description="omit to let routing classify the content")
    demands: str | None = Field(None, max_length=5_000, description="投诉请求: what is asked for")
    facts: str | None = Field(None, max_length=20_000, description="事实和理由")
    incident_time: str | None = Field(None, max_length=40,
                                      description="ISO 8601 date or date-time (Asia/Shanghai)")
    incident_place: str | None = Field(None, max_length=300)
    claimed_amount: Yuan | None = None
    details: dict[Annotated[str, Field(max_length=64)], Annotated[str, Field(max_length=500)]] \
        = Field(default_factory=dict, max_length=30, description="the tenant kind's own fields, "
                "e.g. hospital: patient_name, patient_sex, patient_age, outpatient_number")
    circumstances: list[Circumstance] = Field(default_factory=list, max_length=12,
                                              description="facts that weigh on severity")
    referred_by: str | None = Field(None, max_length=200, description="who forwarded it "
                                    "(referral, petition_office, consumer_association, media)")
    received_at: AwareDatetime | None = Field(
        None, description="when it actually came in, if before registration (a letter opened "
        "the next morning, a referral passed on): deadlines count from it; at most 30 days back")
    locale: Literal["zh-CN", "en"] = Field("zh-CN", description="the language the "
                                           "complainant is written to in")


class TimelineEntry(BaseModel):
    at: datetime
    type: str
    summary: str
    actor: str | None
    from_status: str | None = None
    to_status: str | None = None
    reason: str | None = None


class PartyRead(BaseModel):
    name: str | None
    unit: str | None = None
    phone: str | None
    relation: str | None = None
    address: str | None = None
    email: str | None = None


class RespondentRead(BaseModel):
    unit: str | None = None
    department: str | None
    person: str | None
    other_departments: list[str] = []


class InvestigationRecordRead(BaseModel):
    type: str
    subject: str
    summary: str
    at: datetime
    recorded_by: str
    recorded_at: datetime


class ProposalRead(BaseModel):
    round: int
    text: str
    compensation: Decimal | None
    proposed_by: str
    proposed_at: datetime
    status: str
    required_role: str
    decided_by: str | None
    decision_note: str | None


class AnswerRead(BaseModel):
    round: int
    mode: str
    text: str
    answered_by: str
    answered_at: datetime


class FollowUpRead(BaseModel):
    round: int
    satisfied: bool
    note: str
    by: str
    at: datetime
    rating: int | None = None
    solved: bool | None = None


class LinkRead(BaseModel):
    case_id: str
    case_number: str
    relation: str


class FileRead(BaseModel):
    """A file in the store: download it from the case's `files/{sha256}`."""

    sha256: str
    size: int
    media_type: str
    name: str


class MaterialRead(BaseModel):
    description: str
    added_by: str
    added_at: datetime
    files: list[FileRead] = []


class DuplicateRead(BaseModel):
    case_id: str
    case_number: str
    score: float
    reasons: list[str]


class CaseRead(BaseModel):
    case_id: str
    case_number: str
    kind: str
    channel: str
    status: str
    allowed_actions: list[str] = Field(description="what the caller may do next")
    category: str | None
    category_source: str | None = None
    matched_keywords: list[str] = []
    severity: str | None = None
    severity_reasons: list[str] = []
    department: str | None
    handler_id: str | None
    coordinated: bool = False
    departments_involved: list[str] = []
    on_duty: bool = False
    due_at: datetime | None
    deadline_rule: str | None
    acknowledged: bool
    first_contact_owner: str | None = Field(description="首问责任人: who took the complaint in")
    anonymous: bool
    identity_withheld: bool = False
    complainant: PartyRead | None
    co_complainants: list[PartyRead] = []
    respondent: RespondentRead | None
    content: str
    demands: str | None
    facts: str | None = None
    incident_time: str | None = None
    incident_place: str | None = None
    claimed_amount: Decimal | None = None
    details: dict[str, str] = {}
    circumstances: list[str] = []
    referred_by: str | None = None
    round: int = 1
    escalated: bool = False
    disposition: str | None = None
    hold_reason: str | None = None
    refusal_reason: str | None = None
    competent_body: str | None = None
    referral_mode: str | None = None
    possible_duplicates: list[DuplicateRead] = []
    records: list[InvestigationRecordRead] = []
    proposals: list[ProposalRead] = []
    answers: list[AnswerRead] = []
    follow_ups: list[FollowUpRead] = []
    links: list[LinkRead] = []
    materials: list[MaterialRead] = []
    transfers: list[TransferRead] = Field(default_factory=list, description="along the legal "
                                          "paths: sent from this case, or that brought it here")
    received_at: datetime
    updated_at: datetime | None
    timeline: list[TimelineEntry]


class ComplaintAccepted(CaseRead):
    access_code: str | None = Field(None, description="shown once, to give the complainant: "
                                    "with the case number it opens the complainant portal "
                                    "(for an anonymous one, the only way to follow the case)")


class CaseSummary(BaseModel):
    case_id: str
    case_number: str
    kind: str
    channel: str
    status: str
    category: str | None
    severity: str | None
    department: str | None
    handler_id: str | None
    first_contact_owner: str | None
    due_at: datetime | None
    overdue: bool
    acknowledged: bool
    received_at: datetime
    updated_at: datetime | None


class CaseList(BaseModel):
    items: list[CaseSummary]
    next_page_token: str | None


# --- actions -------------------------------------------------------------------------------

class _Action(Strict):
    reason: str | None = Field(None, max_length=2_000, description="why (required for some)")


class Accept(_Action):
    """受理: the case is ours and valid."""
    action: Literal["accept"]


class Refuse(_Action):
    """不予受理, with the reason and the written notice the complainant receives."""
    action: Literal["refuse"]
    notice: Text


class Refer(_Action):
    """Not ours: record who is competent; tell the complainant, or transfer."""
    action: Literal["refer"]
    competent_body: Short
    mode: Literal["tell", "transfer"]


class Assign(_Action):
    """Ask routing for another handler in the department."""
    action: Literal["assign"]


class StartInvestigation(_Action):
    action: Literal["start_investigation"]


class RecordInvestigation(_Action):
    """An interview, a document reviewed, an expert consulted (调查记录)."""
    action: Literal["record_investigation"]
    type: Literal["interview_complainant", "interview_respondent", "interview_witness",
                  "document_review", "expert_consultation", "site_inspection"]
    subject: Short
    summary: Text
    at: datetime | None = Field(None, description="when it took place; default now")


class Propose(_Action):
    """处理意见: what the institution proposes; approval follows the tenant's rules."""
    action: Literal["propose"]
    text: Text
    compensation: Yuan | None = None


class ApproveProposal(_Action):
    action: Literal["approve_proposal"]
    note: str | None = Field(None, max_length=2_000)


class RejectProposal(_Action):
    action: Literal["reject_proposal"]
    note: str | None = Field(None, max_length=2_000)


class Answer(_Action):
    """The answer given to the complainant, written or oral."""
    action: Literal["answer"]
    mode: Literal["written", "oral"]
    text: Text


class FollowUp(_Action):
    """回访: was the complainant satisfied?"""
    action: Literal["follow_up"]
    satisfied: bool
    note: str | None = Field(None, max_length=5_000)


class Close(_Action):
    action: Literal["close"]
    disposition: Literal["resolved", "unfounded", "mediated", "transferred", "judged"]


class Reopen(_Action):
    action: Literal["reopen"]


class Hold(_Action):
    """Wait for the complainant's material, an external appraisal or testing."""
    action: Literal["hold"]
    kind: Literal["material", "appraisal", "testing", "hearing"]


class Resume(_Action):
    action: Literal["resume"]


class Withdraw(_Action):
    action: Literal["withdraw"]


class Archive(_Action):
    action: Literal["archive"]


class Reclassify(_Action):
    """Override the classification; the case is routed again."""
    action: Literal["reclassify"]
    category: Annotated[str, Field(min_length=1, max_length=64)]


class DesignateLead(_Action):
    """The coordinating office names the lead department of a multi-department complaint."""
    action: Literal["designate_lead"]
    department: Annotated[str, Field(min_length=1, max_length=100)]
    cooperating: list[Annotated[str, Field(min_length=1, max_length=100)]] = \
        Field(default_factory=list, max_length=10)


class DeclareConflict(_Action):
    """The handler declares a conflict of interest (回避); the case moves."""
    action: Literal["declare_conflict"]


class Link(_Action):
    action: Literal["link"]
    case_id: UUID


class Merge(_Action):
    """This complaint joins another; its complainant becomes a co-complainant there."""
    action: Literal["merge"]
    into_case_id: UUID


class AddNote(_Action):
    action: Literal["add_note"]
    text: Text


class AddMaterial(_Action):
    action: Literal["add_material"]
    description: Text


class RecordMilestone(_Action):
    """A procedural step with no status of its own (e.g. first_contact 首次联系投诉人); deadline
    clocks stop on it. The case service keeps the vocabulary and refuses an unknown one (422)."""
    action: Literal["record_milestone"]
    milestone: Annotated[str, Field(min_length=1, max_length=64)]
    note: str | None = Field(None, max_length=2_000)
    happened_at: AwareDatetime | None = Field(
        None, description="when the step happened, if not now: the time of death (death), the "
                          "end of a rescue (rescue_ended); legal periods count from it")


class RevealIdentity(_Action):
    """Open a real-name reporter's sealed identity; the reason goes on the record."""
    action: Literal["reveal_identity"]


class Transfer(_Action):
    """Send the case along one of the institution's legal paths (GET /v1/transfer-paths), e.g.
    people_mediation to a 医调委; for a court, name the court in to_agency."""
    action: Literal["transfer"]
    path: Annotated[str, Field(min_length=1, max_length=64)]
    to_agency: Annotated[str, Field(min_length=1, max_length=100)]
    reason_code: Annotated[str, Field(min_length=1, max_length=64)]
    consent: bool = Field(False, description="the complainant consented (needed on some paths)")
    reporter_consent: bool = Field(False, description="a real-name reporter agreed that their "
                                   "identity goes along")
    note: str | None = Field(None, max_length=2_000)


class ReturnTransfer(_Action):
    """退回: this institution is not competent for a case sent to it (reason required)."""
    action: Literal["return_transfer"]


class ReportOutcome(_Action):
    """The outcome of a case sent here (it goes back to the sender and ends this case), or a
    court's judgement on a case filed with it."""
    action: Literal["report_outcome"]
    outcome: Annotated[str, Field(min_length=1, max_length=64)]
    text: Text
    amount: Yuan | None = Field(None, description="e.g. compensation agreed or awarded")


CaseAction = Annotated[
    Accept | Refuse | Refer | Assign | StartInvestigation | RecordInvestigation | Propose
    | ApproveProposal | RejectProposal | Answer | FollowUp | Close | Reopen | Hold | Resume
    | Withdraw | Archive | Reclassify | DesignateLead | DeclareConflict | Link | Merge | AddNote
    | AddMaterial | RecordMilestone | RevealIdentity | Transfer | ReturnTransfer
    | ReportOutcome, Field(discriminator="action")]


class TransferRead(BaseModel):
    transfer_id: str
    direction: Literal["in", "out"]
    path: str
    path_title: str
    peer: str = Field(description="the other institution (or the court)")
    status: str = Field(description="offered, filed, accepted, declined, returned, concluded")
    case_id: str
    case_number: str | None
    peer_case_number: str | None
    reason_code: str
    outcome: str | None
    outcome_text: str | None
    answer_reason: str | None
    offered_at: datetime
    updated_at: datetime
    remote: bool = Field(description="the peer is an agency of another deployment")
    delivery: str | None = Field(description="to another deployment: pending, delivered, "
                                 "failed")
    package: dict | None = Field(description="in: the package as received")


class TransferPathRead(BaseModel):
    id: str
    title: str
    to_kinds: list[str]
    external: bool
    reasons: list[str]
    consent_required: bool
    outcomes: list[str]
    cite: str
    agencies: list[str] = Field(description="who this institution may send to on this path")


class FederatedMessage(Strict):
    model_config = example({"jws": "eyJhbGciOiJFZERTQSIsImtpZCI6ImRlbW8taG9zcGl0YWwifQ.e30.c2ln"})

    jws: Annotated[str, Field(min_length=1, max_length=1 << 20)]


class FederatedAck(BaseModel):
    message_id: str
    transfer_id: str
    duplicate: bool = Field(description="delivered before: acknowledged, not applied again")


class PortalMaterial(Strict):
    model_config = example({"description": "补充门诊病历第3页的照片说明"})

    description: Text


class PortalSurvey(Strict):
    """回访 by the complainant: how satisfied, and whether the problem is solved."""

    model_config = example({"rating": 4, "solved": True, "note": "处理及时"})


    rating: int = Field(ge=1, le=5, description="1 (very dissatisfied) to 5 (very satisfied)")
    solved: bool
    note: str | None = Field(None, max_length=2_000)


class PortalWithdraw(Strict):
    model_config = example({"reason": "已与医院协商解决"})

    reason: Annotated[str, Field(min_length=1, max_length=2_000)]


class PortalReopen(Strict):
    """Why the answer did not settle it: what should be looked at again."""

    model_config = example({"reason": "答复没有说明为何多次穿刺失败"})


    reason: Annotated[str, Field(min_length=1, max_length=2_000)]


# --- routing administration ----------------------------------------------------------------

class CategoryRule(Strict):
    model_config = example({"department": "医务处", "keywords": ["误诊", "漏诊", "手术"]})

    department: Annotated[str, Field(min_length=1, max_length=100)]
    keywords: list[Annotated[str, Field(min_length=1, max_length=50)]] = \
        Field(min_length=1, max_length=200)


class CategoryRead(BaseModel):
    name: str
    department: str
    keywords: list[str]


class RouteRow(Strict):
    category: str | None = Field(None, max_length=64)
    respondent_department: str | None = Field(None, max_length=100)
    severity: Severity | None = None
    department: Annotated[str, Field(min_length=1, max_length=100)]


class RoutingTable(Strict):
    model_config = example({"routes": [
        {"category": "医疗质量", "department": "医务处"},
        {"category": "服务态度", "respondent_department": "护理部", "department": "护理部"},
        {"severity": "危机", "department": "院办"}]})

    routes: list[RouteRow] = Field(max_length=1_000)


class ClassifyBody(Strict):
    model_config = example({"content": "医生态度恶劣，候诊两个小时"})

    content: Text


class CategoryScore(BaseModel):
    category: str
    department: str
    matched_keywords: list[str]
    hits: int


class Classification(BaseModel):
    category: str | None
    matched_keywords: list[str]
    scores: list[CategoryScore]


class CandidateRead(BaseModel):
    user_id: str
    name: str
    department: str
    open_cases: int


class ConflictBody(Strict):
    """A conflict of interest with a party (by name) or with one case."""

    model_config = example({"party": "张三", "reason": "投诉人是本人的亲属"})

    user_id: str | None = Field(None, max_length=64, description="default: yourself")
    party: str | None = Field(None, max_length=200)
    case_id: UUID | None = None
    reason: Annotated[str, Field(min_length=1, max_length=2_000)]


class ConflictRead(BaseModel):
    user_id: str
    party: str | None
    case_id: str | None
    reason: str
    declared_at: datetime


# --- deadlines ------------------------------------------------------------------------------

class NamedDay(BaseModel):
    date: str
    name: str | None


class PauseRead(BaseModel):
    begins: datetime
    ends: datetime
    working_seconds: int


class DeadlineExplanation(BaseModel):
    """How a clock's due moment was reached on the official working-day calendar."""

    name: str
    state: str
    rule: str
    unit: str
    amount: int
    started_at: datetime
    counted_from: datetime
    due_at: datetime
    stored_due_at: datetime | None
    convention: str
    counted: list[str]
    weekends_skipped: list[str]
    holidays_skipped: list[NamedDay]
    makeup_days_counted: list[NamedDay]
    paused: list[PauseRead]
    warnings: list[str]
    moved_from: datetime | None = Field(
        None, description="where a period in days would have ended before 《民法典》第二百零三条 "
                          "moved it past a holiday or rest day to the next working day")
    moved_over: list[NamedDay] = []
    moved_why: str | None = None


CaseRead.model_rebuild()

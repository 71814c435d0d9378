import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from casebridge.common.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TimelineEntry(_message.Message):
    __slots__ = ("at", "type", "summary", "actor", "event_id", "from_status", "to_status", "reason")
    AT_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_STATUS_FIELD_NUMBER: _ClassVar[int]
    TO_STATUS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    at: _timestamp_pb2.Timestamp
    type: str
    summary: str
    actor: str
    event_id: str
    from_status: str
    to_status: str
    reason: str
    def __init__(self, at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., type: _Optional[str] = ..., summary: _Optional[str] = ..., actor: _Optional[str] = ..., event_id: _Optional[str] = ..., from_status: _Optional[str] = ..., to_status: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class InvestigationRecord(_message.Message):
    __slots__ = ("type", "subject", "summary", "at", "recorded_by", "recorded_at")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    RECORDED_BY_FIELD_NUMBER: _ClassVar[int]
    RECORDED_AT_FIELD_NUMBER: _ClassVar[int]
    type: str
    subject: str
    summary: str
    at: _timestamp_pb2.Timestamp
    recorded_by: str
    recorded_at: _timestamp_pb2.Timestamp
    def __init__(self, type: _Optional[str] = ..., subject: _Optional[str] = ..., summary: _Optional[str] = ..., at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., recorded_by: _Optional[str] = ..., recorded_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Proposal(_message.Message):
    __slots__ = ("round", "text", "compensation", "proposed_by", "proposed_at", "status", "decided_by", "decision_note", "required_role")
    ROUND_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    COMPENSATION_FIELD_NUMBER: _ClassVar[int]
    PROPOSED_BY_FIELD_NUMBER: _ClassVar[int]
    PROPOSED_AT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    DECIDED_BY_FIELD_NUMBER: _ClassVar[int]
    DECISION_NOTE_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_ROLE_FIELD_NUMBER: _ClassVar[int]
    round: int
    text: str
    compensation: _common_pb2.Money
    proposed_by: str
    proposed_at: _timestamp_pb2.Timestamp
    status: str
    decided_by: str
    decision_note: str
    required_role: str
    def __init__(self, round: _Optional[int] = ..., text: _Optional[str] = ..., compensation: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., proposed_by: _Optional[str] = ..., proposed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., status: _Optional[str] = ..., decided_by: _Optional[str] = ..., decision_note: _Optional[str] = ..., required_role: _Optional[str] = ...) -> None: ...

class Answer(_message.Message):
    __slots__ = ("round", "mode", "text", "answered_by", "answered_at")
    ROUND_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    ANSWERED_BY_FIELD_NUMBER: _ClassVar[int]
    ANSWERED_AT_FIELD_NUMBER: _ClassVar[int]
    round: int
    mode: str
    text: str
    answered_by: str
    answered_at: _timestamp_pb2.Timestamp
    def __init__(self, round: _Optional[int] = ..., mode: _Optional[str] = ..., text: _Optional[str] = ..., answered_by: _Optional[str] = ..., answered_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class FollowUp(_message.Message):
    __slots__ = ("round", "satisfied", "note", "by", "at", "rating", "solved")
    ROUND_FIELD_NUMBER: _ClassVar[int]
    SATISFIED_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    BY_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    RATING_FIELD_NUMBER: _ClassVar[int]
    SOLVED_FIELD_NUMBER: _ClassVar[int]
    round: int
    satisfied: bool
    note: str
    by: str
    at: _timestamp_pb2.Timestamp
    rating: int
    solved: bool
    def __init__(self, round: _Optional[int] = ..., satisfied: _Optional[bool] = ..., note: _Optional[str] = ..., by: _Optional[str] = ..., at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., rating: _Optional[int] = ..., solved: _Optional[bool] = ...) -> None: ...

class CaseLink(_message.Message):
    __slots__ = ("case_id", "case_number", "relation")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    RELATION_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    case_number: str
    relation: str
    def __init__(self, case_id: _Optional[str] = ..., case_number: _Optional[str] = ..., relation: _Optional[str] = ...) -> None: ...

class Material(_message.Message):
    __slots__ = ("description", "added_by", "added_at", "files")
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    ADDED_BY_FIELD_NUMBER: _ClassVar[int]
    ADDED_AT_FIELD_NUMBER: _ClassVar[int]
    FILES_FIELD_NUMBER: _ClassVar[int]
    description: str
    added_by: str
    added_at: _timestamp_pb2.Timestamp
    files: _containers.RepeatedCompositeFieldContainer[FileRef]
    def __init__(self, description: _Optional[str] = ..., added_by: _Optional[str] = ..., added_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., files: _Optional[_Iterable[_Union[FileRef, _Mapping]]] = ...) -> None: ...

class FileRef(_message.Message):
    __slots__ = ("sha256", "size", "media_type", "name")
    SHA256_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    sha256: str
    size: int
    media_type: str
    name: str
    def __init__(self, sha256: _Optional[str] = ..., size: _Optional[int] = ..., media_type: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class Case(_message.Message):
    __slots__ = ("case_id", "case_number", "tenant_id", "kind", "channel", "status", "category", "department", "handler_id", "due_at", "first_contact_owner", "content", "complainant", "anonymous", "respondent", "received_at", "updated_at", "timeline", "deadline_rule", "acknowledged", "demands", "tenant_kind", "severity", "severity_reasons", "category_source", "matched_keywords", "coordinated", "departments_involved", "on_duty", "facts", "incident_time", "incident_place", "claimed_amount", "details", "circumstances", "referred_by", "disposition", "held_from", "hold_reason", "round", "refusal_reason", "competent_body", "referral_mode", "co_complainants", "records", "proposals", "answers", "follow_ups", "links", "materials", "possible_duplicates", "allowed_actions", "escalated", "identity_withheld", "transfers")
    class DetailsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    HANDLER_ID_FIELD_NUMBER: _ClassVar[int]
    DUE_AT_FIELD_NUMBER: _ClassVar[int]
    FIRST_CONTACT_OWNER_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    COMPLAINANT_FIELD_NUMBER: _ClassVar[int]
    ANONYMOUS_FIELD_NUMBER: _ClassVar[int]
    RESPONDENT_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    TIMELINE_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_RULE_FIELD_NUMBER: _ClassVar[int]
    ACKNOWLEDGED_FIELD_NUMBER: _ClassVar[int]
    DEMANDS_FIELD_NUMBER: _ClassVar[int]
    TENANT_KIND_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_REASONS_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_SOURCE_FIELD_NUMBER: _ClassVar[int]
    MATCHED_KEYWORDS_FIELD_NUMBER: _ClassVar[int]
    COORDINATED_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENTS_INVOLVED_FIELD_NUMBER: _ClassVar[int]
    ON_DUTY_FIELD_NUMBER: _ClassVar[int]
    FACTS_FIELD_NUMBER: _ClassVar[int]
    INCIDENT_TIME_FIELD_NUMBER: _ClassVar[int]
    INCIDENT_PLACE_FIELD_NUMBER: _ClassVar[int]
    CLAIMED_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    DETAILS_FIELD_NUMBER: _ClassVar[int]
    CIRCUMSTANCES_FIELD_NUMBER: _ClassVar[int]
    REFERRED_BY_FIELD_NUMBER: _ClassVar[int]
    DISPOSITION_FIELD_NUMBER: _ClassVar[int]
    HELD_FROM_FIELD_NUMBER: _ClassVar[int]
    HOLD_REASON_FIELD_NUMBER: _ClassVar[int]
    ROUND_FIELD_NUMBER: _ClassVar[int]
    REFUSAL_REASON_FIELD_NUMBER: _ClassVar[int]
    COMPETENT_BODY_FIELD_NUMBER: _ClassVar[int]
    REFERRAL_MODE_FIELD_NUMBER: _ClassVar[int]
    CO_COMPLAINANTS_FIELD_NUMBER: _ClassVar[int]
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    PROPOSALS_FIELD_NUMBER: _ClassVar[int]
    ANSWERS_FIELD_NUMBER: _ClassVar[int]
    FOLLOW_UPS_FIELD_NUMBER: _ClassVar[int]
    LINKS_FIELD_NUMBER: _ClassVar[int]
    MATERIALS_FIELD_NUMBER: _ClassVar[int]
    POSSIBLE_DUPLICATES_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_ACTIONS_FIELD_NUMBER: _ClassVar[int]
    ESCALATED_FIELD_NUMBER: _ClassVar[int]
    IDENTITY_WITHHELD_FIELD_NUMBER: _ClassVar[int]
    TRANSFERS_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    case_number: str
    tenant_id: str
    kind: str
    channel: str
    status: str
    category: str
    department: str
    handler_id: str
    due_at: _timestamp_pb2.Timestamp
    first_contact_owner: str
    content: str
    complainant: _common_pb2.Party
    anonymous: bool
    respondent: _common_pb2.Respondent
    received_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    timeline: _containers.RepeatedCompositeFieldContainer[TimelineEntry]
    deadline_rule: str
    acknowledged: bool
    demands: str
    tenant_kind: str
    severity: str
    severity_reasons: _containers.RepeatedScalarFieldContainer[str]
    category_source: str
    matched_keywords: _containers.RepeatedScalarFieldContainer[str]
    coordinated: bool
    departments_involved: _containers.RepeatedScalarFieldContainer[str]
    on_duty: bool
    facts: str
    incident_time: str
    incident_place: str
    claimed_amount: _common_pb2.Money
    details: _containers.ScalarMap[str, str]
    circumstances: _containers.RepeatedScalarFieldContainer[str]
    referred_by: str
    disposition: str
    held_from: str
    hold_reason: str
    round: int
    refusal_reason: str
    competent_body: str
    referral_mode: str
    co_complainants: _containers.RepeatedCompositeFieldContainer[_common_pb2.Party]
    records: _containers.RepeatedCompositeFieldContainer[InvestigationRecord]
    proposals: _containers.RepeatedCompositeFieldContainer[Proposal]
    answers: _containers.RepeatedCompositeFieldContainer[Answer]
    follow_ups: _containers.RepeatedCompositeFieldContainer[FollowUp]
    links: _containers.RepeatedCompositeFieldContainer[CaseLink]
    materials: _containers.RepeatedCompositeFieldContainer[Material]
    possible_duplicates: _containers.RepeatedCompositeFieldContainer[PossibleDuplicate]
    allowed_actions: _containers.RepeatedScalarFieldContainer[str]
    escalated: bool
    identity_withheld: bool
    transfers: _containers.RepeatedCompositeFieldContainer[TransferRecord]
    def __init__(self, case_id: _Optional[str] = ..., case_number: _Optional[str] = ..., tenant_id: _Optional[str] = ..., kind: _Optional[str] = ..., channel: _Optional[str] = ..., status: _Optional[str] = ..., category: _Optional[str] = ..., department: _Optional[str] = ..., handler_id: _Optional[str] = ..., due_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., first_contact_owner: _Optional[str] = ..., content: _Optional[str] = ..., complainant: _Optional[_Union[_common_pb2.Party, _Mapping]] = ..., anonymous: _Optional[bool] = ..., respondent: _Optional[_Union[_common_pb2.Respondent, _Mapping]] = ..., received_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., timeline: _Optional[_Iterable[_Union[TimelineEntry, _Mapping]]] = ..., deadline_rule: _Optional[str] = ..., acknowledged: _Optional[bool] = ..., demands: _Optional[str] = ..., tenant_kind: _Optional[str] = ..., severity: _Optional[str] = ..., severity_reasons: _Optional[_Iterable[str]] = ..., category_source: _Optional[str] = ..., matched_keywords: _Optional[_Iterable[str]] = ..., coordinated: _Optional[bool] = ..., departments_involved: _Optional[_Iterable[str]] = ..., on_duty: _Optional[bool] = ..., facts: _Optional[str] = ..., incident_time: _Optional[str] = ..., incident_place: _Optional[str] = ..., claimed_amount: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., details: _Optional[_Mapping[str, str]] = ..., circumstances: _Optional[_Iterable[str]] = ..., referred_by: _Optional[str] = ..., disposition: _Optional[str] = ..., held_from: _Optional[str] = ..., hold_reason: _Optional[str] = ..., round: _Optional[int] = ..., refusal_reason: _Optional[str] = ..., competent_body: _Optional[str] = ..., referral_mode: _Optional[str] = ..., co_complainants: _Optional[_Iterable[_Union[_common_pb2.Party, _Mapping]]] = ..., records: _Optional[_Iterable[_Union[InvestigationRecord, _Mapping]]] = ..., proposals: _Optional[_Iterable[_Union[Proposal, _Mapping]]] = ..., answers: _Optional[_Iterable[_Union[Answer, _Mapping]]] = ..., follow_ups: _Optional[_Iterable[_Union[FollowUp, _Mapping]]] = ..., links: _Optional[_Iterable[_Union[CaseLink, _Mapping]]] = ..., materials: _Optional[_Iterable[_Union[Material, _Mapping]]] = ..., possible_duplicates: _Optional[_Iterable[_Union[PossibleDuplicate, _Mapping]]] = ..., allowed_actions: _Optional[_Iterable[str]] = ..., escalated: _Optional[bool] = ..., identity_withheld: _Optional[bool] = ..., transfers: _Optional[_Iterable[_Union[TransferRecord, _Mapping]]] = ...) -> None: ...

class PossibleDuplicate(_message.Message):
    __slots__ = ("case_id", "case_number", "score", "reasons")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    case_number: str
    score: float
    reasons: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, case_id: _Optional[str] = ..., case_number: _Optional[str] = ..., score: _Optional[float] = ..., reasons: _Optional[_Iterable[str]] = ...) -> None: ...

class GetCaseRequest(_message.Message):
    __slots__ = ("case_id",)
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    def __init__(self, case_id: _Optional[str] = ...) -> None: ...

class ListCasesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "status", "department", "handler_id", "severity", "category", "channel", "overdue", "received_from", "received_to", "text", "scope", "sort", "kind", "due_soon", "count")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    HANDLER_ID_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_FROM_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_TO_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    SORT_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    DUE_SOON_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    status: str
    department: str
    handler_id: str
    severity: str
    category: str
    channel: str
    overdue: bool
    received_from: _timestamp_pb2.Timestamp
    received_to: _timestamp_pb2.Timestamp
    text: str
    scope: str
    sort: str
    kind: str
    due_soon: bool
    count: bool
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., status: _Optional[str] = ..., department: _Optional[str] = ..., handler_id: _Optional[str] = ..., severity: _Optional[str] = ..., category: _Optional[str] = ..., channel: _Optional[str] = ..., overdue: _Optional[bool] = ..., received_from: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., received_to: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., text: _Optional[str] = ..., scope: _Optional[str] = ..., sort: _Optional[str] = ..., kind: _Optional[str] = ..., due_soon: _Optional[bool] = ..., count: _Optional[bool] = ...) -> None: ...

class ListCasesResponse(_message.Message):
    __slots__ = ("cases", "next_page_token", "total")
    CASES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    cases: _containers.RepeatedCompositeFieldContainer[Case]
    next_page_token: str
    total: int
    def __init__(self, cases: _Optional[_Iterable[_Union[Case, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total: _Optional[int] = ...) -> None: ...

class ActRequest(_message.Message):
    __slots__ = ("case_id", "idempotency_key", "reason", "brief", "accept", "refuse", "refer", "assign", "start_investigation", "record_investigation", "propose", "approve_proposal", "reject_proposal", "answer", "follow_up", "close", "reopen", "hold", "resume", "withdraw", "archive", "reclassify", "designate_lead", "declare_conflict", "link", "merge", "add_note", "add_material", "reveal_identity", "record_milestone", "transfer", "return_transfer", "report_outcome")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    BRIEF_FIELD_NUMBER: _ClassVar[int]
    ACCEPT_FIELD_NUMBER: _ClassVar[int]
    REFUSE_FIELD_NUMBER: _ClassVar[int]
    REFER_FIELD_NUMBER: _ClassVar[int]
    ASSIGN_FIELD_NUMBER: _ClassVar[int]
    START_INVESTIGATION_FIELD_NUMBER: _ClassVar[int]
    RECORD_INVESTIGATION_FIELD_NUMBER: _ClassVar[int]
    PROPOSE_FIELD_NUMBER: _ClassVar[int]
    APPROVE_PROPOSAL_FIELD_NUMBER: _ClassVar[int]
    REJECT_PROPOSAL_FIELD_NUMBER: _ClassVar[int]
    ANSWER_FIELD_NUMBER: _ClassVar[int]
    FOLLOW_UP_FIELD_NUMBER: _ClassVar[int]
    CLOSE_FIELD_NUMBER: _ClassVar[int]
    REOPEN_FIELD_NUMBER: _ClassVar[int]
    HOLD_FIELD_NUMBER: _ClassVar[int]
    RESUME_FIELD_NUMBER: _ClassVar[int]
    WITHDRAW_FIELD_NUMBER: _ClassVar[int]
    ARCHIVE_FIELD_NUMBER: _ClassVar[int]
    RECLASSIFY_FIELD_NUMBER: _ClassVar[int]
    DESIGNATE_LEAD_FIELD_NUMBER: _ClassVar[int]
    DECLARE_CONFLICT_FIELD_NUMBER: _ClassVar[int]
    LINK_FIELD_NUMBER: _ClassVar[int]
    MERGE_FIELD_NUMBER: _ClassVar[int]
    ADD_NOTE_FIELD_NUMBER: _ClassVar[int]
    ADD_MATERIAL_FIELD_NUMBER: _ClassVar[int]
    REVEAL_IDENTITY_FIELD_NUMBER: _ClassVar[int]
    RECORD_MILESTONE_FIELD_NUMBER: _ClassVar[int]
    TRANSFER_FIELD_NUMBER: _ClassVar[int]
    RETURN_TRANSFER_FIELD_NUMBER: _ClassVar[int]
    REPORT_OUTCOME_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    idempotency_key: str
    reason: str
    brief: bool
    accept: Accept
    refuse: Refuse
    refer: Refer
    assign: Assign
    start_investigation: StartInvestigation
    record_investigation: RecordInvestigation
    propose: Propose
    approve_proposal: ApproveProposal
    reject_proposal: RejectProposal
    answer: RecordAnswer
    follow_up: RecordFollowUp
    close: Close
    reopen: Reopen
    hold: Hold
    resume: Resume
    withdraw: Withdraw
    archive: Archive
    reclassify: Reclassify
    designate_lead: DesignateLead
    declare_conflict: DeclareConflict
    link: Link
    merge: Merge
    add_note: AddNote
    add_material: AddMaterial
    reveal_identity: RevealIdentity
    record_milestone: RecordMilestone
    transfer: Transfer
    return_transfer: ReturnTransfer
    report_outcome: ReportOutcome
    def __init__(self, case_id: _Optional[str] = ..., idempotency_key: _Optional[str] = ..., reason: _Optional[str] = ..., brief: _Optional[bool] = ..., accept: _Optional[_Union[Accept, _Mapping]] = ..., refuse: _Optional[_Union[Refuse, _Mapping]] = ..., refer: _Optional[_Union[Refer, _Mapping]] = ..., assign: _Optional[_Union[Assign, _Mapping]] = ..., start_investigation: _Optional[_Union[StartInvestigation, _Mapping]] = ..., record_investigation: _Optional[_Union[RecordInvestigation, _Mapping]] = ..., propose: _Optional[_Union[Propose, _Mapping]] = ..., approve_proposal: _Optional[_Union[ApproveProposal, _Mapping]] = ..., reject_proposal: _Optional[_Union[RejectProposal, _Mapping]] = ..., answer: _Optional[_Union[RecordAnswer, _Mapping]] = ..., follow_up: _Optional[_Union[RecordFollowUp, _Mapping]] = ..., close: _Optional[_Union[Close, _Mapping]] = ..., reopen: _Optional[_Union[Reopen, _Mapping]] = ..., hold: _Optional[_Union[Hold, _Mapping]] = ..., resume: _Optional[_Union[Resume, _Mapping]] = ..., withdraw: _Optional[_Union[Withdraw, _Mapping]] = ..., archive: _Optional[_Union[Archive, _Mapping]] = ..., reclassify: _Optional[_Union[Reclassify, _Mapping]] = ..., designate_lead: _Optional[_Union[DesignateLead, _Mapping]] = ..., declare_conflict: _Optional[_Union[DeclareConflict, _Mapping]] = ..., link: _Optional[_Union[Link, _Mapping]] = ..., merge: _Optional[_Union[Merge, _Mapping]] = ..., add_note: _Optional[_Union[AddNote, _Mapping]] = ..., add_material: _Optional[_Union[AddMaterial, _Mapping]] = ..., reveal_identity: _Optional[_Union[RevealIdentity, _Mapping]] = ..., record_milestone: _Optional[_Union[RecordMilestone, _Mapping]] = ..., transfer: _Optional[_Union[Transfer, _Mapping]] = ..., return_transfer: _Optional[_Union[ReturnTransfer, _Mapping]] = ..., report_outcome: _Optional[_Union[ReportOutcome, _Mapping]] = ...) -> None: ...

class Accept(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Refuse(_message.Message):
    __slots__ = ("notice",)
    NOTICE_FIELD_NUMBER: _ClassVar[int]
    notice: str
    def __init__(self, notice: _Optional[str] = ...) -> None: ...

class Refer(_message.Message):
    __slots__ = ("competent_body", "mode")
    COMPETENT_BODY_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    competent_body: str
    mode: str
    def __init__(self, competent_body: _Optional[str] = ..., mode: _Optional[str] = ...) -> None: ...

class Assign(_message.Message):
    __slots__ = ("handler_id",)
    HANDLER_ID_FIELD_NUMBER: _ClassVar[int]
    handler_id: str
    def __init__(self, handler_id: _Optional[str] = ...) -> None: ...

class StartInvestigation(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RecordInvestigation(_message.Message):
    __slots__ = ("record",)
    RECORD_FIELD_NUMBER: _ClassVar[int]
    record: InvestigationRecord
    def __init__(self, record: _Optional[_Union[InvestigationRecord, _Mapping]] = ...) -> None: ...

class Propose(_message.Message):
    __slots__ = ("text", "compensation")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    COMPENSATION_FIELD_NUMBER: _ClassVar[int]
    text: str
    compensation: _common_pb2.Money
    def __init__(self, text: _Optional[str] = ..., compensation: _Optional[_Union[_common_pb2.Money, _Mapping]] = ...) -> None: ...

class ApproveProposal(_message.Message):
    __slots__ = ("note",)
    NOTE_FIELD_NUMBER: _ClassVar[int]
    note: str
    def __init__(self, note: _Optional[str] = ...) -> None: ...

class RejectProposal(_message.Message):
    __slots__ = ("note",)
    NOTE_FIELD_NUMBER: _ClassVar[int]
    note: str
    def __init__(self, note: _Optional[str] = ...) -> None: ...

class RecordAnswer(_message.Message):
    __slots__ = ("mode", "text")
    MODE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    mode: str
    text: str
    def __init__(self, mode: _Optional[str] = ..., text: _Optional[str] = ...) -> None: ...

class RecordFollowUp(_message.Message):
    __slots__ = ("satisfied", "note", "rating", "solved")
    SATISFIED_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    RATING_FIELD_NUMBER: _ClassVar[int]
    SOLVED_FIELD_NUMBER: _ClassVar[int]
    satisfied: bool
    note: str
    rating: int
    solved: bool
    def __init__(self, satisfied: _Optional[bool] = ..., note: _Optional[str] = ..., rating: _Optional[int] = ..., solved: _Optional[bool] = ...) -> None: ...

class Close(_message.Message):
    __slots__ = ("disposition",)
    DISPOSITION_FIELD_NUMBER: _ClassVar[int]
    disposition: str
    def __init__(self, disposition: _Optional[str] = ...) -> None: ...

class Reopen(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Hold(_message.Message):
    __slots__ = ("kind",)
    KIND_FIELD_NUMBER: _ClassVar[int]
    kind: str
    def __init__(self, kind: _Optional[str] = ...) -> None: ...

class Resume(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Withdraw(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Archive(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Reclassify(_message.Message):
    __slots__ = ("category",)
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    category: str
    def __init__(self, category: _Optional[str] = ...) -> None: ...

class DesignateLead(_message.Message):
    __slots__ = ("department", "cooperating")
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    COOPERATING_FIELD_NUMBER: _ClassVar[int]
    department: str
    cooperating: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, department: _Optional[str] = ..., cooperating: _Optional[_Iterable[str]] = ...) -> None: ...

class DeclareConflict(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Link(_message.Message):
    __slots__ = ("case_id",)
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    def __init__(self, case_id: _Optional[str] = ...) -> None: ...

class Merge(_message.Message):
    __slots__ = ("into_case_id",)
    INTO_CASE_ID_FIELD_NUMBER: _ClassVar[int]
    into_case_id: str
    def __init__(self, into_case_id: _Optional[str] = ...) -> None: ...

class AddNote(_message.Message):
    __slots__ = ("text",)
    TEXT_FIELD_NUMBER: _ClassVar[int]
    text: str
    def __init__(self, text: _Optional[str] = ...) -> None: ...

class AddMaterial(_message.Message):
    __slots__ = ("description", "files")
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    FILES_FIELD_NUMBER: _ClassVar[int]
    description: str
    files: _containers.RepeatedCompositeFieldContainer[FileRef]
    def __init__(self, description: _Optional[str] = ..., files: _Optional[_Iterable[_Union[FileRef, _Mapping]]] = ...) -> None: ...

class RevealIdentity(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RecordMilestone(_message.Message):
    __slots__ = ("milestone", "note", "happened_at")
    MILESTONE_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    HAPPENED_AT_FIELD_NUMBER: _ClassVar[int]
    milestone: str
    note: str
    happened_at: _timestamp_pb2.Timestamp
    def __init__(self, milestone: _Optional[str] = ..., note: _Optional[str] = ..., happened_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Transfer(_message.Message):
    __slots__ = ("path", "to_agency", "reason_code", "consent", "reporter_consent", "note")
    PATH_FIELD_NUMBER: _ClassVar[int]
    TO_AGENCY_FIELD_NUMBER: _ClassVar[int]
    REASON_CODE_FIELD_NUMBER: _ClassVar[int]
    CONSENT_FIELD_NUMBER: _ClassVar[int]
    REPORTER_CONSENT_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    path: str
    to_agency: str
    reason_code: str
    consent: bool
    reporter_consent: bool
    note: str
    def __init__(self, path: _Optional[str] = ..., to_agency: _Optional[str] = ..., reason_code: _Optional[str] = ..., consent: _Optional[bool] = ..., reporter_consent: _Optional[bool] = ..., note: _Optional[str] = ...) -> None: ...

class ReturnTransfer(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ReportOutcome(_message.Message):
    __slots__ = ("outcome", "text", "amount")
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    outcome: str
    text: str
    amount: _common_pb2.Money
    def __init__(self, outcome: _Optional[str] = ..., text: _Optional[str] = ..., amount: _Optional[_Union[_common_pb2.Money, _Mapping]] = ...) -> None: ...

class TransferRecord(_message.Message):
    __slots__ = ("transfer_id", "direction", "path", "path_title", "peer", "status", "case_id", "case_number", "peer_case_number", "reason_code", "outcome", "outcome_text", "offered_at", "updated_at", "package_json", "remote", "delivery", "answer_reason")
    TRANSFER_ID_FIELD_NUMBER: _ClassVar[int]
    DIRECTION_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    PATH_TITLE_FIELD_NUMBER: _ClassVar[int]
    PEER_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    PEER_CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    REASON_CODE_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_TEXT_FIELD_NUMBER: _ClassVar[int]
    OFFERED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    PACKAGE_JSON_FIELD_NUMBER: _ClassVar[int]
    REMOTE_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_FIELD_NUMBER: _ClassVar[int]
    ANSWER_REASON_FIELD_NUMBER: _ClassVar[int]
    transfer_id: str
    direction: str
    path: str
    path_title: str
    peer: str
    status: str
    case_id: str
    case_number: str
    peer_case_number: str
    reason_code: str
    outcome: str
    outcome_text: str
    offered_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    package_json: str
    remote: bool
    delivery: str
    answer_reason: str
    def __init__(self, transfer_id: _Optional[str] = ..., direction: _Optional[str] = ..., path: _Optional[str] = ..., path_title: _Optional[str] = ..., peer: _Optional[str] = ..., status: _Optional[str] = ..., case_id: _Optional[str] = ..., case_number: _Optional[str] = ..., peer_case_number: _Optional[str] = ..., reason_code: _Optional[str] = ..., outcome: _Optional[str] = ..., outcome_text: _Optional[str] = ..., offered_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., package_json: _Optional[str] = ..., remote: _Optional[bool] = ..., delivery: _Optional[str] = ..., answer_reason: _Optional[str] = ...) -> None: ...

class ListPathsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class TransferPath(_message.Message):
    __slots__ = ("id", "title", "to_kinds", "external", "reasons", "consent_required", "outcomes", "cite", "agencies")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    TO_KINDS_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    CONSENT_REQUIRED_FIELD_NUMBER: _ClassVar[int]
    OUTCOMES_FIELD_NUMBER: _ClassVar[int]
    CITE_FIELD_NUMBER: _ClassVar[int]
    AGENCIES_FIELD_NUMBER: _ClassVar[int]
    id: str
    title: str
    to_kinds: _containers.RepeatedScalarFieldContainer[str]
    external: bool
    reasons: _containers.RepeatedScalarFieldContainer[str]
    consent_required: bool
    outcomes: _containers.RepeatedScalarFieldContainer[str]
    cite: str
    agencies: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., title: _Optional[str] = ..., to_kinds: _Optional[_Iterable[str]] = ..., external: _Optional[bool] = ..., reasons: _Optional[_Iterable[str]] = ..., consent_required: _Optional[bool] = ..., outcomes: _Optional[_Iterable[str]] = ..., cite: _Optional[str] = ..., agencies: _Optional[_Iterable[str]] = ...) -> None: ...

class ListPathsResponse(_message.Message):
    __slots__ = ("paths",)
    PATHS_FIELD_NUMBER: _ClassVar[int]
    paths: _containers.RepeatedCompositeFieldContainer[TransferPath]
    def __init__(self, paths: _Optional[_Iterable[_Union[TransferPath, _Mapping]]] = ...) -> None: ...

class ListTransfersRequest(_message.Message):
    __slots__ = ("direction", "status")
    DIRECTION_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    direction: str
    status: str
    def __init__(self, direction: _Optional[str] = ..., status: _Optional[str] = ...) -> None: ...

class ListTransfersResponse(_message.Message):
    __slots__ = ("transfers",)
    TRANSFERS_FIELD_NUMBER: _ClassVar[int]
    transfers: _containers.RepeatedCompositeFieldContainer[TransferRecord]
    def __init__(self, transfers: _Optional[_Iterable[_Union[TransferRecord, _Mapping]]] = ...) -> None: ...

class ReceiveTransferRequest(_message.Message):
    __slots__ = ("jws",)
    JWS_FIELD_NUMBER: _ClassVar[int]
    jws: str
    def __init__(self, jws: _Optional[str] = ...) -> None: ...

class ReceiveTransferResponse(_message.Message):
    __slots__ = ("message_id", "transfer_id", "duplicate")
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    TRANSFER_ID_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_FIELD_NUMBER: _ClassVar[int]
    message_id: str
    transfer_id: str
    duplicate: bool
    def __init__(self, message_id: _Optional[str] = ..., transfer_id: _Optional[str] = ..., duplicate: _Optional[bool] = ...) -> None: ...

class TransferMessage(_message.Message):
    __slots__ = ("message_id", "transfer_id", "type", "from_agency", "to_agency", "path", "body_json", "sent_at")
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    TRANSFER_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    FROM_AGENCY_FIELD_NUMBER: _ClassVar[int]
    TO_AGENCY_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    BODY_JSON_FIELD_NUMBER: _ClassVar[int]
    SENT_AT_FIELD_NUMBER: _ClassVar[int]
    message_id: str
    transfer_id: str
    type: str
    from_agency: str
    to_agency: str
    path: str
    body_json: str
    sent_at: _timestamp_pb2.Timestamp
    def __init__(self, message_id: _Optional[str] = ..., transfer_id: _Optional[str] = ..., type: _Optional[str] = ..., from_agency: _Optional[str] = ..., to_agency: _Optional[str] = ..., path: _Optional[str] = ..., body_json: _Optional[str] = ..., sent_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class TransferOffered(_message.Message):
    __slots__ = ("transfer_id", "case_id", "from_agency", "path", "path_title", "origin_case_number", "package_json", "received_at", "from_name")
    TRANSFER_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_AGENCY_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    PATH_TITLE_FIELD_NUMBER: _ClassVar[int]
    ORIGIN_CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    PACKAGE_JSON_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    FROM_NAME_FIELD_NUMBER: _ClassVar[int]
    transfer_id: str
    case_id: str
    from_agency: str
    path: str
    path_title: str
    origin_case_number: str
    package_json: str
    received_at: _timestamp_pb2.Timestamp
    from_name: str
    def __init__(self, transfer_id: _Optional[str] = ..., case_id: _Optional[str] = ..., from_agency: _Optional[str] = ..., path: _Optional[str] = ..., path_title: _Optional[str] = ..., origin_case_number: _Optional[str] = ..., package_json: _Optional[str] = ..., received_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., from_name: _Optional[str] = ...) -> None: ...

class PortalViewRequest(_message.Message):
    __slots__ = ("case_id",)
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    def __init__(self, case_id: _Optional[str] = ...) -> None: ...

class CaseOpened(_message.Message):
    __slots__ = ("case_id", "case_number", "tenant_kind", "kind", "received_at", "anonymous", "circumstances", "received_by", "category", "inbound_path", "channel", "died_at")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    TENANT_KIND_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    ANONYMOUS_FIELD_NUMBER: _ClassVar[int]
    CIRCUMSTANCES_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_BY_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    INBOUND_PATH_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    DIED_AT_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    case_number: str
    tenant_kind: str
    kind: str
    received_at: _timestamp_pb2.Timestamp
    anonymous: bool
    circumstances: _containers.RepeatedScalarFieldContainer[str]
    received_by: str
    category: str
    inbound_path: str
    channel: str
    died_at: _timestamp_pb2.Timestamp
    def __init__(self, case_id: _Optional[str] = ..., case_number: _Optional[str] = ..., tenant_kind: _Optional[str] = ..., kind: _Optional[str] = ..., received_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., anonymous: _Optional[bool] = ..., circumstances: _Optional[_Iterable[str]] = ..., received_by: _Optional[str] = ..., category: _Optional[str] = ..., inbound_path: _Optional[str] = ..., channel: _Optional[str] = ..., died_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CaseAssigned(_message.Message):
    __slots__ = ("case_id", "case_number", "tenant_kind", "kind", "category", "department", "handler_id", "received_at", "anonymous", "severity")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    TENANT_KIND_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    HANDLER_ID_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    ANONYMOUS_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    case_number: str
    tenant_kind: str
    kind: str
    category: str
    department: str
    handler_id: str
    received_at: _timestamp_pb2.Timestamp
    anonymous: bool
    severity: str
    def __init__(self, case_id: _Optional[str] = ..., case_number: _Optional[str] = ..., tenant_kind: _Optional[str] = ..., kind: _Optional[str] = ..., category: _Optional[str] = ..., department: _Optional[str] = ..., handler_id: _Optional[str] = ..., received_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., anonymous: _Optional[bool] = ..., severity: _Optional[str] = ...) -> None: ...

class CaseTransitioned(_message.Message):
    __slots__ = ("case_id", "case_number", "tenant_kind", "kind", "action", "from_status", "to_status", "actor", "reason", "disposition", "department", "handler_id", "at", "anonymous", "severity", "hold_kind", "notice", "milestone", "transfer_path", "outcome", "milestone_at")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    TENANT_KIND_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    FROM_STATUS_FIELD_NUMBER: _ClassVar[int]
    TO_STATUS_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DISPOSITION_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    HANDLER_ID_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    ANONYMOUS_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    HOLD_KIND_FIELD_NUMBER: _ClassVar[int]
    NOTICE_FIELD_NUMBER: _ClassVar[int]
    MILESTONE_FIELD_NUMBER: _ClassVar[int]
    TRANSFER_PATH_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    MILESTONE_AT_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    case_number: str
    tenant_kind: str
    kind: str
    action: str
    from_status: str
    to_status: str
    actor: str
    reason: str
    disposition: str
    department: str
    handler_id: str
    at: _timestamp_pb2.Timestamp
    anonymous: bool
    severity: str
    hold_kind: str
    notice: str
    milestone: str
    transfer_path: str
    outcome: str
    milestone_at: _timestamp_pb2.Timestamp
    def __init__(self, case_id: _Optional[str] = ..., case_number: _Optional[str] = ..., tenant_kind: _Optional[str] = ..., kind: _Optional[str] = ..., action: _Optional[str] = ..., from_status: _Optional[str] = ..., to_status: _Optional[str] = ..., actor: _Optional[str] = ..., reason: _Optional[str] = ..., disposition: _Optional[str] = ..., department: _Optional[str] = ..., handler_id: _Optional[str] = ..., at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., anonymous: _Optional[bool] = ..., severity: _Optional[str] = ..., hold_kind: _Optional[str] = ..., notice: _Optional[str] = ..., milestone: _Optional[str] = ..., transfer_path: _Optional[str] = ..., outcome: _Optional[str] = ..., milestone_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RerouteRequested(_message.Message):
    __slots__ = ("case_id", "trigger", "category", "content", "respondent_department", "respondent_person", "respondent_unit", "complainant_name", "department", "severity", "exclude_handler_id", "previous_handler_id", "reason")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    RESPONDENT_DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    RESPONDENT_PERSON_FIELD_NUMBER: _ClassVar[int]
    RESPONDENT_UNIT_FIELD_NUMBER: _ClassVar[int]
    COMPLAINANT_NAME_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    EXCLUDE_HANDLER_ID_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_HANDLER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    trigger: str
    category: str
    content: str
    respondent_department: str
    respondent_person: str
    respondent_unit: str
    complainant_name: str
    department: str
    severity: str
    exclude_handler_id: str
    previous_handler_id: str
    reason: str
    def __init__(self, case_id: _Optional[str] = ..., trigger: _Optional[str] = ..., category: _Optional[str] = ..., content: _Optional[str] = ..., respondent_department: _Optional[str] = ..., respondent_person: _Optional[str] = ..., respondent_unit: _Optional[str] = ..., complainant_name: _Optional[str] = ..., department: _Optional[str] = ..., severity: _Optional[str] = ..., exclude_handler_id: _Optional[str] = ..., previous_handler_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class CaseAlert(_message.Message):
    __slots__ = ("case_id", "case_number", "severity", "reasons", "audiences", "institution", "circumstances")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    AUDIENCES_FIELD_NUMBER: _ClassVar[int]
    INSTITUTION_FIELD_NUMBER: _ClassVar[int]
    CIRCUMSTANCES_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    case_number: str
    severity: str
    reasons: _containers.RepeatedScalarFieldContainer[str]
    audiences: _containers.RepeatedScalarFieldContainer[str]
    institution: str
    circumstances: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, case_id: _Optional[str] = ..., case_number: _Optional[str] = ..., severity: _Optional[str] = ..., reasons: _Optional[_Iterable[str]] = ..., audiences: _Optional[_Iterable[str]] = ..., institution: _Optional[str] = ..., circumstances: _Optional[_Iterable[str]] = ...) -> None: ...

class OverseeRequest(_message.Message):
    __slots__ = ("from_date", "to_date")
    FROM_DATE_FIELD_NUMBER: _ClassVar[int]
    TO_DATE_FIELD_NUMBER: _ClassVar[int]
    from_date: str
    to_date: str
    def __init__(self, from_date: _Optional[str] = ..., to_date: _Optional[str] = ...) -> None: ...

class OverseenCase(_message.Message):
    __slots__ = ("case_number", "category", "severity", "status", "department", "received_at", "due_at")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    DUE_AT_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    category: str
    severity: str
    status: str
    department: str
    received_at: _timestamp_pb2.Timestamp
    due_at: _timestamp_pb2.Timestamp
    def __init__(self, case_number: _Optional[str] = ..., category: _Optional[str] = ..., severity: _Optional[str] = ..., status: _Optional[str] = ..., department: _Optional[str] = ..., received_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., due_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class InstitutionFigures(_message.Message):
    __slots__ = ("tenant_id", "kind", "division", "received", "open", "closed", "closed_on_time", "on_time_rate", "overdue", "major")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    DIVISION_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_FIELD_NUMBER: _ClassVar[int]
    OPEN_FIELD_NUMBER: _ClassVar[int]
    CLOSED_FIELD_NUMBER: _ClassVar[int]
    CLOSED_ON_TIME_FIELD_NUMBER: _ClassVar[int]
    ON_TIME_RATE_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_FIELD_NUMBER: _ClassVar[int]
    MAJOR_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    kind: str
    division: str
    received: int
    open: int
    closed: int
    closed_on_time: int
    on_time_rate: float
    overdue: _containers.RepeatedCompositeFieldContainer[OverseenCase]
    major: _containers.RepeatedCompositeFieldContainer[OverseenCase]
    def __init__(self, tenant_id: _Optional[str] = ..., kind: _Optional[str] = ..., division: _Optional[str] = ..., received: _Optional[int] = ..., open: _Optional[int] = ..., closed: _Optional[int] = ..., closed_on_time: _Optional[int] = ..., on_time_rate: _Optional[float] = ..., overdue: _Optional[_Iterable[_Union[OverseenCase, _Mapping]]] = ..., major: _Optional[_Iterable[_Union[OverseenCase, _Mapping]]] = ...) -> None: ...

class OverseeResponse(_message.Message):
    __slots__ = ("regulator", "division", "institutions")
    REGULATOR_FIELD_NUMBER: _ClassVar[int]
    DIVISION_FIELD_NUMBER: _ClassVar[int]
    INSTITUTIONS_FIELD_NUMBER: _ClassVar[int]
    regulator: str
    division: str
    institutions: _containers.RepeatedCompositeFieldContainer[InstitutionFigures]
    def __init__(self, regulator: _Optional[str] = ..., division: _Optional[str] = ..., institutions: _Optional[_Iterable[_Union[InstitutionFigures, _Mapping]]] = ...) -> None: ...

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
    __slots__ = ("at", "type", "summary", "actor", "event_id")
    AT_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    at: _timestamp_pb2.Timestamp
    type: str
    summary: str
    actor: str
    event_id: str
    def __init__(self, at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., type: _Optional[str] = ..., summary: _Optional[str] = ..., actor: _Optional[str] = ..., event_id: _Optional[str] = ...) -> None: ...

class Case(_message.Message):
    __slots__ = ("case_id", "case_number", "tenant_id", "kind", "channel", "status", "category", "department", "handler_id", "due_at", "first_contact_owner", "content", "complainant", "anonymous", "respondent", "received_at", "updated_at", "timeline", "deadline_rule", "acknowledged", "demands")
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
    def __init__(self, case_id: _Optional[str] = ..., case_number: _Optional[str] = ..., tenant_id: _Optional[str] = ..., kind: _Optional[str] = ..., channel: _Optional[str] = ..., status: _Optional[str] = ..., category: _Optional[str] = ..., department: _Optional[str] = ..., handler_id: _Optional[str] = ..., due_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., first_contact_owner: _Optional[str] = ..., content: _Optional[str] = ..., complainant: _Optional[_Union[_common_pb2.Party, _Mapping]] = ..., anonymous: _Optional[bool] = ..., respondent: _Optional[_Union[_common_pb2.Respondent, _Mapping]] = ..., received_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., timeline: _Optional[_Iterable[_Union[TimelineEntry, _Mapping]]] = ..., deadline_rule: _Optional[str] = ..., acknowledged: _Optional[bool] = ..., demands: _Optional[str] = ...) -> None: ...

class GetCaseRequest(_message.Message):
    __slots__ = ("case_id",)
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    def __init__(self, case_id: _Optional[str] = ...) -> None: ...

class ListCasesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "status")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    status: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., status: _Optional[str] = ...) -> None: ...

class ListCasesResponse(_message.Message):
    __slots__ = ("cases", "next_page_token")
    CASES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    cases: _containers.RepeatedCompositeFieldContainer[Case]
    next_page_token: str
    def __init__(self, cases: _Optional[_Iterable[_Union[Case, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CaseOpened(_message.Message):
    __slots__ = ("case_id", "case_number", "tenant_kind")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    TENANT_KIND_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    case_number: str
    tenant_kind: str
    def __init__(self, case_id: _Optional[str] = ..., case_number: _Optional[str] = ..., tenant_kind: _Optional[str] = ...) -> None: ...

class CaseAssigned(_message.Message):
    __slots__ = ("case_id", "case_number", "tenant_kind", "kind", "category", "department", "handler_id", "received_at", "anonymous")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    TENANT_KIND_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    HANDLER_ID_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    ANONYMOUS_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    case_number: str
    tenant_kind: str
    kind: str
    category: str
    department: str
    handler_id: str
    received_at: _timestamp_pb2.Timestamp
    anonymous: bool
    def __init__(self, case_id: _Optional[str] = ..., case_number: _Optional[str] = ..., tenant_kind: _Optional[str] = ..., kind: _Optional[str] = ..., category: _Optional[str] = ..., department: _Optional[str] = ..., handler_id: _Optional[str] = ..., received_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., anonymous: _Optional[bool] = ...) -> None: ...

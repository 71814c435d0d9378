import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from casebridge.common.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Kind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    KIND_UNSPECIFIED: _ClassVar[Kind]
    KIND_COMPLAINT: _ClassVar[Kind]
    KIND_REPORT: _ClassVar[Kind]
KIND_UNSPECIFIED: Kind
KIND_COMPLAINT: Kind
KIND_REPORT: Kind

class SubmitComplaintRequest(_message.Message):
    __slots__ = ("idempotency_key", "kind", "channel", "content", "complainant", "respondent", "category", "demands", "facts", "incident_time", "incident_place", "claimed_amount", "details", "circumstances", "referred_by", "received_at", "locale")
    class DetailsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    COMPLAINANT_FIELD_NUMBER: _ClassVar[int]
    RESPONDENT_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    DEMANDS_FIELD_NUMBER: _ClassVar[int]
    FACTS_FIELD_NUMBER: _ClassVar[int]
    INCIDENT_TIME_FIELD_NUMBER: _ClassVar[int]
    INCIDENT_PLACE_FIELD_NUMBER: _ClassVar[int]
    CLAIMED_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    DETAILS_FIELD_NUMBER: _ClassVar[int]
    CIRCUMSTANCES_FIELD_NUMBER: _ClassVar[int]
    REFERRED_BY_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    idempotency_key: str
    kind: Kind
    channel: str
    content: str
    complainant: _common_pb2.Party
    respondent: _common_pb2.Respondent
    category: str
    demands: str
    facts: str
    incident_time: str
    incident_place: str
    claimed_amount: _common_pb2.Money
    details: _containers.ScalarMap[str, str]
    circumstances: _containers.RepeatedScalarFieldContainer[str]
    referred_by: str
    received_at: _timestamp_pb2.Timestamp
    locale: str
    def __init__(self, idempotency_key: _Optional[str] = ..., kind: _Optional[_Union[Kind, str]] = ..., channel: _Optional[str] = ..., content: _Optional[str] = ..., complainant: _Optional[_Union[_common_pb2.Party, _Mapping]] = ..., respondent: _Optional[_Union[_common_pb2.Respondent, _Mapping]] = ..., category: _Optional[str] = ..., demands: _Optional[str] = ..., facts: _Optional[str] = ..., incident_time: _Optional[str] = ..., incident_place: _Optional[str] = ..., claimed_amount: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., details: _Optional[_Mapping[str, str]] = ..., circumstances: _Optional[_Iterable[str]] = ..., referred_by: _Optional[str] = ..., received_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., locale: _Optional[str] = ...) -> None: ...

class SubmitComplaintResponse(_message.Message):
    __slots__ = ("submission", "access_code", "replayed")
    SUBMISSION_FIELD_NUMBER: _ClassVar[int]
    ACCESS_CODE_FIELD_NUMBER: _ClassVar[int]
    REPLAYED_FIELD_NUMBER: _ClassVar[int]
    submission: Submission
    access_code: str
    replayed: bool
    def __init__(self, submission: _Optional[_Union[Submission, _Mapping]] = ..., access_code: _Optional[str] = ..., replayed: _Optional[bool] = ...) -> None: ...

class Submission(_message.Message):
    __slots__ = ("case_id", "case_number", "tenant_id", "kind", "channel", "content", "complainant", "anonymous", "respondent", "category", "demands", "received_by", "received_at", "facts", "incident_time", "incident_place", "claimed_amount", "details", "circumstances", "referred_by", "possible_duplicates", "sealed_identity", "locale")
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
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    COMPLAINANT_FIELD_NUMBER: _ClassVar[int]
    ANONYMOUS_FIELD_NUMBER: _ClassVar[int]
    RESPONDENT_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    DEMANDS_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_BY_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    FACTS_FIELD_NUMBER: _ClassVar[int]
    INCIDENT_TIME_FIELD_NUMBER: _ClassVar[int]
    INCIDENT_PLACE_FIELD_NUMBER: _ClassVar[int]
    CLAIMED_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    DETAILS_FIELD_NUMBER: _ClassVar[int]
    CIRCUMSTANCES_FIELD_NUMBER: _ClassVar[int]
    REFERRED_BY_FIELD_NUMBER: _ClassVar[int]
    POSSIBLE_DUPLICATES_FIELD_NUMBER: _ClassVar[int]
    SEALED_IDENTITY_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    case_number: str
    tenant_id: str
    kind: Kind
    channel: str
    content: str
    complainant: _common_pb2.Party
    anonymous: bool
    respondent: _common_pb2.Respondent
    category: str
    demands: str
    received_by: str
    received_at: _timestamp_pb2.Timestamp
    facts: str
    incident_time: str
    incident_place: str
    claimed_amount: _common_pb2.Money
    details: _containers.ScalarMap[str, str]
    circumstances: _containers.RepeatedScalarFieldContainer[str]
    referred_by: str
    possible_duplicates: _containers.RepeatedCompositeFieldContainer[PossibleDuplicate]
    sealed_identity: str
    locale: str
    def __init__(self, case_id: _Optional[str] = ..., case_number: _Optional[str] = ..., tenant_id: _Optional[str] = ..., kind: _Optional[_Union[Kind, str]] = ..., channel: _Optional[str] = ..., content: _Optional[str] = ..., complainant: _Optional[_Union[_common_pb2.Party, _Mapping]] = ..., anonymous: _Optional[bool] = ..., respondent: _Optional[_Union[_common_pb2.Respondent, _Mapping]] = ..., category: _Optional[str] = ..., demands: _Optional[str] = ..., received_by: _Optional[str] = ..., received_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., facts: _Optional[str] = ..., incident_time: _Optional[str] = ..., incident_place: _Optional[str] = ..., claimed_amount: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., details: _Optional[_Mapping[str, str]] = ..., circumstances: _Optional[_Iterable[str]] = ..., referred_by: _Optional[str] = ..., possible_duplicates: _Optional[_Iterable[_Union[PossibleDuplicate, _Mapping]]] = ..., sealed_identity: _Optional[str] = ..., locale: _Optional[str] = ...) -> None: ...

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

class GetSubmissionRequest(_message.Message):
    __slots__ = ("case_id",)
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    def __init__(self, case_id: _Optional[str] = ...) -> None: ...

class LookupByAccessCodeRequest(_message.Message):
    __slots__ = ("case_number", "access_code")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    ACCESS_CODE_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    access_code: str
    def __init__(self, case_number: _Optional[str] = ..., access_code: _Optional[str] = ...) -> None: ...

class ComplaintReceived(_message.Message):
    __slots__ = ("submission", "tenant_kind")
    SUBMISSION_FIELD_NUMBER: _ClassVar[int]
    TENANT_KIND_FIELD_NUMBER: _ClassVar[int]
    submission: Submission
    tenant_kind: str
    def __init__(self, submission: _Optional[_Union[Submission, _Mapping]] = ..., tenant_kind: _Optional[str] = ...) -> None: ...

class GetFormRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Form(_message.Message):
    __slots__ = ("tenant_kind", "label", "required", "details", "anonymous_complaints", "duplicate_window_days")
    TENANT_KIND_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    DETAILS_FIELD_NUMBER: _ClassVar[int]
    ANONYMOUS_COMPLAINTS_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_WINDOW_DAYS_FIELD_NUMBER: _ClassVar[int]
    tenant_kind: str
    label: str
    required: _containers.RepeatedScalarFieldContainer[str]
    details: _containers.RepeatedCompositeFieldContainer[FormField]
    anonymous_complaints: bool
    duplicate_window_days: int
    def __init__(self, tenant_kind: _Optional[str] = ..., label: _Optional[str] = ..., required: _Optional[_Iterable[str]] = ..., details: _Optional[_Iterable[_Union[FormField, _Mapping]]] = ..., anonymous_complaints: _Optional[bool] = ..., duplicate_window_days: _Optional[int] = ...) -> None: ...

class FormField(_message.Message):
    __slots__ = ("name", "label", "type", "choices", "has_min", "min", "has_max", "max", "not_before", "required")
    NAME_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    CHOICES_FIELD_NUMBER: _ClassVar[int]
    HAS_MIN_FIELD_NUMBER: _ClassVar[int]
    MIN_FIELD_NUMBER: _ClassVar[int]
    HAS_MAX_FIELD_NUMBER: _ClassVar[int]
    MAX_FIELD_NUMBER: _ClassVar[int]
    NOT_BEFORE_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    name: str
    label: str
    type: str
    choices: _containers.RepeatedScalarFieldContainer[str]
    has_min: bool
    min: int
    has_max: bool
    max: int
    not_before: str
    required: bool
    def __init__(self, name: _Optional[str] = ..., label: _Optional[str] = ..., type: _Optional[str] = ..., choices: _Optional[_Iterable[str]] = ..., has_min: _Optional[bool] = ..., min: _Optional[int] = ..., has_max: _Optional[bool] = ..., max: _Optional[int] = ..., not_before: _Optional[str] = ..., required: _Optional[bool] = ...) -> None: ...

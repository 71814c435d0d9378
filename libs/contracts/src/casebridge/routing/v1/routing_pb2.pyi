import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from casebridge.common.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CategoryRule(_message.Message):
    __slots__ = ("name", "department", "keywords")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    KEYWORDS_FIELD_NUMBER: _ClassVar[int]
    name: str
    department: str
    keywords: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., department: _Optional[str] = ..., keywords: _Optional[_Iterable[str]] = ...) -> None: ...

class ClassifyRequest(_message.Message):
    __slots__ = ("content",)
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    content: str
    def __init__(self, content: _Optional[str] = ...) -> None: ...

class CategoryScore(_message.Message):
    __slots__ = ("category", "department", "matched_keywords", "hits")
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    MATCHED_KEYWORDS_FIELD_NUMBER: _ClassVar[int]
    HITS_FIELD_NUMBER: _ClassVar[int]
    category: str
    department: str
    matched_keywords: _containers.RepeatedScalarFieldContainer[str]
    hits: int
    def __init__(self, category: _Optional[str] = ..., department: _Optional[str] = ..., matched_keywords: _Optional[_Iterable[str]] = ..., hits: _Optional[int] = ...) -> None: ...

class ClassifyResponse(_message.Message):
    __slots__ = ("category", "matched_keywords", "scores")
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    MATCHED_KEYWORDS_FIELD_NUMBER: _ClassVar[int]
    SCORES_FIELD_NUMBER: _ClassVar[int]
    category: str
    matched_keywords: _containers.RepeatedScalarFieldContainer[str]
    scores: _containers.RepeatedCompositeFieldContainer[CategoryScore]
    def __init__(self, category: _Optional[str] = ..., matched_keywords: _Optional[_Iterable[str]] = ..., scores: _Optional[_Iterable[_Union[CategoryScore, _Mapping]]] = ...) -> None: ...

class Route(_message.Message):
    __slots__ = ("category", "respondent_department", "severity", "department")
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    RESPONDENT_DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    category: str
    respondent_department: str
    severity: str
    department: str
    def __init__(self, category: _Optional[str] = ..., respondent_department: _Optional[str] = ..., severity: _Optional[str] = ..., department: _Optional[str] = ...) -> None: ...

class GetRoutingTableRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RoutingTable(_message.Message):
    __slots__ = ("routes",)
    ROUTES_FIELD_NUMBER: _ClassVar[int]
    routes: _containers.RepeatedCompositeFieldContainer[Route]
    def __init__(self, routes: _Optional[_Iterable[_Union[Route, _Mapping]]] = ...) -> None: ...

class RouteRequest(_message.Message):
    __slots__ = ("category", "respondent_department", "content", "circumstances", "claimed_amount", "other_departments")
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    RESPONDENT_DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    CIRCUMSTANCES_FIELD_NUMBER: _ClassVar[int]
    CLAIMED_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    OTHER_DEPARTMENTS_FIELD_NUMBER: _ClassVar[int]
    category: str
    respondent_department: str
    content: str
    circumstances: _containers.RepeatedScalarFieldContainer[str]
    claimed_amount: _common_pb2.Money
    other_departments: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, category: _Optional[str] = ..., respondent_department: _Optional[str] = ..., content: _Optional[str] = ..., circumstances: _Optional[_Iterable[str]] = ..., claimed_amount: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., other_departments: _Optional[_Iterable[str]] = ...) -> None: ...

class ListCandidatesRequest(_message.Message):
    __slots__ = ("department", "case_id", "complainant_name", "respondent_person", "respondent_unit")
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    COMPLAINANT_NAME_FIELD_NUMBER: _ClassVar[int]
    RESPONDENT_PERSON_FIELD_NUMBER: _ClassVar[int]
    RESPONDENT_UNIT_FIELD_NUMBER: _ClassVar[int]
    department: str
    case_id: str
    complainant_name: str
    respondent_person: str
    respondent_unit: str
    def __init__(self, department: _Optional[str] = ..., case_id: _Optional[str] = ..., complainant_name: _Optional[str] = ..., respondent_person: _Optional[str] = ..., respondent_unit: _Optional[str] = ...) -> None: ...

class Candidate(_message.Message):
    __slots__ = ("user_id", "name", "department", "open_cases")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    OPEN_CASES_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    name: str
    department: str
    open_cases: int
    def __init__(self, user_id: _Optional[str] = ..., name: _Optional[str] = ..., department: _Optional[str] = ..., open_cases: _Optional[int] = ...) -> None: ...

class ListCandidatesResponse(_message.Message):
    __slots__ = ("candidates",)
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    candidates: _containers.RepeatedCompositeFieldContainer[Candidate]
    def __init__(self, candidates: _Optional[_Iterable[_Union[Candidate, _Mapping]]] = ...) -> None: ...

class ListHandlersRequest(_message.Message):
    __slots__ = ("user_ids",)
    USER_IDS_FIELD_NUMBER: _ClassVar[int]
    user_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, user_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class ListCategoriesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListCategoriesResponse(_message.Message):
    __slots__ = ("categories",)
    CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    categories: _containers.RepeatedCompositeFieldContainer[CategoryRule]
    def __init__(self, categories: _Optional[_Iterable[_Union[CategoryRule, _Mapping]]] = ...) -> None: ...

class DeleteCategoryRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class DeleteCategoryResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DeclareConflictRequest(_message.Message):
    __slots__ = ("user_id", "party", "case_id", "reason")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    PARTY_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    party: str
    case_id: str
    reason: str
    def __init__(self, user_id: _Optional[str] = ..., party: _Optional[str] = ..., case_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class ConflictDeclared(_message.Message):
    __slots__ = ("user_id", "party", "case_id", "reason", "declared_at")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    PARTY_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DECLARED_AT_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    party: str
    case_id: str
    reason: str
    declared_at: _timestamp_pb2.Timestamp
    def __init__(self, user_id: _Optional[str] = ..., party: _Optional[str] = ..., case_id: _Optional[str] = ..., reason: _Optional[str] = ..., declared_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RoutingDecided(_message.Message):
    __slots__ = ("case_id", "category", "category_source", "matched_keywords", "department", "handler_id", "reason", "severity", "severity_reasons", "departments_involved", "coordinated", "on_duty", "handover_at", "trigger", "previous_handler_id")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_SOURCE_FIELD_NUMBER: _ClassVar[int]
    MATCHED_KEYWORDS_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    HANDLER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_REASONS_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENTS_INVOLVED_FIELD_NUMBER: _ClassVar[int]
    COORDINATED_FIELD_NUMBER: _ClassVar[int]
    ON_DUTY_FIELD_NUMBER: _ClassVar[int]
    HANDOVER_AT_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_HANDLER_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    category: str
    category_source: str
    matched_keywords: _containers.RepeatedScalarFieldContainer[str]
    department: str
    handler_id: str
    reason: str
    severity: str
    severity_reasons: _containers.RepeatedScalarFieldContainer[str]
    departments_involved: _containers.RepeatedScalarFieldContainer[str]
    coordinated: bool
    on_duty: bool
    handover_at: _timestamp_pb2.Timestamp
    trigger: str
    previous_handler_id: str
    def __init__(self, case_id: _Optional[str] = ..., category: _Optional[str] = ..., category_source: _Optional[str] = ..., matched_keywords: _Optional[_Iterable[str]] = ..., department: _Optional[str] = ..., handler_id: _Optional[str] = ..., reason: _Optional[str] = ..., severity: _Optional[str] = ..., severity_reasons: _Optional[_Iterable[str]] = ..., departments_involved: _Optional[_Iterable[str]] = ..., coordinated: _Optional[bool] = ..., on_duty: _Optional[bool] = ..., handover_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., trigger: _Optional[str] = ..., previous_handler_id: _Optional[str] = ...) -> None: ...

class CategoriesChanged(_message.Message):
    __slots__ = ("categories",)
    CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    categories: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, categories: _Optional[_Iterable[str]] = ...) -> None: ...

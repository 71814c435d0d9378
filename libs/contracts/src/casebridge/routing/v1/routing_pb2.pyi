from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class ClassifyRequest(_message.Message):
    __slots__ = ("content",)
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    content: str
    def __init__(self, content: _Optional[str] = ...) -> None: ...

class ClassifyResponse(_message.Message):
    __slots__ = ("category", "matched_keywords")
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    MATCHED_KEYWORDS_FIELD_NUMBER: _ClassVar[int]
    category: str
    matched_keywords: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, category: _Optional[str] = ..., matched_keywords: _Optional[_Iterable[str]] = ...) -> None: ...

class RouteRequest(_message.Message):
    __slots__ = ("category", "respondent_department", "content")
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    RESPONDENT_DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    category: str
    respondent_department: str
    content: str
    def __init__(self, category: _Optional[str] = ..., respondent_department: _Optional[str] = ..., content: _Optional[str] = ...) -> None: ...

class RoutingDecided(_message.Message):
    __slots__ = ("case_id", "category", "category_source", "matched_keywords", "department", "handler_id", "reason")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_SOURCE_FIELD_NUMBER: _ClassVar[int]
    MATCHED_KEYWORDS_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    HANDLER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    category: str
    category_source: str
    matched_keywords: _containers.RepeatedScalarFieldContainer[str]
    department: str
    handler_id: str
    reason: str
    def __init__(self, case_id: _Optional[str] = ..., category: _Optional[str] = ..., category_source: _Optional[str] = ..., matched_keywords: _Optional[_Iterable[str]] = ..., department: _Optional[str] = ..., handler_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

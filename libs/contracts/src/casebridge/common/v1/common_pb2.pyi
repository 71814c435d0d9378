import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class EventEnvelope(_message.Message):
    __slots__ = ("event_id", "type", "tenant_id", "occurred_at", "correlation_id", "causation_id", "trace_context", "payload_type", "payload")
    class TraceContextEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    CORRELATION_ID_FIELD_NUMBER: _ClassVar[int]
    CAUSATION_ID_FIELD_NUMBER: _ClassVar[int]
    TRACE_CONTEXT_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_TYPE_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    type: str
    tenant_id: str
    occurred_at: _timestamp_pb2.Timestamp
    correlation_id: str
    causation_id: str
    trace_context: _containers.ScalarMap[str, str]
    payload_type: str
    payload: bytes
    def __init__(self, event_id: _Optional[str] = ..., type: _Optional[str] = ..., tenant_id: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., correlation_id: _Optional[str] = ..., causation_id: _Optional[str] = ..., trace_context: _Optional[_Mapping[str, str]] = ..., payload_type: _Optional[str] = ..., payload: _Optional[bytes] = ...) -> None: ...

class Money(_message.Message):
    __slots__ = ("amount_fen", "currency")
    AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    amount_fen: int
    currency: str
    def __init__(self, amount_fen: _Optional[int] = ..., currency: _Optional[str] = ...) -> None: ...

class Party(_message.Message):
    __slots__ = ("name", "phone", "unit", "relation", "address", "email")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    RELATION_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    name: str
    phone: str
    unit: str
    relation: str
    address: str
    email: str
    def __init__(self, name: _Optional[str] = ..., phone: _Optional[str] = ..., unit: _Optional[str] = ..., relation: _Optional[str] = ..., address: _Optional[str] = ..., email: _Optional[str] = ...) -> None: ...

class Respondent(_message.Message):
    __slots__ = ("department", "person", "unit", "other_departments")
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    PERSON_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    OTHER_DEPARTMENTS_FIELD_NUMBER: _ClassVar[int]
    department: str
    person: str
    unit: str
    other_departments: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, department: _Optional[str] = ..., person: _Optional[str] = ..., unit: _Optional[str] = ..., other_departments: _Optional[_Iterable[str]] = ...) -> None: ...

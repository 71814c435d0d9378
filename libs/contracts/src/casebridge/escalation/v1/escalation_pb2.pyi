import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Clock(_message.Message):
    __slots__ = ("case_id", "name", "started_at", "due_at", "state", "rule")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    DUE_AT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    name: str
    started_at: _timestamp_pb2.Timestamp
    due_at: _timestamp_pb2.Timestamp
    state: str
    rule: str
    def __init__(self, case_id: _Optional[str] = ..., name: _Optional[str] = ..., started_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., due_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., state: _Optional[str] = ..., rule: _Optional[str] = ...) -> None: ...

class GetClocksRequest(_message.Message):
    __slots__ = ("case_id",)
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    def __init__(self, case_id: _Optional[str] = ...) -> None: ...

class GetClocksResponse(_message.Message):
    __slots__ = ("clocks",)
    CLOCKS_FIELD_NUMBER: _ClassVar[int]
    clocks: _containers.RepeatedCompositeFieldContainer[Clock]
    def __init__(self, clocks: _Optional[_Iterable[_Union[Clock, _Mapping]]] = ...) -> None: ...

class ClockArmed(_message.Message):
    __slots__ = ("clock", "case_number", "anonymous")
    CLOCK_FIELD_NUMBER: _ClassVar[int]
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    ANONYMOUS_FIELD_NUMBER: _ClassVar[int]
    clock: Clock
    case_number: str
    anonymous: bool
    def __init__(self, clock: _Optional[_Union[Clock, _Mapping]] = ..., case_number: _Optional[str] = ..., anonymous: _Optional[bool] = ...) -> None: ...

class TimerFired(_message.Message):
    __slots__ = ("case_id", "case_number", "clock", "kind", "due_at", "fired_at", "rule")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    CLOCK_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    DUE_AT_FIELD_NUMBER: _ClassVar[int]
    FIRED_AT_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    case_number: str
    clock: str
    kind: str
    due_at: _timestamp_pb2.Timestamp
    fired_at: _timestamp_pb2.Timestamp
    rule: str
    def __init__(self, case_id: _Optional[str] = ..., case_number: _Optional[str] = ..., clock: _Optional[str] = ..., kind: _Optional[str] = ..., due_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., fired_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., rule: _Optional[str] = ...) -> None: ...

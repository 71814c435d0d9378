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

class ExplainRequest(_message.Message):
    __slots__ = ("case_id",)
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    def __init__(self, case_id: _Optional[str] = ...) -> None: ...

class ExplainResponse(_message.Message):
    __slots__ = ("clocks",)
    CLOCKS_FIELD_NUMBER: _ClassVar[int]
    clocks: _containers.RepeatedCompositeFieldContainer[ClockExplanation]
    def __init__(self, clocks: _Optional[_Iterable[_Union[ClockExplanation, _Mapping]]] = ...) -> None: ...

class NamedDay(_message.Message):
    __slots__ = ("date", "name")
    DATE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    date: str
    name: str
    def __init__(self, date: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class PausedInterval(_message.Message):
    __slots__ = ("begins", "ends", "working_seconds")
    BEGINS_FIELD_NUMBER: _ClassVar[int]
    ENDS_FIELD_NUMBER: _ClassVar[int]
    WORKING_SECONDS_FIELD_NUMBER: _ClassVar[int]
    begins: _timestamp_pb2.Timestamp
    ends: _timestamp_pb2.Timestamp
    working_seconds: int
    def __init__(self, begins: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ends: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., working_seconds: _Optional[int] = ...) -> None: ...

class ClockExplanation(_message.Message):
    __slots__ = ("name", "rule", "unit", "amount", "started_at", "counted_from", "due_at", "stored_due_at", "convention", "counted", "weekends_skipped", "holidays_skipped", "makeup_days_counted", "paused", "warnings", "state")
    NAME_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    COUNTED_FROM_FIELD_NUMBER: _ClassVar[int]
    DUE_AT_FIELD_NUMBER: _ClassVar[int]
    STORED_DUE_AT_FIELD_NUMBER: _ClassVar[int]
    CONVENTION_FIELD_NUMBER: _ClassVar[int]
    COUNTED_FIELD_NUMBER: _ClassVar[int]
    WEEKENDS_SKIPPED_FIELD_NUMBER: _ClassVar[int]
    HOLIDAYS_SKIPPED_FIELD_NUMBER: _ClassVar[int]
    MAKEUP_DAYS_COUNTED_FIELD_NUMBER: _ClassVar[int]
    PAUSED_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    name: str
    rule: str
    unit: str
    amount: int
    started_at: _timestamp_pb2.Timestamp
    counted_from: _timestamp_pb2.Timestamp
    due_at: _timestamp_pb2.Timestamp
    stored_due_at: _timestamp_pb2.Timestamp
    convention: str
    counted: _containers.RepeatedScalarFieldContainer[str]
    weekends_skipped: _containers.RepeatedScalarFieldContainer[str]
    holidays_skipped: _containers.RepeatedCompositeFieldContainer[NamedDay]
    makeup_days_counted: _containers.RepeatedCompositeFieldContainer[NamedDay]
    paused: _containers.RepeatedCompositeFieldContainer[PausedInterval]
    warnings: _containers.RepeatedScalarFieldContainer[str]
    state: str
    def __init__(self, name: _Optional[str] = ..., rule: _Optional[str] = ..., unit: _Optional[str] = ..., amount: _Optional[int] = ..., started_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., counted_from: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., due_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., stored_due_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., convention: _Optional[str] = ..., counted: _Optional[_Iterable[str]] = ..., weekends_skipped: _Optional[_Iterable[str]] = ..., holidays_skipped: _Optional[_Iterable[_Union[NamedDay, _Mapping]]] = ..., makeup_days_counted: _Optional[_Iterable[_Union[NamedDay, _Mapping]]] = ..., paused: _Optional[_Iterable[_Union[PausedInterval, _Mapping]]] = ..., warnings: _Optional[_Iterable[str]] = ..., state: _Optional[str] = ...) -> None: ...

import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Clock(_message.Message):
    __slots__ = ("case_id", "name", "started_at", "due_at", "state", "rule", "title", "amount", "unit", "extended_by", "warning_at", "stopped_at", "department", "breached")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    DUE_AT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    EXTENDED_BY_FIELD_NUMBER: _ClassVar[int]
    WARNING_AT_FIELD_NUMBER: _ClassVar[int]
    STOPPED_AT_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    BREACHED_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    name: str
    started_at: _timestamp_pb2.Timestamp
    due_at: _timestamp_pb2.Timestamp
    state: str
    rule: str
    title: str
    amount: int
    unit: str
    extended_by: int
    warning_at: _timestamp_pb2.Timestamp
    stopped_at: _timestamp_pb2.Timestamp
    department: str
    breached: bool
    def __init__(self, case_id: _Optional[str] = ..., name: _Optional[str] = ..., started_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., due_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., state: _Optional[str] = ..., rule: _Optional[str] = ..., title: _Optional[str] = ..., amount: _Optional[int] = ..., unit: _Optional[str] = ..., extended_by: _Optional[int] = ..., warning_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., stopped_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., department: _Optional[str] = ..., breached: _Optional[bool] = ...) -> None: ...

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
    __slots__ = ("case_id", "case_number", "clock", "kind", "due_at", "fired_at", "rule", "rung", "rung_title", "audiences", "off_hours", "department", "severity")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    CLOCK_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    DUE_AT_FIELD_NUMBER: _ClassVar[int]
    FIRED_AT_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    RUNG_FIELD_NUMBER: _ClassVar[int]
    RUNG_TITLE_FIELD_NUMBER: _ClassVar[int]
    AUDIENCES_FIELD_NUMBER: _ClassVar[int]
    OFF_HOURS_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    case_number: str
    clock: str
    kind: str
    due_at: _timestamp_pb2.Timestamp
    fired_at: _timestamp_pb2.Timestamp
    rule: str
    rung: int
    rung_title: str
    audiences: _containers.RepeatedScalarFieldContainer[str]
    off_hours: bool
    department: str
    severity: str
    def __init__(self, case_id: _Optional[str] = ..., case_number: _Optional[str] = ..., clock: _Optional[str] = ..., kind: _Optional[str] = ..., due_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., fired_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., rule: _Optional[str] = ..., rung: _Optional[int] = ..., rung_title: _Optional[str] = ..., audiences: _Optional[_Iterable[str]] = ..., off_hours: _Optional[bool] = ..., department: _Optional[str] = ..., severity: _Optional[str] = ...) -> None: ...

class RegulatorReport(_message.Message):
    __slots__ = ("institution", "period", "breaches", "case_numbers", "threshold")
    INSTITUTION_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    BREACHES_FIELD_NUMBER: _ClassVar[int]
    CASE_NUMBERS_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    institution: str
    period: str
    breaches: int
    case_numbers: _containers.RepeatedScalarFieldContainer[str]
    threshold: int
    def __init__(self, institution: _Optional[str] = ..., period: _Optional[str] = ..., breaches: _Optional[int] = ..., case_numbers: _Optional[_Iterable[str]] = ..., threshold: _Optional[int] = ...) -> None: ...

class GetPolicyRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Rung(_message.Message):
    __slots__ = ("rung", "title", "at", "after_amount", "after_unit", "tell")
    RUNG_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    AFTER_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    AFTER_UNIT_FIELD_NUMBER: _ClassVar[int]
    TELL_FIELD_NUMBER: _ClassVar[int]
    rung: int
    title: str
    at: str
    after_amount: int
    after_unit: str
    tell: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, rung: _Optional[int] = ..., title: _Optional[str] = ..., at: _Optional[str] = ..., after_amount: _Optional[int] = ..., after_unit: _Optional[str] = ..., tell: _Optional[_Iterable[str]] = ...) -> None: ...

class ClockRule(_message.Message):
    __slots__ = ("name", "title", "amount", "unit", "legal", "limit", "cite", "when", "starts_on", "counts_from", "stops_on", "restarts_on", "pausable", "extension", "extension_cite", "warn_fraction", "enabled", "pauses_for", "outlives_case")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    LEGAL_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    CITE_FIELD_NUMBER: _ClassVar[int]
    WHEN_FIELD_NUMBER: _ClassVar[int]
    STARTS_ON_FIELD_NUMBER: _ClassVar[int]
    COUNTS_FROM_FIELD_NUMBER: _ClassVar[int]
    STOPS_ON_FIELD_NUMBER: _ClassVar[int]
    RESTARTS_ON_FIELD_NUMBER: _ClassVar[int]
    PAUSABLE_FIELD_NUMBER: _ClassVar[int]
    EXTENSION_FIELD_NUMBER: _ClassVar[int]
    EXTENSION_CITE_FIELD_NUMBER: _ClassVar[int]
    WARN_FRACTION_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    PAUSES_FOR_FIELD_NUMBER: _ClassVar[int]
    OUTLIVES_CASE_FIELD_NUMBER: _ClassVar[int]
    name: str
    title: str
    amount: int
    unit: str
    legal: bool
    limit: int
    cite: str
    when: str
    starts_on: str
    counts_from: str
    stops_on: _containers.RepeatedScalarFieldContainer[str]
    restarts_on: _containers.RepeatedScalarFieldContainer[str]
    pausable: bool
    extension: int
    extension_cite: str
    warn_fraction: float
    enabled: bool
    pauses_for: _containers.RepeatedScalarFieldContainer[str]
    outlives_case: bool
    def __init__(self, name: _Optional[str] = ..., title: _Optional[str] = ..., amount: _Optional[int] = ..., unit: _Optional[str] = ..., legal: _Optional[bool] = ..., limit: _Optional[int] = ..., cite: _Optional[str] = ..., when: _Optional[str] = ..., starts_on: _Optional[str] = ..., counts_from: _Optional[str] = ..., stops_on: _Optional[_Iterable[str]] = ..., restarts_on: _Optional[_Iterable[str]] = ..., pausable: _Optional[bool] = ..., extension: _Optional[int] = ..., extension_cite: _Optional[str] = ..., warn_fraction: _Optional[float] = ..., enabled: _Optional[bool] = ..., pauses_for: _Optional[_Iterable[str]] = ..., outlives_case: _Optional[bool] = ...) -> None: ...

class Policy(_message.Message):
    __slots__ = ("kind", "pack", "clocks", "warn_fraction", "ladder", "ledger_fen", "ledger_cite", "regulator_threshold", "regulator", "clocks_recomputed")
    class LedgerFenEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    KIND_FIELD_NUMBER: _ClassVar[int]
    PACK_FIELD_NUMBER: _ClassVar[int]
    CLOCKS_FIELD_NUMBER: _ClassVar[int]
    WARN_FRACTION_FIELD_NUMBER: _ClassVar[int]
    LADDER_FIELD_NUMBER: _ClassVar[int]
    LEDGER_FEN_FIELD_NUMBER: _ClassVar[int]
    LEDGER_CITE_FIELD_NUMBER: _ClassVar[int]
    REGULATOR_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    REGULATOR_FIELD_NUMBER: _ClassVar[int]
    CLOCKS_RECOMPUTED_FIELD_NUMBER: _ClassVar[int]
    kind: str
    pack: str
    clocks: _containers.RepeatedCompositeFieldContainer[ClockRule]
    warn_fraction: float
    ladder: _containers.RepeatedCompositeFieldContainer[Rung]
    ledger_fen: _containers.ScalarMap[str, int]
    ledger_cite: str
    regulator_threshold: int
    regulator: str
    clocks_recomputed: int
    def __init__(self, kind: _Optional[str] = ..., pack: _Optional[str] = ..., clocks: _Optional[_Iterable[_Union[ClockRule, _Mapping]]] = ..., warn_fraction: _Optional[float] = ..., ladder: _Optional[_Iterable[_Union[Rung, _Mapping]]] = ..., ledger_fen: _Optional[_Mapping[str, int]] = ..., ledger_cite: _Optional[str] = ..., regulator_threshold: _Optional[int] = ..., regulator: _Optional[str] = ..., clocks_recomputed: _Optional[int] = ...) -> None: ...

class ClockOverride(_message.Message):
    __slots__ = ("name", "amount", "warn_fraction", "disabled")
    NAME_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    WARN_FRACTION_FIELD_NUMBER: _ClassVar[int]
    DISABLED_FIELD_NUMBER: _ClassVar[int]
    name: str
    amount: int
    warn_fraction: float
    disabled: bool
    def __init__(self, name: _Optional[str] = ..., amount: _Optional[int] = ..., warn_fraction: _Optional[float] = ..., disabled: _Optional[bool] = ...) -> None: ...

class PutPolicyRequest(_message.Message):
    __slots__ = ("clocks", "warn_fraction", "ladder")
    CLOCKS_FIELD_NUMBER: _ClassVar[int]
    WARN_FRACTION_FIELD_NUMBER: _ClassVar[int]
    LADDER_FIELD_NUMBER: _ClassVar[int]
    clocks: _containers.RepeatedCompositeFieldContainer[ClockOverride]
    warn_fraction: float
    ladder: _containers.RepeatedCompositeFieldContainer[Rung]
    def __init__(self, clocks: _Optional[_Iterable[_Union[ClockOverride, _Mapping]]] = ..., warn_fraction: _Optional[float] = ..., ladder: _Optional[_Iterable[_Union[Rung, _Mapping]]] = ...) -> None: ...

class LoadYearRequest(_message.Message):
    __slots__ = ("year", "holidays", "workdays", "source")
    YEAR_FIELD_NUMBER: _ClassVar[int]
    HOLIDAYS_FIELD_NUMBER: _ClassVar[int]
    WORKDAYS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    year: int
    holidays: _containers.RepeatedCompositeFieldContainer[NamedDay]
    workdays: _containers.RepeatedCompositeFieldContainer[NamedDay]
    source: str
    def __init__(self, year: _Optional[int] = ..., holidays: _Optional[_Iterable[_Union[NamedDay, _Mapping]]] = ..., workdays: _Optional[_Iterable[_Union[NamedDay, _Mapping]]] = ..., source: _Optional[str] = ...) -> None: ...

class LoadYearResponse(_message.Message):
    __slots__ = ("year", "holidays", "workdays", "clocks_recomputed")
    YEAR_FIELD_NUMBER: _ClassVar[int]
    HOLIDAYS_FIELD_NUMBER: _ClassVar[int]
    WORKDAYS_FIELD_NUMBER: _ClassVar[int]
    CLOCKS_RECOMPUTED_FIELD_NUMBER: _ClassVar[int]
    year: int
    holidays: int
    workdays: int
    clocks_recomputed: int
    def __init__(self, year: _Optional[int] = ..., holidays: _Optional[int] = ..., workdays: _Optional[int] = ..., clocks_recomputed: _Optional[int] = ...) -> None: ...

class YearLoaded(_message.Message):
    __slots__ = ("year", "holidays", "workdays", "source", "loaded_at")
    YEAR_FIELD_NUMBER: _ClassVar[int]
    HOLIDAYS_FIELD_NUMBER: _ClassVar[int]
    WORKDAYS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    LOADED_AT_FIELD_NUMBER: _ClassVar[int]
    year: int
    holidays: _containers.RepeatedCompositeFieldContainer[NamedDay]
    workdays: _containers.RepeatedCompositeFieldContainer[NamedDay]
    source: str
    loaded_at: _timestamp_pb2.Timestamp
    def __init__(self, year: _Optional[int] = ..., holidays: _Optional[_Iterable[_Union[NamedDay, _Mapping]]] = ..., workdays: _Optional[_Iterable[_Union[NamedDay, _Mapping]]] = ..., source: _Optional[str] = ..., loaded_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListYearsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class LoadedYear(_message.Message):
    __slots__ = ("year", "holidays", "workdays", "source", "loaded_by", "loaded_at")
    YEAR_FIELD_NUMBER: _ClassVar[int]
    HOLIDAYS_FIELD_NUMBER: _ClassVar[int]
    WORKDAYS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    LOADED_BY_FIELD_NUMBER: _ClassVar[int]
    LOADED_AT_FIELD_NUMBER: _ClassVar[int]
    year: int
    holidays: int
    workdays: int
    source: str
    loaded_by: str
    loaded_at: _timestamp_pb2.Timestamp
    def __init__(self, year: _Optional[int] = ..., holidays: _Optional[int] = ..., workdays: _Optional[int] = ..., source: _Optional[str] = ..., loaded_by: _Optional[str] = ..., loaded_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListYearsResponse(_message.Message):
    __slots__ = ("years", "official")
    YEARS_FIELD_NUMBER: _ClassVar[int]
    OFFICIAL_FIELD_NUMBER: _ClassVar[int]
    years: _containers.RepeatedCompositeFieldContainer[LoadedYear]
    official: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, years: _Optional[_Iterable[_Union[LoadedYear, _Mapping]]] = ..., official: _Optional[_Iterable[int]] = ...) -> None: ...

class RebuildRequest(_message.Message):
    __slots__ = ("case_id",)
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    def __init__(self, case_id: _Optional[str] = ...) -> None: ...

class RebuildResponse(_message.Message):
    __slots__ = ("clocks", "changed")
    CLOCKS_FIELD_NUMBER: _ClassVar[int]
    CHANGED_FIELD_NUMBER: _ClassVar[int]
    clocks: _containers.RepeatedCompositeFieldContainer[Clock]
    changed: bool
    def __init__(self, clocks: _Optional[_Iterable[_Union[Clock, _Mapping]]] = ..., changed: _Optional[bool] = ...) -> None: ...

class ExtendRequest(_message.Message):
    __slots__ = ("case_id", "clock", "reason")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    CLOCK_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    clock: str
    reason: str
    def __init__(self, case_id: _Optional[str] = ..., clock: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class GetLedgerRequest(_message.Message):
    __slots__ = ("from_date", "to_date", "department")
    FROM_DATE_FIELD_NUMBER: _ClassVar[int]
    TO_DATE_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    from_date: str
    to_date: str
    department: str
    def __init__(self, from_date: _Optional[str] = ..., to_date: _Optional[str] = ..., department: _Optional[str] = ...) -> None: ...

class LedgerEntry(_message.Message):
    __slots__ = ("case_id", "case_number", "clock", "department", "severity", "amount_fen", "due_at", "breached_at", "rule")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    CLOCK_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    DUE_AT_FIELD_NUMBER: _ClassVar[int]
    BREACHED_AT_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    case_number: str
    clock: str
    department: str
    severity: str
    amount_fen: int
    due_at: _timestamp_pb2.Timestamp
    breached_at: _timestamp_pb2.Timestamp
    rule: str
    def __init__(self, case_id: _Optional[str] = ..., case_number: _Optional[str] = ..., clock: _Optional[str] = ..., department: _Optional[str] = ..., severity: _Optional[str] = ..., amount_fen: _Optional[int] = ..., due_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., breached_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., rule: _Optional[str] = ...) -> None: ...

class DepartmentTotal(_message.Message):
    __slots__ = ("department", "breaches", "amount_fen")
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    BREACHES_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    department: str
    breaches: int
    amount_fen: int
    def __init__(self, department: _Optional[str] = ..., breaches: _Optional[int] = ..., amount_fen: _Optional[int] = ...) -> None: ...

class GetLedgerResponse(_message.Message):
    __slots__ = ("entries", "totals", "cite")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    TOTALS_FIELD_NUMBER: _ClassVar[int]
    CITE_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[LedgerEntry]
    totals: _containers.RepeatedCompositeFieldContainer[DepartmentTotal]
    cite: str
    def __init__(self, entries: _Optional[_Iterable[_Union[LedgerEntry, _Mapping]]] = ..., totals: _Optional[_Iterable[_Union[DepartmentTotal, _Mapping]]] = ..., cite: _Optional[str] = ...) -> None: ...

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
    __slots__ = ("name", "rule", "unit", "amount", "started_at", "counted_from", "due_at", "stored_due_at", "convention", "counted", "weekends_skipped", "holidays_skipped", "makeup_days_counted", "paused", "warnings", "state", "moved_from", "moved_over", "moved_why")
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
    MOVED_FROM_FIELD_NUMBER: _ClassVar[int]
    MOVED_OVER_FIELD_NUMBER: _ClassVar[int]
    MOVED_WHY_FIELD_NUMBER: _ClassVar[int]
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
    moved_from: _timestamp_pb2.Timestamp
    moved_over: _containers.RepeatedCompositeFieldContainer[NamedDay]
    moved_why: str
    def __init__(self, name: _Optional[str] = ..., rule: _Optional[str] = ..., unit: _Optional[str] = ..., amount: _Optional[int] = ..., started_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., counted_from: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., due_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., stored_due_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., convention: _Optional[str] = ..., counted: _Optional[_Iterable[str]] = ..., weekends_skipped: _Optional[_Iterable[str]] = ..., holidays_skipped: _Optional[_Iterable[_Union[NamedDay, _Mapping]]] = ..., makeup_days_counted: _Optional[_Iterable[_Union[NamedDay, _Mapping]]] = ..., paused: _Optional[_Iterable[_Union[PausedInterval, _Mapping]]] = ..., warnings: _Optional[_Iterable[str]] = ..., state: _Optional[str] = ..., moved_from: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., moved_over: _Optional[_Iterable[_Union[NamedDay, _Mapping]]] = ..., moved_why: _Optional[str] = ...) -> None: ...

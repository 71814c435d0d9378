"""JSON log lines: one object each, with the trace id of the span they were written in, and
personal data masked even when an exception's text carries it."""

from __future__ import annotations

import json
import logging

from casebridge_platform import logs, telemetry


def line(record_of: logging.LogRecord) -> dict[str, str]:
    return dict(json.loads(logs.JsonFormatter("intake").format(record_of)))


def record(message: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    return logging.LogRecord("casebridge.test", logging.WARNING, __file__, 1, message, args,
                             (type(exc), exc, exc.__traceback__) if exc else None)


def test_a_line_carries_the_trace_and_span_it_was_written_in(spans: object) -> None:
    with telemetry.tracer().start_as_current_span("work") as span:
        entry = line(record("claimed %d deliveries", 3))
    context = span.get_span_context()
    assert entry["trace_id"] == format(context.trace_id, "032x")
    assert entry["span_id"] == format(context.span_id, "016x")
    assert entry["message"] == "claimed 3 deliveries"
    assert (entry["service"], entry["level"]) == ("intake", "WARNING")
    assert "trace_id" not in line(record("outside any span"))


def test_phone_numbers_mail_addresses_and_id_numbers_are_masked() -> None:
    try:
        raise ValueError("duplicate key: (phone)=(13800000000), 张三 <zs@example.cn>")
    except ValueError as error:
        entry = line(record("insert failed for %s", "11010519491231002X", exc=error))
    text = json.dumps(entry, ensure_ascii=False)
    for personal in ("13800000000", "zs@example.cn", "11010519491231002X"):
        assert personal not in text
    assert "[phone]" in entry["exception"] and "[email]" in entry["exception"]
    assert entry["message"] == "insert failed for [id-number]"


def test_case_numbers_and_ids_are_left_alone() -> None:
    kept = "case HOSP-2026-000001 (0c1f6a2e-9d4b-4b7e-8a51-2f1e3c4d5e6f) seq 1234567"
    assert logs.redact(kept) == kept

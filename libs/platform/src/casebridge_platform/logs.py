"""Logging of every process: text for a terminal, or one JSON object a line with the trace id.

The code never logs personal data on purpose; the JSON formatter also masks what looks like a
mainland mobile number, an e-mail address or a resident ID number in the message and the
traceback, in case an exception's text carries one (a driver error quoting a row, say).
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

from opentelemetry import trace

PERSONAL = (
    (re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)"), "[id-number]"),
    (re.compile(r"(?<!\d)(?:\+?86)?1[3-9]\d{9}(?!\d)"), "[phone]"),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
)


def redact(text: str) -> str:
    for pattern, mask in PERSONAL:
        text = pattern.sub(mask, text)
    return text


class JsonFormatter(logging.Formatter):
    """{"ts", "level", "service", "logger", "message", "trace_id", "span_id", "exception"}."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self._service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, str] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "service": self._service,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        span = trace.get_current_span().get_span_context()
        if span.is_valid:
            entry["trace_id"] = format(span.trace_id, "032x")
            entry["span_id"] = format(span.span_id, "016x")
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def setup(service: str, level: str, fmt: str = "text") -> None:
    """Configure the root logger once, for the process (uvicorn's loggers propagate to it)."""
    handler = logging.StreamHandler()
    if fmt == "json":
        handler.setFormatter(JsonFormatter(service))
    else:
        handler.setFormatter(logging.Formatter(
            f"%(asctime)s {service} %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)

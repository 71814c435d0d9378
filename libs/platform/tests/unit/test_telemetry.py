"""Spans are recorded only where they are exported; trace context flows either way."""

from __future__ import annotations

from casebridge_platform import telemetry
from opentelemetry import propagate, trace


def test_without_an_exporter_spans_are_not_recorded_but_the_trace_id_carries_on() -> None:
    quiet = telemetry.make_provider("casebridge-test", exporting=False).get_tracer("t")
    with quiet.start_as_current_span("first") as first:
        assert not first.is_recording()
        carrier: dict[str, str] = {}
        propagate.inject(carrier)            # what the next process receives
    assert first.get_span_context().is_valid   # logs still get a trace id
    with quiet.start_as_current_span("next", context=propagate.extract(carrier)) as child:
        assert child.get_span_context().trace_id == first.get_span_context().trace_id


def test_an_exporting_provider_records_its_spans() -> None:
    loud = telemetry.make_provider("casebridge-test", exporting=True).get_tracer("t")
    with loud.start_as_current_span("served") as span:
        assert span.is_recording()
        assert trace.get_current_span() is span


def test_span_ids_leave_the_random_module_alone() -> None:
    """Whoever seeds the random module (a test, hypothesis) gets its sequence, spans or not."""
    import random

    tracer = telemetry.make_provider("casebridge-test", exporting=True).get_tracer("t")
    random.seed(15)
    expected = random.Random(15).random()
    ids = set()
    for _ in range(50):
        with tracer.start_as_current_span("request") as span:
            context = span.get_span_context()
            assert context.is_valid
            ids.add((context.trace_id, context.span_id))
    assert random.random() == expected and len(ids) == 50

"""OpenTelemetry: one tracer provider per process, context carried in dict carriers."""

from __future__ import annotations

import functools
import logging
import random
from collections.abc import Mapping

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    SimpleSpanProcessor,
    SpanExporter,
)
from opentelemetry.sdk.trace.id_generator import RandomIdGenerator
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF
from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)


def setup_tracing(
    service_name: str, otlp_endpoint: str | None = None, exporter: SpanExporter | None = None
) -> TracerProvider:
    """Install the process's tracer provider; export to OTLP when an endpoint is configured."""
    provider = make_provider(service_name, exporting=exporter is not None or bool(otlp_endpoint))
    if exporter is not None:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=otlp_endpoint)))
        instrument_http_clients()
    trace.set_tracer_provider(provider)
    return provider


def make_provider(service_name: str, *, exporting: bool) -> TracerProvider:
    """With nowhere to export, spans are not recorded (the ALWAYS_OFF sampler): trace context
    is still made and propagated, so logs keep their trace ids, but no process pays for spans
    nobody will read (about a fifth of a consumer's CPU, issue 15). When exporting, the SDK's
    sampler applies (OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG; every trace by default)."""
    resource = Resource.create({"service.name": service_name})
    ids = OwnRandomIds()
    return TracerProvider(resource=resource, id_generator=ids) if exporting else \
        TracerProvider(resource=resource, sampler=ALWAYS_OFF, id_generator=ids)


class OwnRandomIds(RandomIdGenerator):
    """Random span and trace ids from a generator of their own: the SDK's default draws from
    the random module's shared one, which is for whoever seeds it (hypothesis warned that its
    draws were disturbed by a request's spans)."""

    def __init__(self) -> None:
        self._random = random.Random()  # noqa: S311 (ids, not secrets)

    def generate_span_id(self) -> int:
        span_id = self._random.getrandbits(64)
        while span_id == trace.INVALID_SPAN_ID:
            span_id = self._random.getrandbits(64)
        return span_id

    def generate_trace_id(self) -> int:
        trace_id = self._random.getrandbits(128)
        while trace_id == trace.INVALID_TRACE_ID:
            trace_id = self._random.getrandbits(128)
        return trace_id


def instrument_http_clients() -> None:
    """Spans for outgoing HTTP (webhooks, SMS, federation, OIDC), with the trace context in
    their headers; only where traces are exported, so tests and benchmarks pay nothing."""
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    HTTPXClientInstrumentor().instrument()


def instrument_engine(engine: AsyncEngine) -> None:
    """A span for each SQL statement (its text, never its parameters), under the current one."""
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    # its declared range stops below SQLAlchemy 2.1, whose engine events it uses unchanged
    SQLAlchemyInstrumentor().instrument(engine=engine.sync_engine, enable_commenter=False,
                                        skip_dep_check=True)


@functools.cache
def tracer() -> trace.Tracer:
    """The process's tracer, made once (a proxy until setup_tracing installs the provider,
    which can be installed only once)."""
    return trace.get_tracer("casebridge")


def inject() -> dict[str, str]:
    """The current trace context as a carrier (traceparent, tracestate)."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


def extract(carrier: Mapping[str, str] | None) -> Context:
    return propagate.extract(dict(carrier or {}))


def shutdown() -> None:
    provider = trace.get_tracer_provider()
    if isinstance(provider, TracerProvider):
        provider.shutdown()

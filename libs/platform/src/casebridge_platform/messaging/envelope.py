"""The event envelope and the subject an event travels on."""

from __future__ import annotations

import builtins
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from casebridge.common.v1 import common_pb2
from google.protobuf import message as pb_message
from google.protobuf.timestamp_pb2 import Timestamp

from casebridge_platform import telemetry

M = TypeVar("M", bound=pb_message.Message)


class PoisonMessage(Exception):
    """A message no retry can make processable; it goes to the dead-letter subject."""


def subject(prefix: str, event_type: str, tenant_id: str) -> str:
    """cb.<area>.<event>.<tenant>"""
    return f"{prefix}.{event_type}.{tenant_id}"


def timestamp(at: datetime) -> Timestamp:
    ts = Timestamp()
    ts.FromDatetime(at)
    return ts


def make(event_type: str, tenant_id: str, payload: pb_message.Message, *,
         correlation_id: str = "", causation_id: str = "") -> common_pb2.EventEnvelope:
    """A new envelope with a fresh id, the current trace context and the payload."""
    return common_pb2.EventEnvelope(
        event_id=str(uuid.uuid4()),
        type=event_type,
        tenant_id=tenant_id,
        occurred_at=timestamp(datetime.now(UTC)),
        correlation_id=correlation_id,
        causation_id=causation_id,
        trace_context=telemetry.inject(),
        payload_type=payload.DESCRIPTOR.full_name,
        payload=payload.SerializeToString(),
    )


@dataclass(frozen=True)
class Event:
    """A received envelope, with typed access to its payload."""

    envelope: common_pb2.EventEnvelope

    @property
    def id(self) -> str:
        return self.envelope.event_id

    @property
    def type(self) -> str:
        return self.envelope.type

    @property
    def tenant_id(self) -> str:
        return self.envelope.tenant_id

    @property
    def occurred_at(self) -> datetime:
        return self.envelope.occurred_at.ToDatetime(tzinfo=UTC)

    def payload(self, cls: builtins.type[M]) -> M:  # `type` here is the property above
        if self.envelope.payload_type != cls.DESCRIPTOR.full_name:
            raise PoisonMessage(
                f"payload is {self.envelope.payload_type!r}, expected {cls.DESCRIPTOR.full_name}")
        try:
            return cls.FromString(self.envelope.payload)
        except pb_message.DecodeError as exc:
            raise PoisonMessage(f"payload does not decode as {cls.DESCRIPTOR.full_name}") from exc

    @classmethod
    def decode(cls, data: bytes) -> Event:
        try:
            envelope = common_pb2.EventEnvelope.FromString(data)
        except pb_message.DecodeError as exc:
            raise PoisonMessage("message is not an EventEnvelope") from exc
        if not envelope.event_id or not envelope.type or not envelope.tenant_id:
            raise PoisonMessage("envelope lacks event_id, type or tenant_id")
        return cls(envelope)

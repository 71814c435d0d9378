"""The event envelope: what counts as poison."""

from __future__ import annotations

import pytest
from casebridge.common.v1 import common_pb2
from casebridge_platform.messaging import envelope
from casebridge_platform.messaging.consumer import backoff_s
from casebridge_platform.messaging.envelope import Event, PoisonMessage


def test_an_envelope_round_trips_with_its_payload() -> None:
    env = envelope.make("intake.received", "demo-hospital", common_pb2.Party(name="张三"),
                        correlation_id="c1")
    event = Event.decode(env.SerializeToString())
    assert (event.type, event.tenant_id, event.envelope.correlation_id) == \
        ("intake.received", "demo-hospital", "c1")
    assert event.payload(common_pb2.Party).name == "张三"
    assert envelope.subject("cb", event.type, event.tenant_id) == "cb.intake.received.demo-hospital"


def test_undecodable_or_incomplete_envelopes_are_poison() -> None:
    with pytest.raises(PoisonMessage):
        Event.decode(b"\xff\xff")
    with pytest.raises(PoisonMessage, match="lacks"):
        Event.decode(common_pb2.EventEnvelope(type="x").SerializeToString())


def test_a_payload_of_another_type_is_poison() -> None:
    env = envelope.make("x.y", "t", common_pb2.Party(name="a"))
    with pytest.raises(PoisonMessage, match="expected casebridge.common.v1.Money"):
        Event(env).payload(common_pb2.Money)


def test_backoff_grows_and_is_capped() -> None:
    delays = [backoff_s(n) for n in range(1, 10)]
    assert delays == sorted(delays) and delays[0] == 0.5 and delays[-1] == 30.0

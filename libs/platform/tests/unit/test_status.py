"""A domain error's status fits in gRPC's trailing metadata whatever it echoes (clients refuse
more than 8 KiB and the caller would see RESOURCE_EXHAUSTED instead of the refusal)."""

from __future__ import annotations

import base64
import urllib.parse

from casebridge_platform.errors import InvalidArgument
from casebridge_platform.grpcserver import status_of
from google.rpc import error_details_pb2
from grpc_status import rpc_status


def metadata_bytes(error: InvalidArgument) -> int:
    status = rpc_status.to_status(status_of(error))
    details = dict(status.trailing_metadata)["grpc-status-details-bin"]
    return len(base64.b64encode(details)) + len(urllib.parse.quote(status.details))


def test_a_refusal_naming_hundreds_of_fields_still_fits() -> None:
    fields = {f"clocks.{n}.名称很长的时限规则{n}": "未知的时限：" + "长" * 400
              for n in range(300)}
    error = InvalidArgument("the policy change is refused: " + "；".join(fields), fields)
    assert metadata_bytes(error) < 6_000
    status = status_of(error)
    bad = error_details_pb2.BadRequest()
    assert status.details[0].Unpack(bad)
    assert bad.field_violations[0].field == "clocks.0.名称很长的时限规则0"   # the first kept
    assert bad.field_violations[-1].field == "…"
    kept = len(bad.field_violations) - 1
    assert bad.field_violations[-1].description == f"and {300 - kept} more"
    assert status.message.endswith("…") and len(status.message) == 300


def test_a_small_refusal_is_untouched() -> None:
    error = InvalidArgument("year out of range", {"year": "a year between 2000 and 2100"})
    status = status_of(error)
    bad = error_details_pb2.BadRequest()
    assert status.details[0].Unpack(bad) and status.message == "year out of range"
    assert [(v.field, v.description) for v in bad.field_violations] == \
        [("year", "a year between 2000 and 2100")]

"""Money in requests: an amount in fen, CNY and not negative, or none given."""

from __future__ import annotations

from casebridge.common.v1 import common_pb2
from casebridge_platform.errors import InvalidArgument


def fen_of(money: common_pb2.Money, name: str) -> int | None:
    """The amount in fen; None when the field was not set; InvalidArgument naming `name`."""
    if not money.ByteSize():
        return None
    if money.currency not in ("", "CNY") or money.amount_fen < 0:
        raise InvalidArgument("the amount must be a non-negative CNY amount",
                              {name: "must be CNY and not negative"})
    return int(money.amount_fen)

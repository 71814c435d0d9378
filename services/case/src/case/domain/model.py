"""The case and its timeline; the lifecycle transitions the skeleton knows so far."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    REGISTERED = "registered"   # 已登记: taken in, not yet routed
    ASSIGNED = "assigned"       # 已分派: a department (and handler) is responsible


class Entry(StrEnum):
    """Timeline entry types."""

    RECEIVED = "received"
    ASSIGNED = "assigned"
    DEADLINE_SET = "deadline_set"
    ACKNOWLEDGED = "acknowledged"


def received_summary(channel: str, kind: str, case_number: str) -> str:
    what = "举报" if kind == "report" else "投诉"
    return f"{what} {case_number} received via {channel}"


def assigned_summary(category: str, department: str, handler_id: str, reason: str) -> str:
    who = f", handler {handler_id}" if handler_id else ""
    return f"assigned to {department}{who} (category {category or 'unclassified'}; {reason})"

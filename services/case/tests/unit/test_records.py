"""A case survives the trip to its row and back; the row keeps the JSON layout it had."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from types import MappingProxyType

from case.adapters import records
from case.domain.case import Case, Clock, Contact, Duplicate, Inbound, Outbound
from case.domain.model import Status

AT = datetime(2026, 12, 2, 8, 30, tzinfo=UTC)


def full() -> Case:
    return Case(
        "c1", "hospital-a", "H-1", Status.ON_HOLD, tenant_kind="hospital", channel="phone",
        received_at=AT, updated_at=AT, due_at=AT, held_from="investigating", facts="f",
        details=MappingProxyType({"ward": "3"}), circumstances=("death",),
        contact=Contact("单位", "本人", "地址", "a@b.cn"),
        possible_duplicates=(Duplicate("c0", "H-0", 0.91, ("same phone",)),),
        claimed_amount_fen=3_000_000, sealed_identity="blob", matched_keywords=("收费",),
        last_follow_up_satisfied=False, hold_reason="material",
        transfer_in=Inbound("t1", "people_mediation", "hospital-b", "B-9", "人民调解",
                            "wait", ""),
        transfer_out=Outbound("t2", "court", "某某县人民法院", external=True),
        clocks=MappingProxyType({"handling": Clock(AT, "rule", "paused")}))


def test_a_case_comes_back_from_its_row_as_it_went() -> None:
    case = full()
    assert records.case_of(records.row_of(case)) == case
    bare = Case("c2", "t", "N-2", Status.RECEIVED, received_at=AT, updated_at=AT)
    assert records.case_of(records.row_of(bare)) == bare


def test_the_json_column_keeps_the_keys_existing_rows_have() -> None:
    extra = records.row_of(full())["extra"]
    assert extra["complainant"]["relation"] == "本人"
    assert extra["transfer_in"]["from"] == "hospital-b"
    assert extra["clocks"]["handling"] == {"due_at": AT.isoformat(), "rule": "rule",
                                           "state": "paused"}
    assert "status" not in extra and "extra" not in extra


def test_only_what_changed_is_written() -> None:
    case = full()
    assert records.changes(case, case) == {}
    assert records.changes(case, replace(case, status=Status.ASSIGNED, held_from="")) == {
        "status": "assigned", "held_from": ""}
    changed = records.changes(case, replace(case, hold_reason=""))
    assert list(changed) == ["extra"] and changed["extra"]["hold_reason"] == ""

"""Who may settle, close and reopen a case: the pure rules, without a database."""

from __future__ import annotations

from dataclasses import replace

import pytest
from case.domain import settlement
from case.domain.case import Case
from case.domain.model import Actor, Status

LIMIT = 3_000_000          # 30,000 元 in fen, a public hospital's rule
HANDLER = Actor("h1", frozenset({"handler"}), "医务处")
LEADER = Actor("lead", frozenset({"leader"}))


def case(status: Status = Status.ASSIGNED, **kw: object) -> Case:
    return replace(Case("c1", "hospital-a", "H-1", status, handler_id="h1",
                        department="医务处"), **kw)


@pytest.mark.parametrize(("claimed", "offered", "barred"), [
    (None, 0, False), (2_999_999, 0, False), (3_000_000, 0, True),   # 以上 includes 30,000
    (None, 3_000_000, True), (1_000_000, 2_999_999, False), (5_000_000, 100, True)])
def test_a_public_hospital_settles_by_itself_only_claims_under_30000_yuan(
        claimed: int | None, offered: int, barred: bool) -> None:
    why = settlement.negotiation_barred(case(claimed_amount_fen=claimed), LIMIT, offered)
    assert (why is not None) == barred
    if barred:
        assert "legal path" in why and "30,000 元" in why


def test_a_tenant_without_the_rule_settles_any_claim() -> None:
    assert settlement.negotiation_barred(case(claimed_amount_fen=10**9), 0, 10**9) is None


@pytest.mark.parametrize(("status", "kw", "settled"), [
    (Status.FOLLOW_UP, {"last_follow_up_satisfied": True}, True),
    (Status.FOLLOW_UP, {"last_follow_up_satisfied": False}, False),
    (Status.FOLLOW_UP, {}, False),
    (Status.ANSWERED, {}, False),                       # a named complainant is followed up
    (Status.ANSWERED, {"anonymous": True}, True),       # nobody to follow up
    (Status.ANSWERED, {"kind": "report"}, True),
    (Status.INVESTIGATING, {"anonymous": True}, False)])
def test_a_case_is_settled_after_an_answer_and_a_satisfied_follow_up(
        status: Status, kw: dict[str, object], settled: bool) -> None:
    assert settlement.settled(case(status, **kw)) is settled


def test_closing_on_the_institutions_own_result_needs_a_settled_case_it_may_settle() -> None:
    unsettled = case(Status.INVESTIGATING)
    assert "satisfied follow-up" in settlement.closing_barred(unsettled, "resolved", LIMIT)
    for legal in ("mediated", "transferred", "judged"):       # a legal path's result
        assert settlement.closing_barred(unsettled, legal, LIMIT) is None
    big = case(Status.FOLLOW_UP, last_follow_up_satisfied=True, claimed_amount_fen=LIMIT)
    assert "may not settle it" in settlement.closing_barred(big, "resolved", LIMIT)
    assert settlement.closing_barred(replace(big, claimed_amount_fen=100), "unfounded",
                                     LIMIT) is None


@pytest.mark.parametrize("disposition", ["merged", "withdrawn", "transferred", "judged"])
def test_a_case_closed_by_merger_withdrawal_transfer_or_judgement_is_not_reopened(
        disposition: str) -> None:
    closed = case(Status.CLOSED, disposition=disposition)
    assert "register the complaint anew" in settlement.reopening_barred(closed, LEADER, 2)


def test_past_the_tenants_rounds_only_a_leader_reopens() -> None:
    closed = case(Status.CLOSED, disposition="resolved", round=2)
    assert "only a leader" in settlement.reopening_barred(closed, HANDLER, 2)
    assert settlement.reopening_barred(closed, LEADER, 2) is None
    assert settlement.reopening_barred(replace(closed, round=1), HANDLER, 2) is None


def test_an_unsatisfied_follow_up_in_the_last_round_escalates() -> None:
    assert settlement.escalates(case(round=2), satisfied=False, max_rounds=2)
    assert not settlement.escalates(case(round=1), satisfied=False, max_rounds=2)
    assert not settlement.escalates(case(round=3), satisfied=True, max_rounds=2)
